#!/usr/bin/env python3
"""Turns one run_all.sh run (a folder per size with /usr/bin/time -v files and the tools' JSON records)
into the markdown comparison table, and optionally adds it to Benchmarks/RESULTS.md (newest run first) under the
heading "Comparison with GeoPandas, PostGIS, pandana, networkx".

    python3 report.py WORK SIZE... [--limit SECONDS] [--append Benchmarks/RESULTS.md] [--machine FILE]
"""
import argparse
import datetime as dt
import json
import os
import re
import sys

SECTION = "## Comparison with GeoPandas, PostGIS, pandana, networkx"


def read_time(path):
    """Wall seconds, peak RSS (MiB) and exit status from a `/usr/bin/time -v` file."""
    if not os.path.exists(path):
        return None
    text = open(path, encoding="utf-8", errors="replace").read()
    out = {}
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text)
    if m:
        parts = [float(x) for x in m.group(1).split(":")]
        out["wall"] = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        out["rss_mb"] = int(m.group(1)) / 1024.0
    m = re.search(r"Exit status: (\d+)", text)
    out["status"] = int(m.group(1)) if m else None
    if "Command terminated by signal" in text:
        out["status"] = out.get("status") or -1
    return out


def read_json(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def timing_table(summary, key="timings"):
    """{stage: seconds} from a cim --format json summary."""
    if not summary:
        return {}
    rows = summary.get(key) or []
    out = {}
    for r in rows:
        name = r.get("stage")
        secs = r.get("seconds")
        if name is not None and secs is not None:
            out[name] = float(secs)
    return out


def fmt_s(x):
    if x is None:
        return "–"
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def fmt_mb(x):
    return "–" if x is None else f"{x:.0f} MiB"


def status_text(rc, limit, log):
    if rc == 124 or rc == 137:
        return f"did not finish in {limit} s"
    tail = ""
    if log and os.path.exists(log):
        lines = [l for l in open(log, encoding="utf-8", errors="replace").read().splitlines() if l.strip()]
        tail = lines[-1][:160] if lines else ""
    return f"failed (exit {rc}): {tail}"


def size_rows(work, size, limit):
    d = os.path.join(work, size)
    rows, targets, notes = [], [], []
    n = None
    cim = {}
    for task in ("coverage", "network", "gaps"):
        tm = read_time(os.path.join(d, f"cim_{task}.time"))
        summary = read_json(os.path.join(d, f"cim_{task}.json"))
        cim[task] = (tm, summary)
    gen = read_json(os.path.join(d, "generate.json"))
    if gen:
        for r in gen.get("overview", []):
            if r.get("measure") == "buildings":
                n = r.get("value")

    def tool(name):
        rec = read_json(os.path.join(d, f"{name}.json"))
        tm = read_time(os.path.join(d, f"{name}.time"))
        rc = None
        if os.path.exists(os.path.join(d, f"{name}.rc")):
            rc = int(open(os.path.join(d, f"{name}.rc")).read().strip() or 0)
        return rec, tm, rc, os.path.join(d, f"{name}.log")

    def cim_row(label, task, tm, summary=None):
        if tm is None:
            rows.append([label, task, size, "–", "–", "reference", "not run"])
            return None
        ok = tm.get("status") == 0
        text = "reference" if ok else f"cim failed (exit {tm.get('status')})"
        stages = timing_table(summary)
        if ok and stages:
            text += " (stages: " + ", ".join(f"{k} {v:.2f}" for k, v in stages.items()) + " s)"
        rows.append([label, task, size, fmt_s(tm.get("wall")), fmt_mb(tm.get("rss_mb")), "1 (reference)", text])
        return tm.get("wall") if ok else None

    def tool_row(label, task, name, reference, seconds_key="seconds", equal_text=None):
        rec, tm, rc, log = tool(name)
        if rec is None and tm is None:
            rows.append([label, task, size, "–", "–", "–", "not run"])
            return None
        secs = rec.get(seconds_key) if rec else None
        # the tool's own peak at the end of its timed work (the process grows later while it checks answers)
        rss = (rec or {}).get("peak_rss_mb") or (tm or {}).get("rss_mb")
        mem = fmt_mb(rss)
        if rec and "server_peak_pss_mb" in rec and rss is not None:
            mem = f"{rss:.0f} + server {rec['server_peak_pss_mb']:.0f} MiB"
        ratio = f"{secs / reference:.1f}×" if reference and secs else "–"
        if rec is None or secs is None:
            rows.append([label, task, size, "–", mem, "–", status_text(rc, limit, log)])
            return None
        if "answers" not in rec:
            if rc == 0:
                eqs = "not compared"
            elif rc in (124, 137):
                eqs = f"timed; the answer check did not finish in {limit} s"
            else:
                eqs = status_text(rc, limit, log)
        elif equal_text:
            eqs = equal_text(rec)
        else:
            a = rec["answers"]
            if rec.get("equal"):
                eqs = f"yes (max diff {a.get('max_abs_diff', 0):.1e} m)"
            else:
                eqs = (f"NO: {a.get('null_mismatches', 0)} null mismatches, {a.get('over_tolerance', 0)} over 1e-6 m "
                       f"(of {a.get('compared', 0)})")
        rows.append([label, task, size, fmt_s(secs), mem, ratio, eqs])
        return secs, rec

    # straight-line coverage
    ref = cim_row("cim coverage", "straight-line coverage", *cim["coverage"])
    gp = tool_row("GeoPandas sjoin_nearest", "straight-line coverage", "coverage_geopandas", ref)
    gp_write = (gp[1].get("write_seconds") if gp else None)
    if gp and gp_write is not None:
        both = gp[0] + gp_write
        rows.append([f"GeoPandas sjoin_nearest + writing its result layer ({gp[1].get('written_fields', '?')} fields, pyogrio)",
                     "straight-line coverage", size, fmt_s(both), "", f"{both / ref:.1f}×" if ref else "–",
                     f"(write {gp_write:.2f} s; both sides write their result)"])
    pg = tool_row("PostGIS KNN (queries)", "straight-line coverage", "coverage_postgis", ref)
    rec = read_json(os.path.join(d, "coverage_postgis.json"))
    if rec and rec.get("load_index_seconds") is not None:
        rows.append(["PostGIS load + GiST index", "straight-line coverage", size, fmt_s(rec["load_index_seconds"]), "",
                     f"{rec['load_index_seconds'] / ref:.1f}×" if ref else "–", "(one-off, not in the ratio above)"])
    def target(what, goal, tool_secs, whole, summary, tool_compute=None, cim_loading=("load",), tool_write=None):
        """Ratios at up to four scopes, all from this run: whole command (the tool also writing its result
        when it was timed doing so); whole cim command against the tool without writing; cim without
        writing its results (load + compute) against the tool's load + compute; and compute only on both
        sides (no loading)."""
        stages = timing_table(summary)
        compute = sum(v for k, v in stages.items() if k != "write") if stages else None
        measured = ""
        met = "no"
        if tool_write is not None:
            measured = f"{(tool_secs + tool_write) / whole:.1f}× (whole, both writing their result layer); "
            met = "yes" if (tool_secs + tool_write) / whole >= goal else "no"
        measured += f"{tool_secs / whole:.1f}× (whole command, the tool not writing)"
        if tool_secs / whole >= goal:
            met = "yes"
        if compute:
            measured += f"; {tool_secs / compute:.1f}× (cim without writing its result layers: {compute:.2f} s)"
            if met == "no" and tool_secs / compute >= goal:
                met = "only without the write"
            cim_compute = compute - sum(stages.get(k, 0.0) for k in cim_loading)
            if tool_compute and cim_compute > 0:
                measured += f"; {tool_compute / cim_compute:.1f}× (computation only, no loading: {tool_compute:.2f} s vs {cim_compute:.2f} s)"
                if met == "no" and tool_compute / cim_compute >= goal:
                    met = "only for the computation"
        targets.append([what, measured, met])

    if ref and gp:
        st = gp[1].get("stages", {})
        target("straight-line coverage ≥ 10× faster than GeoPandas", 10, gp[0], ref, cim["coverage"][1],
               tool_compute=st.get("reference points", 0) + st.get("sjoin_nearest", 0), tool_write=gp_write)
    # network coverage
    ref = cim_row("cim coverage --metric network", "network coverage", *cim["network"])

    def pandana_eq(r):
        a = r.get("answers", {})
        v = r.get("vs_cim", {}).get("abs_diff", {})
        head = "yes" if r.get("equal") else f"NO ({a.get('null_mismatches', 0)} null, {a.get('over_tolerance', 0)} over tol.)"
        sample = a.get("sample")
        extra = f", sample of {sample} buildings" if sample and sample < r.get("buildings", 0) else ""
        s = f"{head} = networkx on the node-snapped problem{extra}"
        if v.get("n"):
            s += f"; vs cim: median {v['median']:.1f} m, p90 {v['p90']:.1f} m, max {v['max']:.0f} m"
        return s

    pdn = tool_row("pandana (node-snapped): load + network + queries", "network coverage", "network_pandana", ref,
                   equal_text=pandana_eq)
    rec = read_json(os.path.join(d, "network_pandana.json"))
    if rec and rec.get("precompute_seconds") is not None:
        pre_mb = rec.get("precompute_peak_rss_mb")
        rows.append(["pandana precompute(2000)", "network coverage", size, fmt_s(rec["precompute_seconds"]),
                     f"{pre_mb:.0f} MiB (process peak after it)" if pre_mb else "",
                     f"{rec['precompute_seconds'] / ref:.1f}×" if ref else "–",
                     "(pandana's tutorials run it first; nearest_pois does not need it: not in the ratio above)"])
    elif pdn:
        rows.append(["pandana precompute(2000)", "network coverage", size, "–", "", "–",
                     f"not finished (time limit {limit} s or failure; see network_pandana.log)"])
    tool_row("networkx Dijkstra (split graph)", "network coverage", "network_networkx", ref)
    if ref and pdn:
        st = pdn[1].get("stages", {})
        target("network coverage ≥ 5× faster than pandana", 5, pdn[0], ref, cim["network"][1],
               tool_compute=st.get("network", 0) + st.get("query", 0), cim_loading=("load", "load roads"))
    # pipes
    tm, summary = cim["gaps"]
    whole = cim_row("cim gaps (whole command)", "pipe service distances", tm, summary)
    stages = timing_table(summary)
    service = None
    # What the GeoPandas script does: read buildings and pipes, index the pipes, nearest distances. cim's
    # "buildings" stage (reference points, floor areas, residents, districts: for zones and summaries) is
    # not needed for the distances; summaries older than the "pipe index" stage count it instead.
    index_stage = "pipe index" if stages and "pipe index" in stages else "buildings"
    service_label = f"cim gaps: load + {index_stage} + pipe service stages"
    if stages and whole:
        service = sum(stages.get(s, 0.0) for s in ("load", index_stage, "pipe service"))
        rows.append([service_label, "pipe service distances", size, fmt_s(service),
                     "", "1 (reference)", "reference"])
    gpp = tool_row("GeoPandas sjoin_nearest", "pipe service distances", "pipes_geopandas", service or whole)
    if gpp and whole:
        rows[-1][5] += f" ({gpp[0] / whole:.1f}× vs the whole command)"
    if service and gpp:
        sj = gpp[1].get("stages", {}).get("sjoin_nearest")
        only = stages.get("pipe service")
        text = f"{gpp[0] / service:.1f}× (load + {index_stage} + pipe service stages), {gpp[0] / whole:.1f}× (whole gaps)"
        met = "yes" if gpp[0] / service >= 10 else "no"
        if sj and only:
            text += (f"; {sj / only:.1f}× (sjoin_nearest {sj:.2f} s vs the pipe service stage {only:.2f} s), "
                     f"{sj / (only + stages.get(index_stage, 0)):.1f}× (vs {index_stage} + pipe service stages)")
            if met == "no" and sj / only >= 10:
                met = "only for the computation"
        targets.append(["pipe service distances ≥ 10× faster than GeoPandas", text, met])
    peaks = [(t, c[0].get("rss_mb")) for t, c in cim.items() if c[0] and c[0].get("rss_mb")]
    if peaks:
        worst = max(peaks, key=lambda p: p[1])
        targets.append([f"cim peak memory < 1.5 GB (at 1M buildings; here {size})", f"{worst[1]:.0f} MiB (cim {worst[0]})",
                        "yes" if worst[1] < 1536 else "no"])
    return rows, targets, n


def render(work, sizes, limit, machine, when=None):
    out = []
    now = when or dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    out.append(f"### Run of {now} — sizes {', '.join(sizes)}\n")
    if machine:
        out.append(machine.strip() + "\n")
    header = ["tool", "task", "size", "seconds", "peak RSS", "ratio (tool ÷ cim)", "answers equal"]
    all_targets = []
    for size in sizes:
        rows, targets, n = size_rows(work, size, limit)
        out.append(f"**{size}** ({n if n is not None else '?'} buildings; store and logs in `{os.path.join(work, size)}`)\n")
        out.append("| " + " | ".join(header) + " |")
        out.append("|" + "|".join("---" for _ in header) + "|")
        for r in rows:
            out.append("| " + " | ".join(str(c) for c in r) + " |")
        out.append("")
        all_targets += [[size] + t for t in targets]
    if all_targets:
        out.append("Targets (issue item 4):\n")
        out.append("| size | target | measured | met |")
        out.append("|---|---|---|---|")
        for t in all_targets:
            out.append("| " + " | ".join(t) + " |")
        out.append("")
    return "\n".join(out) + "\n"


def append(path, block):
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else "# Benchmark results\n"
    if SECTION not in text:
        intro = (f"\n{SECTION}\n\nSide-by-side runs of `Benchmarks/compare/run_all.sh` (see Benchmarks/compare/README.md): "
                 "the same generated store for every tool, in one run on this machine. seconds: cim = wall time of the "
                 "whole command (load, compute, write the result layers); a Python tool = its own timed work (reading "
                 "the layers and computing, not the interpreter start-up nor the check of its answers), its peak RSS at the end of that "
                 "work; PostGIS = the "
                 "KNN queries with the rows fetched (load + index on its own row). ratio = tool seconds ÷ cim seconds. "
                 "\"answers equal\": every distance within 1e-6 m of cim's, nulls included (pandana: equal to networkx on "
                 "pandana's node-snapped problem, with the distribution of its difference from cim).\n\n")
        text = text.rstrip("\n") + "\n" + intro
    # Newest first: before the section's first run, else at the end of the section.
    start = text.index(SECTION)
    nxt = text.find("\n## ", start + len(SECTION))
    end = len(text) if nxt < 0 else nxt
    first = text.find("\n### Run of ", start, end)
    if first >= 0:
        text = text[:first + 1] + block + "\n" + text[first + 1:]
    elif nxt < 0:
        text = text.rstrip("\n") + "\n\n" + block
    else:
        text = text[:nxt].rstrip("\n") + "\n\n" + block + text[nxt:]
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("work")
    p.add_argument("sizes", nargs="+")
    p.add_argument("--limit", type=int, default=1800)
    p.add_argument("--append")
    p.add_argument("--machine", help="file with the machine description to include")
    p.add_argument("--when", help="the run's date and time for the heading (default: now)")
    args = p.parse_args()
    machine = open(args.machine, encoding="utf-8").read() if args.machine else ""
    block = render(args.work, args.sizes, args.limit, machine, args.when)
    print(block)
    if args.append:
        append(args.append, block)
        print(f"appended to {args.append}", file=sys.stderr)


if __name__ == "__main__":
    main()
