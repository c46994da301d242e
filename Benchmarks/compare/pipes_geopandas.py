#!/usr/bin/env python3
"""Pipe service distances with GeoPandas / Shapely 2, compared with `cim gaps`.

    python3 pipes_geopandas.py STORE [--result GAPS.gpkg] [--layer pipe_service] [--kinds sewer,combined]
        [--json OUT.json]

What a GeoPandas user would write: every building footprint (all uses, as cim gaps) joined to the
nearest pipe of the serving kinds with `geopandas.sjoin_nearest(buildings, pipes, distance_col=...)`
(polygon to line distance, 0 when touching), the minimum per building over tied pipes. No distance
limit: cim reports the distance to the nearest pipe however far. Timed: reading the layers and the join.
Then every building's distance must equal cim's pipe_service.pipe_m within 1e-6 m (nulls only when there
is no pipe at all); mismatches are printed and the exit status is 1.
"""
import argparse
import sys

import geopandas as gpd
import numpy as np
import shapely

import common as C


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("store")
    p.add_argument("--result", help="GeoPackage with cim's pipe_service (default: the store)")
    p.add_argument("--layer", default="pipe_service")
    p.add_argument("--kinds", default="sewer,combined", help="pipe kinds that serve buildings (as cim gaps --kinds)")
    p.add_argument("--json")
    p.add_argument("--no-compare", action="store_true")
    args = p.parse_args()

    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    t = C.Timer()
    with t("load"):
        buildings = C.read_layer(args.store, "buildings", columns=["id"])
        g = buildings.geometry.values
        buildings = buildings[~(shapely.is_missing(g) | shapely.is_empty(g))]
        pipes = C.read_layer(args.store, "pipes", columns=["kind"])
        if "all" not in kinds:
            want = pipes["kind"].isin([k for k in kinds if k != "unknown"]).to_numpy().copy()
            if "unknown" in kinds:
                want |= pipes["kind"].isna().to_numpy()
            pipes = pipes[want]
        pg = pipes.geometry.values
        pipes = pipes.loc[~(shapely.is_missing(pg) | shapely.is_empty(pg)), ["geometry"]].reset_index(drop=True)
    n = len(buildings)
    with t("sjoin_nearest"):
        left = gpd.GeoDataFrame(geometry=buildings.geometry.values, crs=buildings.crs)
        d = np.full(n, np.nan)
        if len(pipes):
            joined = gpd.sjoin_nearest(left, pipes, how="inner", distance_col="distance")
            best = joined.groupby(level=0)["distance"].min()
            d[best.index.to_numpy()] = best.to_numpy()
    seconds = t.total("load", "sjoin_nearest")
    print(f"geopandas pipe service: {n} buildings, {len(pipes)} pipes ({','.join(kinds)}): load {t.seconds['load']:.2f} s, "
          f"sjoin_nearest {t.seconds['sjoin_nearest']:.2f} s, total {seconds:.2f} s; peak RSS {C.peak_rss_mb():.0f} MiB")
    record = {"tool": "GeoPandas sjoin_nearest", "task": "pipe service distances", "buildings": n, "pipes": len(pipes),
              "seconds": seconds, "stages": t.seconds, "peak_rss_mb": C.peak_rss_mb()}
    status = 0
    if not args.no_compare:
        result = C.read_result(args.result or args.store, args.layer, columns=["id", "pipe_m"])
        result = C.align_to(result, buildings["id"].to_numpy())
        cmp = C.merge_comparisons([C.compare_answers(result["pipe_m"].to_numpy(dtype=float), d, result["id"].to_numpy(),
                                                     label="pipe_m", names=("cim", "geopandas"))])
        status = C.record_comparison(record, cmp, "pipe_m against cim", "geopandas")
    C.write_record(args.json, record)
    return status


if __name__ == "__main__":
    sys.exit(main())
