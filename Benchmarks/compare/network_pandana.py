#!/usr/bin/env python3
"""Network (walking) coverage with pandana, compared with networkx on the same node-snapped problem and,
for what exact edge snapping changes, with `cim coverage --metric network`.

    python3 network_pandana.py STORE [--result COVERAGE.gpkg] [--layer coverage_buildings]
        [--standard FILE] [--cutoff M] [--unknown-residential] [--check-sample N] [--seed S] [--json OUT.json]

What a pandana user would write: a pandana.Network from the walkable roads (nodes = distinct coordinates,
edges = consecutive coordinate pairs weighted by their length, two-way), then per
category set_pois(facility points, maxdist=cutoff, maxitems=1) and nearest_pois(cutoff, num_pois=1), and
each building reads the value of its nearest node (get_node_ids). Facilities: the point, or PointOnSurface
of a polygon, as cim. Timed separately: loading, network construction (contraction hierarchies), the
queries (set_pois + nearest_pois for every category, and the buildings' node lookup) — their sum is the
"seconds" compared with cim — and, last and apart, precompute(cutoff), which pandana's tutorials call
first but nearest_pois does not need (same answers without it).

pandana snaps buildings and facilities to the nearest network NODE and adds no access legs, so its answers
differ from cim's edge-snapped ones by design. Two checks:
1. pandana against networkx's multi-source Dijkstra on the very same node-snapped problem (the nodes
   pandana chose), for every building or a random sample of --check-sample buildings (the Dijkstra's cost
   does not depend on the sample; the sample bounds the per-building lookups only). pandana keeps edge
   weights as whole millimetres (truncated) and returns float32 distances: networkx runs on the same
   millimetre weights, and the answers must agree within float32 rounding (2.5e-7 × the distance); a
   distance that close to the cutoff may fall on either side. This check is what "answers equal" means
   for pandana; exit 1 otherwise. pandana's rounding against exact (double) networkx is reported too.
2. The distribution of |pandana − cim| over every building-category pair where both have a distance
   (median, p90, p99, max), and the same with the building's straight leg to its node added to pandana.
"""
import os
import sys

# pandana parallelises with OpenMP. libgomp's default active spin-wait makes its contraction-hierarchy
# build ~25× slower when the cores are shared with other work (measured on this 2-core machine: 7 s
# instead of 0.2–0.3 s for a 2,446-node graph); passive waiting measures pandana at its best. Set before
# pandana (and its OpenMP runtime) is loaded; an explicit setting in the environment wins.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import networkx as nx
import numpy as np
import pandas as pd
import shapely

import common as C


