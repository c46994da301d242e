#!/usr/bin/env bash
# cim against its strongest peers at one size, side by side (issue 15): DuckDB spatial for straight-line
# coverage and pipe service distance, scipy.sparse.csgraph for network coverage with exact edge snapping.
# Every pair runs ROUNDS times (default 3) alternating cim / peer; the first round's answers are checked
# equal (each peer script compares every distance with cim's result layer, exit 1 otherwise) before any
# time counts; medians are reported. On demand only (never in CI).
#
#   Benchmarks/compare/peers.sh [SIZE]          default 1m; 10k, 100k, 1m or a plain number
#
# Environment: CIM (default .build/release/cim, built when missing), WORK (default /tmp/cim-peers),
# ROUNDS (3), SEED (1), REGENERATE=1, APPEND=0 (print only; else appended to Benchmarks/RESULTS.md under
# "Peers: DuckDB spatial and scipy").
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
size="${1:-1m}"
WORK="${WORK:-/tmp/cim-peers}"
ROUNDS="${ROUNDS:-3}"
SEED="${SEED:-1}"
APPEND="${APPEND:-1}"
CIM="${CIM:-$repo/.build/release/cim}"
if [[ ! -x "$CIM" ]]; then
    (cd "$repo" && swift build -c release --product cim) >&2 || { echo "error: cannot build cim" >&2; exit 1; }
fi
[[ -x /usr/bin/time ]] || apt-get install -y -qq time >&2
source "$repo/Scripts/python-env.sh" "$repo/Benchmarks/compare/requirements.txt" || { echo "error: cannot install the peers (requirements.txt)" >&2; exit 1; }
case "${size,,}" in *k) n=$(( ${size%[kK]} * 1000 ));; *m) n=$(( ${size%[mM]} * 1000000 ));; *) n="$size";; esac
dir="$WORK/$size"; mkdir -p "$dir"
store="$dir/city.gpkg"
if [[ ! -f "$store" || "${REGENERATE:-0}" == 1 ]]; then
    "$CIM" generate --buildings "$n" --seed "$SEED" --force "$store" > "$dir/generate.log" 2>&1 || { echo "error: cim generate failed" >&2; exit 1; }
fi
rm -f "$dir"/*.time "$dir"/*.rc
run() {  # NAME ROUND CMD...
    local name="$1" round="$2"; shift 2
    /usr/bin/time -v -o "$dir/$name.$round.time" "$@" > "$dir/$name.$round.log" 2> "$dir/$name.$round.err"
    echo $? > "$dir/$name.$round.rc"
    echo "  round $round $name: $(grep -E 'Elapsed' "$dir/$name.$round.time" | sed 's/.*: //') s (exit $(cat "$dir/$name.$round.rc"))" >&2
}
for round in $(seq 1 "$ROUNDS"); do
    compare=(); [[ $round -gt 1 ]] && compare=(--no-compare)
    run cim_coverage "$round" "$CIM" coverage "$store" --out "$dir/cov_euclid.gpkg" --format json
    run duckdb_coverage "$round" python3 "$here/coverage_duckdb.py" "$store" --result "$dir/cov_euclid.gpkg" --json "$dir/duckdb_coverage.$round.json" "${compare[@]}"
    run cim_gaps "$round" "$CIM" gaps "$store" --out "$dir/gaps.gpkg" --format json
    run duckdb_pipes "$round" python3 "$here/pipes_duckdb.py" "$store" --result "$dir/gaps.gpkg" --json "$dir/duckdb_pipes.$round.json" "${compare[@]}"
    run cim_network "$round" "$CIM" coverage "$store" --metric network --out "$dir/cov_network.gpkg" --format json
    run scipy_network "$round" python3 "$here/network_scipy.py" "$store" --result "$dir/cov_network.gpkg" --json "$dir/scipy_network.$round.json" "${compare[@]}"
done
report_args=("$dir" --rounds "$ROUNDS" --size "$size" --commit "$(git -C "$repo" rev-parse --short HEAD)")
[[ "$APPEND" == 1 ]] && report_args+=(--append "$repo/Benchmarks/RESULTS.md")
python3 "$here/peers_report.py" "${report_args[@]}"
