#!/usr/bin/env bash
# Re-runs the kinds of bad input and faults of issue 16 against the built cim, as an attacker and a careless
# user would, and counts what happened. Each case runs a command on a copy of a generated city (or on a
# file made for it) and is judged by:
#   crash      - killed by a signal, or "Fatal error" / a stack trace on stderr
#   data lost  - the store (every table's rows, hashed, and PRAGMA integrity_check) differs from before
#                a command that failed, or a file that should have been kept changed
#   wrong      - exit 0 where the input is unusable, or the wrong non-zero status (2 for a bad number)
#   raw        - not exactly one "Error:" line, or raw internals in it (SQL text, sqlite3_, NSCocoaErrorDomain,
#                GDAL's "ERROR 1:")
#   handled    - none of these
# Usage: Scripts/bad-inputs.sh [path/to/cim]   (default .build/debug/cim; needs sqlite3; the full-disk
# cases need root to mount a 16 MB tmpfs and are skipped otherwise). Prints one line per case that was not
# handled and the totals.
set -uo pipefail
cd "$(dirname "$0")/.."
cim=$(realpath "${1:-.build/debug/cim}")
command -v sqlite3 >/dev/null || { echo "bad-inputs.sh: needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
work=$(mktemp -d)
mounted=""
cleanup() { [ -n "$mounted" ] && umount -l "$mounted" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
tried=0; handled=0; crashes=0; lost=0; wrong=0; raw=0

# The content of a store: integrity_check and a hash of every table's rows.
state() {
  local db=$1
  [ -f "$db" ] || { echo "missing"; return; }
  sqlite3 -readonly "$db" "PRAGMA integrity_check" 2>&1
  for t in $(sqlite3 -readonly "$db" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'rtree_%' ORDER BY name" 2>/dev/null); do
    printf '%s %s\n' "$t" "$(sqlite3 -readonly "$db" "SELECT * FROM \"$t\"" 2>&1 | sha256sum | cut -c1-16)"
  done
}

# run NAME EXPECTED_STATUS KEEP CMD... : runs cim with the arguments, KEEP a file (store or not) that must
# be unchanged afterwards ('-' for none). EXPECTED_STATUS: 1, 2, or "fail" (1 or 2), or 0 for a case that
# must succeed (e.g. an import that rejects the bad feature and keeps the rest).
run() {
  local name=$1 expected=$2 keep=$3; shift 3
  local before="" status
  if [ "$keep" != "-" ]; then
    if [[ "$keep" == *.gpkg ]]; then before=$(state "$keep"); else before=$(sha256sum "$keep" 2>/dev/null || echo missing); fi
  fi
  timeout 300 "$cim" "$@" > "$work/out" 2> "$work/err" < /dev/null
  status=$?
  tried=$((tried + 1))
  local verdict="handled" errors
  errors=$(grep -c '^Error:' "$work/err")
  if [ $status -ge 124 ] || grep -q -E 'Fatal error|Stack dump|Backtrace|AddressSanitizer|Segmentation' "$work/err"; then
    verdict="crash"
  elif [ "$keep" != "-" ] && [ "$status" -ne 0 ] && {
         if [[ "$keep" == *.gpkg ]]; then [ "$(state "$keep")" != "$before" ]; else [ "$(sha256sum "$keep" 2>/dev/null || echo missing)" != "$before" ]; fi; }; then
    verdict="data lost"
  elif { [ "$expected" = fail ] && [ $status -ne 1 ] && [ $status -ne 2 ]; } || { [ "$expected" != fail ] && [ $status -ne "$expected" ]; }; then
    verdict="wrong"
  elif [ $status -ne 0 ] && { [ "$errors" -ne 1 ] || grep -q -E 'INSERT |SELECT |CREATE |sqlite3_|NSCocoaErrorDomain|^ERROR [0-9]' "$work/err"; }; then
    verdict="raw"
  fi
  case $verdict in
    handled) handled=$((handled + 1)) ;;
    crash) crashes=$((crashes + 1)) ;;
    "data lost") lost=$((lost + 1)) ;;
    wrong) wrong=$((wrong + 1)) ;;
    raw) raw=$((raw + 1)) ;;
  esac
  [ $verdict = handled ] || { echo "!! $verdict: $name (exit $status)"; sed 's/^/     /' "$work/err" | head -5; }
}

