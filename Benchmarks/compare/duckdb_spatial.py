"""DuckDB with its spatial extension, as the comparison scripts use it (see README.md beside this file).

The spatial extension comes from the PyPI package duckdb-extension-spatial (the extension file of the
duckdb release it names), loaded by path: `INSTALL spatial` would download it from DuckDB's extension
site, which this machine cannot reach. Its version must be duckdb's (requirements.txt pins both).
"""
from __future__ import annotations

import os
from pathlib import Path


def connect():
    """An in-memory DuckDB connection with the spatial extension loaded, on every core."""
    import duckdb
    import duckdb_extension_spatial
    path = Path(duckdb_extension_spatial.__file__).parent / "extensions" / f"v{duckdb.__version__}" / "spatial.duckdb_extension"
    if not path.exists():
        raise SystemExit(f"error: {path} is missing: duckdb {duckdb.__version__} needs duckdb-extension-spatial=={duckdb.__version__}")
    con = duckdb.connect()
    con.execute(f"LOAD '{path}'")
    con.execute(f"SET threads = {os.cpu_count() or 1}")
    return con


def versions() -> str:
    import duckdb
    return f"duckdb {duckdb.__version__} + spatial"


def nearest_in_rounds(con, left: str, right: str, radii: list[float], grow_until_found: bool = False):
    """The minimum ST_Distance from each row of table `left` (i, geom) to any geometry of table `right`
    (geom), by rounds of a spatial join on ST_DWithin (DuckDB's SPATIAL_JOIN operator builds an R-tree on
    one side): rows whose nearest lies within a round's radius are settled by it (the minimum over the
    geometries within r is the minimum over all when any lies within r); the rest go to the next round.
    With `grow_until_found` the last radius is multiplied by 4 until every row is settled (unbounded
    nearest: needs `right` non-empty). Returns (i, distance) numpy arrays of the settled rows."""
    import numpy as np
    con.execute(f"CREATE OR REPLACE TEMP TABLE todo AS SELECT i, geom FROM {left}")
    found_i, found_d = [], []
    radii = list(radii)
    k = 0
    while True:
        r = radii[k] if k < len(radii) else radii[-1] * 4 ** (k - len(radii) + 1)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE found AS
                        SELECT t.i AS i, min(ST_Distance(t.geom, f.geom)) AS d
                        FROM todo t JOIN {right} f ON ST_DWithin(t.geom, f.geom, {r!r}) GROUP BY t.i""")
        got = con.execute("SELECT i, d FROM found").fetchnumpy()
        found_i.append(got["i"]); found_d.append(got["d"])
        con.execute("DELETE FROM todo WHERE i IN (SELECT i FROM found)")
        left_over = con.execute("SELECT count(*) FROM todo").fetchone()[0]
        k += 1
        if left_over == 0 or (k >= len(radii) and not grow_until_found):
            break
    return np.concatenate(found_i).astype(np.int64), np.concatenate(found_d).astype(float)
