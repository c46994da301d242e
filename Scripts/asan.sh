#!/usr/bin/env bash
# Runs the Swift test suite under AddressSanitizer (heap and stack overflows, use after free, double free
# in cim and in its calls into GEOS, PROJ, GDAL and SQLite), in its own build folder .build-asan.
# Arguments go to `swift test` (e.g. --filter StoreTests).
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests --sanitize=address --scratch-path .build-asan
# GDAL and PROJ keep caches for the life of the process: leaks at exit are not findings here.
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:halt_on_error=1}" swift test --skip-build --sanitize=address --scratch-path .build-asan "$@"