echo "== setting up a generated city (3,000 buildings) with coverage results"
"$cim" generate --buildings 3000 --seed 5 "$work/city.gpkg" > /dev/null 2>&1 || { echo "cim generate failed" >&2; exit 1; }
"$cim" coverage "$work/city.gpkg" > /dev/null 2>&1
fresh() { cp "$work/city.gpkg" "$work/$1.gpkg"; echo "$work/$1.gpkg"; }
s=$(fresh s)

echo "== numbers on the command line (every numeric option of every command: nan, inf, -inf, 1e308, -1, 0)"
numeric="cutoff grid radius merge max-access snap-tolerance gap-tolerance node-tolerance max-length minutes metres-per-minute width within top limit buildings seed served-within unserved-beyond near bbox add min-gain max-drawn"
zero_ok="snap-tolerance top seed within radius merge gap-tolerance node-tolerance min-gain"
signed_ok="near bbox"
for command in import info query export coverage isochrones gaps audit generate bench check checks plan explain report; do
  help=$("$cim" "$command" --help 2>&1)
  case $command in
    import) base=("$s" buildings "$work/missing.geojson") ;; info|checks) base=("$s") ;;
    query) base=("$s" buildings --near 0,0 --within 10) ;; export) base=("$s" buildings "$work/out.geojson") ;;
    coverage) base=("$s") ;; isochrones) base=("$s" --category bus_stop) ;; gaps|audit) base=("$s" --kinds all) ;;
    generate) base=("$work/new.gpkg" --buildings 10) ;; bench) base=(--buildings 10 --work "$work/bench") ;;
    check) base=("$s" --year 2025) ;; plan) base=("$s" --category bus_stop --add 2) ;; explain) base=("$s" B0000001) ;;
    report) base=("$s" --out "$work/report.html") ;;
  esac
  for option in $numeric; do
    grep -q -- "--$option <" <<< "$help" || continue
    [ "$command $option" = "gaps within" ] && continue   # gaps --within names an area kind
    values="nan inf -inf 1e308"
    [[ " $signed_ok " == *" $option "* ]] || values="$values -1"
    [[ " $zero_ok $signed_ok " == *" $option "* ]] || values="$values 0"
    for v in $values; do
      case $option in near) arg="$v,0" ;; bbox) arg="$v,0,1,1" ;; minutes) arg="5,$v" ;; *) arg=$v ;; esac
      # An option the base command line already has is replaced.
      args=(); skip=0
      for a in "${base[@]}"; do
        if [ $skip = 1 ]; then skip=0; continue; fi
        if [ "$a" = "--$option" ]; then skip=1; continue; fi
        args+=("$a")
      done
      run "$command --$option $arg" 2 "$s" "$command" "${args[@]}" "--$option" "$arg"
    done
  done
done

echo "== stores that cannot be used"
printf 'these are notes, not a GeoPackage\n' > "$work/notes.gpkg"
head -c 8192 /dev/urandom > "$work/garbage.gpkg"
cp "$s" "$work/truncated.gpkg"; truncate -s 20000 "$work/truncated.gpkg"
for bad in notes garbage truncated; do
  for c in info coverage gaps check; do
    extra=(); [ $c = check ] && extra=(--year 2025); [ $c = gaps ] && extra=(--kinds all)
    run "$c on a $bad store" 1 "$work/$bad.gpkg" $c "$work/$bad.gpkg" "${extra[@]}"
  done
  run "import into a $bad store" 1 "$work/$bad.gpkg" import "$work/$bad.gpkg" buildings Data/helsinki.osm.pbf
