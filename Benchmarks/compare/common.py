"""Shared pieces of the side-by-side comparison scripts (see README.md beside this file).

Everything here follows cim's documented semantics (README, "Semantics"), written independently with
pyogrio, shapely 2, numpy and pandas:

- residential buildings: `use` is residential or mixed (unknown or missing too with --unknown-residential),
  with a non-empty footprint, in fid order;
- reference point: GEOS PointOnSurface of the footprint (shapely.point_on_surface);
- a category's facilities: those of the category and of every category whose `counts_as` lists it;
- the walk graph: one vertex per distinct coordinate of walkable roads, one edge per consecutive
  coordinate pair (its length as weight); snapping to the nearest point of the nearest segment within the
  maximum access leg, ties to the smallest edge index (roads in fid order, then coordinate order).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

REPO = Path(__file__).resolve().parents[2]
DEFAULT_STANDARD = REPO / "Data" / "standards" / "gb50180-2018.json"
TOLERANCE = 1e-6  # metres: "the same answer" for exact tools


# ---------------------------------------------------------------------------------------------- standard

def load_standard(path: str | os.PathLike | None = None) -> dict:
    with open(path or DEFAULT_STANDARD, encoding="utf-8") as f:
        return json.load(f)


def serving_categories(standard: dict) -> dict[str, list[str]]:
    """For each category key (standard order): the categories whose facilities serve it (itself first,
    then every category whose counts_as lists it)."""
    serving = {c["key"]: [c["key"]] for c in standard["categories"]}
    for c in standard["categories"]:
        for other in c.get("counts_as", []) or []:
            serving[other].append(c["key"])
    return serving


def default_cutoff(standard: dict) -> float:
    return float(standard.get("parameters", {}).get("default_cutoff_m", 2000))


def coverage_arguments(doc: str, network: bool = False) -> argparse.ArgumentParser:
    """The arguments every coverage comparison script takes: the store, cim's result (--result, --layer),
    the standard and cut-off, the residential rule, --json and --no-compare. Scripts add their own."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("store")
    what = "network coverage_buildings" if network else "coverage_buildings"
    p.add_argument("--result", help=f"GeoPackage with cim's {what} (default: the store)")
    p.add_argument("--layer", default="coverage_buildings")
    p.add_argument("--standard", default=None)
    p.add_argument("--cutoff", type=float, default=None)
    p.add_argument("--unknown-residential", action="store_true")
    p.add_argument("--json", help="write the timing and answer record here")
    p.add_argument("--no-compare", action="store_true", help="time only")
    return p


def coverage_setup(args) -> tuple[dict, dict[str, list[str]], float]:
    """The standard (--standard), its serving categories and the cut-off (--cutoff, else the standard's)."""
    standard = load_standard(args.standard)
    cutoff = args.cutoff if args.cutoff is not None else default_cutoff(standard)
    return standard, serving_categories(standard), cutoff


def coverage_layers(store: str, unknown_residential: bool = False):
    """The residential buildings and the facilities that have a geometry (category only)."""
    buildings = residential_buildings(store, unknown_residential)
    facilities = read_layer(store, "facilities", columns=["category"])
    g = facilities.geometry.values
    return buildings, facilities[~(shapely.is_missing(g) | shapely.is_empty(g))]


# ---------------------------------------------------------------------------------------------- layers

def read_layer(store: str, layer: str, columns: list[str] | None = None, where: str | None = None,
               geometry: bool = True):
    """A layer in fid order (index = fid). Arrow I/O when available."""
    kwargs = dict(layer=layer, fid_as_index=True, read_geometry=geometry)
    if columns is not None:
        kwargs["columns"] = columns
    if where:
        kwargs["where"] = where
    try:
        df = pyogrio.read_dataframe(store, use_arrow=True, **kwargs)
    except Exception:  # pyarrow missing or the driver refuses arrow
        df = pyogrio.read_dataframe(store, **kwargs)
    return df.sort_index()


def residential_mask(uses: pd.Series, unknown_residential: bool = False) -> np.ndarray:
    values = uses.astype(object)
    mask = values.isin(["residential", "mixed"]).to_numpy().copy()
    if unknown_residential:
        mask |= (values.isna() | (values == "unknown")).to_numpy()
    return mask


def residential_buildings(store: str, unknown_residential: bool = False):
    """The residential buildings (id, use, geometry) with a non-empty footprint, in fid order."""
    b = read_layer(store, "buildings", columns=["id", "use"])
    keep = residential_mask(b["use"], unknown_residential).copy()
    geoms = b.geometry.values
    keep &= ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    b = b[keep]
    ids = b["id"].astype(object).to_numpy()
    missing = pd.isna(ids)
    if missing.any():  # cim names a building without id by its fid
        ids = np.where(missing, np.array([f"fid {f}" for f in b.index]), ids)
    b = b.assign(id=ids)
    return b


