#!/usr/bin/env python3
"""The table of one peers.sh run: per task the medians over the rounds of cim's whole command (wall time,
/usr/bin/time -v) and load + compute (the command's own stage timings without "write"), the peer's load +
compute (its own timer) and wall time (with the interpreter start), peak memory, the ratios, whether the
answers were equal (round 1), and whether the issue's goal is met.

    python3 peers_report.py DIR --rounds N --size SIZE [--commit C] [--append Benchmarks/RESULTS.md]
"""
import argparse
import datetime as dt
import json
import os
import statistics
import sys

from report import read_json, read_time, timing_table

SECTION = "## Peers: DuckDB spatial and scipy (issue 15)"
TASKS = [  # cim name, peer name, task, peer label, goal ratio (whole command)
    ("cim_coverage", "duckdb_coverage", "straight-line coverage", "DuckDB spatial", 10),
    ("cim_gaps", "duckdb_pipes", "pipe service distance", "DuckDB spatial", 3),
    ("cim_network", "scipy_network", "network coverage (exact edge snapping)", "scipy csgraph", 5),
]


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--size", default="")
    p.add_argument("--commit", default="")
    p.add_argument("--append")
    a = p.parse_args()
    rounds = range(1, a.rounds + 1)
    lines = [f"### {dt.datetime.utcnow():%Y-%m-%d %H:%M} UTC — {a.size}, commit {a.commit}, medians of {a.rounds} alternating rounds",
             "", f"Machine: {os.cpu_count()} cores; load average at the end {open('/proc/loadavg').read().split()[:3]}.", "",
             "| task | cim whole command | cim load + compute | cim peak RSS | peer | peer load + compute | peer wall | peer peak RSS | ratio whole (peer load + compute ÷ cim whole) | answers equal | goal |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for cim, peer, task, label, goal in TASKS:
        ct = [read_time(f"{a.dir}/{cim}.{r}.time") or {} for r in rounds]
        cj = [read_json(f"{a.dir}/{cim}.{r}.log") for r in rounds]
        compute = [sum(s for k, s in timing_table(j).items() if k != "write") if j else None for j in cj]
        pt = [read_time(f"{a.dir}/{peer}.{r}.time") or {} for r in rounds]
        pj = [read_json(f"{a.dir}/{peer}.{r}.json") for r in rounds]
        whole, cmem = median([t.get("wall") for t in ct]), max([t.get("rss_mb") or 0 for t in ct])
        ccomp = median(compute)
        psec = median([j.get("seconds") if j else None for j in pj])
        pwall, pmem = median([t.get("wall") for t in pt]), max([t.get("rss_mb") or 0 for t in pt])
        first = pj[0] or {}
        equal = first.get("equal")
        eq = "yes" if equal else ("NO" if equal is False else "not checked")
        answers = first.get("answers") or {}
        if answers.get("max_abs_diff") is not None:
            eq += f" ({answers.get('compared', 0)} distances, max diff {answers['max_abs_diff']:.1e} m)"
        ratio = psec / whole if psec and whole else None
        met = "—" if ratio is None else ("yes" if ratio >= goal and cmem <= 1024 else "no") + f" (≥ {goal}×, ≤ 1 GB)"
        f = lambda x, u=" s": "—" if x is None else f"{x:.2f}{u}"
        lines.append(f"| {task} | {f(whole)} | {f(ccomp)} | {cmem:.0f} MiB | {label} | {f(psec)} | {f(pwall)} | {pmem:.0f} MiB | "
                     f"{'—' if ratio is None else f'{ratio:.1f}×'} | {eq} | {met} |")
    block = "\n".join(lines) + "\n"
    print(block)
    if a.append:
        text = open(a.append, encoding="utf-8").read()
        if SECTION not in text:
            text = text.rstrip("\n") + "\n\n" + SECTION + "\n\nRuns of `Benchmarks/compare/peers.sh` (newest first).\n"
        head, tail = text.split(SECTION, 1)
        intro, _, rest = tail.partition("\n### ")
        text = head + SECTION + intro.rstrip("\n") + "\n\n" + block + ("\n### " + rest if rest else "")
        open(a.append, "w", encoding="utf-8").write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
