#!/usr/bin/env bash
# osm_counts.sh — reference counts for cim's OpenStreetMap import, computed by GDAL alone.
#
# Usage: Tests/CrossCheck/osm_counts.sh FILE.osm.pbf [OSMCONF.ini]
#
# Prints one `name count` line per bundle layer and sub-count, e.g.
#   buildings 11393
#   buildings.use.residential 1742
#   facilities.kindergarten 14
#   roads.walkable 3262
# The SQL below is Data/osm/osm-preset.json (v1) written out as SQL (generated from the preset, then
# checked against an independent implementation of the rules):
# every `when`/`where` list is an OR of conditions, a condition is an AND over its tags, "*" means
# "present and not empty", a list means "exactly one of these strings", rules are tried in order and
# the first match wins (SQL CASE WHEN ... has the same first-match semantics). See Data/osm/README.md.
# If you change the preset, change the SQL here too (the Swift tests compare cim's import with it).
#
# Conditions are evaluated in the SELECT list, never in a WHERE on the OSM layer: SQLite would push a
# WHERE down to GDAL as an attribute filter, and GDAL's OSM driver then returns a different multipolygons
# layer (closed ways that are outer members of a relation reappear; Data/osm/README.md, GDAL quirks).
# Each statement reads one OSM layer only (GDAL's OSM driver reads a .pbf sequentially; one layer per
# statement needs no OGR_INTERLEAVED_READING). Dialect: SQLite (GDAL's built-in SQLite dialect).
# Needs: ogr2ogr (GDAL >= 3.6), awk.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 FILE.osm.pbf [OSMCONF.ini]" >&2
  exit 2
fi
pbf=$1
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
conf=${2:-$here/../../Data/osm/osmconf.ini}
[ -r "$pbf" ] || { echo "osm_counts.sh: cannot read $pbf" >&2; exit 1; }
[ -r "$conf" ] || { echo "osm_counts.sh: cannot read OSM config $conf" >&2; exit 1; }
command -v ogr2ogr >/dev/null || { echo "osm_counts.sh: ogr2ogr (GDAL) not found" >&2; exit 1; }

errlog=$(mktemp)
trap 'rm -f "$errlog"' EXIT

