#!/usr/bin/env python3
"""cityjson_crosscheck.py — an independent computation of what `cim import STORE buildings FILE.city.json`
should give, with shapely (GEOS) instead of cim's Swift code, and checks of cim's results against it.

Subcommands:
  summary FILE.city.json|FILE.city.jsonl [--csv OUT.csv]
      Prints the building count, total footprint area, height and floor statistics (the numbers hard-coded
      in Tests/CIMStoreTests/CityJSONImportTests.swift) and, with --csv, one row per building.
  compare FILE.city.json CIM.csv [--tolerance 1e-6]
      Compares cim's buildings layer exported as CSV (`cim export STORE buildings OUT.csv`: WKT geometry,
      id, floors, height, use, year) with the reference, building by building. Exit status 1 on a mismatch.
  roundtrip CIM_BEFORE.csv CIM_AFTER.csv [--tolerance 1e-6]
      Compares two cim exports of buildings (before and after a CityJSON export/import round trip).
  schema OUT.city.json --cjvalpy-wheel WHEEL
      Validates against the official CityJSON schema of the file's version (2.0.0 or 1.1.3), with
      python-jsonschema. The schemas are the ones the official validator cjval embeds; they are read out
      of a cjvalpy wheel (any platform's: `pip download cjvalpy==0.4.1 --no-deps --only-binary=:all:
      --platform macosx_11_0_arm64 --python-version 3.11`), because cjvalpy has no Linux build for
      recent Pythons and cjio's own `validate` needs it.
  validate OUT.city.json
      A structural check of a CityJSON 2.0 file written from the specification (root members, transform,
      metadata, city objects, geometry nesting per type, vertex indices, semantics arrays, unused and
      duplicate vertices). It complements `cjio OUT.city.json validate`, which needs the cjvalpy module.

The rules (from the issue and cim's CityJSONBuildings docs):
- buildings are the Building objects, plus BuildingParts whose parents are not Building(Part)s of the file;
- an object's footprint: of its surface geometries (MultiSurface, CompositeSurface, Solid, MultiSolid,
  CompositeSolid) those of the lowest lod; their GroundSurface surfaces, or all surfaces when there is none;
  each projected to 2D (z dropped), consecutive repeated points removed, rings with < 3 points or an area
  <= 1e-9 dropped (a surface whose exterior is dropped is dropped); invalid projected surfaces repaired with
  make_valid(method="structure", keep_collapsed=False); all unioned (unary_union), polygons kept;
- a building's footprint is the union of its BuildingPart descendants' footprints when any has one, else
  its own;
- height: measuredHeight (building, or its only part), else max z - min z over all geometries of the
  building and its parts, rounded to whole units of the transform's z scale (0.001: millimetres); floors: storeysAboveGround, else max(1, round-half-up(height / 3));
- use: function, usage, use (else "unknown"), kept when a bundle value; year: yearOfConstruction.
"""
import argparse
import csv
import json
import math
import sys

import shapely
from shapely import wkt as shapely_wkt
from shapely.geometry import MultiPolygon, Polygon

MIN_FACE_AREA = 1e-9
SURFACE_TYPES = {"MultiSurface", "CompositeSurface", "Solid", "MultiSolid", "CompositeSolid"}
USES = {"residential", "commercial", "public", "industrial", "mixed", "other", "unknown"}


def load_documents(path):
    """Yields (header, CityObjects, vertices with the transform applied) for a file or each sequence line."""
    if path.endswith(".jsonl"):
        with open(path, encoding="utf-8") as f:
            header = None
            for line in f:
                if not line.strip():
                    continue
                j = json.loads(line)
                if header is None:
                    header = j
                    if j.get("CityObjects"):
                        yield header, j["CityObjects"], transformed(header, j["vertices"])
                    continue
                yield header, j["CityObjects"], transformed(header, j["vertices"])
    else:
        with open(path, encoding="utf-8") as f:
            j = json.load(f)
        yield j, j["CityObjects"], transformed(j, j["vertices"])


def transformed(header, vertices):
    t = header.get("transform")
    if not t:
        return [tuple(map(float, v)) for v in vertices]
    (sx, sy, sz), (tx, ty, tz) = t["scale"], t["translate"]
    return [(v[0] * sx + tx, v[1] * sy + ty, v[2] * sz + tz) for v in vertices]


