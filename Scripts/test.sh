#!/usr/bin/env bash
# Runs the test suite: the Python cross-checks of Scripts/crosscheck.sh (independent tools on real data),
# then the Swift Testing suite (unit tests, brute-force cross-checks, real-data and CLI tests).
# Set CIM_SKIP_CROSSCHECK=1 to run the Swift suite alone.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
if [ "${CIM_SKIP_CROSSCHECK:-0}" != "1" ]; then
  Scripts/crosscheck.sh .build/debug/cim
fi
swift test --skip-build "$@"
