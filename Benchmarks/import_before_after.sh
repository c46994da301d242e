#!/usr/bin/env bash
# Times `cim import NEW.gpkg buildings BIG.gpkg` (a generated city of N buildings) with two release builds
# of cim, alternating A, B, A, B …, and prints each run and the medians.
# Usage: Benchmarks/import_before_after.sh CIM_BEFORE CIM_AFTER [BUILDINGS=1000000] [RUNS=3]
set -euo pipefail
before=$1; after=$2; n=${3:-1000000}; runs=${4:-3}
work=$(mktemp -d /tmp/cim-import-ab.XXXXXX)
trap 'rm -rf "$work"' EXIT
for label in before after; do
  bin=$([ $label = before ] && echo "$before" || echo "$after")
  start=$(date +%s.%N)
  "$bin" generate --buildings "$n" --seed 1 "$work/big-$label.gpkg" >/dev/null
  echo "generate ($label): $(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN {printf "%.2f", a - b}') s"
done
declare -a tb ta
for r in $(seq 1 "$runs"); do
  for label in before after; do
    bin=$([ $label = before ] && echo "$before" || echo "$after")
    rm -f "$work/new.gpkg"
    start=$(date +%s.%N)
    "$bin" import "$work/new.gpkg" buildings "$work/big-$label.gpkg" >/dev/null
    t=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN {printf "%.2f", a - b}')
    echo "run $r $label: $t s"
    if [ $label = before ]; then tb+=("$t"); else ta+=("$t"); fi
  done
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mb=$(median "${tb[@]}"); ma=$(median "${ta[@]}")
echo "median before: $mb s, after: $ma s, change: $(awk -v a="$ma" -v b="$mb" 'BEGIN {printf "%+.1f", (a - b) * 100 / b}') %"
