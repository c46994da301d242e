#!/usr/bin/env bash
# cim's own benchmark: every stage of `cim bench` on generated cities, one process per size (so each peak
# memory is that size's), import throughput of building footprints, and the stages on real data (Porto).
# Prints a markdown report; with --record it is also added to Benchmarks/RESULTS.md (newest first).
#   Benchmarks/run.sh [--record] [SIZES...]      (default sizes: 10k 100k 1m)
set -euo pipefail
cd "$(dirname "$0")/.."
record=0
if [ "${1:-}" = "--record" ]; then record=1; shift; fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10k 100k 1m)
Scripts/setup.sh
swift build -c release --product cim >/dev/null
cim=.build/release/cim
work=${CIM_BENCH_WORK:-$(mktemp -d /tmp/cim-bench-XXXXXX)}
mkdir -p "$work"
report="$work/report.md"
{
  echo "### cim bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name: *//p' | head -1)), $(free -g | awk '/Mem:/{print $2}') GiB; load average at start $(cut -d' ' -f1-3 /proc/loadavg). Commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)'); release build; GEOS $(pkg-config --modversion geos), GDAL $(pkg-config --modversion gdal), PROJ $(pkg-config --modversion proj)."
  echo "Generated cities (\`cim generate\`, seed 1); one process per size; peak = the process's maximum RSS after the stage."
  echo
} > "$report"
for size in "${sizes[@]}"; do
  echo "== $size" >&2
  "$cim" bench --buildings "$size" --work "$work" --keep --format csv > "$work/bench-$size.csv"
  n=$(python3 -c "s='$size'.lower(); print(int(float(s[:-1])*(1000 if s.endswith('k') else 1000000)) if s[-1] in 'km' else int(s))")
  # Import throughput: the generated buildings layer imported into a new store (read, GEOS validity, write).
  rm -f "$work/import-$size.gpkg"
  /usr/bin/time -f "%e %M" -o "$work/import-$size.time" "$cim" import "$work/import-$size.gpkg" buildings "$work/bench-$n-seed1.gpkg" --source-layer buildings --format csv > "$work/import-$size.csv"
  python3 - "$size" "$work" >> "$report" <<'PY'
import csv, sys, io
size, work = sys.argv[1], sys.argv[2]
def table(path):
    """the first table of a cim --format csv summary (after its '# title' line)"""
    return open(path).read().split("\n\n")[0].split("\n", 1)[1]
text = table(f"{work}/bench-{size}.csv")
rows = list(csv.DictReader(io.StringIO(text)))
print(f"**{size} buildings**\n")
print("| stage | seconds | items | items/s | peak RSS (MB) |\n|---|---:|---:|---:|---:|")
for r in rows:
    print(f"| {r['stage']} | {float(r['seconds']):.3f} | {r['items']} | {float(r['items_per_s']):,.0f} | {r['peak_rss_mb']} |")
imp = list(csv.DictReader(io.StringIO(table(f"{work}/import-{size}.csv"))))[0]
wall, peak = open(f"{work}/import-{size}.time").read().split()
print(f"| import buildings (GeoPackage → new store: read, GEOS validity, write) | {float(imp['seconds']):.3f} | {imp['imported']} | {float(imp['features/s']):,.0f} | {int(peak)//1024} |")
print()
PY
done
echo "== Porto (real data)" >&2
rm -f "$work/porto.gpkg"
"$cim" import "$work/porto.gpkg" all Data/porto.osm.pbf --format csv > "$work/porto-import.csv"
"$cim" bench --store "$work/porto.gpkg" --stages load,coverage,write,network --format csv > "$work/bench-porto.csv"
python3 - "$work" >> "$report" <<'PY'
import csv, sys, io
work = sys.argv[1]
def table(path):
    return open(path).read().split("\n\n")[0].split("\n", 1)[1]
rows = list(csv.DictReader(io.StringIO(table(f"{work}/bench-porto.csv"))))
imports = list(csv.DictReader(io.StringIO(table(f"{work}/porto-import.csv"))))
print("**Porto, OpenStreetMap (real data, Data/porto.osm.pbf)**\n")
print("| stage | seconds | items | items/s | peak RSS (MB) |\n|---|---:|---:|---:|---:|")
for r in imports:
    print(f"| import {r['layer']} (OSM preset) | {float(r['seconds']):.3f} | {r['imported']} | {float(r['features/s']):,.0f} | |")
for r in rows:
    print(f"| {r['stage']} | {float(r['seconds']):.3f} | {r['items']} | {float(r['items_per_s']):,.0f} | {r['peak_rss_mb']} |")
print()
PY
cat "$report"
if [ "$record" = 1 ]; then
  # Newest first: right under the "## cim's own stages" heading (the section is added when missing).
  python3 - "$report" Benchmarks/RESULTS.md <<'PY'
import sys
report, path = open(sys.argv[1], encoding="utf-8").read().strip() + "\n", sys.argv[2]
text = open(path, encoding="utf-8").read()
heading = "## cim's own stages"
if heading not in text:
    text = text.rstrip("\n") + "\n\n" + heading + "\n\n"
at = text.index(heading) + len(heading)
rest = text[at:].lstrip("\n")
text = text[:at] + "\n\n" + report + "\n" + rest
open(path + ".tmp", "w", encoding="utf-8").write(text)
import os; os.replace(path + ".tmp", path)
PY
  echo "added to Benchmarks/RESULTS.md" >&2
fi
[ -n "${CIM_BENCH_WORK:-}" ] || rm -rf "$work"
