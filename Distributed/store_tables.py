#!/usr/bin/env python3
"""Prints the rows of tables of a cim store as sorted text lines, for comparing stores in the Dask check.

    Distributed/store_tables.py STORE TABLE [--except C,...]
                                                       every non-geometry column of TABLE, one line a row,
                                                       numbers with all their digits (repr); a GeoPackage
                                                       and a PostGIS schema holding equal rows print the
                                                       same lines
    Distributed/store_tables.py --state SCHEMA_URL     every table of a PostGIS schema: per table its name
                                                       and per row the row's xmin (the transaction that
                                                       wrote it) and an md5 of the row, so a rewritten or
                                                       duplicated row shows up even when its values are equal
    Distributed/store_tables.py --tables SCHEMA_URL    the names of the tables of a PostGIS schema

A PostGIS store is postgresql://…/db?schema=NAME and is read through psql."""
import sqlite3
import subprocess
import sys
from urllib.parse import parse_qsl, urlsplit, urlunsplit


def split_schema(address):
    parts = urlsplit(address)
    query = dict(parse_qsl(parts.query))
    schema = query.pop("schema", "public")
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(f"{k}={v}" for k, v in query.items()), ""))
    return url, schema


def psql(url, sql):
    out = subprocess.run(["psql", url, "-X", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         check=True, capture_output=True, text=True).stdout
    return [line.split("\t") for line in out.splitlines()]


def normal(value):
    if value is None or value == "":
        return ""
    if isinstance(value, (int, float)):
        return repr(float(value))
    try:
        return repr(float(value))
    except ValueError:
        return str(value)


def rows(address, table, skip=()):
    if address.startswith(("postgresql://", "postgres://")):
        url, schema = split_schema(address)
        columns = [r[0] for r in psql(url, "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                      f"'{schema}' AND table_name = '{table}' AND udt_name <> 'geometry' ORDER BY column_name")
                   if r[0] not in skip]
        if not columns:
            raise SystemExit(f"{address}: no table {table}")
        quoted = ", ".join(f'"{c}"' for c in columns)
        # float8 text output (PostgreSQL 12+) is the shortest exact representation, like Python's repr
        data = psql(url, f'SELECT {quoted} FROM "{schema}"."{table}"')
        data = [[None if v == "" else v for v in row] for row in data]
    else:
        with sqlite3.connect(f"file:{address}?mode=ro", uri=True) as db:
            info = db.execute(f'PRAGMA table_info("{table}")').fetchall()
            geometry = {r[0] for r in db.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?", (table,))}
            columns = sorted(r[1] for r in info if r[1] not in geometry and r[1] not in skip)
            if not columns:
                raise SystemExit(f"{address}: no table {table}")
            quoted = ", ".join(f'"{c}"' for c in columns)
            data = db.execute(f'SELECT {quoted} FROM "{table}"').fetchall()
    print("\t".join(columns))
    for line in sorted("\t".join(normal(v) for v in row) for row in data):
        print(line)


def tables(address):
    url, schema = split_schema(address)
    return [r[0] for r in psql(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                                f"'{schema}' ORDER BY table_name")]


def state(address):
    url, schema = split_schema(address)
    for table in tables(address):
        print(f"== {table}")
        for row in psql(url, f'SELECT t.xmin::text, md5(t::text) FROM "{schema}"."{table}" t ORDER BY 2, 1'):
            print("\t".join(row))


def main():
    if sys.argv[1] == "--state":
        state(sys.argv[2])
    elif sys.argv[1] == "--tables":
        print("\n".join(tables(sys.argv[2])))
    else:
        skip = sys.argv[4].split(",") if len(sys.argv) > 4 and sys.argv[3] == "--except" else []
        rows(sys.argv[1], sys.argv[2], skip)


if __name__ == "__main__":
    main()
