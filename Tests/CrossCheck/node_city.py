#!/usr/bin/env python3
"""Writes a seeded city whose roads cross without shared vertices (as surveyed roads often do), for the
`--node` cross-check: roads.geojson (random polylines, some marked bridge=yes), buildings.geojson (10 m
squares) and facilities.geojson (kindergartens and bus stops), in EPSG:4548 near Jiujiang.

    python3 Tests/CrossCheck/node_city.py OUT_DIR [--seed 5]
"""
import argparse, json, os, random

p = argparse.ArgumentParser()
p.add_argument("out")
p.add_argument("--seed", type=int, default=5)
args = p.parse_args()
rng = random.Random(args.seed)
x0, y0, size = 401000.0, 3286000.0, 1500.0


def point():
    return [x0 + rng.uniform(0, size), y0 + rng.uniform(0, size)]


def collection(features):
    return {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4548"}},
            "features": [{"type": "Feature", "properties": p, "geometry": g} for p, g in features]}


roads = []
for i in range(40):
    coords = [point() for _ in range(rng.randint(2, 4))]
    roads.append(({"id": f"r{i}", "class": "residential", "bridge": "no"}, {"type": "LineString", "coordinates": coords}))
for i in range(5):
    roads.append(({"id": f"bridge{i}", "class": "primary", "bridge": "yes"}, {"type": "LineString", "coordinates": [point(), point()]}))
buildings = []
for i in range(300):
    x, y = point()
    ring = [[x, y], [x + 10, y], [x + 10, y + 10], [x, y + 10], [x, y]]
    buildings.append(({"id": f"b{i}", "use": "住宅", "层数": rng.randint(1, 20)}, {"type": "Polygon", "coordinates": [ring]}))
facilities = []
for i in range(24):
    facilities.append(({"id": f"f{i}", "category": ["幼儿园", "公交站", "kindergarten"][i % 3]}, {"type": "Point", "coordinates": point()}))
os.makedirs(args.out, exist_ok=True)
for name, features in [("roads", roads), ("buildings", buildings), ("facilities", facilities)]:
    with open(os.path.join(args.out, f"{name}.geojson"), "w") as f:
        json.dump(collection(features), f, ensure_ascii=False)