def lod_value(g):
    lod = g.get("lod")
    if lod is None:
        return math.inf
    try:
        return float(lod)
    except ValueError:
        return math.inf


def surfaces(g):
    """(rings, semantic type or None) for every surface of a geometry."""
    sem = g.get("semantics") or {}
    kinds = [s.get("type") for s in sem.get("surfaces", [])]
    values = sem.get("values")

    def tag(v):
        return kinds[v] if isinstance(v, int) else None

    def at(lst, k):
        return lst[k] if isinstance(lst, list) and k < len(lst) else None

    b = g["boundaries"]
    out = []
    if g["type"] in ("MultiSurface", "CompositeSurface"):
        for k, s in enumerate(b):
            out.append((s, tag(at(values, k))))
    elif g["type"] == "Solid":
        for si, shell in enumerate(b):
            for k, s in enumerate(shell):
                out.append((s, tag(at(at(values, si), k))))
    else:
        for di, solid in enumerate(b):
            for si, shell in enumerate(solid):
                for k, s in enumerate(shell):
                    out.append((s, tag(at(at(at(values, di), si), k))))
    return out


def projected_ring(ring, vertices):
    pts = []
    for i in ring:
        p = (vertices[i][0], vertices[i][1])
        if pts and pts[-1] == p:
            continue
        pts.append(p)
    while len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if len(pts) < 3:
        return None
    x0, y0 = pts[0]
    twice = 0.0
    for k in range(len(pts)):
        ax, ay = pts[k]
        bx, by = pts[(k + 1) % len(pts)]
        twice += (ax - x0) * (by - y0) - (bx - x0) * (ay - y0)
    if abs(twice) / 2 <= MIN_FACE_AREA:
        return None
    return pts


def polygons_of(geom):
    if geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in polygons_of(g)]
    return []


def object_footprint(obj, vertices):
    geoms = [g for g in obj.get("geometry", []) if g.get("type") in SURFACE_TYPES]
    if not geoms:
        return [], 0
    lowest = min(lod_value(g) for g in geoms)
    chosen = [g for g in geoms if lod_value(g) == lowest]
    allsurf = [s for g in chosen for s in surfaces(g)]
    ground = [s for s in allsurf if s[1] == "GroundSurface"]
    faces = ground if ground else allsurf
    polys, repaired = [], 0
    for rings, _ in faces:
        shell = projected_ring(rings[0], vertices)
        if shell is None:
            continue
        holes = [h for h in (projected_ring(r, vertices) for r in rings[1:]) if h is not None]
        p = Polygon(shell, holes)
        if p.is_valid:
            polys.append(p)
        else:
            repaired += 1
            polys.extend(polygons_of(shapely.make_valid(p, method="structure", keep_collapsed=False)))
    if not polys:
        return [], repaired
    return polygons_of(shapely.unary_union(polys)), repaired


def number(v):
    if isinstance(v, bool) or v is None:
        return None
    if isinstance(v, (int, float)):
        return float(v)
    try:
        x = float(str(v).strip())
        return x if math.isfinite(x) else None
    except ValueError:
        return None


def text(v):
    if isinstance(v, list):
        v = v[0] if v else None
    if v is None or isinstance(v, (dict, list)):
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v == int(v):
        return str(int(v))
    return str(v)