# run SQL -> CSV (header row + one value row) -> "name value" lines. GDAL's warnings about the data
# (unclosed rings, organizePolygons) go to $errlog and are shown only when a query fails.
run() {
  ogr2ogr --config OSM_CONFIG_FILE "$conf" -q -f CSV /vsistdout/ "$pbf" \
      -dialect sqlite -sql "$1" 2>"$errlog" |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { gsub(/"/, "", $i); name[i] = $i }; n = NF; next }
             NR == 2 { for (i = 1; i <= n; i++) { gsub(/"/, "", $i); printf "%s %d\n", name[i], $i }; got = 1 }
             END { if (!got) exit 1 }' || { grep -v '^Warning' "$errlog" | tail -n 1 >&2; return 1; }
}

# buildings (OSM layer multipolygons)
SQL_buildings=$(cat <<'SQL'
SELECT COUNT(*) AS "buildings", COALESCE(SUM(u = 'residential'), 0) AS "buildings.use.residential", COALESCE(SUM(u = 'mixed'), 0) AS "buildings.use.mixed", COALESCE(SUM(u = 'commercial'), 0) AS "buildings.use.commercial", COALESCE(SUM(u = 'public'), 0) AS "buildings.use.public", COALESCE(SUM(u = 'industrial'), 0) AS "buildings.use.industrial", COALESCE(SUM(u = 'other'), 0) AS "buildings.use.other", COALESCE(SUM(u = 'unknown'), 0) AS "buildings.use.unknown", COALESCE(SUM(lv), 0) AS "buildings.with_levels", COALESCE(SUM(ht), 0) AS "buildings.with_height"
  FROM (SELECT CASE
  WHEN ((("building" IS NOT NULL AND "building" <> ''))) AND NOT ((("building" IS NOT NULL AND "building" IN ('no', 'entrance', 'underpass_entrance', 'proposed', 'demolished', 'razed', 'destroyed')))) THEN 1
  ELSE 0 END AS sel, CASE
  WHEN ((("building" IS NOT NULL AND "building" IN ('mixed_use', 'mixed'))) OR (("building" IS NOT NULL AND "building" IN ('apartments', 'house', 'residential', 'detached', 'semidetached_house', 'terrace', 'bungalow', 'dormitory', 'farm', 'cabin', 'houseboat', 'static_caravan', 'stilt_house', 'trullo')) AND ("shop" IS NOT NULL AND "shop" <> '')) OR (("building" IS NOT NULL AND "building" IN ('apartments', 'house', 'residential', 'detached', 'semidetached_house', 'terrace', 'bungalow', 'dormitory', 'farm', 'cabin', 'houseboat', 'static_caravan', 'stilt_house', 'trullo')) AND ("office" IS NOT NULL AND "office" <> '')) OR (("building" IS NOT NULL AND "building" IN ('apartments', 'house', 'residential', 'detached', 'semidetached_house', 'terrace', 'bungalow', 'dormitory', 'farm', 'cabin', 'houseboat', 'static_caravan', 'stilt_house', 'trullo')) AND ("amenity" IS NOT NULL AND "amenity" <> '')) OR (("building" IS NOT NULL AND "building" IN ('yes')) AND ("building:use" IS NOT NULL AND "building:use" IN ('mixed', 'mixed_use')))) THEN 'mixed'
  WHEN ((("building" IS NOT NULL AND "building" IN ('apartments', 'house', 'residential', 'detached', 'semidetached_house', 'terrace', 'bungalow', 'dormitory', 'farm', 'cabin', 'houseboat', 'static_caravan', 'stilt_house', 'trullo'))) OR (("building" IS NOT NULL AND "building" IN ('yes')) AND ("building:use" IS NOT NULL AND "building:use" IN ('residential', 'apartments', 'house')))) THEN 'residential'
  WHEN ((("building" IS NOT NULL AND "building" IN ('commercial', 'retail', 'office', 'supermarket', 'kiosk', 'hotel', 'shop', 'mall', 'store', 'bank', 'restaurant'))) OR (("building" IS NOT NULL AND "building" IN ('yes')) AND ("building:use" IS NOT NULL AND "building:use" IN ('commercial', 'retail', 'office')))) THEN 'commercial'
  WHEN ((("building" IS NOT NULL AND "building" IN ('public', 'civic', 'government', 'school', 'kindergarten', 'university', 'college', 'hospital', 'church', 'chapel', 'cathedral', 'mosque', 'temple', 'synagogue', 'shrine', 'religious', 'monastery', 'convent', 'train_station', 'transportation', 'museum', 'library', 'fire_station', 'police', 'townhall', 'sports_hall', 'sports_centre', 'stadium', 'grandstand', 'pavilion', 'toilets', 'art_gallery', 'association', 'courthouse', 'community_centre')))) THEN 'public'
  WHEN ((("building" IS NOT NULL AND "building" IN ('industrial', 'warehouse', 'factory', 'manufacture', 'workshop', 'storage_tank', 'silo'))) OR (("building" IS NOT NULL AND "building" IN ('yes')) AND ("building:use" IS NOT NULL AND "building:use" IN ('industrial')))) THEN 'industrial'
  WHEN ((("building" IS NOT NULL AND "building" IN ('garage', 'garages', 'carport', 'parking', 'roof', 'shed', 'hut', 'tower', 'ruins', 'collapsed', 'construction', 'greenhouse', 'glasshouse', 'barn', 'farm_auxiliary', 'stable', 'cowshed', 'bunker', 'utility', 'service', 'transformer_tower', 'water_tower', 'atrium', 'ship', 'boathouse', 'wayside_shrine', 'bridge', 'tent', 'container', 'gatehouse', 'military')))) THEN 'other'
  WHEN ((("building" IS NOT NULL AND "building" IN ('yes')) AND ("amenity" IS NOT NULL AND "amenity" IN ('school', 'kindergarten', 'childcare', 'hospital', 'clinic', 'doctors', 'university', 'college', 'library', 'townhall', 'place_of_worship', 'community_centre', 'social_facility', 'nursing_home', 'police', 'fire_station', 'courthouse', 'theatre', 'arts_centre', 'public_building', 'bus_station', 'post_office', 'marketplace'))) OR (("building" IS NOT NULL AND "building" IN ('yes')) AND ("healthcare" IS NOT NULL AND "healthcare" <> '')) OR (("building" IS NOT NULL AND "building" IN ('yes')) AND ("tourism" IS NOT NULL AND "tourism" IN ('museum', 'gallery')))) THEN 'public'
  WHEN ((("building" IS NOT NULL AND "building" IN ('yes')) AND ("shop" IS NOT NULL AND "shop" <> '')) OR (("building" IS NOT NULL AND "building" IN ('yes')) AND ("office" IS NOT NULL AND "office" <> '')) OR (("building" IS NOT NULL AND "building" IN ('yes')) AND ("amenity" IS NOT NULL AND "amenity" IN ('restaurant', 'cafe', 'bar', 'pub', 'fast_food', 'bank', 'nightclub', 'cinema', 'ice_cream', 'car_wash', 'fuel', 'casino'))) OR (("building" IS NOT NULL AND "building" IN ('yes')) AND ("tourism" IS NOT NULL AND "tourism" IN ('hotel', 'guest_house', 'hostel', 'motel', 'apartment')))) THEN 'commercial'
  ELSE 'unknown' END AS u, ("building:levels" IS NOT NULL AND "building:levels" <> '') AS lv, ("height" IS NOT NULL AND "height" <> '') AS ht
  FROM multipolygons)
  WHERE sel = 1
SQL
)

# facilities_points (OSM layer points)
SQL_facilities_points=$(cat <<'SQL'
SELECT COUNT(*) AS "facilities", COALESCE(SUM(c = 'middle_school'), 0) AS "facilities.middle_school", COALESCE(SUM(c = 'health_center'), 0) AS "facilities.health_center", COALESCE(SUM(c = 'elderly_home'), 0) AS "facilities.elderly_home", COALESCE(SUM(c = 'culture_center'), 0) AS "facilities.culture_center", COALESCE(SUM(c = 'metro_station'), 0) AS "facilities.metro_station", COALESCE(SUM(c = 'large_sports'), 0) AS "facilities.large_sports", COALESCE(SUM(c = 'primary_school'), 0) AS "facilities.primary_school", COALESCE(SUM(c = 'fitness'), 0) AS "facilities.fitness", COALESCE(SUM(c = 'medium_sports'), 0) AS "facilities.medium_sports", COALESCE(SUM(c = 'small_sports'), 0) AS "facilities.small_sports", COALESCE(SUM(c = 'supermarket'), 0) AS "facilities.supermarket", COALESCE(SUM(c = 'fresh_market'), 0) AS "facilities.fresh_market", COALESCE(SUM(c = 'bus_stop'), 0) AS "facilities.bus_stop", COALESCE(SUM(c = 'nursery'), 0) AS "facilities.nursery", COALESCE(SUM(c = 'kindergarten'), 0) AS "facilities.kindergarten", COALESCE(SUM(c = 'elderly_daycare'), 0) AS "facilities.elderly_daycare", COALESCE(SUM(c = 'health_station'), 0) AS "facilities.health_station", COALESCE(SUM(c = 'community_service'), 0) AS "facilities.community_service", COALESCE(SUM(c = 'culture_station'), 0) AS "facilities.culture_station", COALESCE(SUM(c = 'convenience'), 0) AS "facilities.convenience", COALESCE(SUM(c = 'waste_point'), 0) AS "facilities.waste_point", COALESCE(SUM(c = 'park'), 0) AS "facilities.park"
  FROM (SELECT c
  FROM (SELECT CASE
  WHEN ((("school" IS NOT NULL AND "school" IN ('driving', 'driving_school', 'language', 'music', 'dance'))) OR (("railway" IS NOT NULL AND "railway" IN ('proposed', 'construction', 'abandoned', 'disused')))) THEN NULL
  ELSE CASE
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('school')) AND ("isced:level" IS NOT NULL AND "isced:level" IN ('2', '3', '2;3', '2-3', '3;4')))) THEN 'middle_school'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('hospital'))) OR (("healthcare" IS NOT NULL AND "healthcare" IN ('hospital', 'centre')))) THEN 'health_center'
  WHEN ((("social_facility" IS NOT NULL AND "social_facility" IN ('nursing_home', 'assisted_living'))) OR (("amenity" IS NOT NULL AND "amenity" IN ('nursing_home'))) OR (("social_facility" IS NOT NULL AND "social_facility" IN ('group_home')) AND ("social_facility:for" IS NOT NULL AND "social_facility:for" IN ('senior', 'elderly')))) THEN 'elderly_home'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('arts_centre', 'cultural_centre')))) THEN 'culture_center'
  WHEN ((("railway" IS NOT NULL AND "railway" IN ('station', 'halt', 'subway_entrance', 'train_station_entrance'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('station')) AND ("subway" IS NOT NULL AND "subway" IN ('yes'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('station')) AND ("light_rail" IS NOT NULL AND "light_rail" IN ('yes'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('station')) AND ("train" IS NOT NULL AND "train" IN ('yes'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('station')) AND ("building" IS NOT NULL AND "building" IN ('train_station')))) THEN 'metro_station'
  WHEN ((("leisure" IS NOT NULL AND "leisure" IN ('stadium', 'sports_centre', 'sports_hall')))) THEN 'large_sports'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('school')))) THEN 'primary_school'
  WHEN ((("leisure" IS NOT NULL AND "leisure" IN ('fitness_station'))) OR (("leisure" IS NOT NULL AND "leisure" IN ('pitch', 'playground', 'recreation_ground')) AND ("sport" IS NOT NULL AND "sport" IN ('fitness', 'exercise', 'calisthenics')))) THEN 'fitness'
  WHEN ((("leisure" IS NOT NULL AND "leisure" IN ('pitch')) AND ("sport" IS NOT NULL AND "sport" IN ('multi'))) OR (("leisure" IS NOT NULL AND "leisure" IN ('track', 'recreation_ground')))) THEN 'medium_sports'
  WHEN ((("leisure" IS NOT NULL AND "leisure" IN ('pitch')))) THEN 'small_sports'
  WHEN ((("shop" IS NOT NULL AND "shop" IN ('supermarket', 'hypermarket')))) THEN 'supermarket'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('marketplace'))) OR (("shop" IS NOT NULL AND "shop" IN ('greengrocer', 'farm')))) THEN 'fresh_market'
  WHEN ((("highway" IS NOT NULL AND "highway" IN ('bus_stop'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('platform')) AND ("bus" IS NOT NULL AND "bus" IN ('yes'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('station')) AND ("bus" IS NOT NULL AND "bus" IN ('yes'))) OR (("amenity" IS NOT NULL AND "amenity" IN ('bus_station')))) THEN 'bus_stop'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('childcare'))) OR (("social_facility" IS NOT NULL AND "social_facility" IN ('day_care')) AND ("social_facility:for" IS NOT NULL AND "social_facility:for" IN ('child', 'children', 'juvenile')))) THEN 'nursery'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('kindergarten')))) THEN 'kindergarten'
  WHEN ((("social_facility" IS NOT NULL AND "social_facility" IN ('day_care')))) THEN 'elderly_daycare'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('clinic', 'doctors'))) OR (("healthcare" IS NOT NULL AND "healthcare" IN ('clinic', 'doctor')))) THEN 'health_station'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('community_centre', 'social_centre')))) THEN 'community_service'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('library')))) THEN 'culture_station'
  WHEN ((("shop" IS NOT NULL AND "shop" IN ('convenience', 'general', 'variety_store', 'kiosk')))) THEN 'convenience'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('waste_disposal', 'recycling')))) THEN 'waste_point'
  WHEN ((("leisure" IS NOT NULL AND "leisure" IN ('park')))) THEN 'park'
  ELSE NULL END END AS c
  FROM points)
  WHERE c IS NOT NULL)
