#!/usr/bin/env python3
"""Independent check of cim's GCJ-02 and BD-09 conversion (`cim import --source-crs GCJ-02|BD-09`) against
the pip package prcoords (public domain; its own forward formulas and its precise iterative inverses).

For 3,000 seeded WGS 84 points across China and 200 outside it: prcoords shifts them to GCJ-02 (and BD-09),
cim imports the shifted points into a store in Web Mercator (--crs EPSG:3857, valid over the whole test area), and the
stored points, taken back to lon/lat with pyproj, must be the original WGS 84 points within 1 cm, and agree with prcoords' own inverse
(gcj_wgs_bored, bd_wgs_bored) within 1 cm plus that inverse's own error (prcoords stops its BD-09
iteration at about 2 cm). Outside China the conversion must be the identity.

    python3 Tests/CrossCheck/chinese_datum_check.py path/to/cim
"""
import math, os, random, subprocess, sys, tempfile, warnings
import geopandas
import prcoords

warnings.filterwarnings("ignore", message="Non-Chinese coords")

cim = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/cim"
rng = random.Random(20261204)
inside = [prcoords.Coords(rng.uniform(18.2, 53.5), rng.uniform(73.5, 134.8)) for _ in range(3000)]
outside = [prcoords.Coords(rng.uniform(-60, 70), rng.uniform(-170, 60)) for _ in range(200)]
points = inside + outside


def metres(a, b):
    k = math.pi / 180 * 6371000
    dx = (a.lon - b.lon) * k * math.cos(math.radians(a.lat))
    dy = (a.lat - b.lat) * k
    return math.hypot(dx, dy)


failed = False
with tempfile.TemporaryDirectory() as work:
    for name, forward, inverse in [("GCJ-02", prcoords.wgs_gcj, prcoords.gcj_wgs_bored),
                                   ("BD-09", prcoords.wgs_bd, prcoords.bd_wgs_bored)]:
        shifted = [forward(p) for p in points]
        csv = os.path.join(work, f"{name}.csv")
        with open(csv, "w") as f:
            f.write("id,lon,lat\n")
            for i, s in enumerate(shifted):
                f.write(f"p{i},{s.lon!r},{s.lat!r}\n")
        store = os.path.join(work, f"{name}.gpkg")
        run = subprocess.run([cim, "import", store, "waterlogging", csv, "--source-crs", name, "--crs", "EPSG:3857"],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{name}: cim import failed: {run.stderr}")
            failed = True
            continue
        table = geopandas.read_file(store, layer="waterlogging").to_crs(4326)
        got = {row.id: prcoords.Coords(row.geometry.y, row.geometry.x) for row in table.itertuples()}
        worst_truth = worst_prcoords = worst_outside = prcoords_own = 0.0
        for i, p in enumerate(points):
            c = got[f"p{i}"]
            if i < len(inside):
                worst_truth = max(worst_truth, metres(p, c))
                theirs = inverse(shifted[i])
                worst_prcoords = max(worst_prcoords, metres(theirs, c))
                prcoords_own = max(prcoords_own, metres(theirs, p))
            else:
                worst_outside = max(worst_outside, metres(p, c))
        ok = worst_truth <= 0.01 and worst_prcoords <= 0.01 + prcoords_own and worst_outside <= 1e-6 and len(got) == len(points)
        failed |= not ok
        print(f"{name}: {len(inside)} points in China: worst {worst_truth * 1000:.3f} mm from the WGS 84 truth, "
              f"{worst_prcoords * 1000:.3f} mm from prcoords' inverse (itself {prcoords_own * 1000:.3f} mm from the truth); {len(outside)} outside: worst {worst_outside:.2e} m "
              f"(identity) — {'ok' if ok else 'MISMATCH'}")
sys.exit(1 if failed else 0)
