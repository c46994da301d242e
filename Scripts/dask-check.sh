#!/usr/bin/env bash
# The province path as it will run (issue 18), end to end: a PostGIS database of its own on the private server
# of Scripts/postgis.sh, a Dask scheduler and two workers on loopback, Distributed/cim_dask.py.
#
#  1. six generated cities, one Dask task each (`cim batch CITIES.json --city NAME`), worker w2 killed with
#     SIGKILL mid-batch: every city done; each city's recorded check equals a serial `cim check` of its
#     source, run on its own, to the last digit; cim_batch_summary holds the six; no temporary file, stage
#     table or cim process left; a re-run changes nothing (every row of every table of every city's schema
#     keeps its values AND the transaction that wrote it: nothing duplicated, nothing rewritten).
#  2. retries and failures: a city whose first attempt fails is retried and done (--retries 2); a broken
#     city fails all 3 attempts and is reported (driver exit 1, a `failed` row in cim_batch_summary) while the
#     other city completes.
#  3. halo tiles as tasks: `--split grid:5000 --halo 2000` on one larger city; its merged coverage_buildings and
#     coverage_areas equal a whole-city `cim coverage --cutoff 2000` of its source, every column to the last digit.
#
# Usage: Scripts/dask-check.sh [path/to/cim]   (Scripts/test.sh runs it after the Swift suite)
# DASK_CHECK_KEEP=1 keeps its work folder (sources, stores, logs) for a look after a failure.
# Uses CIM_TEST_POSTGIS's server when set, else starts Scripts/postgis.sh's. It creates the database
# dask_check_<pid> there and drops it at the end. It skips (exit 0, with the reason) only when PostgreSQL's
# programs or Python's venv are missing or pip cannot install dask; any other problem fails it.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
cim=$(realpath "${1:-.build/debug/cim}")
[ -x "$cim" ] || { echo "dask-check: FAILED: no cim binary at $cim (swift build first)" >&2; exit 1; }
started=$(date +%s)

if ! command -v psql >/dev/null || ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  echo "dask-check: skipped (PostgreSQL's programs are missing: run Scripts/setup.sh)"; exit 0
fi
if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
  echo "dask-check: skipped (python3 -m venv is unavailable: install python3-venv, Scripts/setup.sh does)"; exit 0
fi
if [ -z "${CIM_TEST_POSTGIS:-}" ]; then
  Scripts/postgis.sh start >/dev/null
  CIM_TEST_POSTGIS=$(Scripts/postgis.sh url)
fi
source Scripts/python-env.sh Distributed/requirements.txt
if ! command -v dask >/dev/null || ! python3 -c 'import distributed' 2>/dev/null; then
  echo "dask-check: skipped (pip could not install Distributed/requirements.txt into .build/python: no access to the package index?)"; exit 0
fi