def buildings(path):
    """One dict per building: id, geometry (shapely MultiPolygon), area, height, floors, use, year."""
    rows, skipped = [], {}
    for header, objects, vertices in load_documents(path):
        for oid, obj in objects.items():
            t = obj["type"]
            if t == "BuildingPart":
                if any(p in objects and objects[p]["type"] in ("Building", "BuildingPart") for p in obj.get("parents", [])):
                    continue
            elif t != "Building":
                skipped[t] = skipped.get(t, 0) + 1
                continue
            parts, seen, queue = [], {oid}, list(obj.get("children", []))
            while queue:
                c = queue.pop()
                if c in seen or c not in objects:
                    continue
                seen.add(c)
                if objects[c]["type"] == "BuildingPart":
                    parts.append(c)
                    queue.extend(objects[c].get("children", []))
            part_fps = [fp for fp in (object_footprint(objects[p], vertices)[0] for p in parts) if fp]
            if part_fps:
                polys = [p for fp in part_fps for p in fp]
                fp = polys if len(part_fps) == 1 else polygons_of(shapely.unary_union(polys))
            else:
                fp = object_footprint(obj, vertices)[0]
            if not fp:
                continue
            geom = MultiPolygon(fp)
            members = [obj] + [objects[p] for p in parts]
            single = [obj] + ([objects[parts[0]]] if len(parts) == 1 else [])
            zs = []
            for m in members:
                for g in m.get("geometry", []):
                    zs.extend(vertices[i][2] for i in flatten(g.get("boundaries", [])))

            def attr(names, among):
                for n in names:
                    for m in among:
                        v = (m.get("attributes") or {}).get(n)
                        if v is not None:
                            return v
                return None

            height = number(attr(["measuredHeight"], single))
            if height is None and zs:
                height = max(zs) - min(zs)
                # to the z scale's precision (0.001 -> whole millimetres), as cim does
                zscale = (header.get("transform") or {}).get("scale", [None, None, None])[2]
                if zscale and abs(round(1 / zscale) * zscale - 1) < 1e-12 and round(1 / zscale) >= 1:
                    inv = round(1 / zscale)
                    height = math.floor(height * inv + 0.5) / inv
            floors = number(attr(["storeysAboveGround"], single))
            floors = int(math.floor(floors + 0.5)) if floors is not None else None
            if floors is None and height is not None:
                floors = max(1, int(math.floor(height / 3.0 + 0.5)))
            use_raw = text(attr(["function", "usage", "use"], members))
            use = use_raw.lower() if use_raw and use_raw.lower() in USES else "unknown"
            year = number(attr(["yearOfConstruction"], members))
            rows.append({"id": oid, "geometry": geom, "area": geom.area, "height": height, "floors": floors,
                         "use": use, "year": None if year is None else int(math.floor(year + 0.5)), "parts": len(parts)})
    return rows, skipped


def flatten(x):
    if isinstance(x, list):
        for y in x:
            yield from flatten(y)
    elif isinstance(x, int):
        yield x


def summary(args):
    rows, skipped = buildings(args.file)
    heights = [r["height"] for r in rows if r["height"] is not None]
    print(f"file {args.file}")
    print(f"buildings {len(rows)}")
    print(f"building_parts {sum(r['parts'] for r in rows)}")
    print(f"skipped {sum(skipped.values())} {json.dumps(dict(sorted(skipped.items())))}")
    print(f"total_area {sum(r['area'] for r in rows):.9f}")
    print(f"min_area {min(r['area'] for r in rows):.9f}")
    print(f"max_area {max(r['area'] for r in rows):.9f}")
    print(f"total_height {sum(heights):.9f}")
    print(f"min_height {min(heights):.9f}")
    print(f"max_height {max(heights):.9f}")
    print(f"mean_height {sum(heights) / len(heights):.9f}")
    print(f"total_floors {sum(r['floors'] or 0 for r in rows)}")
    for r in sorted(rows, key=lambda r: -r["area"])[:2] + sorted(rows, key=lambda r: r["area"])[:1]:
        print(f"sample {r['id']} area {r['area']:.9f} height {r['height']:.9f} floors {r['floors']} parts {r['parts']}")
    if args.csv:
        with open(args.csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "area", "height", "floors", "use", "year", "wkt"])
            for r in rows:
                w.writerow([r["id"], repr(r["area"]), repr(r["height"]), r["floors"], r["use"], r["year"], r["geometry"].wkt])


def read_cim_csv(path):
    out = {}
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            g = shapely_wkt.loads(row["WKT"])
            out[row["id"]] = {"geometry": g, "area": g.area, "height": number(row.get("height") or None),
                              "floors": None if not row.get("floors") else int(float(row["floors"])),
                              "use": row.get("use"), "year": None if not row.get("year") else int(float(row["year"]))}
    return out


