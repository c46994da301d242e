#!/usr/bin/env bash
# Runs the test suite: the Python cross-checks of Scripts/crosscheck.sh (independent tools on real data),
# then the Swift Testing suite (unit tests, brute-force cross-checks, real-data and CLI tests).
# The browser test of the report (Scripts/report-check.sh: headless Chromium on the demo city's report) runs
# after the cross-checks; set CIM_SKIP_BROWSER=1 to leave it out.
# Set CIM_SKIP_CROSSCHECK=1 to run the Swift suite alone.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
if [ "${CIM_SKIP_CROSSCHECK:-0}" != "1" ]; then
  Scripts/crosscheck.sh .build/debug/cim
fi
if [ "${CIM_SKIP_BROWSER:-0}" != "1" ]; then
  Scripts/report-check.sh .build/debug/cim
fi
swift test --skip-build "$@"