done
run "info on a missing store" 1 - info "$work/none.gpkg"
run "coverage on a folder" 1 - coverage "$work"
# A store another process is writing: an exclusive transaction held by sqlite3 for 12 s, taken afresh for
# each case (cim waits out its 5 s busy timeout, so one lock held across two cases could be gone by the
# second), and the case is only run once sqlite3 holds it.
busy=$(fresh busy)
busy_case() {
  local name=$1; shift
  rm -f "$work/locked"
  ( sqlite3 "$busy" "BEGIN EXCLUSIVE; SELECT 1;" ".shell touch $work/locked; sleep 12" "ROLLBACK;" > /dev/null 2>&1 ) &
  local holder=$! waited=0
  while [ ! -f "$work/locked" ] && [ $waited -lt 100 ]; do sleep 0.1; waited=$((waited + 1)); done
  run "$name" 1 "$busy" "$@"
  wait $holder
}
busy_case "coverage on a busy store" coverage "$busy"
busy_case "gaps on a busy store" gaps "$busy" --kinds all
# A read-only store and folder (root ignores permissions: made immutable with chattr where possible).
ro=$(fresh ro)
if [ "$(id -u)" -eq 0 ] && chattr +i "$ro" 2>/dev/null; then
  run "coverage into an immutable store" 1 "$ro" coverage "$ro"
  chattr -i "$ro"
elif [ "$(id -u)" -ne 0 ]; then
  chmod a-w "$ro"; run "coverage into a read-only store" 1 "$ro" coverage "$ro"; chmod u+w "$ro"
fi

echo "== destinations: exports and --out"
run "export onto a directory" 1 - export "$s" buildings "$work"
[ -d "$work" ] || { echo "!! the export deleted the directory"; lost=$((lost + 1)); }
printf 'keep me\n' > "$work/keep.gpkg"
run "export onto a non-GeoPackage .gpkg" 1 "$work/keep.gpkg" export "$s" buildings "$work/keep.gpkg"
run "coverage --out onto a non-GeoPackage" 1 "$work/keep.gpkg" coverage "$s" --out "$work/keep.gpkg"
"$cim" export "$s" buildings "$work/prev.geojson" > /dev/null 2>&1
run "export with an unknown field" 1 "$work/prev.geojson" export "$s" buildings "$work/prev.geojson" --fields id,nosuchfield
run "export with a bad filter" 1 "$work/prev.geojson" export "$s" buildings "$work/prev.geojson" --where "nosuch = 1"
run "export of a missing layer" 1 "$work/prev.geojson" export "$s" nosuchlayer "$work/prev.geojson"
mkdir -p "$work/rofolder"
if [ "$(id -u)" -ne 0 ]; then chmod a-w "$work/rofolder"; run "export into a read-only folder" 1 - export "$s" buildings "$work/rofolder/x.geojson"; chmod u+w "$work/rofolder"; fi
"$cim" import "$work/other.gpkg" buildings Data/helsinki.osm.pbf > /dev/null 2>&1
run "coverage --out into a store of another CRS" 1 "$work/other.gpkg" coverage "$s" --out "$work/other.gpkg"
run "gaps --out into a store of another CRS" 1 "$work/other.gpkg" gaps "$s" --kinds all --out "$work/other.gpkg"

