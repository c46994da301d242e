"""Cross-check of `cim plan` (maximal covering location, greedy) against the exact optimum of the same
problem solved as an integer program by PuLP with its bundled CBC, on small generated cities.

Independently of cim (shapely/GEOS for reference points and distances, the standard file for the
threshold and the residents rule), this script:
  1. writes random candidate points into the store as layer `candidates` (≤ 200),
  2. runs `cim plan STORE --category kindergarten --add K --candidates candidates --format json`,
  3. rebuilds the problem: residential buildings (use residential/mixed), reference point =
     PointOnSurface, residents = footprint area × floors ÷ floor area per resident, those already within the
     threshold of an existing kindergarten (or a category that counts as it) are covered; a candidate
     covers a building within the threshold;
  4. checks that cim's reported gain equals the gain of cim's chosen sites evaluated here, and that it is
     ≤ the integer program's optimum and ≥ (1 − 1/e) of it; prints the ratio greedy ÷ optimum.
Usage: plan_crosscheck.py CIM WORKDIR
"""
import json
import math
import os
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pulp
from shapely import STRtree
from shapely.geometry import Point

cim, work = sys.argv[1], sys.argv[2]
standard = json.load(open("Data/standards/gb50180-2018.json"))
params = standard["parameters"]
categories = {c["key"]: c for c in standard["categories"]}
KEY = "kindergarten"
threshold = categories[KEY]["threshold_m"]
serving = {KEY} | {k for k, c in categories.items() if KEY in c.get("counts_as", [])}
floor_height = params["floor_height_m"]
per_resident = params["floor_area_per_resident_m2"]

failures = 0
ratios = []
for seed, buildings, k_values in [(11, 4000, [3, 5, 8]), (12, 5000, [5, 10])]:
    store = f"{work}/plan{seed}.gpkg"
    for leftover in (store, store.replace(".gpkg", ".truth.json")):
        if os.path.exists(leftover):
            os.remove(leftover)
    subprocess.run([cim, "generate", "--buildings", str(buildings), "--seed", str(seed), store], check=True, capture_output=True)
    b = gpd.read_file(store, layer="buildings")
    f = gpd.read_file(store, layer="facilities")
    b = b[b["use"].isin(["residential", "mixed"])].reset_index(drop=True)

    def floors(row):
        if row["floors"] is not None and not (isinstance(row["floors"], float) and math.isnan(row["floors"])) and row["floors"] > 0:
            return int(row["floors"])
        h = row["height"]
        if h is not None and not (isinstance(h, float) and math.isnan(h)) and h > 0:
            return max(1, int(math.floor(h / floor_height + 0.5)))
        return 1

    residents = np.array([g.area * floors(r) / per_resident for g, (_, r) in zip(b.geometry, b.iterrows())])
    points = b.geometry.representative_point()  # GEOS PointOnSurface
    existing = f[f["category"].isin(serving)].geometry
    covered = np.zeros(len(b), dtype=bool)
    if len(existing):
        tree = STRtree(list(existing))
        for i, p in enumerate(points):
            covered[i] = any(existing.iloc[j].distance(p) <= threshold for j in tree.query(p.buffer(threshold)))
    # Candidates: random points over the buildings' extent, written into the store.
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = b.total_bounds
    n_candidates = 150
    cand = gpd.GeoDataFrame({"id": [f"K{i}" for i in range(n_candidates)]},
                            geometry=[Point(x, y) for x, y in zip(rng.uniform(minx, maxx, n_candidates), rng.uniform(miny, maxy, n_candidates))],
                            crs=b.crs)
    cand.to_file(store, layer="candidates", driver="GPKG")
    # Coverage sets of uncovered buildings.
    uncovered = np.flatnonzero(~covered)
    tree = STRtree(list(points.iloc[uncovered]))
    covers = []
    for c in cand.geometry:
        near = tree.query(c.buffer(threshold + 1))
        covers.append(sorted(int(uncovered[j]) for j in near if points.iloc[uncovered[j]].distance(c) <= threshold))
    for k in k_values:
        out = subprocess.run([cim, "plan", store, "--category", KEY, "--add", str(k), "--candidates", "candidates", "--format", "json"],
                             check=True, capture_output=True, text=True)
        report = json.loads(out.stdout)
        sites = report["sites"]
        cim_gain = sum(s["residents_gained"] for s in sites)
        chosen = [int(s["id"][1:]) for s in sites]
        mine = sum(residents[j] for j in set().union(*[set(covers[i]) for i in chosen])) if chosen else 0.0
        # The exact optimum: max Σ w_b y_b  s.t.  y_b ≤ Σ_{i covers b} x_i,  Σ x_i = k,  x, y binary.
        problem = pulp.LpProblem("mclp", pulp.LpMaximize)
        x = [pulp.LpVariable(f"x{i}", cat="Binary") for i in range(n_candidates)]
        by_building = {}
        for i, cov in enumerate(covers):
            for j in cov:
                by_building.setdefault(j, []).append(i)
        y = {j: pulp.LpVariable(f"y{j}", lowBound=0, upBound=1) for j in by_building}
        problem += pulp.lpSum(residents[j] * y[j] for j in y)
        for j, cands in by_building.items():
            problem += y[j] <= pulp.lpSum(x[i] for i in cands)
        problem += pulp.lpSum(x) == k
        problem.solve(pulp.PULP_CBC_CMD(msg=False))
        optimum = pulp.value(problem.objective) or 0.0
        ratio = cim_gain / optimum if optimum > 0 else 1.0
        ratios.append(ratio)
        ok = (abs(mine - cim_gain) <= 1e-6 * max(1, cim_gain) and cim_gain <= optimum * (1 + 1e-9) + 1e-6
              and ratio >= 1 - 1 / math.e - 1e-9 and pulp.LpStatus[problem.status] == "Optimal")
        failures += not ok
        print(f"  seed {seed}, {len(b)} residential buildings, {len(uncovered)} uncovered, {n_candidates} candidates, k={k}: "
              f"cim greedy {cim_gain:.1f} (re-evaluated {mine:.1f}), CBC optimum {optimum:.1f}, ratio {ratio:.4f} {'ok' if ok else 'FAILED'}")
print(f"plan: greedy ÷ optimum min {min(ratios):.4f}, mean {sum(ratios) / len(ratios):.4f} over {len(ratios)} instances; {failures} failed")
sys.exit(1 if failures else 0)
