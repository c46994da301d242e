#!/usr/bin/env bash
# Installs what cim needs on a fresh Debian machine (idempotent): pkg-config, GEOS, PROJ, GDAL
# (libraries and command-line tools, which the tests use to cross-check), SQLite.
set -euo pipefail
packages=(pkg-config libgeos-dev libproj-dev libgdal-dev libsqlite3-dev gdal-bin proj-bin sqlite3)
missing=()
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The cross-checks use Python with pip (shapely, networkx … are pip-installed by Scripts/crosscheck.sh).
if ! python3 -m pip --version >/dev/null 2>&1; then
  echo "setup: installing python3-pip" >&2
  DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq --no-install-recommends python3 python3-pip >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6 toolchain needed)" >&2; exit 1; }
