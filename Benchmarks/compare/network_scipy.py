#!/usr/bin/env python3
"""Network (walking) coverage with scipy.sparse.csgraph on the split graph — exact, like cim — compared with
`cim coverage --metric network`.

    python3 network_scipy.py STORE [--result COVERAGE.gpkg] [--layer coverage_buildings]
        [--standard FILE] [--cutoff M] [--max-access 300] [--unknown-residential] [--json OUT.json]

The same problem as network_networkx.py (common.WalkGraph: the walk graph from the walkable roads, every
residential building's reference point and every facility's point snapped exactly to the nearest point of
the nearest segment within --max-access, every edge cut at its snap points), solved with compiled code:
the split graph as one symmetric CSR matrix, and per category one `scipy.sparse.csgraph.dijkstra` from a
super-source joined to the category's facility nodes by their access legs (`limit` = the cutoff). The
super-source's row is rewritten per category in a copy of the CSR arrays (no matrix rebuild). Zero-length
pieces (two snap points at one place) are kept as explicit zeros, which csgraph treats as edges.
A building's distance = its access leg + the path length; null beyond the cutoff or off the network.
Timed: load, reference points and snapping, graph construction, the Dijkstras. Then every dist_<category>
must match cim's within 1e-6 m, nulls included (exit 1 otherwise).
"""
import sys

import numpy as np
import scipy
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

import common as C


def main():
    p = C.coverage_arguments(__doc__, network=True)
    p.add_argument("--max-access", type=float, default=300.0)
    args = p.parse_args()

    standard, serving, cutoff = C.coverage_setup(args)
    t = C.Timer()
    record = {"tool": f"scipy {scipy.__version__} csgraph.dijkstra (split graph)", "task": "network coverage"}
    with t("load"):
        buildings, facilities = C.coverage_layers(args.store, args.unknown_residential)
        graph = C.WalkGraph(args.store)
    with t("snap"):
        bpoints = C.reference_points(buildings.geometry.values)
        fpoints = C.facility_points(facilities.geometry.values)
        b_edge, b_off, b_acc = graph.snap(bpoints, args.max_access)
        f_edge, f_off, f_acc = graph.snap(fpoints, args.max_access)
    n, m, V = len(bpoints), len(fpoints), graph.vertex_count
    b_first, f_first = V, V + n  # node ids: vertices, then buildings, then facilities, then the super-source
    source = V + n + m
    N = source + 1
    with t("graph"):
        u, v, w = graph.split_edges([(b_edge, b_off, b_first), (f_edge, f_off, f_first)])
        # symmetric CSR; the super-source's row (the last) is empty here and filled per category below
        rows = np.concatenate([u, v]).astype(np.int32)
        cols = np.concatenate([v, u]).astype(np.int32)
        weights = np.concatenate([w, w]).astype(np.float64)
        order = np.lexsort((cols, rows))
        rows, cols, weights = rows[order], cols[order], weights[order]
        indptr = np.zeros(N + 1, dtype=np.int32)
        np.add.at(indptr, rows + 1, 1)
        indptr = np.cumsum(indptr).astype(np.int32)
    print(f"walk graph: {V} vertices, {graph.edge_count} edges; split graph: {N - 1} nodes, {len(u)} edges; "
          f"{n} buildings ({int((b_edge < 0).sum())} off-network), {m} facilities")
    categories = facilities["category"].to_numpy()
    distances = {}
    on_b = np.flatnonzero(b_edge >= 0)
    with t("dijkstra"):
        for key, members in serving.items():
            fac = np.flatnonzero(np.isin(categories, members) & (f_edge >= 0))
            d = np.full(n, np.nan)
            if len(fac):
                # the super-source's edges (directed: nothing leads back to it)
                src_cols = (f_first + fac).astype(np.int32)
                g = csr_array((np.concatenate([weights, f_acc[fac]]), np.concatenate([cols, src_cols]),
                               np.concatenate([indptr[:-1], [indptr[-1] + len(fac)]]).astype(np.int32)), shape=(N, N))
                reached = dijkstra(g, directed=True, indices=source, limit=cutoff)
                total = reached[b_first + on_b] + b_acc[on_b]
                ok = total <= cutoff
                d[on_b[ok]] = total[ok]
            distances[key] = d
    seconds = t.total()
    print("scipy network coverage: " + ", ".join(f"{k} {s:.2f} s" for k, s in t.seconds.items())
          + f", total {seconds:.2f} s; peak RSS {C.peak_rss_mb():.0f} MiB")
    record.update({"buildings": n, "categories": len(serving), "seconds": seconds, "stages": t.seconds,
                   "peak_rss_mb": C.peak_rss_mb(), "graph_nodes": N - 1, "graph_edges": int(len(u))})
    status = 0
    if not args.no_compare:
        result = C.align_to(C.read_result(args.result or args.store, args.layer), buildings["id"].to_numpy())
        ids = result["id"].to_numpy()
        cmp = C.compare_categories(result, serving, distances, ids, n, "scipy")
        status = C.record_comparison(record, cmp, "dist_* against cim", "scipy")
    C.write_record(args.json, record)
    return status


if __name__ == "__main__":
    sys.exit(main())