# Our own database on that server (the server is shared: nothing else of it is touched).
server=${CIM_TEST_POSTGIS%%\?*}; server=${server%/*}
dbname="dask_check_$$"
db="$server/$dbname"
work=$(mktemp -d "${TMPDIR:-/tmp}/dask-check.XXXXXX")
pids=()
stop_cluster() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=""; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=yes; done
    [ -z "$alive" ] && break; sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_cluster
  psql "$server/postgres" -X -q -c "DROP DATABASE IF EXISTS $dbname WITH (FORCE)" >/dev/null 2>&1 || true
  if [ "${DASK_CHECK_KEEP:-0}" = 1 ]; then echo "dask-check: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
fail() { echo "dask-check: FAILED: $*" >&2; exit 1; }
differ() { (diff "$1" "$2" || true) | cut -c1-400 | head -6 >&2 || true; }
# The cluster, the driver and cim get a temporary folder of their own, which must be empty at the end (the
# machine's /tmp is shared with other runs).
mkdir "$work/tmp"
export TMPDIR="$work/tmp"
psql "$server/postgres" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $dbname" >/dev/null
psql "$db" -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis" >/dev/null
schema_url() { echo "$db?schema=$1"; }
temporaries() { ls -A "$TMPDIR" | sort; }
cim_processes() { pgrep -f "^$cim batch .*--city" | sort || true; }

echo "== a task's cim process dies with its worker (PR_SET_PDEATHSIG)"
printf '#!/bin/sh\nexec sleep 120\n' > "$work/sleeper"; chmod +x "$work/sleeper"
python3 -c 'import sys; sys.path.insert(0, "Distributed"); import cim_dask; cim_dask.run_cim(sys.argv[1], [])' "$work/sleeper" & runner=$!
child=""
for _ in $(seq 1 50); do child=$(pgrep -P "$runner" || true); [ -n "$child" ] && break; sleep 0.1; done
[ -n "$child" ] || fail "the runner did not start its child"
kill -9 "$runner"; wait "$runner" 2>/dev/null || true
# dead: gone, or a zombie (state Z) waiting for its new parent to reap it
alive() { local state; state=$(ps -o stat= -p "$1" 2>/dev/null || true); [ -n "$state" ] && [[ "$state" != Z* ]]; }
for _ in $(seq 1 30); do alive "$child" || break; sleep 0.1; done
if alive "$child"; then kill "$child"; fail "the child of a killed runner lives on"; fi
echo "   the child (pid $child) died with its killed runner"

echo "== six generated cities into postgresql database $dbname"
cities=()
for k in 1 2 3 4 5 6; do
  "$cim" generate --buildings $((600 + 200 * k)) --seed "$k" "$work/src$k.gpkg" > /dev/null
  cities+=("{\"name\": \"c$k\", \"source\": \"src$k.gpkg\"}")
done
(IFS=,; echo "{\"target\": \"$db\", \"year\": 2025, \"cities\": [${cities[*]}]}") > "$work/cities.json"

port=$((20000 + $$ % 20000))
echo "== scheduler and two workers on 127.0.0.1:$port"
dask scheduler --host 127.0.0.1 --port "$port" --no-dashboard > "$work/scheduler.log" 2>&1 & pids+=($!)
for _ in $(seq 1 60); do grep -q 'Scheduler at' "$work/scheduler.log" && break; sleep 0.5; done
grep -q 'Scheduler at' "$work/scheduler.log" || { cat "$work/scheduler.log" >&2; fail "the scheduler did not start"; }
start_worker() {
  dask worker "tcp://127.0.0.1:$port" --host 127.0.0.1 --nthreads 1 --no-nanny --no-dashboard --name "$1" \
    --local-directory "$work/$1" > "$work/$1.log" 2>&1 & pids+=($!)
}
start_worker w1; start_worker w2
worker2=${pids[2]}
for _ in $(seq 1 60); do
  [ "$(grep -l 'Registered to' "$work"/w1.log "$work"/w2.log 2>/dev/null | wc -l)" = 2 ] && break; sleep 0.5
done

echo "== batch of six, worker w2 killed mid-batch"
temporaries > "$work/tmp-before.txt"
python3 Distributed/cim_dask.py run "$work/cities.json" --scheduler "tcp://127.0.0.1:$port" --retries 2 --cim "$cim" \
  > "$work/run1.json" 2> "$work/run1.log" & driver=$!
# Kill w2 while it runs a city (its cim process is alive), once at least one city is done.
killed=""
for _ in $(seq 1 600); do
  if grep -q ': checked' "$work/run1.log" 2>/dev/null && pgrep -P "$worker2" -f "batch" >/dev/null; then
    kill -9 "$worker2"; killed=yes; break
  fi
  kill -0 "$driver" 2>/dev/null || break
  sleep 0.2
done
[ -n "$killed" ] || { cat "$work/run1.log" >&2; fail "worker w2 was never seen running a city after the first was done: nothing to kill"; }
echo "   killed w2 (pid $worker2) during a city, after $(grep -c ': checked' "$work/run1.log") city(ies) done"
status=0; wait "$driver" || status=$?
[ "$status" = 0 ] || { cat "$work/run1.log" >&2; fail "the batch did not complete (exit status $status)"; }
# Every city done, none failed. (The killed city's task ran again on w1; when w2's cim had already committed
# the city's check before it was killed, the re-run finds nothing to do: its check is compared below.)
done_count=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r["cities"]) if not r["failed"] else -1)' "$work/run1.json")
[ "$done_count" = 6 ] || { cat "$work/run1.json" >&2; fail "$done_count of 6 cities done"; }
grep -q 'w2' "$work/scheduler.log" || true
echo "   6 of 6 cities done ($(python3 -c 'import json,sys; print(sum(c["checked"] for c in json.load(open(sys.argv[1]))["cities"]))' "$work/run1.json") checked in this run's tasks, the killed one's included when its check had not committed)"

echo "== results equal serial cim check runs (each city's source on its own) to the last digit"
for k in 1 2 3 4 5 6; do
  cp "$work/src$k.gpkg" "$work/serial$k.gpkg"
  "$cim" check "$work/serial$k.gpkg" --year 2025 --format json > "$work/serial$k.json"
  python3 Distributed/stored_check.py "$work/serial$k.gpkg" > "$work/serial$k.txt"
  python3 Distributed/stored_check.py "$(schema_url "c$k")" > "$work/batch$k.txt"
  [ -s "$work/serial$k.txt" ] || fail "city $k: the serial check recorded no values"
  diff -q "$work/serial$k.txt" "$work/batch$k.txt" > /dev/null || { differ "$work/serial$k.txt" "$work/batch$k.txt"; fail "city c$k: batch and serial checks differ"; }
  serial_index=$(python3 -c 'import sqlite3,sys; print(repr(sqlite3.connect(sys.argv[1]).execute("SELECT health_index FROM cim_checks ORDER BY check_id DESC LIMIT 1").fetchone()[0]))' "$work/serial$k.gpkg")
  summary_index=$(psql "$db" -X -At -c "SELECT health_index FROM public.cim_batch_summary WHERE city = 'c$k' AND status = 'ok'")
  python3 -c 'import sys; a, b = sys.argv[1:]; sys.exit(0 if float(a) == float(b) else 1)' "$serial_index" "$summary_index" \
    || fail "city c$k: cim_batch_summary health_index $summary_index, serial $serial_index"
  echo "   c$k: $(wc -l < "$work/batch$k.txt") indicator values identical, health index $summary_index in cim_batch_summary"
done

echo "== no temporary files, stage tables or cim processes left"
temporaries > "$work/tmp-after.txt"
cmp -s "$work/tmp-before.txt" "$work/tmp-after.txt" || fail "temporary files left in \$TMPDIR: $(comm -13 "$work/tmp-before.txt" "$work/tmp-after.txt" | tr '\n' ' ')"
stages=$(psql "$db" -X -At -c "SELECT table_schema || '.' || table_name FROM information_schema.tables WHERE table_name LIKE 'cim_stage_%'")
[ -z "$stages" ] || fail "stage tables left: $stages"
[ -z "$(cim_processes)" ] || fail "cim processes still running: $(cim_processes | tr '\n' ' ')"
stray=$(find "$work" -maxdepth 1 \( -name '*.tmp*' -o -name '*-journal' -o -name '*-wal' \) | head -3)
[ -z "$stray" ] || fail "temporary files left beside the stores: $stray"
echo "   none"

echo "== a re-run changes nothing (same rows, written by the same transactions)"
snapshot() {
  for k in 1 2 3 4 5 6; do python3 Distributed/store_tables.py --state "$(schema_url "c$k")"; done
  python3 Distributed/store_tables.py "$(schema_url public)" cim_batch_summary
}
snapshot > "$work/before.txt"
python3 Distributed/cim_dask.py run "$work/cities.json" --scheduler "tcp://127.0.0.1:$port" --retries 2 --cim "$cim" \
  > "$work/run2.json" 2> "$work/run2.log" || { cat "$work/run2.log" >&2; fail "the re-run failed"; }
snapshot > "$work/after.txt"
diff -q "$work/before.txt" "$work/after.txt" > /dev/null || { differ "$work/before.txt" "$work/after.txt"; fail "the re-run changed the stores"; }
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r["cities"]) == 6 and all(not c["checked"] and not c["copied"] for c in r["cities"]), r' "$work/run2.json" \
  || fail "the re-run copied or checked again"
echo "   $(grep -c '' "$work/before.txt") rows and table names identical; no layer copied, no check run"

echo "== a failing task is retried; a city that still fails is reported and the rest complete"
# A wrapper around cim that fails the first attempt of city 'flaky' and every attempt of city 'broken'
# (whose source is not a GeoPackage anyway), and counts the attempts.
cat > "$work/cim-wrapper" <<WRAP
#!/usr/bin/env bash
if [ "\$1" = batch ] && [ "\$3" = --city ]; then
  echo "\$4" >> "$work/attempts.txt"
  if [ "\$4" = flaky ] && [ ! -e "$work/flaky-failed-once" ]; then
    touch "$work/flaky-failed-once"; echo "Error: flaky: planned failure of the first attempt" >&2; exit 1
  fi
fi
exec "$cim" "\$@"
WRAP
chmod +x "$work/cim-wrapper"
echo "this is not a geopackage" > "$work/broken.gpkg"
echo "{\"target\": \"$db\", \"year\": 2025, \"cities\": [{\"name\": \"flaky\", \"source\": \"src1.gpkg\"}, {\"name\": \"broken\", \"source\": \"broken.gpkg\"}, {\"name\": \"fine\", \"source\": \"src2.gpkg\"}]}" > "$work/cities2.json"
status=0
python3 Distributed/cim_dask.py run "$work/cities2.json" --scheduler "tcp://127.0.0.1:$port" --retries 2 --cim "$work/cim-wrapper" \
  > "$work/run3.json" 2> "$work/run3.log" || status=$?
[ "$status" = 1 ] || { cat "$work/run3.log" >&2; fail "the driver's exit status with a broken city is $status, not 1"; }
python3 - "$work/run3.json" <<'PY' || fail "the run with a broken city did not report as expected"
import json, sys
r = json.load(open(sys.argv[1]))
done = {c["city"] for c in r["cities"] if c["checked"]}
failed = {f["city"]: f["error"] for f in r["failed"]}
assert done == {"flaky", "fine"}, r
assert list(failed) == ["broken"] and "broken.gpkg" in failed["broken"], r
PY
[ "$(grep -c '^flaky$' "$work/attempts.txt")" = 2 ] || fail "flaky was attempted $(grep -c '^flaky$' "$work/attempts.txt") times, not 2"
[ "$(grep -c '^broken$' "$work/attempts.txt")" = 3 ] || fail "broken was attempted $(grep -c '^broken$' "$work/attempts.txt") times, not 3 (--retries 2)"
rows=$(psql "$db" -X -At -F ' ' -c "SELECT city, status FROM public.cim_batch_summary ORDER BY city")
[ "$rows" = "$(printf 'broken failed\nfine ok\nflaky ok')" ] || fail "cim_batch_summary after the broken run: $rows"
diff -q "$work/serial1.txt" <(python3 Distributed/stored_check.py "$(schema_url flaky)") > /dev/null || fail "flaky's check differs from the serial check of its source"
echo "   flaky: failed once, retried, done; broken: 3 attempts, reported: $(grep -o 'exit 1: .*' "$work/run3.log" | head -1 | cut -c1-90)"

echo "== halo tiles as tasks: --split grid:5000 --halo 2000 on one city"
"$cim" generate --buildings 4000 --seed 11 "$work/big.gpkg" > /dev/null
echo "{\"target\": \"$db\", \"year\": 2025, \"cities\": [{\"name\": \"big\", \"source\": \"big.gpkg\"}]}" > "$work/cities3.json"
mkdir -p "$work/tiles"
python3 Distributed/cim_dask.py run "$work/cities3.json" --scheduler "tcp://127.0.0.1:$port" --retries 2 --cim "$cim" \
  --split grid:5000 --halo 2000 --workdir "$work/tiles" > "$work/run4.json" 2> "$work/run4.log" || { cat "$work/run4.log" >&2; fail "the split run failed"; }
tiles=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cities"][0]["tiles"])' "$work/run4.json")
[ "$tiles" -ge 2 ] || fail "the split city was cut into $tiles tile(s): not a test of tiles"
[ -z "$(ls -A "$work/tiles")" ] || fail "tile folders left: $(ls "$work/tiles")"
cp "$work/big.gpkg" "$work/big-serial.gpkg"
"$cim" coverage "$work/big-serial.gpkg" --cutoff 2000 --format json > /dev/null
for layer in coverage_buildings coverage_areas; do
  python3 Distributed/store_tables.py "$work/big-serial.gpkg" "$layer" > "$work/serial-$layer.txt"
  # the merged layer has one column more, beyond_halo: 0 for every building here (halo = cutoff)
  python3 Distributed/store_tables.py "$(schema_url big)" "$layer" --except beyond_halo > "$work/tiled-$layer.txt"
  [ "$(wc -l < "$work/serial-$layer.txt")" -gt 10 ] || fail "the serial $layer has too few rows"
  diff -q "$work/serial-$layer.txt" "$work/tiled-$layer.txt" > /dev/null || { differ "$work/serial-$layer.txt" "$work/tiled-$layer.txt"; fail "tiled $layer differs from the whole-city run"; }
done
beyond=$(psql "$db" -X -At -c "SELECT count(*) FROM big.coverage_buildings WHERE beyond_halo IS DISTINCT FROM 0")
[ "$beyond" = 0 ] || fail "$beyond buildings flagged beyond_halo with a halo equal to the cutoff"
echo "   $tiles tiles; coverage_buildings ($(($(wc -l < "$work/serial-coverage_buildings.txt") - 1)) rows) and coverage_areas identical to the whole-city cim coverage"
python3 Distributed/cim_dask.py run "$work/cities3.json" --scheduler "tcp://127.0.0.1:$port" --retries 2 --cim "$cim" \
  --split grid:5000 --halo 2000 --workdir "$work/tiles" > "$work/run5.json" 2> "$work/run5.log" || { cat "$work/run5.log" >&2; fail "the split re-run failed"; }
python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["cities"][0]; assert c["tiles"] == 0 and not c["checked"], c' "$work/run5.json" \
  || fail "the split re-run computed tiles again"
echo "   re-run: nothing split, nothing checked"

echo "== the README's province path, as written (its database and port substituted)"
block=$(awk '/^## A province.s cities on Dask/ {on = 1} on && /^```sh$/ {inblock = 1; next} inblock && /^```$/ {exit} inblock' README.md)
[ -n "$block" ] || fail "no sh block under the README's heading 'A province's cities on Dask'"
readme_db="${dbname}_readme"; readme_port=$((port + 1))
psql "$server/postgres" -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $readme_db" >/dev/null
psql "$server/$readme_db" -X -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis" >/dev/null
block=${block//postgresql:\/\/postgres@127.0.0.1:55432\/cim/$server/$readme_db}
block=${block//8786/$readme_port}
# A folder that looks like the repository (its Scripts, Distributed and .build), with cim on PATH.
mkdir -p "$work/readme" "$work/bin"
ln -s "$repo/Scripts" "$work/readme/Scripts"; ln -s "$repo/Distributed" "$work/readme/Distributed"; ln -s "$repo/.build" "$work/readme/.build"
ln -s "$cim" "$work/bin/cim"
echo "$block" > "$work/readme/block.sh"
# In a session of its own, so that the scheduler and workers it starts in the background can be stopped.
readme_status=0
(cd "$work/readme" && PATH="$work/bin:$PATH" setsid bash -c 'echo $$ > session; exec bash -e block.sh' > "$work/readme.log" 2>&1) \
  || readme_status=$?
session=$(cat "$work/readme/session")
pkill -TERM -s "$session" 2>/dev/null || true
for _ in $(seq 1 25); do pgrep -s "$session" >/dev/null || break; sleep 0.2; done
pkill -KILL -s "$session" 2>/dev/null || true
psql "$server/postgres" -X -q -c "DROP DATABASE IF EXISTS $readme_db WITH (FORCE)" >/dev/null 2>&1 || true
[ "$readme_status" = 0 ] || { tail -20 "$work/readme.log" >&2; fail "the README's province path failed (exit status $readme_status)"; }
grep -Eq '^ *jiujiang +\| ok +\|' "$work/readme.log" && grep -Eq '^ *ruichang +\| ok +\|' "$work/readme.log" \
  || { tail -20 "$work/readme.log" >&2; fail "the README's psql did not print both cities ok"; }
echo "   ran; cim_batch_summary: $(grep -E '^ *(jiujiang|ruichang) ' "$work/readme.log" | tr -s ' ' | tr '\n' ';')"

stop_cluster
[ -z "$(cim_processes)" ] || fail "cim processes still running: $(cim_processes | tr '\n' ' ')"
echo "dask-check: passed in $(( $(date +%s) - started )) s"
