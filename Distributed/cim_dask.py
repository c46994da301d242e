#!/usr/bin/env python3
"""cim_dask — a province's cities checked by cim as tasks of a Dask distributed cluster.

    Distributed/cim_dask.py run CITIES.json --scheduler tcp://HOST:PORT [--retries N]
                                [--split grid:5000 --halo 2000] [--cim PATH] [--workdir DIR]

CITIES.json is the file `cim batch` reads: {"target": "postgresql://user@host:port/db", "year": 2025,
"cities": [{"name": "jiujiang", "source": "jiujiang.gpkg"}, ...]} (a relative source is relative to the
file's folder). Each city is one task (client.submit of a function that runs the cim binary with
subprocess, retries=N): it imports the source's bundle layers into the city's store — the schema named
after the city (a folder target: DIR/<city>.gpkg) — only when the source's layer fingerprints differ from
those recorded in the store (`cim fingerprints`), then runs `cim check --year Y` unless the latest check of
that year was made on the store's current layers. A task that fails is retried; a city that still fails is
reported and the others complete; a killed worker's tasks are run again by Dask on another worker. The
driver then runs `cim batch CITIES.json --summary-only` for the cross-city table cim_batch_summary.

With --split grid:METRES --halo METRES a city's coverage is computed by tiles: `cim split` into a work
folder, `cim coverage` of each tile as its own task, `cim merge` into the city's store (results equal to a
whole-city run when the halo is at least the cutoff), then `cim check`. The work folder must be on a file
system every worker sees (one machine, or a shared mount).

Python and Dask are needed only by this driver, never by cim itself.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

BUNDLE_LAYERS = ["buildings", "facilities", "roads", "pipes", "pipe_nodes", "areas", "waterlogging"]


class CimError(Exception):
    """A cim run that exited with a non-zero status: the command line and cim's one-line error."""


def run_cim(cim, args):
    """Runs the cim binary with args; returns its standard output, raises CimError on a non-zero exit."""
    done = subprocess.run([cim] + list(args), capture_output=True, text=True)
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise CimError(f"cim {' '.join(args)}: exit {done.returncode}: {message[-1] if message else '(no message)'}")
    return done.stdout


def cim_json(cim, args):
    """Runs cim with --format json and returns its tables (table key -> rows)."""
    return json.loads(run_cim(cim, list(args) + ["--format", "json"]))


def city_address(target, name):
    """The store of one city: the schema named after it in a PostgreSQL target, or DIR/<name>.gpkg in a folder target."""
    if target.startswith("postgresql://") or target.startswith("postgres://"):
        parts = urlsplit(target)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "schema"] + [("schema", name)]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
    return os.path.join(target, f"{name}.gpkg")


def fingerprints(rows):
    """Fingerprint rows of `cim fingerprints` as a set of (layer, features, hash)."""
    return {(r["layer"], int(r["features"]), r["hash"]) for r in rows}


def import_if_changed(cim, source, address):
    """Imports the source's bundle layers into the city's store when their fingerprints differ from the
    ones recorded there (or none are); records the new ones last, so an interrupted import is redone.
    Returns True when it imported."""
    theirs = cim_json(cim, ["fingerprints", source])["fingerprints"]
    try:
        recorded = cim_json(cim, ["fingerprints", address])["recorded"]
    except CimError:
        recorded = []  # no store (or schema) yet
    if recorded and fingerprints(recorded) == fingerprints(theirs):
        return False
    for row in theirs:
        run_cim(cim, ["import", address, row["layer"], source, "--source-layer", row["layer"]])
    run_cim(cim, ["fingerprints", source, "--record-in", address])
    return True


def check_if_needed(cim, address, year):
    """Runs `cim check --year` unless the latest recorded check of that year was made on the store's
    current layers (a re-run changes nothing). Returns (status, health index)."""
    current = {f"{r['layer']} {int(r['features'])} {r['hash']}" for r in cim_json(cim, ["fingerprints", address])["fingerprints"]}
    checks = [c for c in cim_json(cim, ["checks", address])["checks"] if int(c["year"]) == year]
    if checks and set(checks[-1]["inputs"]) <= current:
        return "unchanged", checks[-1]["health_index"]
    run_cim(cim, ["check", address, "--year", str(year), "--format", "json"])
    latest = [c for c in cim_json(cim, ["checks", address])["checks"] if int(c["year"]) == year][-1]
    return "checked", latest["health_index"]


def city_task(cim, name, source, address, year):
    """One city on a worker: import when changed, then check when needed."""
    imported = import_if_changed(cim, source, address)
    status, index = check_if_needed(cim, address, year)
    return {"city": name, "imported": imported, "status": status, "health_index": index}


def split_task(cim, name, source, address, by, halo, folder):
    """A split city on a worker: import when changed, then `cim split` into a fresh folder. Returns the tiles' stores."""
    imported = import_if_changed(cim, source, address)
    shutil.rmtree(folder, ignore_errors=True)
    run_cim(cim, ["split", address, "--by", by, "--halo", str(halo), folder])
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    return {"imported": imported, "tiles": [os.path.join(folder, t["store"]) for t in manifest["tiles"]]}


