#!/usr/bin/env python3
"""cim_dask — a province's cities checked by cim as tasks of a Dask distributed cluster.

    Distributed/cim_dask.py run CITIES.json --scheduler tcp://HOST:PORT [--retries N]
                                [--split grid:5000 --halo 2000 [--only CITY]] [--cim PATH] [--workdir DIR]

CITIES.json is the file `cim batch` reads: {"target": "postgresql://user@host:port/db", "year": 2025,
"cities": [{"name": "jiujiang", "source": "jiujiang.gpkg"}, ...]} (a relative source is relative to the
file's folder). Each city is one task (client.submit of a function that runs the cim binary with
subprocess, retries=N) that runs `cim batch CITIES.json --city NAME` — the very code of a serial
`cim batch`: the source's bundle layers whose fingerprints changed are copied into the city's schema (a
folder target: DIR/<city>.gpkg) in one transaction, then `cim check --year` runs there when a layer changed
or the year has no check yet. A task that fails is retried; a city that still fails is reported and the
others complete; a killed worker's tasks are run again by Dask on another worker (the cim process of a task
dies with its worker, so an interrupted city is never written twice at once; its transaction is rolled
back). The driver then runs `cim batch CITIES.json --summary-only` for the cross-city table
cim_batch_summary (naming the cities that failed in this run, as a serial batch does).

With --split grid:METRES --halo METRES a city's coverage layers (coverage_buildings, coverage_areas) are
computed by tiles after its check: `cim split` of the city's store into a work folder, `cim coverage
--cutoff C` of each tile as its own task, `cim merge` into the city's store (equal to a whole-city
`cim coverage --cutoff C` when C <= the halo). It is skipped when the city's layers did not change and the
store has coverage_buildings already. The work folder must be on a file system every worker sees (one
machine, or a shared mount). --only NAME,... limits the split to those cities.

Python and Dask are needed only by this driver, never by cim itself.
"""
import argparse
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import uuid

STATUS_PREFIX = "cim-batch-status: "


class CimError(Exception):
    """A cim run that exited with a non-zero status: the command line and cim's one-line error."""


def _death_signal():
    """A function for subprocess's preexec_fn that asks Linux to kill the child when the worker that
    started it dies (prctl PR_SET_PDEATHSIG), so a killed worker leaves no cim process writing a city that
    Dask runs again; None elsewhere. prctl is looked up here, before the fork: the child only calls it.
    (Looked up on each call, never kept in a global: Dask pickles this script's functions with their globals.)"""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    return lambda: prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1


def run_cim(cim, args):
    """Runs the cim binary with args; returns (stdout, stderr), raises CimError on a non-zero exit."""
    done = subprocess.run([cim] + list(args), capture_output=True, text=True,
                          preexec_fn=_death_signal())
    if done.returncode != 0:
        lines = [l for l in done.stderr.strip().splitlines() if not l.startswith(STATUS_PREFIX)]
        errors = [l for l in lines if l.startswith("Error: ")]
        message = (errors or lines or ["(no message)"])[-1]
        raise CimError(f"cim {' '.join(args)}: exit {done.returncode}: {message}")
    return done.stdout, done.stderr


def city_task(cim, cities_file, name):
    """One city on a worker: `cim batch CITIES.json --city NAME` (copy the changed layers, check when
    needed). Returns its outcome: {"city", "ok", "copied": [layers], "checked": bool}."""
    _, err = run_cim(cim, ["batch", cities_file, "--city", name])
    status = [l for l in err.splitlines() if l.startswith(STATUS_PREFIX)]
    if not status:
        raise CimError(f"cim batch --city {name}: no status line")
    return json.loads(status[-1][len(STATUS_PREFIX):])


def has_layer(cim, address, layer):
    """True when the store has the layer (`cim info --format json`)."""
    out, _ = run_cim(cim, ["info", address, "--format", "json"])
    tables = json.loads(out)
    return any(row.get("layer") == layer for rows in tables.values() if isinstance(rows, list)
               for row in rows if isinstance(row, dict))


def split_task(cim, address, by, halo, folder):
    """`cim split` of a city's store into a fresh folder. Returns the tiles' stores."""
    shutil.rmtree(folder, ignore_errors=True)
    run_cim(cim, ["split", address, "--by", by, "--halo", str(halo), folder])
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    return [os.path.join(folder, t["store"]) for t in manifest["tiles"]]


def tile_task(cim, tile, cutoff):
    """The coverage of one tile (a cutoff up to the halo keeps it exact)."""
    run_cim(cim, ["coverage", tile, "--cutoff", str(cutoff), "--format", "json"])
    return tile


def merge_task(cim, address, folder, cutoff, *tiles):
    """Joins the tiles' coverage into the city's store (one transaction) and removes the tile folder."""
    run_cim(cim, ["merge", folder, "--into", address, "--cutoff", str(cutoff), "--format", "json"])
    shutil.rmtree(folder, ignore_errors=True)
    return len(tiles)


