#!/usr/bin/env python3
"""Independent cross-check of `cim check` on a generated city (Scripts/crosscheck.sh).

Recomputes indicators of the shipped indicator file from the store's layers with shapely/geopandas, following
the README's semantics only (not cim's code), and compares them with `cim check --format json`, for the city
and for every district and community:

  kindergarten_coverage, primary_school_coverage  residents within the standard's radius of a facility
  park_service_coverage                            residential land within 500 m of parks >= 5,000 m2 or 300 m of
                                                   parks of 2,000-5,000 m2
  road_network_density, drainage_pipe_density     line km inside the built-up land / built-up km2
  waterlogging_density                             points inside the built-up land / built-up km2
  pipe_blank_share                                 residents of built-up buildings farther than 50 m from a sewer
  old_housing_share                                residential floor area built <= 2000 / residential floor area
  new_residential_over_80m                         residential, height (else floors x 3 m) > 80 m, built in the year
  park_area_per_resident                           park polygon m2 / residents
  dense_land_area                                  km2 of 500 m cells over 15,000 residents per km2

The JSON is also validated against Data/schemas/check.json.

Usage: check_crosscheck.py STORE CHECK.json YEAR
"""
import json
import math
import sys

import geopandas as gpd
import jsonschema
import numpy as np
import shapely
from shapely.strtree import STRtree

store, check_path, year = sys.argv[1], sys.argv[2], int(sys.argv[3])
check = json.load(open(check_path))
# The output follows its documented schema.
jsonschema.validate(check, json.load(open("Data/schemas/check.json")))
print("  cim check --format json follows Data/schemas/check.json")
standard = json.load(open("Data/standards/gb50180-2018.json"))
params = standard["parameters"]
thresholds = {c["key"]: c["threshold_m"] for c in standard["categories"]}
serving = {c["key"]: [c["key"]] for c in standard["categories"]}
for c in standard["categories"]:
    for other in c.get("counts_as", []):
        serving[other].append(c["key"])

buildings = gpd.read_file(store, layer="buildings")
facilities = gpd.read_file(store, layer="facilities")
areas = gpd.read_file(store, layer="areas")
roads = gpd.read_file(store, layer="roads")
pipes = gpd.read_file(store, layer="pipes")
waterlogging = gpd.read_file(store, layer="waterlogging")

# The building stock (README "Semantics").
floors = []
for f, h in zip(buildings["floors"], buildings["height"]):
    if f is not None and not (isinstance(f, float) and math.isnan(f)) and f > 0:
        floors.append(int(f))
    elif h is not None and not math.isnan(h) and h > 0:
        floors.append(max(1, int(math.floor(h / params["floor_height_m"] + 0.5))))
    else:
        floors.append(1)
buildings["floors_used"] = floors
buildings["footprint"] = buildings.geometry.area
buildings["floor_area"] = buildings["footprint"] * buildings["floors_used"]
buildings["residential"] = buildings["use"].isin(["residential", "mixed"])
buildings["residents"] = np.where(buildings["residential"], buildings["floor_area"] / params["floor_area_per_resident_m2"], 0.0)
points = shapely.point_on_surface(buildings.geometry.values)
buildings["ref"] = points

units = {}
for kind in ["district", "community"]:
    sub = areas[areas["kind"] == kind].reset_index(drop=True)
    units[kind] = sub


def unit_of(geoms, kind):
    """Index of the first area of `kind` covering each point (-1 when none)."""
    sub = units[kind]
    tree = STRtree(sub.geometry.values)
    result = np.full(len(geoms), -1)
    pairs = tree.query(geoms, predicate="covered_by")
    for g, a in zip(pairs[0], pairs[1]):
        if result[g] == -1 or a < result[g]:
            result[g] = a
    return result


unit = {kind: unit_of(points, kind) for kind in units}
builtup = shapely.union_all(areas[areas["kind"] == "builtup"].geometry.values)


def sums(weights, include, kind):
    out = np.zeros(len(units[kind]))
    for w, inc, u in zip(weights, include, unit[kind]):
        if inc and u >= 0:
            out[u] += w
    return out


expected = {}  # key -> {("city","city"): value, (kind, id): value}


def put(key, city, by_kind):
    values = {("city", "city"): city}
    for kind, arr in by_kind.items():
        for i, v in enumerate(arr):
            values[(kind, units[kind]["id"][i])] = v
    expected[key] = values


def share(num, den):
    return None if den <= 0 else num / den * 100


def nearest_distance(geoms, targets):
    if len(targets) == 0:
        return np.full(len(geoms), np.inf)
    tree = STRtree(targets)
    idx, dist = tree.query_nearest(geoms, return_distance=True, all_matches=False)
    out = np.full(len(geoms), np.inf)
    out[idx[0]] = dist
    return out


res = buildings["residential"].values
resid = buildings["residents"].values

# Coverage of a category by residents.
for key, category in [("kindergarten_coverage", "kindergarten"), ("primary_school_coverage", "primary_school")]:
    targets = facilities[facilities["category"].isin(serving[category])].geometry.values
    d = nearest_distance(points, targets)
    covered = (d <= thresholds[category]) & res
    put(key, share(resid[covered].sum(), resid[res].sum()),
        {k: [share(a, b) for a, b in zip(sums(resid, covered, k), sums(resid, res, k))] for k in units})