def tile_task(cim, tile, cutoff):
    """The coverage of one tile (a whole-city cutoff up to the halo keeps it exact)."""
    run_cim(cim, ["coverage", tile, "--cutoff", str(cutoff), "--format", "json"])
    return tile


def merge_task(cim, name, address, folder, year, cutoff, imported, *tiles):
    """Joins the tiles into the city's store, removes the tile folder and checks the city."""
    run_cim(cim, ["merge", folder, "--into", address, "--cutoff", str(cutoff), "--format", "json"])
    shutil.rmtree(folder, ignore_errors=True)
    status, index = check_if_needed(cim, address, year)
    return {"city": name, "imported": imported, "status": status, "health_index": index, "tiles": len(tiles)}


def default_cim():
    """The cim binary: on PATH, else this repository's release or debug build."""
    found = shutil.which("cim")
    if found:
        return found
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for build in ("release", "debug"):
        path = os.path.join(repo, ".build", build, "cim")
        if os.access(path, os.X_OK):
            return path
    return "cim"


def run(args):
    from distributed import Client, as_completed

    with open(args.cities) as f:
        spec = json.load(f)
    base = os.path.dirname(os.path.abspath(args.cities))
    target, year = spec["target"], int(spec["year"])
    if not (target.startswith("postgresql://") or target.startswith("postgres://")):
        target = os.path.join(base, target)
        os.makedirs(target, exist_ok=True)
    cim = os.path.abspath(args.cim) if os.sep in args.cim else args.cim
    workdir = tempfile.mkdtemp(prefix="cim-dask-", dir=args.workdir) if args.split else None
    run_id = uuid.uuid4().hex[:8]
    results, failures = {}, {}
    client = Client(args.scheduler, timeout=30)
    try:
        pending = {}
        for city in spec["cities"]:
            name = city["name"]
            source = city["source"] if os.path.isabs(city["source"]) else os.path.join(base, city["source"])
            address = city_address(target, name)
            if args.split:
                folder = os.path.join(workdir, f"{name}-tiles")
                future = client.submit(split_task, cim, name, source, address, args.split, args.halo, folder,
                                       retries=args.retries, key=f"split-{name}-{run_id}", pure=False)
                pending[future] = ("split", name, address, folder)
            else:
                future = client.submit(city_task, cim, name, source, address, year,
                                       retries=args.retries, key=f"city-{name}-{run_id}", pure=False)
                pending[future] = ("city", name, address, None)
        queue = as_completed(list(pending))
        for future in queue:
            kind, name, address, folder = pending.pop(future)
            try:
                value = future.result()
            except Exception as error:  # the city failed after its retries: reported, the rest go on
                failures[name] = str(error)
                print(f"{name}: failed: {error}", file=sys.stderr)
                continue
            if kind == "split":
                tiles = [client.submit(tile_task, cim, tile, args.cutoff, retries=args.retries,
                                       key=f"tile-{name}-{i}-{run_id}", pure=False) for i, tile in enumerate(value["tiles"])]
                merged = client.submit(merge_task, cim, name, address, folder, year, args.cutoff, value["imported"], *tiles,
                                       retries=args.retries, key=f"merge-{name}-{run_id}", pure=False)
                pending[merged] = ("merge", name, address, folder)
                queue.add(merged)
            else:
                results[name] = value
                print(f"{name}: {value['status']} (health index {value['health_index']}){' after import' if value['imported'] else ''}",
                      file=sys.stderr)
    finally:
        client.close()
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    summary_error = None
    try:
        run_cim(cim, ["batch", os.path.abspath(args.cities), "--summary-only"])
    except CimError as error:
        summary_error = str(error)
        print(f"summary: failed: {error}", file=sys.stderr)
    report = {"cities": [results[c["name"]] for c in spec["cities"] if c["name"] in results],
              "failed": [{"city": name, "error": error} for name, error in failures.items()],
              "summary": summary_error or "cim_batch_summary written"}
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if not failures and summary_error is None else 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="cim_dask.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("run", help="check every city of CITIES.json on a Dask cluster, then write cim_batch_summary")
    p.add_argument("cities", help="CITIES.json (the file cim batch reads)")
    p.add_argument("--scheduler", required=True, help="the Dask scheduler, tcp://HOST:PORT")
    p.add_argument("--retries", type=int, default=2, help="retries of a failed task (default 2)")
    p.add_argument("--split", metavar="grid:METRES", help="compute each city's coverage by halo tiles (cim split)")
    p.add_argument("--halo", type=float, default=2000, help="with --split: the halo in metres (default 2000)")
    p.add_argument("--cutoff", type=float, help="with --split: coverage cutoff of the tiles (default: the halo)")
    p.add_argument("--cim", default=default_cim(), help="the cim binary (default: on PATH, else .build/release or debug)")
    p.add_argument("--workdir", help="with --split: where tile folders go (default: the system's temporary folder)")
    args = parser.parse_args(argv)
    if args.retries < 0:
        parser.error("--retries must be ≥ 0")
    if args.split and not (args.split.startswith("grid:") or args.split == "district"):
        parser.error("--split must be grid:METRES or district")
    if args.cutoff is None:
        args.cutoff = args.halo
    if args.split and args.cutoff > args.halo:
        parser.error("--cutoff must not exceed --halo (results would not be exact)")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
