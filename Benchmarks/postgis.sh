#!/usr/bin/env bash
# The PostGIS store against GDAL's PostgreSQL driver, the same rows on the same server (Scripts/postgis.sh),
# RUNS rounds (default 3), the two sides alternating in each round; medians. Prints a markdown block for
# Benchmarks/RESULTS.md.
#
#   write: cim writing the coverage result of every building (coverage_buildings: footprints and every
#          result field) into PostGIS — the "write coverage_buildings" stage of `cim bench --store PG` (COPY
#          BINARY, primary key, GiST index, swap, commit, ANALYZE) — against
#          `ogr2ogr -f PostgreSQL --config PG_USE_COPY YES` of the same layer from a GeoPackage (with its GiST
#          index; the whole process, so it includes reading the GeoPackage, which is timed apart too);
#   read:  cim loading the buildings (footprints, id, floors, height, use) from PostGIS — the "load buildings"
#          stage of `cim bench` (COPY BINARY out, EWKB parsed into flat arrays) — against
#          `ogr2ogr -f Memory` of the same four fields through GDAL's PG driver (features into memory).
#
#   Benchmarks/postgis.sh STORE.gpkg [RUNS]
#   e.g. cim generate --buildings 1000000 --seed 1 /tmp/big.gpkg && Benchmarks/postgis.sh /tmp/big.gpkg
set -euo pipefail
cd "$(dirname "$0")/.."
store=$1
runs=${2:-3}
# CIM=path/to/cim uses that release binary instead of building one.
if [ -z "${CIM:-}" ]; then
  swift build -c release --product cim >/dev/null
  cim=.build/release/cim
else
  cim=$CIM
fi
Scripts/postgis.sh start >/dev/null
url=$(Scripts/postgis.sh url)
port=${CIM_PG_PORT:-55432}
pg="PG:host=127.0.0.1 port=$port user=postgres dbname=cim"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== setup: the city into the schema bench_cim; coverage_buildings into the GeoPackage" >&2
psql -q "$url" -c "DROP SCHEMA IF EXISTS bench_cim CASCADE" -c "DROP SCHEMA IF EXISTS bench_ogr CASCADE" -c "CREATE SCHEMA bench_ogr" 2>/dev/null
for layer in buildings facilities areas; do
  "$cim" import "$url?schema=bench_cim" "$layer" "$store" --source-layer "$layer" >/dev/null
done
"$cim" bench --store "$store" --stages load,coverage,write --format json >/dev/null

timed() {  # name, command...: appends "name seconds" to $work/times
  local name=$1; shift
  /usr/bin/time -f "$name %e" -a -o "$work/times" "$@" >/dev/null 2>"$work/$name.err" || { cat "$work/$name.err" >&2; exit 1; }
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$runs"); do
  echo "== round $r" >&2
  "$cim" bench --store "$url?schema=bench_cim" --stages load,coverage,write --format json >"$work/bench-$r.json"
  # -overwrite does not see the layer in the schema of -lco SCHEMA: drop it first (not timed).
  psql -q "$url" -c "DROP TABLE IF EXISTS bench_ogr.coverage_buildings"
  timed ogr2ogr_write ogr2ogr -f PostgreSQL "$pg" "$store" coverage_buildings -nln coverage_buildings \
    -lco SCHEMA=bench_ogr -lco GEOMETRY_NAME=geom -lco FID=fid -lco SPATIAL_INDEX=GIST --config PG_USE_COPY YES
  timed gpkg_read ogr2ogr -f Memory mem "$store" coverage_buildings
  timed ogr2ogr_read ogr2ogr -f Memory mem "$pg schemas=bench_cim" buildings -select id,floors,height,use
done
rows=$(psql -tA "$url" -c "SELECT (SELECT count(*) FROM bench_cim.buildings) || ' buildings, ' || (SELECT count(*) FROM bench_cim.coverage_buildings) || ' coverage_buildings rows (residential); GDAL wrote ' || (SELECT count(*) FROM bench_ogr.coverage_buildings)")
python3 - "$work" "$runs" "$load" "$store" "$rows" "$(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')" <<'PY'
import json, statistics, subprocess, sys
work, runs, load, store, rows, commit = sys.argv[1:]
runs = int(runs)
t = {}
for line in open(f"{work}/times"):
    name, sec = line.split()
    t.setdefault(name, []).append(float(sec))
for r in range(1, runs + 1):
    stages = {s["stage"]: s["seconds"] for s in json.load(open(f"{work}/bench-{r}.json"))["stages"]}
    t.setdefault("cim_write", []).append(stages["write coverage_buildings"])
    t.setdefault("cim_read", []).append(stages["load buildings"])
med = {k: statistics.median(v) for k, v in t.items()}
date = subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M UTC"], capture_output=True, text=True).stdout.strip()
print(f"### PostGIS store against GDAL's PG driver, {date}")
print()
print(f"Machine: 2 cores, load average at start {load}. Commit {commit}; release build; PostgreSQL 15 + PostGIS 3.3 of Scripts/postgis.sh "
      f"on the same machine. City {store} ({rows}); {runs} rounds, cim and GDAL alternating; medians.")
print()
print("| what | median s | runs (s) |")
print("|---|---:|---|")
names = [("cim_write", "cim: write coverage_buildings to PostGIS (COPY BINARY, key, GiST, swap, commit, ANALYZE)"),
         ("ogr2ogr_write", "ogr2ogr -f PostgreSQL, PG_USE_COPY=YES, GiST (whole process: reads the GeoPackage too)"),
         ("gpkg_read", "of which: ogr2ogr -f Memory reading the same layer from the GeoPackage"),
         ("cim_read", "cim: load buildings (id, floors, height, use) from PostGIS"),
         ("ogr2ogr_read", "ogr2ogr -f Memory of the same four fields through GDAL's PG driver")]
for k, label in names:
    print(f"| {label} | {med[k]:.2f} | {', '.join(f'{s:.2f}' for s in t[k])} |")
write_gdal = med["ogr2ogr_write"] - med["gpkg_read"]
print()
print(f"Write: cim {med['cim_write']:.2f} s against ogr2ogr {med['ogr2ogr_write']:.2f} s "
      f"({write_gdal:.2f} s without its GeoPackage read): {'met' if med['cim_write'] <= write_gdal else 'NOT met'} "
      f"(cim ÷ ogr2ogr without the read = {med['cim_write'] / write_gdal:.2f}).")
print(f"Read: cim {med['cim_read']:.2f} s against GDAL's PG driver {med['ogr2ogr_read']:.2f} s: "
      f"{'met' if med['cim_read'] <= med['ogr2ogr_read'] else 'NOT met'} (ratio {med['cim_read'] / med['ogr2ogr_read']:.2f}).")
PY