# Park rule by residential land (footprint area).
parks = facilities[facilities["category"].isin(serving["park"])]
parks = parks[parks.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
park_area = parks.geometry.area.values
big = parks.geometry.values[park_area >= 5000]
small = parks.geometry.values[(park_area >= 2000) & (park_area < 5000)]
covered = ((nearest_distance(points, big) <= 500) | (nearest_distance(points, small) <= 300)) & res
land = buildings["footprint"].values
put("park_service_coverage", share(land[covered].sum(), land[res].sum()),
    {k: [share(a, b) for a, b in zip(sums(land, covered, k), sums(land, res, k))] for k in units})

# Densities inside the built-up land.
def clipped_area(kind):
    return [shapely.intersection(g, builtup).area for g in units[kind].geometry.values]


def line_km(lines, region):
    # cim counts a line within 1 nm of an area's boundary as lying on it (so a street drawn along a shared
    # boundary counts on both sides, whatever the last bits of its coordinates): the region grown by 1 nm.
    grown = shapely.buffer(region, 1e-9)
    return float(shapely.length(shapely.intersection(lines, grown)).sum()) / 1000


built_km2 = builtup.area / 1e6
for key, lines in [("road_network_density", roads.geometry.values),
                   ("drainage_pipe_density", pipes[pipes["kind"].isin(["storm", "sewer", "combined"])].geometry.values)]:
    by = {}
    for kind in units:
        values = []
        for g in units[kind].geometry.values:
            part = shapely.intersection(g, builtup)
            values.append(None if part.area <= 0 else line_km(lines, part) / (part.area / 1e6))
        by[kind] = values
    put(key, line_km(lines, builtup) / built_km2, by)

wl = waterlogging.geometry.values
inside = shapely.covers(builtup, wl)
by = {}
for kind in units:
    # A point on a shared boundary counts once, in the first area listed (as buildings do).
    wu = unit_of(wl, kind)
    values = []
    for a, g in enumerate(units[kind].geometry.values):
        part = shapely.intersection(g, builtup)
        count = float(((wu == a) & inside).sum())
        values.append(None if part.area <= 0 else count / (part.area / 1e6))
    by[kind] = values
put("waterlogging_density", float(inside.sum()) / built_km2, by)

# Pipe-service blank share: built-up buildings farther than 50 m from a sewer or combined pipe.
sewers = pipes[pipes["kind"].isin(["sewer", "combined"])].geometry.values
service = nearest_distance(buildings.geometry.values, sewers)
in_scope = shapely.covers(builtup, points)
unserved = (service > 50) & in_scope
put("pipe_blank_share", share(resid[unserved].sum(), resid.sum()),
    {k: [share(a, b) for a, b in zip(sums(resid, unserved, k), sums(resid, np.ones(len(resid), bool), k))] for k in units})

# Building conditions.
years = buildings["year"].values
floor_area = buildings["floor_area"].values
old = res & np.array([y is not None and not (isinstance(y, float) and math.isnan(y)) and y <= 2000 for y in years])
put("old_housing_share", share(floor_area[old].sum(), floor_area[res].sum()),
    {k: [share(a, b) for a, b in zip(sums(floor_area, old, k), sums(floor_area, res, k))] for k in units})
heights = np.array([h if h is not None and not math.isnan(h) else f * params["floor_height_m"]
                    for h, f in zip(buildings["height"].values, buildings["floors_used"].values)])
tall = res & (heights > 80) & np.array([y == year for y in years])
ones = np.ones(len(tall))
put("new_residential_over_80m", float(tall.sum()), {k: list(sums(ones, tall, k)) for k in units})

# Park area per resident (a park counts in the area holding its PointOnSurface).
park_points = shapely.point_on_surface(parks.geometry.values)
by = {}
for kind in units:
    pu = unit_of(park_points, kind)
    area_sum = np.zeros(len(units[kind]))
    for a, u in zip(park_area, pu):
        if u >= 0:
            area_sum[u] += a
    r = sums(resid, np.ones(len(resid), bool), kind)
    by[kind] = [None if b <= 0 else a / b for a, b in zip(area_sum, r)]
put("park_area_per_resident", park_area.sum() / resid.sum(), by)

# Dense land: 500 m cells aligned on multiples of 500 m.
cells = {}
for p, r in zip(points, resid):
    key = (math.floor(p.x / 500), math.floor(p.y / 500))
    cells[key] = cells.get(key, 0.0) + r
dense = [k for k, r in cells.items() if r / 0.25 > 15000]
centres = shapely.points([((gx + 0.5) * 500, (gy + 0.5) * 500) for gx, gy in dense]) if dense else np.array([])
by = {}
for kind in units:
    cu = unit_of(centres, kind) if len(dense) else []
    counts = np.zeros(len(units[kind]))
    for u in cu:
        if u >= 0:
            counts[u] += 1
    by[kind] = list(counts * 0.25)
put("dense_land_area", len(dense) * 0.25, by)

# Compare.
got = {}
for ind in check["indicators"]:
    got.setdefault(ind["key"], {})[("city", "city")] = ind["value"]
for area in check["areas"]:
    for ind in area["indicators"]:
        got.setdefault(ind["key"], {})[(area["kind"], area["id"])] = ind["value"]

failures = 0
compared = 0
for key, values in expected.items():
    bad = []
    for place, want in values.items():
        have = got[key].get(place, "missing")
        compared += 1
        if want is None or have is None:
            if want is not None or have is not None:
                bad.append((place, want, have))
            continue
        if have == "missing" or abs(have - want) > 1e-6 * max(1.0, abs(want)):
            bad.append((place, want, have))
    worst = max((abs(h - w) / max(1.0, abs(w)) for _, w, h in bad if isinstance(h, float) and w is not None), default=0)
    status = "ok" if not bad else f"{len(bad)} differ (largest relative difference {worst:.2e}), e.g. {bad[:3]}"
    print(f"  {key}: city {values[('city', 'city')]!s:.10} vs cim {got[key][('city', 'city')]!s:.10}; {len(values)} places: {status}")
    failures += len(bad)

print(f"check crosscheck: {len(expected)} indicators, {compared} values, {failures} differences")
sys.exit(1 if failures else 0)