def compare_rows(ref, got, tol, what, scale=None):
    bad = 0
    if set(ref) != set(got):
        print(f"FAIL {what}: ids differ: only in reference {sorted(set(ref) - set(got))[:5]}, only in cim {sorted(set(got) - set(ref))[:5]}")
        bad += 1
    max_area, max_sym, max_h = 0.0, 0.0, 0.0
    for i in sorted(set(ref) & set(got)):
        r, g = ref[i], got[i]
        da = abs(r["area"] - g["area"])
        dsym = r["geometry"].symmetric_difference(g["geometry"]).area
        dh = abs((r["height"] or 0) - (g["height"] or 0)) if (r["height"] is None) == (g["height"] is None) else math.inf
        max_area, max_sym, max_h = max(max_area, da), max(max_sym, dsym), max(max_h, dh)
        problems = []
        # Coordinates written at `scale` move by up to scale/sqrt(2): the area by up to perimeter * scale.
        tol_area = max(tol, r["geometry"].length * scale) if scale else tol
        if da > tol_area:
            problems.append(f"area {g['area']!r} vs {r['area']!r}")
        if dsym > tol_area:
            problems.append(f"symmetric difference {dsym:.3g}")
        if dh > tol:
            problems.append(f"height {g['height']!r} vs {r['height']!r}")
        for k in ("floors", "use", "year"):
            if r.get(k) != g.get(k):
                problems.append(f"{k} {g.get(k)!r} vs {r.get(k)!r}")
        if problems:
            bad += 1
            if bad <= 10:
                print(f"FAIL {what} {i}: " + "; ".join(problems))
    print(f"{what}: {len(got)} buildings, max |area difference| {max_area:.3g}, max symmetric difference {max_sym:.3g}, "
          f"max |height difference| {max_h:.3g}, {bad} mismatch(es)")
    return bad


def compare(args):
    rows, _ = buildings(args.file)
    ref = {r["id"]: r for r in rows}
    bad = compare_rows(ref, read_cim_csv(args.csv), args.tolerance, f"cim vs reference ({args.file})")
    sys.exit(1 if bad else 0)


def roundtrip(args):
    bad = compare_rows(read_cim_csv(args.before), read_cim_csv(args.after), args.tolerance,
                       "round trip" + (f" (coordinates at {args.scale} m)" if args.scale else ""), args.scale)
    sys.exit(1 if bad else 0)


# ---- structural validation of CityJSON 2.0 (from the specification, https://www.cityjson.org/specs/2.0.0/)

CITY_OBJECT_TYPES = {
    "Bridge", "BridgePart", "BridgeInstallation", "BridgeConstructiveElement", "BridgeRoom", "BridgeFurniture",
    "Building", "BuildingPart", "BuildingInstallation", "BuildingConstructiveElement", "BuildingFurniture",
    "BuildingStorey", "BuildingRoom", "BuildingUnit", "CityFurniture", "CityObjectGroup", "GenericCityObject",
    "LandUse", "OtherConstruction", "PlantCover", "SolitaryVegetationObject", "TINRelief", "TransportSquare",
    "Railway", "Road", "Tunnel", "TunnelPart", "TunnelInstallation", "TunnelConstructiveElement", "TunnelHollowSpace",
    "TunnelFurniture", "WaterBody", "Waterway",
}
GEOMETRY_DEPTH = {"MultiPoint": 1, "MultiLineString": 2, "MultiSurface": 3, "CompositeSurface": 3, "Solid": 4,
                  "MultiSolid": 5, "CompositeSolid": 5}
SEMANTIC_DEPTH = {"MultiSurface": 1, "CompositeSurface": 1, "Solid": 2, "MultiSolid": 3, "CompositeSolid": 3}
BUILDING_GEOMETRIES = {"MultiSurface", "CompositeSurface", "Solid", "CompositeSolid", "GeometryInstance"}
SEMANTIC_TYPES = {"RoofSurface", "GroundSurface", "WallSurface", "ClosureSurface", "OuterCeilingSurface",
                  "OuterFloorSurface", "Window", "Door", "InteriorWallSurface", "CeilingSurface", "FloorSurface"}


