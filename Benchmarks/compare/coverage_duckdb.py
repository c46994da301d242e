#!/usr/bin/env python3
"""Straight-line life-circle coverage with DuckDB spatial, compared with `cim coverage`.

    python3 coverage_duckdb.py STORE [--result COVERAGE.gpkg] [--layer coverage_buildings]
        [--standard FILE] [--cutoff M] [--unknown-residential] [--json OUT.json]

What a DuckDB user would write: the layers read with ST_Read (GDAL inside DuckDB; only the columns used),
residential buildings' reference points with ST_PointOnSurface, then per category of the standard the
nearest facility by a spatial join on ST_DWithin with ST_Distance, in rounds of growing radius (250, 500,
1000 m, then the cutoff) so that each building meets only the facilities near it (a single join at the 2 km
cutoff pairs every building with every facility within 2 km: billions of pairs at 1M buildings).
Timed: reading the layers, reference points, the joins. Then every dist_<category> of cim's
coverage_buildings (in --result, default the store) must match within 1e-6 m, nulls included; mismatches
are printed and the exit status is 1.
"""
import sys

import numpy as np

import common as C
import duckdb_spatial as D


def main():
    p = C.coverage_arguments(__doc__)
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
    status = 0
    if not args.no_compare:
        result = C.align_to(C.read_result(args.result or args.store, args.layer), ids)
        cmp = C.compare_categories(result, serving, distances, result["id"].to_numpy(), n, "duckdb")
        status = C.record_comparison(record, cmp, "dist_* against cim", "duckdb")
    C.write_record(args.json, record)
    return status


if __name__ == "__main__":
    sys.exit(main())
