#!/usr/bin/env python3
"""Network (walking) coverage with networkx on the split graph — exact, like cim — compared with
`cim coverage --metric network`.

    python3 network_networkx.py STORE [--result COVERAGE.gpkg] [--layer coverage_buildings]
        [--standard FILE] [--cutoff M] [--max-access 300] [--unknown-residential] [--json OUT.json]

The logic of Tests/CrossCheck/network_check.py, vectorised where it can be and built once instead of once
per category: the walk graph from the walkable roads (one vertex per distinct coordinate, one edge per
consecutive pair), every residential building's reference point and every facility's point (polygons:
PointOnSurface) snapped to the nearest point of the nearest segment within --max-access (ties: smallest
edge), every edge cut at its snap points, then per category one networkx Dijkstra from a super-source
joined to the category's facility nodes by their access legs, bounded by the cutoff. A building's
distance = its access leg + the path length; null beyond the cutoff or off the network.
Timed: load, reference points and snapping, graph construction, the Dijkstras. Then every dist_<category>
must match cim's within 1e-6 m, nulls included (exit 1 otherwise).
"""
import sys

import networkx as nx
import numpy as np

import common as C


def main():
    p = C.coverage_arguments(__doc__, network=True)
    p.add_argument("--max-access", type=float, default=300.0)
    args = p.parse_args()

    standard, serving, cutoff = C.coverage_setup(args)
    t = C.Timer()
    record = {"tool": "networkx (split graph)", "task": "network coverage"}
    with t("load"):
        buildings, facilities = C.coverage_layers(args.store, args.unknown_residential)
        graph = C.WalkGraph(args.store)
    with t("snap"):
        bpoints = C.reference_points(buildings.geometry.values)
        fpoints = C.facility_points(facilities.geometry.values)
        b_edge, b_off, b_acc = graph.snap(bpoints, args.max_access)
        f_edge, f_off, f_acc = graph.snap(fpoints, args.max_access)
    n, m, V = len(bpoints), len(fpoints), graph.vertex_count
    b_first, f_first = V, V + n  # node ids: vertices, then buildings, then facilities
    with t("graph"):
        u, v, w = graph.split_edges([(b_edge, b_off, b_first), (f_edge, f_off, f_first)])
        G = nx.Graph()
        G.add_weighted_edges_from(zip(u.tolist(), v.tolist(), w.tolist()))
    print(f"walk graph: {V} vertices, {graph.edge_count} edges; split graph: {G.number_of_nodes()} nodes, "
          f"{G.number_of_edges()} edges; {n} buildings ({int((b_edge < 0).sum())} off-network), {m} facilities")
    categories = facilities["category"].to_numpy()
    source = -1
    distances = {}
    with t("dijkstra"):
        on_b = np.flatnonzero(b_edge >= 0)
        for key, members in serving.items():
            fac = np.flatnonzero(np.isin(categories, members) & (f_edge >= 0))
            d = np.full(n, np.nan)
            if len(fac):
                G.add_weighted_edges_from((source, int(f_first + i), float(f_acc[i])) for i in fac)
                reached = nx.single_source_dijkstra_path_length(G, source, cutoff=cutoff, weight="weight")
                G.remove_node(source)
                for i in on_b:
                    r = reached.get(int(b_first + i))
                    if r is not None:
                        total = r + b_acc[i]
                        if total <= cutoff:
                            d[i] = total
            distances[key] = d
    seconds = t.total()
    print("networkx network coverage: " + ", ".join(f"{k} {s:.2f} s" for k, s in t.seconds.items())
          + f", total {seconds:.2f} s; peak RSS {C.peak_rss_mb():.0f} MiB")
    record.update({"buildings": n, "categories": len(serving), "seconds": seconds, "stages": t.seconds,
                   "peak_rss_mb": C.peak_rss_mb(), "graph_nodes": G.number_of_nodes(), "graph_edges": G.number_of_edges()})
    status = 0
    if not args.no_compare:
        result = C.align_to(C.read_result(args.result or args.store, args.layer), buildings["id"].to_numpy())
        ids = result["id"].to_numpy()
        cmp = C.compare_categories(result, serving, distances, ids, n, "networkx")
        status = C.record_comparison(record, cmp, "dist_* against cim", "networkx")
    C.write_record(args.json, record)
    return status


if __name__ == "__main__":
    sys.exit(main())