def validate(args):
    errors, warnings = [], []
    with open(args.file, encoding="utf-8") as f:
        j = json.load(f)
    allowed_root = {"type", "version", "transform", "CityObjects", "vertices", "metadata", "extensions",
                    "appearance", "geometry-templates"}
    if j.get("type") != "CityJSON":
        errors.append("type is not CityJSON")
    if j.get("version") != "2.0":
        errors.append(f"version is {j.get('version')!r}, not \"2.0\"")
    for k in j:
        if k not in allowed_root and not k.startswith("+"):
            warnings.append(f"extra root property {k}")
    t = j.get("transform")
    if not (isinstance(t, dict) and all(isinstance(t.get(k), list) and len(t[k]) == 3 and
                                        all(isinstance(x, (int, float)) for x in t[k]) for k in ("scale", "translate"))):
        errors.append("transform must have scale and translate, 3 numbers each")
    vertices = j.get("vertices")
    if not isinstance(vertices, list):
        errors.append("vertices missing")
        vertices = []
    for k, v in enumerate(vertices):
        if not (isinstance(v, list) and len(v) == 3 and all(isinstance(x, int) and not isinstance(x, bool) for x in v)):
            errors.append(f"vertex {k} is not 3 integers")
            break
    md = j.get("metadata", {})
    if not isinstance(md, dict):
        errors.append("metadata is not an object")
    else:
        rs = md.get("referenceSystem")
        if rs is not None and not (isinstance(rs, str) and rs.startswith("https://www.opengis.net/def/crs/")):
            errors.append(f"metadata.referenceSystem {rs!r} is not an OGC CRS URL")
        ge = md.get("geographicalExtent")
        if ge is not None and not (isinstance(ge, list) and len(ge) == 6 and all(isinstance(x, (int, float)) for x in ge)):
            errors.append("metadata.geographicalExtent is not 6 numbers")
    cos = j.get("CityObjects")
    used = set()
    if not isinstance(cos, dict):
        errors.append("CityObjects missing")
        cos = {}
    for oid, o in cos.items():
        where = f"CityObjects[{oid!r}]"
        if not isinstance(o, dict) or o.get("type") not in CITY_OBJECT_TYPES and not str(o.get("type", "")).startswith("+"):
            errors.append(f"{where}: unknown type {o.get('type') if isinstance(o, dict) else o!r}")
            continue
        if "attributes" in o and not isinstance(o["attributes"], dict):
            errors.append(f"{where}: attributes is not an object")
        for rel, back in (("children", "parents"), ("parents", "children")):
            for other in o.get(rel, []):
                if other not in cos or oid not in cos[other].get(back, []):
                    errors.append(f"{where}: {rel} {other!r} is not consistent")
        for gi, g in enumerate(o.get("geometry", [])):
            gw = f"{where}.geometry[{gi}]"
            gt = g.get("type")
            if gt not in GEOMETRY_DEPTH and gt != "GeometryInstance":
                errors.append(f"{gw}: unknown geometry type {gt!r}")
                continue
            if o["type"] in ("Building", "BuildingPart") and gt not in BUILDING_GEOMETRIES:
                errors.append(f"{gw}: a {o['type']} cannot have a {gt}")
            if not isinstance(g.get("lod"), str):
                errors.append(f"{gw}: lod must be a string")
            depth = GEOMETRY_DEPTH.get(gt, 1)

            def check(b, d, path):
                if d == 0:
                    if not (isinstance(b, int) and 0 <= b < len(vertices)):
                        errors.append(f"{gw}: vertex index {b!r} at {path} out of range")
                    else:
                        used.add(b)
                    return
                if not isinstance(b, list) or (d >= 1 and len(b) == 0):
                    errors.append(f"{gw}: boundaries at {path} are not a non-empty array of the right depth")
                    return
                for k, x in enumerate(b):
                    check(x, d - 1, path + [k])

            check(g.get("boundaries"), depth, [])
            if gt in ("MultiSurface", "CompositeSurface", "Solid", "MultiSolid", "CompositeSolid"):
                # rings: no repeated vertex, >= 3 vertices
                def rings(b, d):
                    if d == 1:
                        yield b
                    else:
                        for x in b:
                            yield from rings(x, d - 1)
                for r in rings(g["boundaries"], depth):
                    if len(r) < 3 or len(set(r)) != len(r):
                        errors.append(f"{gw}: ring {r[:6]} has fewer than 3 vertices or repeats one")
                        break
            sem = g.get("semantics")
            if sem is not None and gt in SEMANTIC_DEPTH:
                surfs = sem.get("surfaces")
                if not isinstance(surfs, list) or not all(isinstance(s, dict) and s.get("type") in SEMANTIC_TYPES for s in surfs):
                    errors.append(f"{gw}: semantics.surfaces must be objects with a semantic type")
                    surfs = []

                def same_shape(v, b, d, path):
                    if d == 0:
                        if not (v is None or isinstance(v, int) and 0 <= v < len(surfs)):
                            errors.append(f"{gw}: semantics value {v!r} at {path} is not null or a surface index")
                        return
                    if v is None:
                        return
                    if not isinstance(v, list) or len(v) != len(b):
                        errors.append(f"{gw}: semantics.values at {path} do not match the boundaries")
                        return
                    for k, (x, y) in enumerate(zip(v, b)):
                        same_shape(x, y, d - 1, path + [k])

                same_shape(sem.get("values"), g["boundaries"], SEMANTIC_DEPTH[gt], [])
    unused = len(vertices) - len(used)
    if unused:
        warnings.append(f"{unused} unused vertices")
    if len({tuple(v) for v in vertices if isinstance(v, list)}) != len(vertices):
        warnings.append("duplicate vertices")
    for w in warnings:
        print(f"warning: {w}")
    for e in errors[:20]:
        print(f"error: {e}")
    print(f"{args.file}: CityJSON {j.get('version')}, {len(cos)} city objects, {len(vertices)} vertices: "
          + ("valid" if not errors else f"INVALID ({len(errors)} errors)") + (f", {len(warnings)} warning(s)" if warnings else ""))
    sys.exit(1 if errors else 0)


