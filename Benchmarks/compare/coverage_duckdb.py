#!/usr/bin/env python3
"""Straight-line life-circle coverage with DuckDB spatial, compared with `cim coverage`.

    python3 coverage_duckdb.py STORE [--result COVERAGE.gpkg] [--layer coverage_buildings]
        [--standard FILE] [--cutoff M] [--unknown-residential] [--json OUT.json] [--write OUT.gpkg]

What a DuckDB user would write: the layers read with ST_Read (GDAL inside DuckDB; only the columns used),
residential buildings' reference points with ST_PointOnSurface, then per category of the standard the
nearest facility by a spatial join on ST_DWithin with ST_Distance, in rounds of growing radius (250, 500,
1000 m, then the cutoff) so that each building meets only the facilities near it (a single join at the 2 km
cutoff pairs every building with every facility within 2 km: billions of pairs at 1M buildings).
Timed: reading the layers, reference points, the joins. Then every dist_<category> of cim's
coverage_buildings (in --result, default the store) must match within 1e-6 m, nulls included; mismatches
are printed and the exit status is 1.

With --write, the per-building result is also written as a GeoPackage layer the way a DuckDB user would
(`COPY … TO 'OUT.gpkg' (FORMAT GDAL, DRIVER 'GPKG')`): id, footprint, one dist_<category> and one
ok_<category> per category, like cim's coverage_buildings; timed apart ("write") and added to the record as
whole_seconds, so that a whole command can be set against cim's whole command.
"""
import os
import sys

import numpy as np

import common as C
import duckdb_spatial as D


def main():
    p = C.coverage_arguments(__doc__)
    p.add_argument("--write", help="also write the per-building result layer to this GeoPackage (timed apart)")
    args = p.parse_args()
    standard, serving, cutoff = C.coverage_setup(args)
    uses = ["residential", "mixed"]
    t = C.Timer()
    con = D.connect()
    unknown = " OR use IS NULL OR use = 'unknown'" if args.unknown_residential else ""
    with t("load"):
        con.execute(f"""CREATE TABLE b AS SELECT id, geom FROM ST_Read(?, layer='buildings')
                        WHERE (use IN ({', '.join(repr(u) for u in uses)}){unknown}) AND geom IS NOT NULL AND NOT ST_IsEmpty(geom)""",
                    [args.store])
        con.execute("CREATE TABLE f AS SELECT category, geom FROM ST_Read(?, layer='facilities') WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)",
                    [args.store])
    with t("reference points"):
        con.execute("CREATE TABLE r AS SELECT row_number() OVER () - 1 AS i, id, ST_PointOnSurface(geom) AS geom FROM b")
    ids = con.execute("SELECT id FROM r ORDER BY i").fetchnumpy()["id"]
    n = len(ids)
    radii = [r for r in (250.0, 500.0, 1000.0) if r < cutoff] + [cutoff]
    distances = {}
    with t("spatial join"):
        for key, members in serving.items():
            con.execute("CREATE OR REPLACE TEMP TABLE fk AS SELECT geom FROM f WHERE category IN (SELECT unnest(?))", [members])
            d = np.full(n, np.nan)
            if con.execute("SELECT count(*) FROM fk").fetchone()[0]:
                i, dist = D.nearest_in_rounds(con, "r", "fk", radii)
                d[i] = dist
                d[d > cutoff] = np.nan
            distances[key] = d
    seconds = t.total("load", "reference points", "spatial join")
    print(f"duckdb straight-line coverage: {n} residential buildings × {len(serving)} categories: "
          + ", ".join(f"{k} {s:.2f} s" for k, s in t.seconds.items()) + f", total {seconds:.2f} s; peak RSS {C.peak_rss_mb():.0f} MiB")
    record = {"tool": f"DuckDB spatial ({D.versions()}) ST_DWithin join + ST_Distance", "task": "straight-line coverage",
              "buildings": n, "categories": len(serving), "seconds": seconds, "stages": t.seconds, "peak_rss_mb": C.peak_rss_mb()}
    if args.write:
        import pandas as pd
        thresholds = {c["key"]: float(c["threshold_m"]) for c in standard["categories"]}
        frame = pd.DataFrame({"i": np.arange(n)})
        for key in serving:
            frame[f"dist_{key}"] = distances[key]
        with t("write"):
            con.register("distances", frame)
            oks = [f"coalesce(d.dist_{key} <= {thresholds[key]}, false)::INTEGER AS ok_{key}" for key in serving]
            columns = ", ".join(f"d.dist_{key}" for key in serving) + ", " + ", ".join(oks)
            if os.path.exists(args.write):
                os.remove(args.write)
            con.execute(f"""COPY (SELECT r.id, {columns}, b.geom FROM r JOIN distances d ON d.i = r.i JOIN b ON b.id = r.id ORDER BY r.i)
                            TO '{args.write}' (FORMAT GDAL, DRIVER 'GPKG', LAYER_CREATION_OPTIONS 'SPATIAL_INDEX=YES')""")
        record["write_seconds"] = t.seconds["write"]
        record["whole_seconds"] = seconds + t.seconds["write"]
        print(f"duckdb write of {n} rows: {t.seconds['write']:.2f} s; load + compute + write {seconds + t.seconds['write']:.2f} s")
    status = 0
    if not args.no_compare:
        result = C.align_to(C.read_result(args.result or args.store, args.layer), ids)
        cmp = C.compare_categories(result, serving, distances, result["id"].to_numpy(), n, "duckdb")
        status = C.record_comparison(record, cmp, "dist_* against cim", "duckdb")
    C.write_record(args.json, record)
    return status


if __name__ == "__main__":
    sys.exit(main())
