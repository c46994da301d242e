#!/usr/bin/env bash
# Independent cross-checks of cim's answers with Python tools (installed when missing into the virtual
# environment .build/python by Scripts/python-env.sh; never a dependency of cim itself): network distances
# against networkx on the split graph (Porto), CityJSON import/export against shapely and the CityJSON 2.0
# schema (Delft, Zürich); the health check's indicators (cim check) against shapely/geopandas on a
# generated city; GCJ-02/BD-09 against prcoords; `--node` against shapely's noding and networkx; cim plan's
# greedy siting against the exact integer-programming optimum (PuLP/CBC); every command's --format json against
# its JSON Schema in Data/schemas/ (jsonschema).
# Usage: Scripts/crosscheck.sh [path/to/cim]   (default: the debug build, built when missing)
set -euo pipefail
cd "$(dirname "$0")/.."
cim=${1:-.build/debug/cim}
[ -x "$cim" ] || swift build --product cim >/dev/null
# Python tools live in a virtual environment under .build/python (Scripts/python-env.sh).
source Scripts/python-env.sh Tests/CrossCheck/requirements.txt
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
passed=0

echo "== network distances vs networkx (Porto)"
"$cim" import "$work/porto.gpkg" all Data/porto.osm.pbf >/dev/null 2>&1
"$cim" coverage "$work/porto.gpkg" --metric network --format json >/dev/null 2>&1
if python3 Tests/CrossCheck/network_check.py "$work/porto.gpkg"; then passed=$((passed+1)); else failed=$((failed+1)); fi

echo "== CityJSON import/export vs shapely and the CityJSON schema (Delft, Zürich)"
if Tests/CrossCheck/cityjson_check.sh "$cim" > "$work/cityjson.log" 2>&1; then
  tail -1 "$work/cityjson.log"; passed=$((passed+1))
else
  tail -30 "$work/cityjson.log"; failed=$((failed+1))
fi

echo "== cim check indicators vs shapely/geopandas (generated city, 20k buildings)"
"$cim" generate --buildings 20000 --seed 2 "$work/city.gpkg" >/dev/null 2>&1
"$cim" check "$work/city.gpkg" --year 2025 --format json > "$work/check.json" 2>/dev/null
if python3 Tests/CrossCheck/check_crosscheck.py "$work/city.gpkg" "$work/check.json" 2025; then passed=$((passed+1)); else failed=$((failed+1)); fi

echo "== network distances on roads imported with --node vs networkx on a shapely-noded graph (seeded city)"
python3 Tests/CrossCheck/node_city.py "$work/node"
"$cim" import "$work/node.gpkg" roads "$work/node/roads.geojson" --node >/dev/null 2>&1
"$cim" import "$work/node.gpkg" buildings "$work/node/buildings.geojson" --map floors=层数 >/dev/null 2>&1
"$cim" import "$work/node.gpkg" facilities "$work/node/facilities.geojson" >/dev/null 2>&1
"$cim" coverage "$work/node.gpkg" --metric network --format json >/dev/null 2>&1
if python3 Tests/CrossCheck/network_check.py "$work/node.gpkg" --noded-from "$work/node/roads.geojson"; then passed=$((passed+1)); else failed=$((failed+1)); fi

echo "== GCJ-02 / BD-09 conversion vs prcoords (3,000 points across China, 200 outside)"
if python3 Tests/CrossCheck/chinese_datum_check.py "$cim"; then passed=$((passed+1)); else failed=$((failed+1)); fi

echo "== cim plan's greedy vs the exact optimum of PuLP/CBC (generated cities, 150 candidates, ≤ 5,000 buildings)"
if python3 Tests/CrossCheck/plan_crosscheck.py "$cim" "$work"; then passed=$((passed+1)); else failed=$((failed+1)); fi

echo "== --format json of every command vs its JSON Schema in Data/schemas/, and --lang zh (small generated city)"
if python3 Tests/CrossCheck/json_schemas.py "$cim" "$work"; then passed=$((passed+1)); else failed=$((failed+1)); fi

echo "crosscheck: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