SQL
)

# facilities_multipolygons (OSM layer multipolygons)
SQL_facilities_multipolygons=$(cat <<'SQL'
SELECT COUNT(*) AS "facilities", COALESCE(SUM(c = 'middle_school'), 0) AS "facilities.middle_school", COALESCE(SUM(c = 'health_center'), 0) AS "facilities.health_center", COALESCE(SUM(c = 'elderly_home'), 0) AS "facilities.elderly_home", COALESCE(SUM(c = 'culture_center'), 0) AS "facilities.culture_center", COALESCE(SUM(c = 'metro_station'), 0) AS "facilities.metro_station", COALESCE(SUM(c = 'large_sports'), 0) AS "facilities.large_sports", COALESCE(SUM(c = 'primary_school'), 0) AS "facilities.primary_school", COALESCE(SUM(c = 'fitness'), 0) AS "facilities.fitness", COALESCE(SUM(c = 'medium_sports'), 0) AS "facilities.medium_sports", COALESCE(SUM(c = 'small_sports'), 0) AS "facilities.small_sports", COALESCE(SUM(c = 'supermarket'), 0) AS "facilities.supermarket", COALESCE(SUM(c = 'fresh_market'), 0) AS "facilities.fresh_market", COALESCE(SUM(c = 'bus_stop'), 0) AS "facilities.bus_stop", COALESCE(SUM(c = 'nursery'), 0) AS "facilities.nursery", COALESCE(SUM(c = 'kindergarten'), 0) AS "facilities.kindergarten", COALESCE(SUM(c = 'elderly_daycare'), 0) AS "facilities.elderly_daycare", COALESCE(SUM(c = 'health_station'), 0) AS "facilities.health_station", COALESCE(SUM(c = 'community_service'), 0) AS "facilities.community_service", COALESCE(SUM(c = 'culture_station'), 0) AS "facilities.culture_station", COALESCE(SUM(c = 'convenience'), 0) AS "facilities.convenience", COALESCE(SUM(c = 'waste_point'), 0) AS "facilities.waste_point", COALESCE(SUM(c = 'park'), 0) AS "facilities.park"
  FROM (SELECT c
  FROM (SELECT CASE
  WHEN ((("school" IS NOT NULL AND "school" IN ('driving', 'driving_school', 'language', 'music', 'dance'))) OR (("railway" IS NOT NULL AND "railway" IN ('proposed', 'construction', 'abandoned', 'disused')))) THEN NULL
  ELSE CASE
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('school')) AND ("isced:level" IS NOT NULL AND "isced:level" IN ('2', '3', '2;3', '2-3', '3;4')))) THEN 'middle_school'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('hospital'))) OR (("healthcare" IS NOT NULL AND "healthcare" IN ('hospital', 'centre')))) THEN 'health_center'
  WHEN ((("social_facility" IS NOT NULL AND "social_facility" IN ('nursing_home', 'assisted_living'))) OR (("amenity" IS NOT NULL AND "amenity" IN ('nursing_home'))) OR (("social_facility" IS NOT NULL AND "social_facility" IN ('group_home')) AND ("social_facility:for" IS NOT NULL AND "social_facility:for" IN ('senior', 'elderly')))) THEN 'elderly_home'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('arts_centre', 'cultural_centre')))) THEN 'culture_center'
  WHEN ((("railway" IS NOT NULL AND "railway" IN ('station', 'halt', 'subway_entrance', 'train_station_entrance'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('station')) AND ("subway" IS NOT NULL AND "subway" IN ('yes'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('station')) AND ("light_rail" IS NOT NULL AND "light_rail" IN ('yes'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('station')) AND ("train" IS NOT NULL AND "train" IN ('yes'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('station')) AND ("building" IS NOT NULL AND "building" IN ('train_station')))) THEN 'metro_station'
  WHEN ((("leisure" IS NOT NULL AND "leisure" IN ('stadium', 'sports_centre', 'sports_hall')))) THEN 'large_sports'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('school')))) THEN 'primary_school'
  WHEN ((("leisure" IS NOT NULL AND "leisure" IN ('fitness_station'))) OR (("leisure" IS NOT NULL AND "leisure" IN ('pitch', 'playground', 'recreation_ground')) AND ("sport" IS NOT NULL AND "sport" IN ('fitness', 'exercise', 'calisthenics')))) THEN 'fitness'
  WHEN ((("leisure" IS NOT NULL AND "leisure" IN ('pitch')) AND ("sport" IS NOT NULL AND "sport" IN ('multi'))) OR (("leisure" IS NOT NULL AND "leisure" IN ('track', 'recreation_ground')))) THEN 'medium_sports'
  WHEN ((("leisure" IS NOT NULL AND "leisure" IN ('pitch')))) THEN 'small_sports'
  WHEN ((("shop" IS NOT NULL AND "shop" IN ('supermarket', 'hypermarket')))) THEN 'supermarket'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('marketplace'))) OR (("shop" IS NOT NULL AND "shop" IN ('greengrocer', 'farm')))) THEN 'fresh_market'
  WHEN ((("highway" IS NOT NULL AND "highway" IN ('bus_stop'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('platform')) AND ("bus" IS NOT NULL AND "bus" IN ('yes'))) OR (("public_transport" IS NOT NULL AND "public_transport" IN ('station')) AND ("bus" IS NOT NULL AND "bus" IN ('yes'))) OR (("amenity" IS NOT NULL AND "amenity" IN ('bus_station')))) THEN 'bus_stop'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('childcare'))) OR (("social_facility" IS NOT NULL AND "social_facility" IN ('day_care')) AND ("social_facility:for" IS NOT NULL AND "social_facility:for" IN ('child', 'children', 'juvenile')))) THEN 'nursery'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('kindergarten')))) THEN 'kindergarten'
  WHEN ((("social_facility" IS NOT NULL AND "social_facility" IN ('day_care')))) THEN 'elderly_daycare'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('clinic', 'doctors'))) OR (("healthcare" IS NOT NULL AND "healthcare" IN ('clinic', 'doctor')))) THEN 'health_station'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('community_centre', 'social_centre')))) THEN 'community_service'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('library')))) THEN 'culture_station'
  WHEN ((("shop" IS NOT NULL AND "shop" IN ('convenience', 'general', 'variety_store', 'kiosk')))) THEN 'convenience'
  WHEN ((("amenity" IS NOT NULL AND "amenity" IN ('waste_disposal', 'recycling')))) THEN 'waste_point'
  WHEN ((("leisure" IS NOT NULL AND "leisure" IN ('park')))) THEN 'park'
  ELSE NULL END END AS c
  FROM multipolygons)
  WHERE c IS NOT NULL)