def reference_points(geometries) -> np.ndarray:
    """GEOS PointOnSurface of every footprint (cim's reference point)."""
    return shapely.point_on_surface(np.asarray(geometries))


def facility_points(geometries) -> np.ndarray:
    """A facility's point for the network metric: the point itself, or PointOnSurface of a polygon."""
    g = np.asarray(geometries)
    is_point = shapely.get_type_id(g) == 0
    out = g.copy()
    if (~is_point).any():
        out[~is_point] = shapely.point_on_surface(g[~is_point])
    return out


def read_result(path: str, layer: str, columns: list[str] | None = None) -> pd.DataFrame:
    """A cim result layer without geometry, in fid order."""
    return read_layer(path, layer, columns=columns, geometry=False)


def align_to(result: pd.DataFrame, ids) -> pd.DataFrame:
    """`result` rows reordered to `ids` (cim's `id` field). Raises when ids differ."""
    ids = pd.Index(pd.Series(ids).astype(object).to_numpy())
    rids = pd.Index(result["id"].astype(object).to_numpy())
    if len(rids) == len(ids) and (rids == ids).all():
        return result.reset_index(drop=True)
    if not rids.is_unique or not ids.is_unique:
        raise SystemExit("cannot align with cim's result: building ids are not unique and rows differ in order")
    missing = ids.difference(rids)
    extra = rids.difference(ids)
    if len(missing) or len(extra):
        raise SystemExit(f"cim's result has {len(extra)} building(s) not selected here (e.g. {list(extra[:3])}) "
                         f"and lacks {len(missing)} selected here (e.g. {list(missing[:3])})")
    return result.set_index(pd.Index(rids)).loc[ids].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- timing

