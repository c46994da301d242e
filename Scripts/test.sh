#!/usr/bin/env bash
# Runs the test suite: the Python cross-checks of Scripts/crosscheck.sh (independent tools on real data),
# then the Swift Testing suite (unit tests, brute-force cross-checks, real-data and CLI tests).
# The browser test of the report (Scripts/report-check.sh: headless Chromium on the demo city's report) runs
# after the cross-checks; set CIM_SKIP_BROWSER=1 to leave it out.
# Set CIM_SKIP_CROSSCHECK=1 to run the Swift suite alone.
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
# The Dask province path (Distributed/cim_dask.py): runs when CIM_TEST_POSTGIS names a PostGIS database,
# else it says it skipped.
Scripts/dask-check.sh .build/debug/cim
swift test --skip-build "$@"
