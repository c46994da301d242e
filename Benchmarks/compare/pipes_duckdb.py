#!/usr/bin/env python3
"""Pipe service distances with DuckDB spatial, compared with `cim gaps`.

    python3 pipes_duckdb.py STORE [--result GAPS.gpkg] [--layer pipe_service] [--kinds sewer,combined]
        [--json OUT.json]

What a DuckDB user would write: the buildings (id and footprint) and the pipes of the serving kinds read
with ST_Read, then the nearest pipe of every footprint (polygon to line, 0 when touching) by a spatial join
on ST_DWithin with ST_Distance, in rounds of growing radius (25, 100, 400 m, then ×4 until every building
has one: cim's distance is unbounded). Timed: reading the layers and the joins. Then every building's
distance must equal cim's pipe_service.pipe_m within 1e-6 m; mismatches are printed and the exit status is 1.
"""
import argparse
import sys

import numpy as np

import common as C
import duckdb_spatial as D


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
    con = D.connect()
    with t("load"):
        con.execute("""CREATE TABLE b AS SELECT row_number() OVER () - 1 AS i, id, geom FROM ST_Read(?, layer='buildings')
                       WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)""", [args.store])
        where = "" if "all" in kinds else "WHERE kind IN (SELECT unnest(?))"
        con.execute(f"CREATE TABLE p AS SELECT geom FROM ST_Read(?, layer='pipes') {where}",
                    [args.store] + ([] if "all" in kinds else [kinds]))
        con.execute("DELETE FROM p WHERE geom IS NULL OR ST_IsEmpty(geom)")
    ids = con.execute("SELECT id FROM b ORDER BY i").fetchnumpy()["id"]
    n = len(ids)
    pipes = con.execute("SELECT count(*) FROM p").fetchone()[0]
    d = np.full(n, np.nan)
    with t("spatial join"):
        if pipes:
            i, dist = D.nearest_in_rounds(con, "b", "p", [25.0, 100.0, 400.0], grow_until_found=True)
            d[i] = dist
    seconds = t.total("load", "spatial join")
    print(f"duckdb pipe service: {n} buildings, {pipes} pipes ({','.join(kinds)}): "
          + ", ".join(f"{k} {s:.2f} s" for k, s in t.seconds.items()) + f", total {seconds:.2f} s; peak RSS {C.peak_rss_mb():.0f} MiB")
    record = {"tool": f"DuckDB spatial ({D.versions()}) ST_DWithin join + ST_Distance", "task": "pipe service distances",
              "buildings": n, "pipes": pipes, "seconds": seconds, "stages": t.seconds, "peak_rss_mb": C.peak_rss_mb()}
    status = 0
    if not args.no_compare:
        result = C.align_to(C.read_result(args.result or args.store, args.layer, columns=["id", "pipe_m"]), ids)
        cmp = C.merge_comparisons([C.compare_answers(result["pipe_m"].to_numpy(dtype=float), d, result["id"].to_numpy(),
                                                     label="pipe_m", names=("cim", "duckdb"))])
        status = C.record_comparison(record, cmp, "pipe_m against cim", "duckdb")
    C.write_record(args.json, record)
    return status


if __name__ == "__main__":
    sys.exit(main())