def main():
    p = C.coverage_arguments(__doc__, network=True)
    p.add_argument("--check-sample", type=int, default=0, help="check only this many random buildings (0: all)")
    p.add_argument("--check-categories", default="", help="comma-separated categories to check (default: all)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tolerance", type=float, default=1e-6, help="pandana vs networkx: absolute part of the allowed difference (m)")
    p.add_argument("--rtol", type=float, default=2.5e-7,
                   help="pandana vs networkx: relative part of the allowed difference (pandana returns float32 distances)")
    p.add_argument("--no-precompute", action="store_true", help="skip timing precompute(cutoff)")
    args = p.parse_args()

    import pandana  # imported here so that its absence is reported clearly

    standard, serving, cutoff = C.coverage_setup(args)
    t = C.Timer()
    with t("load"):
        buildings, facilities = C.coverage_layers(args.store, args.unknown_residential)
        graph = C.WalkGraph(args.store)
        bpoints = C.reference_points(buildings.geometry.values)
        fpoints = C.facility_points(facilities.geometry.values)
    u, v, w = graph.plain_edges()
    with t("network"):
        net = pandana.Network(pd.Series(graph.xy[:, 0]), pd.Series(graph.xy[:, 1]), pd.Series(u), pd.Series(v),
                              pd.DataFrame({"length": w}), twoway=True)
    n = len(bpoints)
    bx, by = shapely.get_x(bpoints), shapely.get_y(bpoints)
    fx, fy = shapely.get_x(fpoints), shapely.get_y(fpoints)
    categories = facilities["category"].to_numpy()
    distances = {}
    with t("query"):
        bnode = net.get_node_ids(pd.Series(bx), pd.Series(by)).to_numpy()
        for key, members in serving.items():
            sel = np.flatnonzero(np.isin(categories, members))
            if len(sel) == 0:
                distances[key] = np.full(n, np.nan)
                continue
            net.set_pois(category=key, maxdist=cutoff, maxitems=1, x_col=pd.Series(fx[sel]), y_col=pd.Series(fy[sel]))
            nearest = net.nearest_pois(cutoff, key, num_pois=1, max_distance=np.nan)[1]
            distances[key] = nearest.reindex(bnode).to_numpy(dtype=float)
    seconds = t.total("load", "network", "query")
    print(f"pandana network coverage: {n} buildings × {len(serving)} categories; graph {graph.vertex_count} nodes, {len(u)} edges: "
          + ", ".join(f"{k} {s:.2f} s" for k, s in t.seconds.items()) + f", total {seconds:.2f} s; peak RSS {C.peak_rss_mb():.0f} MiB")
    record = {"tool": "pandana (node-snapped)", "task": "network coverage", "buildings": n, "categories": len(serving),
              "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
              "seconds": seconds, "stages": t.seconds, "peak_rss_mb": C.peak_rss_mb(),
              "graph_nodes": int(graph.vertex_count), "graph_edges": int(len(u))}
    C.write_record(args.json, dict(record, note="checks not finished"))  # the timing survives a check that times out
    if args.no_compare:
        C.write_record(args.json, record)
        return 0

    # 1. pandana against networkx on the same node-snapped problem. pandana's contraction hierarchies keep
    # every edge weight as an integer number of millimetres (weight × 1000, truncated) and return the sum
    # as float32 metres: networkx runs on the same integer weights, so the answers must agree to float32
    # rounding; the exact (double) networkx answer is kept to report pandana's own rounding error.
    check_keys = [k for k in args.check_categories.split(",") if k] or list(serving)
    rng = np.random.default_rng(args.seed)
    sample = np.arange(n) if not args.check_sample or args.check_sample >= n else np.sort(rng.choice(n, args.check_sample, replace=False))
    node_index = pd.Index(net.node_ids)
    G = nx.Graph()
    mm = np.floor(w * 1000.0).astype(np.int64)
    G.add_edges_from((int(a), int(b), {"mm": int(c), "m": float(d)}) for a, b, c, d in zip(u, v, mm, w))
    parts, exact_parts = [], []
    sample_ids = buildings["id"].to_numpy()[sample]
    with t("networkx check"):
        for key in check_keys:
            members = serving[key]
            sel = np.flatnonzero(np.isin(categories, members))
            expected = np.full(len(sample), np.nan)
            exact = np.full(len(sample), np.nan)
            if len(sel):
                fnode = net.get_node_ids(pd.Series(fx[sel]), pd.Series(fy[sel])).to_numpy()
                sources = set(int(x) for x in node_index[node_index.get_indexer(fnode)])
                reached = nx.multi_source_dijkstra_path_length(G, sources, cutoff=int(round(cutoff * 1000)), weight="mm")
                expected = np.array([reached.get(int(bnode[i]), np.nan) for i in sample], dtype=float) / 1000.0
                reached = nx.multi_source_dijkstra_path_length(G, sources, cutoff=cutoff, weight="m")
                exact = np.array([reached.get(int(bnode[i]), np.nan) for i in sample], dtype=float)
            got = distances[key][sample]
            parts.append(C.compare_answers(expected, got, sample_ids, tolerance=args.tolerance, rtol=args.rtol,
                                           cutoff=cutoff, label=key, names=("networkx", "pandana")))
            exact_parts.append(C.compare_answers(exact, got, sample_ids, tolerance=1.0, rtol=1e-3, cutoff=cutoff,
                                                 label=key, names=("networkx", "pandana"), show=0))
    check = C.merge_comparisons(parts)
    check["sample"] = int(len(sample))
    check["categories"] = check_keys
    check["tolerance"] = args.tolerance
    check["rtol"] = args.rtol
    C.print_comparison(check, f"pandana against networkx on the node-snapped problem with pandana's millimetre weights "
                              f"({len(sample)} buildings, {len(check_keys)} categories, tolerance {args.tolerance} m + "
                              f"{args.rtol:g} × distance)", names=("networkx", "pandana"))
    rounding = C.merge_comparisons(exact_parts)
    print(f"pandana's own rounding (millimetre weights, float32 result) against exact networkx: max {rounding['max_abs_diff']:.4f} m")
    record["rounding_vs_exact_networkx_m"] = rounding["max_abs_diff"]
    record["answers"] = check
    record["equal"] = check["equal"]
    record["equal_meaning"] = "pandana = networkx on the node-snapped problem (pandana's millimetre weights)"

    # 2. what exact edge snapping changes: pandana against cim
    result = C.align_to(C.read_result(args.result or args.store, args.layer), buildings["id"].to_numpy())
    node_xy = graph.xy  # pandana's node ids are the vertex indices given above
    b_leg = np.hypot(bx - node_xy[bnode, 0], by - node_xy[bnode, 1])
    diffs, diffs_legs, only_cim, only_pandana = [], [], 0, 0
    for key, members in serving.items():
        column = f"dist_{key}"
        if column not in result.columns:
            continue
        ours = result[column].to_numpy(dtype=float)
        theirs = distances[key]
        both = ~np.isnan(ours) & ~np.isnan(theirs)
        only_cim += int((~np.isnan(ours) & np.isnan(theirs)).sum())
        only_pandana += int((np.isnan(ours) & ~np.isnan(theirs)).sum())
        diffs.append(np.abs(theirs[both] - ours[both]))
        diffs_legs.append(np.abs(theirs[both] + b_leg[both] - ours[both]))
    diffs = np.concatenate(diffs) if diffs else np.zeros(0)
    diffs_legs = np.concatenate(diffs_legs) if diffs_legs else np.zeros(0)
    vs_cim = {"abs_diff": C.distribution(diffs), "abs_diff_with_building_leg": C.distribution(diffs_legs),
              "null_only_in_pandana": only_pandana, "null_only_in_cim": only_cim,
              "over_1m": int((diffs > 1).sum()), "over_10m": int((diffs > 10).sum()), "over_50m": int((diffs > 50).sum())}
    record["vs_cim"] = vs_cim
    d = vs_cim["abs_diff"]
    if d.get("n"):
        print(f"pandana vs cim (edge-snapped), |difference| over {d['n']} building-category pairs: median {d['median']:.2f} m, "
              f"p90 {d['p90']:.2f} m, p99 {d['p99']:.2f} m, max {d['max']:.2f} m; > 10 m: {vs_cim['over_10m']}; "
              f"null only in pandana {only_pandana}, only in cim {only_cim}")
        dl = vs_cim["abs_diff_with_building_leg"]
        print(f"  with the building's straight leg to its node added to pandana: median {dl['median']:.2f} m, "
              f"p90 {dl['p90']:.2f} m, max {dl['max']:.2f} m")
    record["stages"] = t.seconds
    record["peak_rss_after_checks_mb"] = C.peak_rss_mb()
    print("pandana = networkx on the node-snapped problem: " + ("yes" if check["equal"] else "NO"))
    C.write_record(args.json, record)
    if not args.no_precompute:
        # pandana's tutorials call precompute(distance) before queries; nearest_pois does not need it (it gives
        # the same answers without), so it is timed last and on its own, outside `seconds`.
        with t("precompute"):
            net.precompute(cutoff)
        record["precompute_seconds"] = t.seconds["precompute"]
        record["stages"] = t.seconds
        record["precompute_peak_rss_mb"] = C.peak_rss_mb()
        print(f"pandana precompute({cutoff:g}): {t.seconds['precompute']:.2f} s (not needed by nearest_pois); "
              f"peak RSS {C.peak_rss_mb():.0f} MiB")
        C.write_record(args.json, record)
    return 0 if check["equal"] else 1


if __name__ == "__main__":
    sys.exit(main())