echo "== hostile and broken sources"
imp=$(fresh imp)
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"nan"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1e400,0],[1,1],[0,0]]]}}]}' > "$work/inf.geojson"
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"far"},"geometry":{"type":"Polygon","coordinates":[[[500,100],[501,100],[501,101],[500,100]]]}}]}' > "$work/absurd.geojson"
printf '{"type":"FeatureCollection","features":[]}' > "$work/empty.geojson"
printf '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"p"},"geometry":{"type":"Point","coordinates":[24.9,60.2]}}]}' > "$work/point.geojson"
printf 'x,y,x\n1,2,3\n' > "$work/dup.csv"
printf 'not json at all {' > "$work/broken.geojson"
head -c 5000 /dev/urandom > "$work/random.shp"
for f in inf absurd empty point broken; do run "import buildings from $f.geojson" 1 "$imp" import "$imp" buildings "$work/$f.geojson"; done
run "import a CSV naming a coordinate column twice" 1 "$imp" import "$imp" facilities "$work/dup.csv" --x x --y y
run "import random bytes as a Shapefile" 1 "$imp" import "$imp" buildings "$work/random.shp"
run "import a missing file" 1 "$imp" import "$imp" buildings "$work/nothing.geojson"
run "import into an unknown layer" fail "$imp" import "$imp" nosuchlayer Data/helsinki.osm.pbf
printf '{"format": "cim-standard", "categories": [{"key": "x", "threshold_m": 1e308}]}' > "$work/standard.json"
run "a standard file with an absurd threshold" fail "$imp" coverage "$imp" --standard "$work/standard.json"
printf '[1, 2' > "$work/indicators.json"
run "a broken indicator file" fail "$imp" check "$imp" --year 2025 --indicators "$work/indicators.json"

echo "== SQL injection through names and filters"
for w in "1=1; DROP TABLE buildings" "id = '' OR 1=1; DELETE FROM buildings; --" "\") ; DROP TABLE buildings; --"; do
  run "query --where $w" fail "$s" query "$s" buildings --where "$w"
  run "export --where $w" fail "$s" export "$s" buildings "$work/inj.geojson" --where "$w"
done
for layer in 'buildings"; DROP TABLE buildings; --' "buildings'; DROP TABLE facilities; --"; do
  run "export of layer $layer" 1 "$s" export "$s" "$layer" "$work/inj2.geojson"
  run "query of layer $layer" 1 "$s" query "$s" "$layer"
done
run "export --fields with a quote" 1 "$s" export "$s" buildings "$work/inj3.geojson" --fields 'id,"use"; DROP TABLE buildings; --'

echo "== a full disk during writes"
"$cim" export "$s" buildings "$work/own.geojson" > /dev/null 2>&1
if [ "$(id -u)" -eq 0 ] && mkdir -p "$work/small" && mount -t tmpfs -o size=16m tmpfs "$work/small" 2>/dev/null; then
  mounted="$work/small"
  for left in 8 40; do
    for c in "import buildings $work/own.geojson" "coverage" "gaps --kinds all"; do
      rm -f "$work/small/"*
      cp "$s" "$work/small/s.gpkg"
      free=$(( $(stat -f -c '%a*%S' "$work/small" | bc) - left * 1024 ))
      [ $free -gt 0 ] && head -c $free /dev/zero > "$work/small/filler"
      set -- $c
      verb=$1; shift
      run "$verb with $left kB left" 1 "$work/small/s.gpkg" $verb "$work/small/s.gpkg" "$@"
      grep -q "disk full" "$work/err" || echo "   ($verb with $left kB left did not say 'disk full')"
    done
  done
else
  echo "   skipped: needs root to mount a tmpfs"
fi

echo "== kill -9 during writes (the previous contents must stay)"
big=$(fresh big)
for delay in 0.3 0.8 1.5; do
  before=$(state "$big")
  "$cim" gaps "$big" --kinds all > /dev/null 2>&1 &
  pid=$!
  sleep $delay
  kill -9 $pid 2>/dev/null
  wait $pid 2>/dev/null
  tried=$((tried + 1))
  after=$(state "$big")
  # Either nothing changed or the whole write landed; never a broken store.
  if [ "$(head -1 <<< "$after")" != ok ]; then lost=$((lost + 1)); echo "!! data lost: kill -9 after ${delay}s broke the store"
  else handled=$((handled + 1)); fi
done

echo
echo "tried $tried, handled $handled, crashes $crashes, data lost $lost, wrong status $wrong, raw or misleading errors $raw"
[ $((crashes + lost + wrong + raw)) -eq 0 ]
