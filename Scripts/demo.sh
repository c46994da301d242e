#!/usr/bin/env bash
# The demo: imports the bundled Porto OpenStreetMap sample into an embedded GeoPackage store,
# describes it, runs the life-circle coverage analysis on it, and the city health check (cim check).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
log=$(mktemp)
if ! swift build --product cim > "$log" 2>&1; then cat "$log" >&2; rm -f "$log"; exit 1; fi
tail -1 "$log" >&2
rm -f "$log"
cim=.build/debug/cim
mkdir -p out
rm -f out/porto.gpkg
echo "== cim import out/porto.gpkg all Data/porto.osm.pbf"
$cim import out/porto.gpkg all Data/porto.osm.pbf
echo
echo "== cim info out/porto.gpkg"
$cim info out/porto.gpkg
echo
echo "== cim coverage out/porto.gpkg"
$cim coverage out/porto.gpkg
echo
echo "== cim check out/porto.gpkg --year 2025 --lang en"
$cim check out/porto.gpkg --year 2025 --lang en
echo
echo "== cim plan out/porto.gpkg --category 幼儿园 --add 5 --what-if-out out/sites.gpkg"
$cim plan out/porto.gpkg --category 幼儿园 --add 5 --what-if-out out/sites.gpkg
echo
echo "== cim check out/porto.gpkg --year 2025 --what-if out/sites.gpkg --lang en"
$cim check out/porto.gpkg --year 2025 --what-if out/sites.gpkg --lang en
echo
echo "Open out/porto.gpkg in QGIS: layers coverage_buildings and coverage_areas hold the coverage results,"
echo "check_areas the health check's indicators per area, plan_kindergarten the five planned kindergartens (cim checks out/porto.gpkg lists the recorded checks)."
