#!/usr/bin/env bash
# cityjson_check.sh — checks cim's CityJSON import and export against independent tools.
#
# Usage: Tests/CrossCheck/cityjson_check.sh [path/to/cim]
#   (without an argument, cim is built with `swift build --scratch-path .build-cityjson --product cim`)
#
# For Data/cityjson/delft.city.json (CityJSON 2.0) and zurich_subset_lod2.city.json (CityJSON 1.1):
#   1. the reference: cityjson_crosscheck.py computes counts, footprints and heights with shapely;
#   2. `cim import` then `cim export … .csv`, compared building by building (area, symmetric difference,
#      height within 1e-6; floors, use, year equal);
#   3. the same file as a CityJSON Sequence written by cjio (`cjio FILE [upgrade] export jsonl`), imported
#      by cim and compared the same way;
#   4. `cim export … OUT.city.json`, validated by `cjio OUT validate` (which needs the cjvalpy module: when
#      pip has no cjvalpy for this platform cjio says "Validation skipped"), by the official CityJSON 2.0.0
#      JSON schema (the one the official validator embeds, read from a cjvalpy wheel) and by a structural
#      check; then imported again and compared with the first import (areas within perimeter × 1 mm, the
#      export's transform scale; heights, floors, use equal).
# Needs: python3 with venv (shapely, cjio, jsonschema are installed into .build/python when missing), swift (to build cim).
# Exit status: 0 when every check passed.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
check="$here/cityjson_crosscheck.py"
data="$repo/Data/cityjson"

# shapely, jsonschema and cjio come from the virtual environment .build/python (Scripts/python-env.sh).
source "$repo/Scripts/python-env.sh" "$repo/Tests/CrossCheck/requirements.txt"
python3 -c "import cjvalpy" 2>/dev/null || python3 -m pip install --quiet cjvalpy 2>/dev/null \
  || echo "note: pip has no cjvalpy for this platform; cjio validate will skip (the official schema check below still runs)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The official schemas: cjvalpy embeds them; any platform's wheel carries the same text.
python3 -m pip download --quiet cjvalpy==0.4.1 --no-deps --only-binary=:all: --platform macosx_11_0_arm64 \
  --python-version 3.11 -d "$work/wheel" >/dev/null 2>&1 || true
wheel=$(ls "$work"/wheel/cjvalpy-*.whl 2>/dev/null | head -1 || true)

if [ $# -ge 1 ]; then
  cim=$1
else
  (cd "$repo" && swift build --scratch-path .build-cityjson --product cim >&2)
  cim="$repo/.build-cityjson/debug/cim"
fi
[ -x "$cim" ] || { echo "cityjson_check.sh: no cim at $cim" >&2; exit 1; }

failed=0
run() { # run a check, keep going on failure
  if ! "$@"; then failed=$((failed + 1)); echo "FAILED: $*"; fi
}

for city in delft zurich_subset_lod2; do
  src="$data/$city.city.json"
  echo "== $city"
  python3 "$check" summary "$src"

  "$cim" import "$work/$city.gpkg" buildings "$src" --format csv >/dev/null
  "$cim" export "$work/$city.gpkg" buildings "$work/$city.csv" >/dev/null
  run python3 "$check" compare "$src" "$work/$city.csv"

  if [ "$city" = delft ]; then upgrade=""; else upgrade="upgrade"; fi
  cjio "$src" $upgrade export jsonl "$work/$city.city.jsonl" >/dev/null
  "$cim" import "$work/$city-seq.gpkg" buildings "$work/$city.city.jsonl" --format csv >/dev/null
  "$cim" export "$work/$city-seq.gpkg" buildings "$work/$city-seq.csv" >/dev/null
  run python3 "$check" compare "$src" "$work/$city-seq.csv"

  out="$work/$city.out.city.json"
  "$cim" export "$work/$city.gpkg" buildings "$out"
  echo "-- cjio $city.out.city.json validate"
  cjio "$out" validate 2>&1 | sed 's/^/   /' || true
  if [ -n "$wheel" ]; then
    run python3 "$check" schema "$out" --cjvalpy-wheel "$wheel"
  else
    echo "note: could not download the cjvalpy wheel; the official schema check is skipped"
  fi
  run python3 "$check" validate "$out"
  "$cim" import "$work/$city-again.gpkg" buildings "$out" --format csv >/dev/null
  "$cim" export "$work/$city-again.gpkg" buildings "$work/$city-again.csv" >/dev/null
  run python3 "$check" roundtrip "$work/$city.csv" "$work/$city-again.csv" --scale 0.001
done

if [ "$failed" -eq 0 ]; then echo "cityjson_check: all checks passed"; else echo "cityjson_check: $failed check(s) failed"; fi
[ "$failed" -eq 0 ]
