#!/usr/bin/env bash
# Runs the test suite (Swift Testing): unit tests, brute-force cross-checks, real-data and CLI tests.
set -euo pipefail
cd "$(dirname "$0")/.."
Scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
