#!/usr/bin/env bash
# Side-by-side comparison of cim with GeoPandas/Shapely 2, PostGIS, pandana and networkx on the same
# generated cities, in one run. On demand only (never in CI).
#
#   Benchmarks/compare/run_all.sh [SIZE...]        sizes like 10k 100k 1m or 25000 (default: 10k 100k 1m)
#
# Environment:
#   CIM=path/to/cim     the binary (default: .build-compare/release/cim, built with
#                       `swift build -c release --scratch-path .build-compare` when missing)
#   WORK=/tmp/cim-compare   stores, results and logs: WORK/SIZE/
#   LIMIT=1800          per-tool time limit in seconds ("did not finish in N s" in the table)
#   SEED=1              generator seed; REGENERATE=1 to regenerate an existing store
#   TOOLS="geopandas postgis pandana networkx pipes"   which Python tools to run
#   RESULTS=Benchmarks/RESULTS.md   where the table is appended (APPEND=0: print only)
#   PANDANA_CHECK_SAMPLE=N  check pandana on N random buildings (default: all up to 100k, 20000 above)
#
# Per size: `cim generate`, then `cim coverage`, `cim coverage --metric network` and `cim gaps` (each under
# /usr/bin/time -v, results written with --out beside the store), then each Python tool on the same store,
# each under `timeout $LIMIT`; then report.py prints the markdown table and appends it to RESULTS.md.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
WORK="${WORK:-/tmp/cim-compare}"
LIMIT="${LIMIT:-1800}"
SEED="${SEED:-1}"
TOOLS="${TOOLS:-geopandas postgis pandana networkx pipes}"
RESULTS="${RESULTS:-$repo/Benchmarks/RESULTS.md}"
APPEND="${APPEND:-1}"
sizes=("$@")
[[ ${#sizes[@]} -eq 0 ]] && sizes=(10k 100k 1m)

CIM="${CIM:-$repo/.build-compare/release/cim}"
if [[ ! -x "$CIM" ]]; then
    echo "building cim (release, scratch path .build-compare)…" >&2
    (cd "$repo" && swift build -c release --scratch-path .build-compare --product cim) >&2 || { echo "error: cannot build cim" >&2; exit 1; }
fi
CIM="$(cd "$(dirname "$CIM")" && pwd)/$(basename "$CIM")"
[[ -x /usr/bin/time ]] || { apt-get install -y -qq time >&2 || { echo "error: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }; }

# Python packages: in the virtual environment .build/python (Scripts/python-env.sh), from
# Benchmarks/compare/requirements.txt (pandana is optional: a tool that cannot import reports the failure).
source "$repo/Scripts/python-env.sh" "$repo/Benchmarks/compare/requirements.txt" \
    || echo "warning: pip could not install every package of Benchmarks/compare/requirements.txt; those tools will report the failure" >&2
if [[ " $TOOLS " == *" pandana "* ]] && ! python3 -c "import pandana" 2>/dev/null; then
    python3 -m pip install -q pandana >&2 || echo "warning: pip could not install pandana; that tool will report the failure" >&2
fi

count() {  # 10k → 10000, 1m → 1000000
    local s="${1,,}"
    case "$s" in
        *k) echo $(( ${s%k} * 1000 )) ;;
        *m) echo $(( ${s%m} * 1000000 )) ;;
        *) echo "$s" ;;
    esac
}

mkdir -p "$WORK"
machine="$WORK/machine.md"
{
    echo "Machine: $(nproc) cores ($(lscpu | grep 'Model name' | sed 's/Model name:[[:space:]]*//')), $(free -g | awk '/^Mem:/ {print $2}') GiB memory;" \
         "load average at start $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared: other jobs may run)."
    pyversions="$(python3 - <<'PY' 2>/dev/null
import geopandas, networkx, pyogrio, shapely
print(f"shapely {shapely.__version__} (GEOS {'.'.join(map(str, shapely.geos_version))}), geopandas {geopandas.__version__}, "
      f"pyogrio {pyogrio.__version__} (GDAL {'.'.join(map(str, pyogrio.__gdal_version__))}), networkx {networkx.__version__}", end="")
PY
)"
    echo "Versions: cim $("$CIM" --version 2>/dev/null | head -1) (GEOS $(pkg-config --modversion geos 2>/dev/null)), $pyversions," \
         "pandana $(python3 -c 'import pandana; print(pandana.__version__, end="")' 2>/dev/null || echo missing)," \
         "PostgreSQL 15 + PostGIS $(dpkg-query -W -f='${Version}' postgresql-15-postgis-3 2>/dev/null || echo '(installed on first use)')."
    echo "Source: commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null)$(git -C "$repo" status --porcelain -- Sources 2>/dev/null | grep -q . && echo ' with uncommitted changes in Sources/'); binary $CIM ($(date -r "$CIM" '+%Y-%m-%d %H:%M'))."
    echo "Time limit per tool: $LIMIT s."
} > "$machine"
cat "$machine" >&2

run_timed() {  # NAME DIR CMD... : /usr/bin/time -v → DIR/NAME.time, stdout → DIR/NAME.log, exit status → DIR/NAME.rc
    local name="$1" dir="$2"; shift 2
    echo "  $name…" >&2
    /usr/bin/time -v -o "$dir/$name.time" timeout --kill-after=30 "$LIMIT" "$@" > "$dir/$name.log" 2>&1
    local rc=$?
    echo "$rc" > "$dir/$name.rc"
    if [[ $rc -eq 124 || $rc -eq 137 ]]; then echo "    did not finish in $LIMIT s" >&2
    elif [[ $rc -ne 0 ]]; then echo "    exit $rc: $(grep -v '^\s*$' "$dir/$name.log" | tail -1)" >&2
    else grep -E "answers equal|= networkx on" "$dir/$name.log" | tail -1 | sed 's/^/    /' >&2; fi
    return 0
}

for size in "${sizes[@]}"; do
    n="$(count "$size")"
    dir="$WORK/$size"
    mkdir -p "$dir"
    store="$dir/city.gpkg"
    echo "== $size ($n buildings) in $dir" >&2
    if [[ ! -f "$store" || "${REGENERATE:-0}" == 1 ]]; then
        /usr/bin/time -v -o "$dir/generate.time" "$CIM" generate --buildings "$n" --seed "$SEED" --force --format json "$store" \
            > "$dir/generate.json" 2> "$dir/generate.err" || { echo "error: cim generate failed: $(tail -1 "$dir/generate.err")" >&2; continue; }
    fi
    for f in cov_euclid cov_network gaps geopandas_cov; do rm -f "$dir/$f.gpkg"; done
    rm -f "$dir"/*.rc "$dir"/*.time.tmp
    # Records of an earlier run must not be reported as this run's (a TOOLS subset leaves the rest "not run").
    for t in coverage_geopandas coverage_postgis network_pandana network_networkx pipes_geopandas; do
        rm -f "$dir/$t.json" "$dir/$t.time" "$dir/$t.log"
    done
    for task in coverage network gaps; do
        case $task in
            coverage) args=(coverage "$store" --out "$dir/cov_euclid.gpkg") ;;
            network)  args=(coverage "$store" --metric network --out "$dir/cov_network.gpkg") ;;
            gaps)     args=(gaps "$store" --out "$dir/gaps.gpkg") ;;
        esac
        echo "  cim ${args[*]}" >&2
        /usr/bin/time -v -o "$dir/cim_$task.time" "$CIM" "${args[@]}" --format json > "$dir/cim_$task.json" 2> "$dir/cim_$task.err" \
            || echo "    cim $task failed: $(tail -1 "$dir/cim_$task.err")" >&2
    done
    sample="${PANDANA_CHECK_SAMPLE:-}"
    [[ -z "$sample" ]] && { if (( n > 100000 )); then sample=20000; else sample=0; fi; }
    for t in $TOOLS; do
        case $t in
            geopandas) run_timed coverage_geopandas "$dir" python3 "$here/coverage_geopandas.py" "$store" \
                           --result "$dir/cov_euclid.gpkg" --json "$dir/coverage_geopandas.json" \
                           --write "$dir/geopandas_cov.gpkg" ;;
            postgis)   run_timed coverage_postgis "$dir" bash "$here/coverage_postgis.sh" "$store" \
                           --result "$dir/cov_euclid.gpkg" --json "$dir/coverage_postgis.json" ;;
            pandana)   run_timed network_pandana "$dir" python3 "$here/network_pandana.py" "$store" \
                           --result "$dir/cov_network.gpkg" --check-sample "$sample" --json "$dir/network_pandana.json" ;;
            networkx)  run_timed network_networkx "$dir" python3 "$here/network_networkx.py" "$store" \
                           --result "$dir/cov_network.gpkg" --json "$dir/network_networkx.json" ;;
            pipes)     run_timed pipes_geopandas "$dir" python3 "$here/pipes_geopandas.py" "$store" \
                           --result "$dir/gaps.gpkg" --json "$dir/pipes_geopandas.json" ;;
            *) echo "unknown tool $t" >&2 ;;
        esac
    done
done

report_args=("$WORK" "${sizes[@]}" --limit "$LIMIT" --machine "$machine")
[[ "$APPEND" == 1 ]] && report_args+=(--append "$RESULTS")
python3 "$here/report.py" "${report_args[@]}" | tee "$WORK/report-$(date +%Y%m%d-%H%M%S).md"
