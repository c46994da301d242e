#!/usr/bin/env bash
# Fingerprints of a generated city, to show that a change leaves `cim generate` byte-identical for a seed:
# per layer of the GeoPackage its feature count and the SHA-256 of its rows in fid order (every column,
# geometry blobs in hex; the file itself differs between runs only in its timestamps), and the SHA-256 of
# the truth file beside it. Compare the output of two builds:
#   Scripts/city-fingerprint.sh city.gpkg > before.txt     (… rebuild, generate again …)
#   Scripts/city-fingerprint.sh city.gpkg | diff before.txt -
# Usage: Scripts/city-fingerprint.sh STORE.gpkg   (needs the sqlite3 command-line tool)
set -euo pipefail
store=$1
command -v sqlite3 >/dev/null || { echo "city-fingerprint.sh: needs sqlite3 (apt-get install sqlite3)" >&2; exit 1; }
layers=$(sqlite3 "$store" "SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY table_name")
for layer in $layers; do
  columns=$(sqlite3 "$store" "SELECT group_concat(CASE WHEN type = 'BLOB' OR name = (SELECT column_name FROM gpkg_geometry_columns WHERE table_name = '$layer') THEN 'hex(\"' || name || '\")' ELSE 'quote(\"' || name || '\")' END, ' || ''|'' || ') FROM pragma_table_info('$layer')")
  count=$(sqlite3 "$store" "SELECT count(*) FROM \"$layer\"")
  hash=$(sqlite3 "$store" "SELECT $columns FROM \"$layer\" ORDER BY fid" | sha256sum | cut -d' ' -f1)
  printf '%-14s %9s  %s\n' "$layer" "$count" "$hash"
done
truth="${store%.gpkg}.truth.json"
if [ -f "$truth" ]; then printf '%-14s %9s  %s\n' "truth" "-" "$(sha256sum < "$truth" | cut -d' ' -f1)"; fi
