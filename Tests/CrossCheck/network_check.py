#!/usr/bin/env python3
"""Independent check of `cim coverage --metric network`: rebuilds the walk graph from the store's roads
with plain Python, splits every edge at the snap points of buildings and facilities (shapely for
PointOnSurface), and runs networkx's multi-source Dijkstra per category. Compares with the
dist_<category> fields of coverage_buildings.

    python3 Tests/CrossCheck/network_check.py STORE.gpkg [--standard Data/standards/gb50180-2018.json]
        [--cutoff 2000] [--max-access 300] [--layer coverage_buildings]

Run `cim coverage STORE --metric network` first. Needs shapely, pyogrio, networkx (pip). Exits 1 on a
mismatch larger than 1e-6 m.

With `--noded-from SOURCE` the graph is built not from the store's roads but from SOURCE's roads noded
by shapely (`shapely.node`, every crossing becomes a vertex; lines with bridge=yes stay whole): the check
of `cim import STORE roads SOURCE --node`.
"""
import argparse, json, math, sys
import numpy as np
import networkx as nx
import pyogrio
import shapely

p = argparse.ArgumentParser()
p.add_argument("store")
p.add_argument("--standard", default="Data/standards/gb50180-2018.json")
p.add_argument("--cutoff", type=float, default=2000)
p.add_argument("--max-access", type=float, default=300)
p.add_argument("--layer", default="coverage_buildings")
p.add_argument("--noded-from", help="build the graph from this road source noded by shapely instead of the store's roads")
args = p.parse_args()

standard = json.load(open(args.standard))
serving = {c["key"]: {c["key"]} for c in standard["categories"]}
for c in standard["categories"]:
    for other in c.get("counts_as", []):
        serving[other].add(c["key"])

if args.noded_from:
    import geopandas
    source = pyogrio.read_dataframe(args.noded_from)
    bridges = source[source["bridge"] == "yes"].geometry.tolist()
    rest = source[source["bridge"] != "yes"].geometry
    noded = list(shapely.node(shapely.multilinestrings(list(rest))).geoms)
    roads = geopandas.GeoDataFrame(geometry=noded + bridges, crs=source.crs)
    print(f"shapely noding: {len(rest)} lines into {len(noded)} pieces, {len(bridges)} bridges kept whole")
else:
    roads = pyogrio.read_dataframe(args.store, layer="roads", fid_as_index=True).sort_index()
    roads = roads[roads["walkable"] != 0]
vertex = {}
xy = []
edges = []  # (a, b, length) in cim's order: road order, then coordinate order
for geom in roads.geometry:
    parts = list(geom.geoms) if geom.geom_type.startswith("Multi") else [geom]
    for part in parts:
        coords = list(part.coords)
        ids = []
        for c in coords:
            key = (c[0], c[1])
            if key not in vertex:
                vertex[key] = len(xy)
                xy.append(key)
            ids.append(vertex[key])
        if len(set(ids)) < 2:
            continue
        prev = ids[0]
        for v in ids[1:]:
            if v == prev:
                continue
            (ax, ay), (bx, by) = xy[prev], xy[v]
            edges.append((prev, v, math.hypot(bx - ax, by - ay)))
            prev = v
print(f"graph: {len(xy)} vertices, {len(edges)} edges")
segments = shapely.linestrings([[xy[a], xy[b]] for a, b, _ in edges])
tree = shapely.STRtree(segments)

def snap(points):
    """nearest edge (ties: smallest edge id), offset from the edge's first vertex, access leg"""
    out = []
    for pt in points:
        idx, dist = tree.query_nearest(pt, max_distance=args.max_access, return_distance=True, all_matches=True)
        if len(idx) == 0:
            out.append(None)
            continue
        best = int(min(idx[dist == dist.min()]))
        # recompute the exact distance as cim does (GEOS point-segment distance)
        a, b, length = edges[best]
        (ax, ay), (bx, by) = xy[a], xy[b]
        x, y = pt.x, pt.y
        len2 = (bx - ax) ** 2 + (by - ay) ** 2
        t = min(max(((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / len2, 0), 1) if len2 > 0 else 0
        out.append((best, t * length, float(shapely.distance(pt, segments[best]))))
    return out

facilities = pyogrio.read_dataframe(args.store, layer="facilities", fid_as_index=True).sort_index()
result = pyogrio.read_dataframe(args.store, layer=args.layer, fid_as_index=True).sort_index()
bpoints = shapely.points(result["ref_x"].to_numpy(), result["ref_y"].to_numpy())
bsnap = snap(bpoints)

worst = 0.0
compared = 0
mismatches = 0
for category in standard["categories"]:
    key = category["key"]
    column = f"dist_{key}"
    if column not in result.columns:
        continue
    members = facilities[facilities["category"].isin(serving[key])]
    fpoints = [g if g.geom_type == "Point" else g.point_on_surface() for g in members.geometry]
    fsnap = snap(fpoints)
    # Split graph: original edges cut at every snap point.
    G = nx.Graph()
    on_edge = {}
    for i, s in enumerate(fsnap):
        if s: on_edge.setdefault(s[0], []).append((s[1], ("f", i)))
    for i, s in enumerate(bsnap):
        if s: on_edge.setdefault(s[0], []).append((s[1], ("b", i)))
    for e, (a, b, length) in enumerate(edges):
        stops = [(0.0, a)] + sorted(on_edge.get(e, []), key=lambda t: t[0]) + [(length, b)]
        for (o1, n1), (o2, n2) in zip(stops, stops[1:]):
            w = o2 - o1
            if G.has_edge(n1, n2):
                w = min(w, G[n1][n2]["weight"])
            G.add_edge(n1, n2, weight=w)
    G.add_node("source")
    for i, s in enumerate(fsnap):
        if s: G.add_edge("source", ("f", i), weight=s[2])
    dist = nx.single_source_dijkstra_path_length(G, "source", cutoff=args.cutoff, weight="weight") if any(fsnap) else {}
    ours = result[column].to_numpy()
    for i, s in enumerate(bsnap):
        expected = None
        if s and ("b", i) in dist:
            d = dist[("b", i)] + s[2]
            if d <= args.cutoff:
                expected = d
        got = ours[i]
        if expected is None:
            if not (got is None or (isinstance(got, float) and math.isnan(got))):
                mismatches += 1
                if mismatches < 10: print(f"{key} building {result['id'].iloc[i]}: cim {got}, networkx none")
        else:
            if got is None or math.isnan(got) or abs(got - expected) > 1e-6:
                mismatches += 1
                if mismatches < 10: print(f"{key} building {result['id'].iloc[i]}: cim {got}, networkx {expected}")
            else:
                worst = max(worst, abs(got - expected))
                compared += 1
print(f"compared {compared} building-category distances; largest difference {worst:.3e} m; mismatches {mismatches}")
sys.exit(1 if mismatches else 0)