SQL
)

# roads (OSM layer lines)
SQL_roads=$(cat <<'SQL'
SELECT COUNT(*) AS "roads", COALESCE(SUM(w), 0) AS "roads.walkable"
  FROM (SELECT CASE
  WHEN ((("highway" IS NOT NULL AND "highway" <> ''))) AND NOT ((("highway" IS NOT NULL AND "highway" IN ('proposed', 'construction', 'abandoned', 'disused', 'razed', 'demolished', 'raceway', 'rest_area', 'services')))) THEN 1
  ELSE 0 END AS sel, CASE
  WHEN ((("foot" IS NOT NULL AND "foot" IN ('yes', 'designated', 'permissive')))) THEN 1
  WHEN ((("foot" IS NOT NULL AND "foot" IN ('no', 'private', 'use_sidepath'))) OR (("access" IS NOT NULL AND "access" IN ('private', 'no')))) THEN 0
  WHEN ((("highway" IS NOT NULL AND "highway" IN ('footway', 'pedestrian', 'path', 'steps', 'living_street', 'residential', 'service', 'unclassified', 'tertiary', 'tertiary_link', 'secondary', 'secondary_link', 'primary', 'primary_link', 'track', 'road', 'corridor', 'elevator', 'platform', 'trail')))) THEN 1
  ELSE 0 END AS w
  FROM lines)
  WHERE sel = 1
SQL
)