def city_address(cim, cities_file, name):
    """The store of one city, as cim batch names it (the schema named after it, or DIR/<name>.gpkg)."""
    with open(cities_file) as f:
        target = json.load(f)["target"]
    if target.startswith(("postgresql://", "postgres://")):
        from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
        parts = urlsplit(target)
        query = [(k, v) for k, v in parse_qsl(parts.query) if k != "schema"] + [("schema", name)]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
    base = os.path.dirname(os.path.abspath(cities_file))
    return os.path.join(target if os.path.isabs(target) else os.path.join(base, target), f"{name}.gpkg")


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

    cities_file = os.path.abspath(args.cities)
    with open(cities_file) as f:
        spec = json.load(f)
    names = [c["name"] for c in spec["cities"]]
    only = set(args.only.split(",")) if args.only else set(names)
    cim = os.path.abspath(args.cim) if os.sep in args.cim else args.cim
    workdir = tempfile.mkdtemp(prefix="cim-dask-", dir=args.workdir) if args.split else None
    run_id = uuid.uuid4().hex[:8]
    results, failures = {}, {}
    client = Client(args.scheduler, timeout=30)
    try:
        pending = {}
        for name in names:
            future = client.submit(city_task, cim, cities_file, name, retries=args.retries,
                                   key=f"city-{name}-{run_id}", pure=False)
            pending[future] = ("city", name)
        queue = as_completed(list(pending))
        for future in queue:
            kind, name = pending.pop(future)
            try:
                value = future.result()
            except Exception as error:  # failed after its retries: reported, the rest go on
                failures[name] = str(error)
                print(f"{name}: failed: {error}", file=sys.stderr)
                continue
            if kind == "city":
                results[name] = {"city": name, "copied": value.get("copied", []), "checked": bool(value.get("checked")),
                                 "tiles": 0}
                print(f"{name}: {'checked' if value.get('checked') else 'unchanged'}"
                      f"{' after copying ' + ','.join(value['copied']) if value.get('copied') else ''}", file=sys.stderr)
                address = city_address(cim, cities_file, name)
                if args.split and name in only and (value.get("copied") or not has_layer(cim, address, "coverage_buildings")):
                    folder = os.path.join(workdir, f"{name}-tiles")
                    split = client.submit(split_task, cim, address, args.split, args.halo, folder, retries=args.retries,
                                          key=f"split-{name}-{run_id}", pure=False)
                    pending[split] = ("split", name)
                    queue.add(split)
            elif kind == "split":
                folder = os.path.join(workdir, f"{name}-tiles")
                address = city_address(cim, cities_file, name)
                tiles = [client.submit(tile_task, cim, tile, args.cutoff, retries=args.retries,
                                       key=f"tile-{name}-{i}-{run_id}", pure=False) for i, tile in enumerate(value)]
                merged = client.submit(merge_task, cim, address, folder, args.cutoff, *tiles, retries=args.retries,
                                       key=f"merge-{name}-{run_id}", pure=False)
                pending[merged] = ("merge", name)
                queue.add(merged)
            else:
                results[name]["tiles"] = value
                print(f"{name}: coverage merged from {value} tiles", file=sys.stderr)
    finally:
        client.close()
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
    # A city whose split failed keeps its check: it is reported as failed here, and in the summary.
    for name in failures:
        results.pop(name, None)
    summary_error = None
    try:
        failed_args = [f"--failed={name}: {error}" for name, error in failures.items()]
        run_cim(cim, ["batch", cities_file, "--summary-only", "--format", "json"] + failed_args)
    except CimError as error:
        # cim batch exits 1 when a city is marked failed: the summary is written all the same
        if not failures or "cities failed" not in str(error):
            summary_error = str(error)
            print(f"summary: failed: {error}", file=sys.stderr)
    report = {"cities": [results[n] for n in names if n in results],
              "failed": [{"city": n, "error": failures[n]} for n in names if n in failures],
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
    p.add_argument("--split", metavar="grid:METRES", help="also compute the cities' coverage by halo tiles (cim split)")
    p.add_argument("--halo", type=float, default=2000, help="with --split: the halo in metres (default 2000)")
    p.add_argument("--cutoff", type=float, help="with --split: coverage cutoff of the tiles (default: the halo)")
    p.add_argument("--only", metavar="NAME,...", help="with --split: split only these cities (default: all)")
    p.add_argument("--cim", default=default_cim(), help="the cim binary (default: on PATH, else .build/release or debug)")
    p.add_argument("--workdir", help="with --split: where tile folders go (default: the system's temporary folder)")
    args = parser.parse_args(argv)
    if args.retries < 0:
        parser.error("--retries must be >= 0")
    if args.split and not (args.split.startswith("grid:") or args.split == "district"):
        parser.error("--split must be grid:METRES or district")
    if args.cutoff is None:
        args.cutoff = args.halo
    if args.split and args.cutoff > args.halo:
        parser.error("--cutoff must not exceed --halo (results would not be exact)")
    if not os.path.isfile(args.cities):
        parser.error(f"{args.cities}: no such file")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
