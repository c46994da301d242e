#!/usr/bin/env bash
# Fuzzes cim's parsers of outside input with libFuzzer for a bounded time each: the WKB reader, the
# CityJSON parser, the standard and indicator files and CSV import (Fuzz/Sources/*). The harnesses and every cim module
# are built with -sanitize=fuzzer,address into .build-fuzz; the seed corpus is Fuzz/Corpus/<name> (kept
# in the repository), new inputs go to .build-fuzz/corpus/<name>, crashes to .build-fuzz/findings/<name>.
#
#   Scripts/fuzz.sh            # 60 s per harness
#   FUZZ_SECONDS=600 Scripts/fuzz.sh FuzzWKB
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
harnesses=("$@")
[ ${#harnesses[@]} -eq 0 ] && harnesses=(FuzzWKB FuzzCityJSON FuzzStandard FuzzIndicators FuzzCSVImport)
root="$PWD"
scratch="$root/.build-fuzz"
# Each harness's main runs libFuzzer's driver (Fuzz/Sources/FuzzSupport).
swift build --package-path Fuzz --scratch-path "$scratch" -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld
status=0
for name in "${harnesses[@]}"; do
  corpus_name=$(echo "${name#Fuzz}" | tr '[:upper:]' '[:lower:]'); [ "$corpus_name" = csvimport ] && corpus_name=csv
  mkdir -p "$scratch/corpus/$name" "$scratch/findings/$name"
  echo "== $name: ${seconds}s, seeds Fuzz/Corpus/$corpus_name"
  if ! (cd "$scratch/findings/$name" && CIM_DATA_DIR="$root/Data" ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no \
        "$scratch/debug/$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=3072 -print_final_stats=1 \
        "$scratch/corpus/$name" "$root/Fuzz/Corpus/$corpus_name" 2>&1 | grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|ERROR|SUMMARY|Test unit written|==[0-9]+==" ); then
    :
  fi
  if [ -n "$(find "$scratch/findings/$name" -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*')" ]; then
    echo "!! $name: findings in $scratch/findings/$name"; status=1
  else
    echo "   $name: no crash, hang or memory error"
  fi
done
exit $status
