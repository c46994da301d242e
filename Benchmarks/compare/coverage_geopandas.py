#!/usr/bin/env python3
"""Straight-line life-circle coverage with GeoPandas / Shapely 2, compared with `cim coverage`.

    python3 coverage_geopandas.py STORE [--result COVERAGE.gpkg] [--layer coverage_buildings]
        [--standard FILE] [--cutoff M] [--unknown-residential] [--json OUT.json] [--write OUT.gpkg]

What a GeoPandas user would write: residential buildings → reference points (shapely.point_on_surface),
then per category of the standard one `geopandas.sjoin_nearest(points, facilities_of_category,
max_distance=cutoff, distance_col=...)`. sjoin_nearest returns every tied facility, so the distance is the
minimum per building. Timed: reading the layers, reference points, the joins (the comparison with cim is
not timed). With --write, the result is also written as a GeoPackage layer like cim's coverage_buildings
(footprints, id, dist_* and ok_* per category, ref_x, ref_y; pyogrio), timed apart as "write", so whole
commands can be compared with both sides writing their result. Then every dist_<category> of cim's coverage_buildings (in --result, default the store) must
match within 1e-6 m, nulls included; mismatches are printed and the exit status is 1.
"""
import sys

import geopandas as gpd
import numpy as np

import common as C


def main():
    p = C.coverage_arguments(__doc__)
    p.add_argument("--write", help="also write the result layer to this GeoPackage (timed apart)")
    args = p.parse_args()

    standard, serving, cutoff = C.coverage_setup(args)
    t = C.Timer()

    with t("load"):
        buildings, facilities = C.coverage_layers(args.store, args.unknown_residential)
    with t("reference points"):
        points = gpd.GeoDataFrame(geometry=C.reference_points(buildings.geometry.values), crs=buildings.crs)
    n = len(points)
    distances = {}
    with t("sjoin_nearest"):
        for key, members in serving.items():
            fac = facilities.loc[facilities["category"].isin(members), ["geometry"]].reset_index(drop=True)
            d = np.full(n, np.nan)
            if len(fac):
                joined = gpd.sjoin_nearest(points, fac, how="inner", max_distance=cutoff, distance_col="distance")
                # ties come back as several rows per building: the distance is their minimum
                best = joined.groupby(level=0)["distance"].min()
                d[best.index.to_numpy()] = best.to_numpy()
                d[d > cutoff] = np.nan
            distances[key] = d
    seconds = t.total("load", "reference points", "sjoin_nearest")
    print(f"geopandas straight-line coverage: {n} residential buildings × {len(serving)} categories: "
          f"load {t.seconds['load']:.2f} s, reference points {t.seconds['reference points']:.2f} s, "
          f"sjoin_nearest {t.seconds['sjoin_nearest']:.2f} s, total {seconds:.2f} s; peak RSS {C.peak_rss_mb():.0f} MiB")
    record = {"tool": "GeoPandas sjoin_nearest", "task": "straight-line coverage", "buildings": n,
              "categories": len(serving), "seconds": seconds, "stages": t.seconds, "peak_rss_mb": C.peak_rss_mb()}

    if args.write:
        thresholds = {c["key"]: float(c["threshold_m"]) for c in standard["categories"]}
        with t("write"):
            out = gpd.GeoDataFrame({"id": buildings["id"].to_numpy()}, geometry=buildings.geometry.values, crs=buildings.crs)
            for key in serving:
                out[f"dist_{key}"] = distances[key]
            for key in serving:
                out[f"ok_{key}"] = (distances[key] <= thresholds[key]).astype("int64")
            out["ref_x"] = points.geometry.x.to_numpy()
            out["ref_y"] = points.geometry.y.to_numpy()
            out.to_file(args.write, layer="coverage_buildings", driver="GPKG", engine="pyogrio")
        record["write_seconds"] = t.seconds["write"]
        record["written_fields"] = len(out.columns) - 1
        print(f"geopandas: wrote {len(out)} rows × {len(out.columns) - 1} fields in {t.seconds['write']:.2f} s")
        record["peak_rss_mb"] = C.peak_rss_mb()

    status = 0
    if not args.no_compare:
        result = C.read_result(args.result or args.store, args.layer)
        result = C.align_to(result, buildings["id"].to_numpy())
        ids = result["id"].to_numpy()
        # the reference points must be cim's before the distances can be
        ref = C.compare_answers(result[["ref_x", "ref_y"]].to_numpy().ravel(),
                                np.column_stack([points.geometry.x, points.geometry.y]).ravel(), label="ref point")
        C.print_comparison(ref, "reference points (x and y)")
        cmp = C.compare_categories(result, serving, distances, ids, n, "geopandas")
        record["reference_points"] = {k: ref[k] for k in ("compared", "max_abs_diff", "null_mismatches", "over_tolerance")}
        status = C.record_comparison(record, cmp, "dist_* against cim", "geopandas")
    C.write_record(args.json, record)
    return status


if __name__ == "__main__":
    sys.exit(main())