# pipes (OSM layer lines)
SQL_pipes=$(cat <<'SQL'
SELECT COUNT(*) AS "pipes", COALESCE(SUM(k = 'sewer'), 0) AS "pipes.kind.sewer", COALESCE(SUM(k = 'combined'), 0) AS "pipes.kind.combined", COALESCE(SUM(k = 'storm'), 0) AS "pipes.kind.storm", COALESCE(SUM(k = 'water'), 0) AS "pipes.kind.water", COALESCE(SUM(k = 'other'), 0) AS "pipes.kind.other", COALESCE(SUM(d), 0) AS "pipes.with_diameter"
  FROM (SELECT k, d
  FROM (SELECT CASE
  WHEN ((("man_made" IS NOT NULL AND "man_made" IN ('pipeline')) AND ("substance" IS NOT NULL AND "substance" IN ('sewage;rainwater', 'rainwater;sewage', 'combined_sewage')))) THEN 'combined'
  WHEN ((("man_made" IS NOT NULL AND "man_made" IN ('pipeline')) AND ("substance" IS NOT NULL AND "substance" IN ('sewage', 'wastewater', 'waste_water'))) OR (("man_made" IS NOT NULL AND "man_made" IN ('pipeline')) AND ("type" IS NOT NULL AND "type" IN ('sewage', 'sewer')))) THEN 'sewer'
  WHEN ((("waterway" IS NOT NULL AND "waterway" IN ('drain', 'ditch'))) OR (("man_made" IS NOT NULL AND "man_made" IN ('pipeline')) AND ("substance" IS NOT NULL AND "substance" IN ('rainwater', 'stormwater', 'storm_water'))) OR (("man_made" IS NOT NULL AND "man_made" IN ('pipeline')) AND ("type" IS NOT NULL AND "type" IN ('rainwater', 'stormwater', 'storm_water', 'drain')))) THEN 'storm'
  WHEN ((("man_made" IS NOT NULL AND "man_made" IN ('pipeline')) AND ("substance" IS NOT NULL AND "substance" IN ('water', 'drinking_water'))) OR (("man_made" IS NOT NULL AND "man_made" IN ('pipeline')) AND ("type" IS NOT NULL AND "type" IN ('water')))) THEN 'water'
  WHEN ((("man_made" IS NOT NULL AND "man_made" IN ('pipeline')))) THEN 'other'
  ELSE NULL END AS k, ("diameter" IS NOT NULL AND "diameter" <> '') AS d
  FROM lines)
  WHERE k IS NOT NULL)
SQL
)

