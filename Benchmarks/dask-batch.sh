#!/usr/bin/env bash
# The province batch three ways on this machine (issue 18): `cim batch -j 1`, `cim batch -j 2`, and
# Distributed/cim_dask.py on a local Dask cluster of two workers (one thread each) — each run into a fresh
# PostGIS database (so every run imports and checks every city), repeated; prints the wall times and their
# medians, and checks that the three give the same cim_batch_summary (city, health index).
#
# Usage: Benchmarks/dask-batch.sh [CITIES [BUILDINGS [REPEATS]]]   (defaults 6 cities of 30000 buildings, 3 runs)
# Needs the release build (swift build -c release) and the PostGIS server of Scripts/postgis.sh (started when
# CIM_TEST_POSTGIS is unset). Both Dask workers run on this machine: they share its cores with each other
# and with the scheduler, so this measures the overhead and the overlap on one machine, not a cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
cities=${1:-6}; buildings=${2:-30000}; repeats=${3:-3}
cim=$(realpath .build/release/cim)
if [ -z "${CIM_TEST_POSTGIS:-}" ]; then Scripts/postgis.sh start >/dev/null; CIM_TEST_POSTGIS=$(Scripts/postgis.sh url); fi
source Scripts/python-env.sh Distributed/requirements.txt
server=${CIM_TEST_POSTGIS%%\?*}; server=${server%/*}
work=$(mktemp -d "${TMPDIR:-/tmp}/dask-batch.XXXXXX")
mkdir "$work/tmp"; export TMPDIR="$work/tmp"   # Dask's scratch space goes there, removed with it
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 2   # a Dask worker may not stop on SIGTERM while it closes: then SIGKILL
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  for db in $(psql "$server/postgres" -X -At -c "SELECT datname FROM pg_database WHERE datname LIKE 'dask_bench_$$_%'"); do
    psql "$server/postgres" -X -q -c "DROP DATABASE $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

echo "== $cities generated cities of $buildings buildings (seeds 1..$cities)"
list=()
for k in $(seq 1 "$cities"); do
  "$cim" generate --buildings "$buildings" --seed "$k" "$work/src$k.gpkg" > /dev/null
  list+=("{\"name\": \"c$k\", \"source\": \"src$k.gpkg\"}")
done
port=$((20000 + $$ % 20000))
dask scheduler --host 127.0.0.1 --port "$port" --no-dashboard > "$work/scheduler.log" 2>&1 & pids+=($!)
for _ in $(seq 1 60); do grep -q 'Scheduler at' "$work/scheduler.log" && break; sleep 0.5; done
for w in 1 2; do
  dask worker "tcp://127.0.0.1:$port" --host 127.0.0.1 --nthreads 1 --no-nanny --no-dashboard --name "w$w" \
    --local-directory "$work/w$w" > "$work/w$w.log" 2>&1 & pids+=($!)
done
for _ in $(seq 1 60); do [ "$(grep -l 'Registered to' "$work"/w1.log "$work"/w2.log 2>/dev/null | wc -l)" = 2 ] && break; sleep 0.5; done

run_mode() { # mode, run number → seconds on stdout
  local db="dask_bench_$$_${1//[^a-z0-9]/_}_$2"
  psql "$server/postgres" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" >/dev/null
  psql "$server/$db" -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis" >/dev/null
  (IFS=,; echo "{\"target\": \"$server/$db\", \"year\": 2025, \"cities\": [${list[*]}]}") > "$work/cities-$db.json"
  local start end
  start=$(date +%s.%N)
  case "$1" in
    j1) "$cim" batch "$work/cities-$db.json" -j 1 > "$work/$db.log" 2>&1 ;;
    j2) "$cim" batch "$work/cities-$db.json" -j 2 > "$work/$db.log" 2>&1 ;;
    dask) python3 Distributed/cim_dask.py run "$work/cities-$db.json" --scheduler "tcp://127.0.0.1:$port" --cim "$cim" > "$work/$db.log" 2>&1 ;;
  esac
  end=$(date +%s.%N)
  psql "$server/$db" -X -At -F ' ' -c "SELECT city, status, health_index FROM public.cim_batch_summary ORDER BY city" > "$work/summary-$1-$2.txt"
  psql "$server/postgres" -X -q -c "DROP DATABASE $db WITH (FORCE)" >/dev/null
  python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$end"
}

echo "== load average at the start: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; commit $(git rev-parse --short HEAD)"
declare -A times
for r in $(seq 1 "$repeats"); do
  for mode in j1 j2 dask; do   # interleaved, so a change of the machine's load hits every mode alike
    t=$(run_mode "$mode" "$r"); times[$mode]+="$t "
    echo "   run $r  $mode  $t s"
  done
done
echo "== load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in j1 j2 dask; do
  median=$(echo "${times[$mode]}" | tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "   median $mode: $median s   (runs: ${times[$mode]})"
done
for f in "$work"/summary-*.txt; do
  cmp -s "$f" "$work/summary-j1-1.txt" || { echo "dask-batch: the summaries differ: $f" >&2; diff "$work/summary-j1-1.txt" "$f" >&2; exit 1; }
done
echo "   all $((3 * repeats)) runs wrote the same cim_batch_summary ($(grep -c ' ok ' "$work/summary-j1-1.txt") cities ok)"
