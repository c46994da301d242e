#!/usr/bin/env bash
# Runs the test suite: the Python cross-checks of Scripts/crosscheck.sh (independent tools on real data),
# then the Swift Testing suite (unit tests, brute-force cross-checks, real-data and CLI tests).
# The browser test of the report (Scripts/report-check.sh: headless Chromium on the demo city's report) runs
# after the cross-checks; set CIM_SKIP_BROWSER=1 to leave it out.
# Set CIM_SKIP_CROSSCHECK=1 to run the Swift suite alone.
# After the Swift suite, Scripts/dask-check.sh runs the province path on a local Dask cluster (issue 18: two
# workers, one killed mid-batch, PostGIS); set CIM_SKIP_DASK=1 to leave it out.
#
# The PostGIS tests need a server: this script starts the private one of Scripts/postgis.sh (left running;
# `Scripts/postgis.sh stop` stops it, .ci/run does) and passes its address in CIM_TEST_POSTGIS. Set
# CIM_TEST_POSTGIS yourself to test against another server; without it those tests say they are skipped.
#
# The disk-full tests need a small file system: as root this script mounts a 16 MB tmpfs under .build and
# passes it in CIM_TEST_SMALL_FS; otherwise (or when mounting is not allowed) they say they are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
if [ "${CIM_SKIP_CROSSCHECK:-0}" != "1" ]; then
  Scripts/crosscheck.sh .build/debug/cim
fi
small_fs="$PWD/.build/small-fs"
if [ -z "${CIM_TEST_SMALL_FS:-}" ] && [ "$(id -u)" = 0 ]; then
  mkdir -p "$small_fs"
  if mountpoint -q "$small_fs" || mount -t tmpfs -o size=16m tmpfs "$small_fs" 2>/dev/null; then
    export CIM_TEST_SMALL_FS="$small_fs"
    trap 'umount "$small_fs" 2>/dev/null || true' EXIT
  fi
fi
if [ -z "${CIM_TEST_SMALL_FS:-}" ]; then
  echo "disk-full tests: skipped (no small tmpfs: run as root, or set CIM_TEST_SMALL_FS to a small mounted file system)" >&2
fi
if [ "${CIM_SKIP_BROWSER:-0}" != "1" ]; then
  Scripts/report-check.sh .build/debug/cim
fi
if [ -z "${CIM_TEST_POSTGIS:-}" ]; then
  Scripts/postgis.sh start
  CIM_TEST_POSTGIS="$(Scripts/postgis.sh url)"
  export CIM_TEST_POSTGIS
fi
swift test --skip-build "$@"
if [ "${CIM_SKIP_DASK:-0}" != "1" ]; then
  Scripts/dask-check.sh .build/debug/cim
else
  echo "dask-check: skipped (CIM_SKIP_DASK=1)" >&2
fi
