#!/usr/bin/env bash
# The province path as it will run (issue 18): a Dask scheduler and two workers on loopback, six generated
# cities checked by Distributed/cim_dask.py into the PostGIS database of CIM_TEST_POSTGIS (one schema per
# city), one worker killed mid-batch. Checks that every city is done, that each city's recorded check
# equals a serial `cim check` of the same source to the last digit, that no temporary file is left, and
# that a re-run changes nothing; stops the cluster.
#
# Usage: Scripts/dask-check.sh [path/to/cim]     (Scripts/test.sh runs it when CIM_TEST_POSTGIS is set)
# Without CIM_TEST_POSTGIS it says it skipped. DASK_CHECK_TARGET=DIR runs it against GeoPackage stores in
# DIR instead (one DIR/<city>.gpkg each), for a machine without PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
cim=$(realpath "${1:-.build/debug/cim}")
target=${DASK_CHECK_TARGET:-${CIM_TEST_POSTGIS:-}}
if [ -z "$target" ]; then
  echo "dask-check: skipped (set CIM_TEST_POSTGIS to a PostGIS database, or DASK_CHECK_TARGET=DIR for GeoPackage stores)"
  exit 0
fi
source Scripts/python-env.sh Distributed/requirements.txt
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
pids=()
stop_cluster() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap 'stop_cluster; rm -rf "$work"' EXIT
fail() { echo "dask-check: FAILED: $*" >&2; exit 1; }

# The cities' stores get a schema (or file) per run, so runs never meet.
run_tag="dask$(date +%s)"
if [[ "$target" == postgres* ]]; then
  db="$target"
else
  mkdir -p "$target"; db="$(realpath "$target")/$run_tag"
fi

echo "== six generated cities"
cities=()
for k in 1 2 3 4 5 6; do
  "$cim" generate --buildings $((800 + 200 * k)) --seed "$k" "$work/src$k.gpkg" > /dev/null
  cities+=("{\"name\": \"${run_tag}_c$k\", \"source\": \"src$k.gpkg\"}")
done
(IFS=,; echo "{\"target\": \"$db\", \"year\": 2025, \"cities\": [${cities[*]}]}") > "$work/cities.json"

echo "== scheduler and two workers on 127.0.0.1:$port"
dask scheduler --host 127.0.0.1 --port "$port" --no-dashboard > "$work/scheduler.log" 2>&1 & pids+=($!)
sleep 3
for w in 1 2; do
  dask worker "tcp://127.0.0.1:$port" --host 127.0.0.1 --nthreads 1 --no-nanny --no-dashboard --name "w$w" \
    --local-directory "$work/worker$w" > "$work/worker$w.log" 2>&1 & pids+=($!)
done
worker2=${pids[2]}
sleep 5

echo "== batch, worker w2 killed mid-batch"
tmp_before=$(ls -A "${TMPDIR:-/tmp}" | grep -c '^cim-dask-' || true)
python3 Distributed/cim_dask.py run "$work/cities.json" --scheduler "tcp://127.0.0.1:$port" --retries 2 --cim "$cim" \
  > "$work/run1.json" 2> "$work/run1.log" & driver=$!
# Kill the second worker once the first city is reported done (mid-batch), or after 60 s at the latest.
for _ in $(seq 1 120); do
  grep -q ': checked' "$work/run1.log" 2>/dev/null && break
  sleep 0.5
done
kill -9 "$worker2" 2>/dev/null && echo "   killed worker w2 (pid $worker2) after: $(grep -c ': checked' "$work/run1.log" || true) city(ies) done"
status=0; wait "$driver" || status=$?
[ "$status" = 0 ] || { cat "$work/run1.log" >&2; fail "the batch did not complete (exit status $status)"; }
done_count=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(sum(c["status"] in ("checked","unchanged") for c in r["cities"]))' "$work/run1.json")
[ "$done_count" = 6 ] || fail "$done_count of 6 cities done"
echo "   6 of 6 cities done"

echo "== results equal serial cim check runs to the last digit"
for k in 1 2 3 4 5 6; do
  name="${run_tag}_c$k"
  serial="$work/serial$k.gpkg"
  for layer in $("$cim" fingerprints "$work/src$k.gpkg" --format json | python3 -c 'import json,sys; print(" ".join(r["layer"] for r in json.load(sys.stdin)["fingerprints"]))'); do
    "$cim" import "$serial" "$layer" "$work/src$k.gpkg" --source-layer "$layer" > /dev/null
  done
  "$cim" check "$serial" --year 2025 --format json > /dev/null
  if [[ "$db" == postgres* ]]; then address=$(python3 -c 'import sys; sys.path.insert(0, "Distributed"); import cim_dask; print(cim_dask.city_address(sys.argv[1], sys.argv[2]))' "$db" "$name")
  else address="$db/$name.gpkg"; fi
  python3 Distributed/stored_check.py "$serial" > "$work/serial$k.txt"
  python3 Distributed/stored_check.py "$address" > "$work/batch$k.txt"
  [ -s "$work/serial$k.txt" ] || fail "city $k: the serial check recorded no values"
  diff -q "$work/serial$k.txt" "$work/batch$k.txt" > /dev/null || { diff "$work/serial$k.txt" "$work/batch$k.txt" | head -5 >&2; fail "city $k: batch and serial checks differ"; }
  echo "   city $k: $(wc -l < "$work/batch$k.txt") indicator values identical"
done

echo "== no temporary files left"
tmp_after=$(ls -A "${TMPDIR:-/tmp}" | grep -c '^cim-dask-' || true)
[ "$tmp_after" -le "$tmp_before" ] || fail "temporary cim-dask-* folders in ${TMPDIR:-/tmp}: $tmp_before before, $tmp_after after"
stray=$(find "$work" -maxdepth 1 -name '.*tmp*')
if [[ "$db" != postgres* ]]; then
  stray+=$(find "$db" -name '*.tmp*' -o -name '*-journal' -o -name '*-wal' | head -3)
fi
[ -z "$stray" ] || fail "temporary files left beside the stores: $stray"
echo "   none"

echo "== a re-run changes nothing"
snapshot() { for k in 1 2 3 4 5 6; do
  name="${run_tag}_c$k"
  if [[ "$db" == postgres* ]]; then address=$(python3 -c 'import sys; sys.path.insert(0, "Distributed"); import cim_dask; print(cim_dask.city_address(sys.argv[1], sys.argv[2]))' "$db" "$name"); else address="$db/$name.gpkg"; fi
  "$cim" checks "$address" --format json; "$cim" fingerprints "$address" --format json
done; }
snapshot > "$work/before.txt"
python3 Distributed/cim_dask.py run "$work/cities.json" --scheduler "tcp://127.0.0.1:$port" --retries 2 --cim "$cim" \
  > "$work/run2.json" 2> "$work/run2.log" || { cat "$work/run2.log" >&2; fail "the re-run failed"; }
snapshot > "$work/after.txt"
cmp -s "$work/before.txt" "$work/after.txt" || fail "the re-run changed the stores"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert all(c["status"]=="unchanged" and not c["imported"] for c in r["cities"]), r' "$work/run2.json" \
  || fail "the re-run imported or checked again"
echo "   every city unchanged: no import, no new check"
stop_cluster
[[ "$db" == postgres* ]] || rm -rf "$db"
echo "dask-check: passed"