class Timer:
    """Named laps with time.perf_counter: `with timer("load"): ...`; `timer.seconds` is {name: s}."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str):
        timer = self

        class _Lap:
            def __enter__(self):
                self.start = time.perf_counter()
                return self

            def __exit__(self, *exc):
                timer.seconds[name] = timer.seconds.get(name, 0.0) + time.perf_counter() - self.start
                return False

        return _Lap()

    def total(self, *names: str) -> float:
        return sum(self.seconds.get(n, 0.0) for n in names) if names else sum(self.seconds.values())


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident set size of this process (or of its waited-for children) in MiB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024.0  # Linux reports KiB


# ---------------------------------------------------------------------------------------------- answers

def compare_answers(expected, got, ids=None, tolerance: float = TOLERANCE, label: str = "",
                    show: int = 10, names=("cim", "tool"), rtol: float = 0.0, cutoff: float | None = None) -> dict:
    """Compares two arrays of distances where NaN means null (no facility within the cutoff).

    Two values agree when |a - b| <= tolerance + rtol * max(|a|, |b|) (rtol only for tools that compute in
    single precision). Returns compared (both non-null), max_abs_diff and max_rel_diff (over those),
    null_mismatches (exactly one null), over_tolerance (both non-null and not agreeing) and up to `show`
    examples. With rtol and a cutoff, a value present on one side only that lies within the tolerance of
    the cutoff is counted in null_at_cutoff, not as a mismatch (rounding decided which side it fell)."""
    a = np.asarray(expected, dtype=float)
    b = np.asarray(got, dtype=float)
    na, nb = np.isnan(a), np.isnan(b)
    both = ~na & ~nb
    diff = np.abs(a - b)
    diff[~both] = 0.0
    scale = np.fmax(np.abs(a), np.abs(b))
    scale[~both] = 0.0
    allowed = tolerance + rtol * scale
    with np.errstate(invalid="ignore", divide="ignore"):
        rel = np.where(scale > 0, diff / scale, 0.0)
    null_mismatch = na != nb
    at_cutoff = np.zeros_like(null_mismatch)
    if rtol > 0 and cutoff is not None:
        present = np.where(na, b, a)
        at_cutoff = null_mismatch & (present >= cutoff - (tolerance + rtol * cutoff))
        null_mismatch &= ~at_cutoff
    over = both & (diff > allowed)
    bad = np.flatnonzero(null_mismatch | over)
    examples = []
    for i in bad[:show]:
        who = ids[i] if ids is not None else i
        examples.append({"category": label, "building": str(who), names[0]: None if na[i] else float(a[i]),
                         names[1]: None if nb[i] else float(b[i])})
    return {"compared": int(both.sum()), "max_abs_diff": float(diff.max()) if both.any() else 0.0,
            "max_rel_diff": float(rel.max()) if both.any() else 0.0, "null_mismatches": int(null_mismatch.sum()),
            "null_at_cutoff": int(at_cutoff.sum()), "over_tolerance": int(over.sum()), "examples": examples}


def merge_comparisons(parts: list[dict]) -> dict:
    out = {"compared": 0, "max_abs_diff": 0.0, "max_rel_diff": 0.0, "null_mismatches": 0, "null_at_cutoff": 0,
           "over_tolerance": 0, "examples": []}
    for p in parts:
        out["compared"] += p["compared"]
        out["max_abs_diff"] = max(out["max_abs_diff"], p["max_abs_diff"])
        out["max_rel_diff"] = max(out["max_rel_diff"], p.get("max_rel_diff", 0.0))
        out["null_at_cutoff"] += p.get("null_at_cutoff", 0)
        out["null_mismatches"] += p["null_mismatches"]
        out["over_tolerance"] += p["over_tolerance"]
        out["examples"].extend(p["examples"][: max(0, 20 - len(out["examples"]))])
    out["equal"] = out["null_mismatches"] == 0 and out["over_tolerance"] == 0
    return out


def print_comparison(c: dict, what: str, names=("cim", "tool")):
    extra = f" (+{c['null_at_cutoff']} at the cutoff)" if c.get("null_at_cutoff") else ""
    print(f"{what}: compared {c['compared']} distances; max |diff| {c['max_abs_diff']:.3e} m "
          f"(relative {c.get('max_rel_diff', 0.0):.2e}); null mismatches {c['null_mismatches']}{extra}; "
          f"over tolerance {c['over_tolerance']}")
    for e in c["examples"]:
        print(f"  mismatch: category {e['category']} building {e['building']}: "
              f"{names[0]} {e.get(names[0])}, {names[1]} {e.get(names[1])}")


def compare_categories(result: pd.DataFrame, serving, distances: dict, ids, n: int, tool: str) -> dict:
    """Compares cim's dist_<category> columns with a tool's distances per category and merges the results
    (a missing column counts every building as a mismatch)."""
    parts = []
    for key in serving:
        column = f"dist_{key}"
        if column not in result.columns:
            print(f"cim's result has no {column}")
            parts.append({"compared": 0, "max_abs_diff": 0.0, "null_mismatches": n, "over_tolerance": 0,
                          "examples": [{"category": key, "building": "all", "cim": None, tool: "column missing"}]})
            continue
        parts.append(compare_answers(result[column].to_numpy(dtype=float), distances[key], ids, label=key,
                                     names=("cim", tool)))
    return merge_comparisons(parts)


def record_comparison(record: dict, cmp: dict, what: str, tool: str) -> int:
    """Prints a comparison, stores it in the record and returns the exit status (0 when the answers are equal)."""
    print_comparison(cmp, what, names=("cim", tool))
    record["answers"] = cmp
    record["equal"] = cmp["equal"]
    print("answers equal: " + ("yes" if cmp["equal"] else "NO"))
    return 0 if cmp["equal"] else 1


def distribution(values) -> dict:
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    if len(v) == 0:
        return {"n": 0}
    return {"n": int(len(v)), "median": float(np.median(v)), "p90": float(np.percentile(v, 90)),
            "p99": float(np.percentile(v, 99)), "max": float(v.max()), "mean": float(v.mean())}


def write_record(path: str | None, record: dict):
    """Writes the machine-readable record that run_all.sh turns into the results table."""
    record.setdefault("peak_rss_mb", peak_rss_mb())
    if path:
        tmp = f"{path}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1, default=float)
        os.replace(tmp, path)


def human(seconds: float) -> str:
    return f"{seconds:.2f} s"


# ---------------------------------------------------------------------------------------------- walk graph

class WalkGraph:
    """cim's walk graph rebuilt from the store's walkable roads (flat numpy arrays).

    vertices: xy (V×2); edges: a, b (vertex indices), length, in road fid order then coordinate order."""

    def __init__(self, store: str):
        roads = read_layer(store, "roads", columns=["walkable"])
        walk = roads["walkable"].fillna(0).astype(int).to_numpy() != 0
        geoms = roads.geometry.values[walk]
        geoms = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
        parts = shapely.get_parts(geoms)
        coords, part = shapely.get_coordinates(parts, return_index=True)
        # one vertex per distinct coordinate (exact equality)
        keys = np.ascontiguousarray(coords).view(np.dtype((np.void, 16))).ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        # number vertices in order of first appearance (as cim and network_check.py do)
        order = np.argsort(first, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))
        vid = rank[inverse.ravel()]
        self.xy = coords[first[order]]
        same_part = part[:-1] == part[1:]
        differ = vid[:-1] != vid[1:]
        # consecutive duplicates are skipped: the edge runs from the last distinct vertex
        take = same_part & differ
        self.a = vid[:-1][take].astype(np.int64)
        self.b = vid[1:][take].astype(np.int64)
        d = self.xy[self.b] - self.xy[self.a]
        self.length = np.hypot(d[:, 0], d[:, 1])
        self.vertex_count = len(self.xy)
        self.edge_count = len(self.a)
        self._segments = None
        self._tree = None

    @property
    def segments(self):
        if self._segments is None:
            self._segments = shapely.linestrings(np.stack([self.xy[self.a], self.xy[self.b]], axis=1))
        return self._segments

    @property
    def tree(self):
        if self._tree is None:
            self._tree = shapely.STRtree(self.segments)
        return self._tree

    def snap(self, points, max_access: float):
        """Nearest segment of each point within max_access (ties: smallest edge index).

        Returns edge (-1 when off-network), offset from the edge's first vertex, access leg length."""
        points = np.asarray(points)
        n = len(points)
        edge = np.full(n, -1, dtype=np.int64)
        offset = np.full(n, np.nan)
        access = np.full(n, np.nan)
        if n == 0 or self.edge_count == 0:
            return edge, offset, access
        (inp, tix), dist = self.tree.query_nearest(points, max_distance=max_access, return_distance=True,
                                                   all_matches=True)
        if len(inp):
            df = pd.DataFrame({"p": inp, "e": tix, "d": dist})
            # all_matches returns every equidistant segment: keep the smallest edge index
            df = df[df["d"] == df.groupby("p")["d"].transform("min")]
            best = df.groupby("p")["e"].min()
            p = best.index.to_numpy()
            e = best.to_numpy()
            edge[p] = e
            ax, ay = self.xy[self.a[e], 0], self.xy[self.a[e], 1]
            bx, by = self.xy[self.b[e], 0], self.xy[self.b[e], 1]
            x, y = shapely.get_x(points[p]), shapely.get_y(points[p])
            len2 = (bx - ax) ** 2 + (by - ay) ** 2
            with np.errstate(invalid="ignore", divide="ignore"):
                t = np.where(len2 > 0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / len2, 0.0)
            t = np.clip(t, 0.0, 1.0)
            offset[p] = t * self.length[e]
            access[p] = shapely.distance(points[p], self.segments[e])
        return edge, offset, access

    def split_edges(self, snaps: list[tuple[np.ndarray, np.ndarray, int]]):
        """The graph's edges cut at every snap point.

        snaps: list of (edge, offset, first_node_id) arrays per group of points; point i of a group becomes
        node first_node_id + i. Returns (u, v, w) arrays, parallel edges merged to the shortest."""
        all_e, all_o, all_n = [], [], []
        for edge, offset, first in snaps:
            on = edge >= 0
            all_e.append(edge[on])
            all_o.append(offset[on])
            all_n.append(first + np.flatnonzero(on))
        e = np.concatenate(all_e) if all_e else np.zeros(0, np.int64)
        o = np.concatenate(all_o) if all_o else np.zeros(0)
        nd = np.concatenate(all_n) if all_n else np.zeros(0, np.int64)
        order = np.lexsort((nd, o, e))
        e, o, nd = e[order], o[order], nd[order]
        first_on_edge = np.ones(len(e), bool)
        first_on_edge[1:] = e[1:] != e[:-1]
        last_on_edge = np.ones(len(e), bool)
        last_on_edge[:-1] = e[1:] != e[:-1]
        prev_node = np.where(first_on_edge, self.a[e] if len(e) else 0, np.roll(nd, 1))
        prev_off = np.where(first_on_edge, 0.0, np.roll(o, 1))
        u = [prev_node, nd[last_on_edge]]
        v = [nd, self.b[e[last_on_edge]]]
        w = [o - prev_off, self.length[e[last_on_edge]] - o[last_on_edge]]
        untouched = np.ones(self.edge_count, bool)
        untouched[e] = False
        u.append(self.a[untouched]); v.append(self.b[untouched]); w.append(self.length[untouched])
        return merge_parallel(np.concatenate(u), np.concatenate(v), np.concatenate(w))

    def plain_edges(self):
        return merge_parallel(self.a, self.b, self.length)


def merge_parallel(u, v, w):
    """Undirected edges with parallel copies merged to the shortest (as an undirected simple graph)."""
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    df = pd.DataFrame({"u": lo, "v": hi, "w": w}).groupby(["u", "v"], sort=False)["w"].min().reset_index()
    return df["u"].to_numpy(), df["v"].to_numpy(), df["w"].to_numpy()


def eprint(*args):
    print(*args, file=sys.stderr, flush=True)


def nan_if_none(values) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype=float)
