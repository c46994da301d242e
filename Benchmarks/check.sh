#!/usr/bin/env bash
# `cim check` against `cim coverage` + `cim gaps` on the same store, in one run: RUNS rounds (default 3) of
# check, coverage, gaps in turn (alternating, so load drifts hit all three alike), each the whole command in
# its own process (start-up, load, compute, write/record); medians and peak memory. Issue 12 asks for
# check <= (coverage + gaps) x 1.2. Prints a markdown block for Benchmarks/RESULTS.md.
#   Benchmarks/check.sh STORE.gpkg [RUNS]
#   e.g. cim generate --buildings 1000000 --seed 1 /tmp/big.gpkg && Benchmarks/check.sh /tmp/big.gpkg
set -euo pipefail
cd "$(dirname "$0")/.."
store=$1
runs=${2:-3}
swift build -c release --product cim >/dev/null
cim=.build/release/cim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
timed() {  # name, command...: appends "name seconds peak_kb" to $work/times
  local name=$1; shift
  /usr/bin/time -f "$name %e %M" -a -o "$work/times" "$@" > /dev/null 2> "$work/$name.err" || { cat "$work/$name.err" >&2; exit 1; }
}
load=$(cut -d' ' -f1-3 /proc/loadavg)
for r in $(seq "$runs"); do
  echo "== round $r" >&2
  timed check "$cim" check "$store" --year 2025
  timed coverage "$cim" coverage "$store"
  timed gaps "$cim" gaps "$store"
done
python3 - "$work/times" "$store" "$runs" "$load" "$(git rev-parse --short HEAD)$(git diff --quiet || echo ' (with local changes)')" <<'PY'
import statistics, sys, subprocess
path, store, runs, load, commit = sys.argv[1:]
rows = [l.split() for l in open(path) if l.strip() and not l.startswith("Command")]
t = {}
for name, sec, kb in rows:
    t.setdefault(name, []).append((float(sec), int(kb)))
med = {k: statistics.median(s for s, _ in v) for k, v in t.items()}
peak = {k: max(m for _, m in v) / 1024 for k, v in t.items()}
date = subprocess.run(["date", "-u", "+%Y-%m-%d %H:%M UTC"], capture_output=True, text=True).stdout.strip()
print(f"### cim check vs cim coverage + cim gaps, {date}")
print()
print(f"Machine: 2 cores, load average at start {load}. Commit {commit}; release build. Store {store}; {runs} rounds of check, coverage, gaps in turn, each the whole command in its own process; medians.")
print()
print("| command | median s | runs (s) | peak RSS (MB) |")
print("|---|---:|---|---:|")
for k in ["check", "coverage", "gaps"]:
    print(f"| cim {k} | {med[k]:.1f} | {', '.join(f'{s:.1f}' for s, _ in t[k])} | {peak[k]:.0f} |")
bound = (med["coverage"] + med["gaps"]) * 1.2
print()
print(f"check {med['check']:.1f} s against (coverage + gaps) × 1.2 = ({med['coverage']:.1f} + {med['gaps']:.1f}) × 1.2 = {bound:.1f} s: "
      f"ratio check ÷ (coverage + gaps) = {med['check'] / (med['coverage'] + med['gaps']):.2f} — {'met' if med['check'] <= bound else 'NOT met'}.")
PY
