#!/usr/bin/env python3
"""Prints the values of the latest recorded health check of a cim store, one sorted line per indicator and
area, every number with all its digits (repr): two stores checked alike print the same lines.

    Distributed/stored_check.py STORE            (a .gpkg file, or postgresql://…?schema=NAME through psql)

Used by Scripts/dask-check.sh to compare the checks of a Dask batch with serial `cim check` runs."""
import sqlite3
import subprocess
import sys
from urllib.parse import parse_qsl, urlsplit, urlunsplit

COLUMNS = "indicator, area_kind, area_id, value, numerator, denominator, score, grade, warning, computable"


def rows_gpkg(path):
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        latest = db.execute("SELECT MAX(check_id) FROM cim_checks").fetchone()[0]
        return db.execute(f"SELECT {COLUMNS} FROM cim_check_values WHERE check_id = ?", (latest,)).fetchall()


def rows_postgres(address):
    parts = urlsplit(address)
    query = dict(parse_qsl(parts.query))
    schema = query.pop("schema")
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(f"{k}={v}" for k, v in query.items()), ""))
    sql = (f'SELECT {COLUMNS} FROM "{schema}".cim_check_values WHERE check_id = '
           f'(SELECT MAX(check_id) FROM "{schema}".cim_checks)')
    # float8 text output of PostgreSQL 12+ is the shortest exact representation, like Python's repr
    out = subprocess.run(["psql", url, "-X", "-At", "-F", "\t", "-c", sql], check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        fields = line.split("\t")
        rows.append(tuple(None if f == "" else f for f in fields))
    return rows


def normal(value):
    if value is None:
        return ""
    try:
        return repr(float(value))
    except ValueError:
        return str(value)


def main():
    address = sys.argv[1]
    rows = rows_postgres(address) if address.startswith(("postgresql://", "postgres://")) else rows_gpkg(address)
    for row in sorted("\t".join(normal(v) for v in row) for row in rows):
        print(row)


if __name__ == "__main__":
    main()
