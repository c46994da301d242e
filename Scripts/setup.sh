#!/usr/bin/env bash
# Installs what cim needs on a fresh Debian machine (idempotent): pkg-config, GEOS, PROJ, GDAL
# (libraries and command-line tools, which the tests use to cross-check), SQLite, and PostgreSQL 15 with
# PostGIS 3 and libpq (the PostGIS store's client library; Scripts/postgis.sh runs a private server for the
# demo and the tests).
# `Scripts/setup.sh browser` also installs Debian's chromium and a CJK font (WenQuanYi Micro Hei), which the
# browser test of the report (Scripts/report-check.sh) needs to render and screenshot Chinese text.
set -euo pipefail
packages=(pkg-config libgeos-dev libproj-dev libgdal-dev libsqlite3-dev gdal-bin proj-bin sqlite3
          postgresql-15 postgresql-15-postgis-3 libpq-dev)
missing=()
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${1:-}" = "browser" ]; then
  for p in chromium fonts-wqy-microhei; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The cross-checks use Python in a virtual environment (Scripts/python-env.sh installs shapely, networkx …
# into .build/python): python3 with venv and ensurepip (Debian's python3-venv).
if ! command -v python3 >/dev/null 2>&1 || ! python3 -c "import venv, ensurepip" >/dev/null 2>&1; then
  echo "setup: installing python3-venv" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3 python3-venv python3-pip >/dev/null
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (Swift 6 toolchain needed)" >&2; exit 1; }