# pipe_nodes (OSM layer points)
SQL_pipe_nodes=$(cat <<'SQL'
SELECT COUNT(*) AS "pipe_nodes", COALESCE(SUM(k = 'manhole'), 0) AS "pipe_nodes.kind.manhole", COALESCE(SUM(k = 'outfall'), 0) AS "pipe_nodes.kind.outfall", COALESCE(SUM(k = 'plant'), 0) AS "pipe_nodes.kind.plant", COALESCE(SUM(k = 'pump'), 0) AS "pipe_nodes.kind.pump", COALESCE(SUM(k = 'inlet'), 0) AS "pipe_nodes.kind.inlet"
  FROM (SELECT k
  FROM (SELECT CASE
  WHEN ((("manhole" IS NOT NULL AND "manhole" <> '')) OR (("man_made" IS NOT NULL AND "man_made" IN ('manhole')))) THEN 'manhole'
  WHEN ((("man_made" IS NOT NULL AND "man_made" IN ('outfall')))) THEN 'outfall'
  WHEN ((("man_made" IS NOT NULL AND "man_made" IN ('wastewater_plant')))) THEN 'plant'
  WHEN ((("man_made" IS NOT NULL AND "man_made" IN ('pumping_station')))) THEN 'pump'
  WHEN ((("inlet" IS NOT NULL AND "inlet" <> '')) OR (("man_made" IS NOT NULL AND "man_made" IN ('storm_drain')))) THEN 'inlet'
  ELSE NULL END AS k
  FROM points)
  WHERE k IS NOT NULL)
SQL
)

out_buildings=$(run "$SQL_buildings") || { echo "osm_counts.sh: buildings query failed" >&2; exit 1; }
out_fp=$(run "$SQL_facilities_points") || { echo "osm_counts.sh: facilities (points) query failed" >&2; exit 1; }
out_fm=$(run "$SQL_facilities_multipolygons") || { echo "osm_counts.sh: facilities (multipolygons) query failed" >&2; exit 1; }
out_roads=$(run "$SQL_roads") || { echo "osm_counts.sh: roads query failed" >&2; exit 1; }
out_pipes=$(run "$SQL_pipes") || { echo "osm_counts.sh: pipes query failed" >&2; exit 1; }
out_nodes=$(run "$SQL_pipe_nodes") || { echo "osm_counts.sh: pipe_nodes query failed" >&2; exit 1; }

echo "$out_buildings"
# facilities = points + multipolygons, summed by name in first-seen order
printf '%s\n%s\n' "$out_fp" "$out_fm" |
  awk '{ if (!($1 in v)) order[++n] = $1; v[$1] += $2 } END { for (i = 1; i <= n; i++) print order[i], v[order[i]] }'
echo "$out_roads"
echo "$out_pipes"
echo "$out_nodes"
