#!/usr/bin/env python3
"""Straight-line life-circle coverage with PostGIS, compared with `cim coverage`. Run it through
coverage_postgis.sh, which starts (and removes) a throwaway server on 127.0.0.1.

    python3 coverage_postgis.py STORE --port P [--result COVERAGE.gpkg] [--layer coverage_buildings]
        [--standard FILE] [--cutoff M] [--unknown-residential] [--json OUT.json]

What a PostGIS user would write. Load (timed together, as "load + index"): ogr2ogr (PG driver, COPY) of
the residential buildings and of the facilities; reference points ST_PointOnSurface(footprint); one
table of facilities per category of the standard (with those of the categories that count as it), each
with a GiST index; ANALYZE. Query (timed, per category): a LATERAL KNN join

    SELECT r.fid, n.d FROM ref r LEFT JOIN LATERAL (
        SELECT ST_Distance(f.geom, r.geom) AS d FROM fac_k f ORDER BY f.geom <-> r.geom LIMIT 1) n ON true

(`<->` orders by the true distance through the index, PostGIS ≥ 2.2), the cutoff applied to the true
distance, and the rows fetched into Python. Then every dist_<category> must match cim's within 1e-6 m,
nulls included (exit 1 otherwise). The server's memory is sampled (sum of the PSS of its processes).
"""
import os
import subprocess
import sys
import threading
import time

import numpy as np
import psycopg

import common as C


class ServerMemory(threading.Thread):
    """Samples the summed PSS of the server's processes (postmaster and its children) every 0.2 s."""

    def __init__(self, pid_file):
        super().__init__(daemon=True)
        self.root = int(open(pid_file).readline()) if pid_file and os.path.exists(pid_file) else None
        self.peak_mb = 0.0
        self.stop = threading.Event()

    def processes(self):
        pids = [self.root]
        try:
            for entry in os.listdir("/proc"):
                if entry.isdigit():
                    try:
                        with open(f"/proc/{entry}/stat") as f:
                            if int(f.read().rsplit(")", 1)[1].split()[1]) == self.root:
                                pids.append(int(entry))
                    except OSError:
                        pass
        except OSError:
            pass
        return pids

    def run(self):
        while self.root and not self.stop.is_set():
            total = 0
            for pid in self.processes():
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as f:
                        for line in f:
                            if line.startswith("Pss:"):
                                total += int(line.split()[1])
                                break
                except OSError:
                    pass
            self.peak_mb = max(self.peak_mb, total / 1024.0)
            self.stop.wait(0.2)


def main():
    p = C.coverage_arguments(__doc__)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--server-pid-file")
    args = p.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("this benchmark talks to a server on the loopback interface only")

    standard, serving, cutoff = C.coverage_setup(args)
    uses = ["residential", "mixed"]
    use_filter = "use IN ('residential','mixed')" + (" OR use IS NULL OR use = 'unknown'" if args.unknown_residential else "")
    conninfo = f"host={args.host} port={args.port} user=postgres dbname=postgres"
    pg = f"PG:{conninfo}"
    memory = ServerMemory(args.server_pid_file)
    memory.start()
    t = C.Timer()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        version = conn.execute("SELECT version()").fetchone()[0].split(",")[0]
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        postgis = conn.execute("SELECT postgis_full_version()").fetchone()[0]
        print(f"{version}; {postgis.split(' PROJ')[0]}")
        with t("load + index"):
            common = ["ogr2ogr", "-f", "PostgreSQL", pg, args.store, "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=fid",
                      "-lco", "SPATIAL_INDEX=NONE", "-preserve_fid", "--config", "PG_USE_COPY", "YES", "-overwrite"]
            subprocess.run(common + ["buildings", "-nln", "bld", "-select", "id,use", "-where", use_filter], check=True)
            subprocess.run(common + ["facilities", "-nln", "fac", "-select", "category", "-nlt", "GEOMETRY"], check=True)
            conn.execute("CREATE TABLE ref AS SELECT fid, id, ST_PointOnSurface(geom) AS geom FROM bld "
                         "WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)")
            conn.execute("ALTER TABLE ref ADD PRIMARY KEY (fid)")
            for i, (key, members) in enumerate(serving.items()):
                conn.execute(f"CREATE TABLE fac_{i} AS SELECT fid, geom FROM fac WHERE category = ANY(%s) "
                             "AND geom IS NOT NULL AND NOT ST_IsEmpty(geom)", (members,))
                conn.execute(f"CREATE INDEX fac_{i}_geom ON fac_{i} USING GIST (geom)")
            conn.execute("ANALYZE")
        n = conn.execute("SELECT count(*) FROM ref").fetchone()[0]
        print(f"load + index: {t.seconds['load + index']:.2f} s ({n} residential buildings)")
        fids = np.array([r[0] for r in conn.execute("SELECT fid FROM ref ORDER BY fid")], dtype=np.int64)
        plan = "\n".join(r[0] for r in conn.execute(
            "EXPLAIN SELECT r.fid, n.d FROM ref r LEFT JOIN LATERAL (SELECT ST_Distance(f.geom, r.geom) AS d "
            "FROM fac_0 f ORDER BY f.geom <-> r.geom LIMIT 1) n ON true ORDER BY r.fid"))
        distances = {}
        per_category = {}
        with t("query"):
            for i, key in enumerate(serving):
                start = time.perf_counter()
                rows = conn.execute(
                    f"SELECT r.fid, CASE WHEN n.d <= %s THEN n.d END FROM ref r LEFT JOIN LATERAL ("
                    f"SELECT ST_Distance(f.geom, r.geom) AS d FROM fac_{i} f ORDER BY f.geom <-> r.geom LIMIT 1"
                    f") n ON true ORDER BY r.fid", (cutoff,)).fetchall()
                d = np.array([np.nan if r[1] is None else r[1] for r in rows], dtype=float)
                distances[key] = d
                per_category[key] = time.perf_counter() - start
        print(f"KNN queries: {t.seconds['query']:.2f} s for {len(serving)} categories "
              f"(slowest {max(per_category, key=per_category.get)} {max(per_category.values()):.2f} s)")
        ids = [r[0] for r in conn.execute("SELECT id FROM ref ORDER BY fid")]
    memory.stop.set()
    memory.join()
    record = {"tool": "PostGIS KNN (GiST)", "task": "straight-line coverage", "buildings": int(n), "categories": len(serving),
              "seconds": t.seconds["query"], "load_index_seconds": t.seconds["load + index"], "stages": t.seconds,
              "per_category": per_category, "peak_rss_mb": C.peak_rss_mb(), "server_peak_pss_mb": memory.peak_mb,
              "server": version, "postgis": postgis.split(" ")[1] if postgis else "", "plan": plan}
    print(f"peak memory: client {C.peak_rss_mb():.0f} MiB RSS, server {memory.peak_mb:.0f} MiB PSS (sampled)")
    status = 0
    if not args.no_compare:
        result = C.align_to(C.read_result(args.result or args.store, args.layer), ids)
        cmp = C.compare_categories(result, serving, distances, ids, n, "postgis")
        status = C.record_comparison(record, cmp, "dist_* against cim", "postgis")
    C.write_record(args.json, record)
    return status


if __name__ == "__main__":
    sys.exit(main())