def official_schemas(wheel):
    """The JSON schemas embedded in the cjvalpy wheel's native library, by $id."""
    import re
    import zipfile
    with zipfile.ZipFile(wheel) as z:
        blob = b"".join(z.read(n) for n in z.namelist() if n.endswith((".so", ".pyd", ".dylib")))
    decoder, schemas = json.JSONDecoder(), {}
    for m in re.finditer(rb'\{\s*"\$schema"', blob):
        try:
            obj, _ = decoder.raw_decode(blob[m.start():m.start() + 4_000_000].decode("utf-8", "replace"))
        except ValueError:
            continue
        if isinstance(obj, dict) and obj.get("$id"):
            schemas[obj["$id"]] = obj
    return schemas


def schema(args):
    import jsonschema
    with open(args.file, encoding="utf-8") as f:
        j = json.load(f)
    version = {"2.0": "2.0.0", "1.1": "1.1.3"}.get(j.get("version"))
    schemas = official_schemas(args.cjvalpy_wheel)
    sid = f"https://www.cityjson.org/schemas/{version}/cityjson.schema.json"
    if sid not in schemas:
        print(f"error: no schema {sid} in {args.cjvalpy_wheel} (found: {sorted(schemas)})")
        sys.exit(2)
    validator = jsonschema.validators.validator_for(schemas[sid])(schemas[sid])
    errors = list(validator.iter_errors(j))
    for e in errors[:10]:
        print(f"error: {'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
    print(f"{args.file}: official CityJSON {version} schema ({validator.__class__.__name__}): "
          + ("valid" if not errors else f"INVALID ({len(errors)} errors)"))
    sys.exit(1 if errors else 0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("summary")
    p.add_argument("file")
    p.add_argument("--csv")
    p.set_defaults(run=summary)
    p = sub.add_parser("compare")
    p.add_argument("file")
    p.add_argument("csv")
    p.add_argument("--tolerance", type=float, default=1e-6)
    p.set_defaults(run=compare)
    p = sub.add_parser("roundtrip")
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--tolerance", type=float, default=1e-6)
    p.add_argument("--scale", type=float, help="the export's transform scale: allow perimeter * scale of area change")
    p.set_defaults(run=roundtrip)
    p = sub.add_parser("schema")
    p.add_argument("file")
    p.add_argument("--cjvalpy-wheel", required=True)
    p.set_defaults(run=schema)
    p = sub.add_parser("validate")
    p.add_argument("file")
    p.set_defaults(run=validate)
    args = ap.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
