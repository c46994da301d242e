import CIMGeometry
import CIMIndex
import Foundation

/// The built-up land a blank-area analysis works in: the `areas` of the built-up kind, or, when a store
/// has none, land derived from the buildings (see ``BuiltUpArea/derived(from:groups:merge:quadrantSegments:)``).
public struct BuiltUpArea: Sendable {
    /// The built-up polygons (disjoint; one feature each).
    public var geometries: GeometryColumn
    /// Where they come from, for summaries ("areas of kind builtup", "derived from buildings …").
    public var source: String
    /// Whether the polygons came from the `areas` layer (buildings outside them are out of scope).
    public var fromAreas: Bool

    public var area: Double { (0 ..< geometries.count).reduce(0) { $0 + geometries.area($1) } }

    /// The union of the `areas` polygons of a kind, split into its polygon parts.
    static func fromAreas(_ units: AreaUnits, kind: String) throws -> BuiltUpArea {
        let context = GEOSContext()
        let polygons = try (0 ..< units.count).map { try units.geometries.geometry($0, context: context) }
        let parts = try BlankAreas.polygonParts(of: try Geometry.unaryUnion(of: polygons, context: context))
        return BuiltUpArea(geometries: parts, source: "areas of kind \(kind)", fromAreas: true)
    }

    /// Built-up land derived from the buildings when the store has no built-up areas: all buildings grouped
    /// and closed like blank zones (footprints within the merge distance joined; buffered out and back in by
    /// half the merge distance h), without the zones' final union with the footprints, which costs more than
    /// the rest for a whole city: convex footprint corners may be cut by up to h·(1 − cos(π/4q)) (under a
    /// metre for h = 50 m, q = 8). Groups lie more than the merge distance apart, so the polygons are disjoint.
    static func derived(from footprints: GeometryColumn, groups: [[Int]], merge: Double, quadrantSegments: Int) throws -> BuiltUpArea {
        let polygons = try BlankZones.polygons(footprints: footprints, groups: groups, merge: merge, quadrantSegments: quadrantSegments,
                                               includeFootprints: false)
        return BuiltUpArea(geometries: polygons, source: String(format: "derived from the buildings (footprints closed by %g m)", merge / 2), fromAreas: false)
    }
}

/// Blank areas: built-up land farther than the service radius from every selected pipe, that is the
/// built-up polygons minus the union of the pipes' buffers. Pipes that meet end to end are first joined
/// into polylines (``LineChains``: a sewer main runs on through its manholes and crossings), each polyline
/// near a built-up polygon is buffered on its own (`GEOSBuffer_r`, round joins and caps), the buffers are
/// united (`GEOSUnaryUnion_r`, see ``BatchUnion``), then `GEOSDifference_r`. Built-up polygons with few
/// nearby polylines run in parallel (one GEOS context per worker); those with many run one at a time with
/// parallel chunked unions. One feature per polygon part of the result.
///
/// Against the union of every pipe's own buffer (the method before issue 15, the tests' oracle) the
/// outline moves by at most ``tolerance(radius:quadrantSegments:)``: a polyline's round join and two
/// pipes' round caps are polygons inscribed in the same circle.
public struct BlankAreas: Sendable {
    /// One polygon per blank area (MultiPolygon features with one part each).
    public var geometries: GeometryColumn
    /// Area of each (m²).
    public var areas: [Double]
    /// The built-up polygon each lies in (index into ``BuiltUpArea/geometries``).
    public var builtUp: [Int]

    public var count: Int { areas.count }
    public var totalArea: Double { areas.reduce(0, +) }

    /// Built-up polygons with at least this many nearby polylines are done with parallel chunked unions.
    static let manyPipes = 512

    /// How far the blank areas may lie from those of the per-pipe buffers (m): GEOS rounds the number of
    /// chords of a join's arc to a whole number, so a chord may span up to 1.5 × π/2q and the outlines
    /// differ by at most its sagitta r·(1 − cos(3π/8q)); and GEOS simplifies a buffered polyline's input by
    /// 1 % of the radius on its concave side. 1.04 m at 50 m, q = 8.
    public static func tolerance(radius: Double, quadrantSegments q: Int) -> Double {
        radius * (1 - cos(3 * Double.pi / Double(8 * q))) + 0.01 * radius
    }

    public static func compute(builtUp: BuiltUpArea, pipes: PipeSet, radius: Double, quadrantSegments: Int = 8, tileSize: Double = BlankAreas.tileSize,
                               progress: (@Sendable (Int) -> Void)? = nil) throws -> BlankAreas {
        let polygons = builtUp.geometries
        let n = polygons.count
        // The pipes joined into polylines, and the polylines near each built-up polygon.
        let lines = LineChains.join(pipes.geometries, features: Array(0 ..< pipes.count))
        let lineTree = PackedRTree(envelopes: lines.envelopes)
        let near: [[Int]] = (0 ..< n).map { a in
            let e = polygons.envelope(a)
            var found: [Int] = []
            lineTree.forEach(intersecting: Envelope(minX: e.minX - radius, minY: e.minY - radius, maxX: e.maxX + radius, maxY: e.maxY + radius)) {
                found.append(Int($0))
            }
            return found.sorted()
        }
        let output = SharedBuffer<GeometryColumn?>(repeating: nil, count: n)
        let failure = SharedBuffer<String?>(repeating: nil, count: 1)
        let done = ProgressCounter(progress)
        @Sendable func blank(_ a: Int, context: GEOSContext, parallel: Bool) throws -> GeometryColumn {
            let polygon = try polygons.geometry(a, context: context)
            var result = polygon
            if !near[a].isEmpty {
                let make: @Sendable (Int, GEOSContext) throws -> Geometry = { k, c in try lines.geometry(k, context: c).buffer(radius, quadrantSegments: quadrantSegments) }
                let buffers = parallel
                    ? try BatchUnion.union(near[a], envelopes: { lines.envelope($0) }, context: context, make: make)
                    : try Geometry.unaryUnion(of: near[a].map { try make($0, context) }, context: context)
                result = try polygon.difference(buffers)
            }
            return try polygonParts(of: result)
        }
        // Few pipes: in parallel, most pipes first.
        let counts: [Int] = near.map(\.count)
        let few: [Int] = (0 ..< n).filter { counts[$0] < manyPipes }
        let order: [Int] = few.sorted { (a: Int, b: Int) -> Bool in counts[a] != counts[b] ? counts[a] > counts[b] : a < b }
        parallelGEOSChunks(order.count, minimumChunk: 1) { range, context in
            for k in range {
                let a = order[k]
                do {
                    let pieces = try blank(a, context: context, parallel: false)
                    output.withPointer { $0[a] = pieces }
                } catch {
                    failure.withPointer { $0[0] = "built-up polygon #\(a + 1): \(error)" }
                }
                done.add(1)
            }
        }
        if let message = failure.storage[0] { throw AnalysisError("cannot compute the blank areas: \(message)") }
        let context = GEOSContext()
        for a in 0 ..< n where near[a].count >= manyPipes {
            do {
                let e = polygons.envelope(a)
                let tiled = (e.maxX - e.minX) > tileSize || (e.maxY - e.minY) > tileSize
                let pieces = tiled ? try blankInTiles(polygons, a, lines: lines, lineTree: lineTree, radius: radius, quadrantSegments: quadrantSegments,
                                                      tileSize: tileSize, context: context)
                                   : try blank(a, context: context, parallel: true)
                output.withPointer { $0[a] = pieces }
            } catch {
                throw AnalysisError("cannot compute the blank areas: built-up polygon #\(a + 1): \(error)")
            }
            done.add(1)
        }
        var geometries = GeometryColumn()
        var builtUpIndex: [Int] = []
        for (a, pieces) in output.storage.enumerated() {
            guard let pieces else { continue }
            for p in 0 ..< pieces.count where pieces.area(p) > 0 {
                geometries.append(pieces, feature: p)
                builtUpIndex.append(a)
            }
        }
        return BlankAreas(geometries: geometries, areas: (0 ..< geometries.count).map { geometries.area($0) }, builtUp: builtUpIndex)
    }

    /// Built-up polygons with many nearby polylines and wider or taller than this (m) are cut into tiles
    /// of at most this size (see ``blankInTiles``).
    public static let tileSize = 1500.0

    /// The blank areas of built-up polygon `a` computed tile by tile, in parallel (one GEOS context per
    /// worker): per tile, the polygon clipped to the tile's rectangle (`GEOSIntersection_r`) minus the union
    /// of the buffers of the polylines within the radius of the tile; the pieces that reach an inner tile
    /// edge are then united across the edges (`GEOSUnaryUnion_r`) and split into their parts again. Inside
    /// a tile the union of all buffers equals the union of those near it, so the result is the same set
    /// as one difference of the whole polygon (up to the floating-point noding of the extra vertices where
    /// outlines cross tile edges); the cost is that of many small overlays on both cores instead of one
    /// union of every buffer and one difference, both on one core. Pieces in tile order (rows from the
    /// south, west to east), the united pieces last.
    static func blankInTiles(_ polygons: GeometryColumn, _ a: Int, lines: GeometryColumn, lineTree: PackedRTree, radius: Double,
                             quadrantSegments: Int, tileSize: Double, context: GEOSContext) throws -> GeometryColumn {
        let e = polygons.envelope(a)
        let nx = Swift.max(1, Int(((e.maxX - e.minX) / tileSize).rounded(.up))), ny = Swift.max(1, Int(((e.maxY - e.minY) / tileSize).rounded(.up)))
        let xs = (0 ... nx).map { $0 == nx ? e.maxX : e.minX + (e.maxX - e.minX) * Double($0) / Double(nx) }
        let ys = (0 ... ny).map { $0 == ny ? e.maxY : e.minY + (e.maxY - e.minY) * Double($0) / Double(ny) }
        // Pieces closer than this to an inner tile edge are united across it.
        let edge = 1e-9 * Swift.max(1, abs(e.minX), abs(e.maxX), abs(e.minY), abs(e.maxY))
        // Polylines are cut to their runs of segments that reach within radius + 1 m of the tile.
        let reach = radius + 1
        let output = SharedBuffer<(pieces: GeometryColumn, onEdge: [Bool])?>(repeating: nil, count: nx * ny)
        let failure = SharedBuffer<String?>(repeating: nil, count: 1)
        parallelGEOSChunks(nx * ny, minimumChunk: 1) { range, c in
            for t in range {
                let ix = t % nx, iy = t / nx
                let x0 = xs[ix], x1 = xs[ix + 1], y0 = ys[iy], y1 = ys[iy + 1]
                do {
                    let rectangle = try Geometry(wkt: "POLYGON ((\(x0) \(y0), \(x1) \(y0), \(x1) \(y1), \(x0) \(y1), \(x0) \(y0)))", context: c)
                    var result = try polygons.geometry(a, context: c).intersection(rectangle)
                    var near: [Int] = []
                    lineTree.forEach(intersecting: Envelope(minX: x0 - radius, minY: y0 - radius, maxX: x1 + radius, maxY: y1 + radius)) { near.append(Int($0)) }
                    near.sort()
                    if !near.isEmpty {
                        let window = Envelope(minX: x0 - reach, minY: y0 - reach, maxX: x1 + reach, maxY: y1 + reach)
                        let (runs, whole) = runsNear(window, lines: lines, near)
                        let buffers = try Geometry.unaryUnion(of: try (0 ..< runs.count).map { try runs.geometry($0, context: c).buffer(radius, quadrantSegments: quadrantSegments) }
                                                                  + whole.map { try lines.geometry($0, context: c).buffer(radius, quadrantSegments: quadrantSegments) },
                                                              context: c)
                        result = try result.difference(buffers)
                    }
                    let pieces = try polygonParts(of: result)
                    let onEdge = (0 ..< pieces.count).map { p in
                        let b = pieces.envelope(p)
                        return (ix > 0 && b.minX <= x0 + edge) || (ix < nx - 1 && b.maxX >= x1 - edge)
                            || (iy > 0 && b.minY <= y0 + edge) || (iy < ny - 1 && b.maxY >= y1 - edge)
                    }
                    output.withPointer { $0[t] = (pieces, onEdge) }
                } catch {
                    failure.withPointer { $0[0] = "tile \(ix + 1),\(iy + 1): \(error)" }
                }
            }
        }
        if let message = failure.storage[0] { throw AnalysisError("a blank-area tile failed: \(message)") }
        var result = GeometryColumn()
        var crossing: [Geometry] = []
        for tile in output.storage {
            guard let tile else { continue }
            for p in 0 ..< tile.pieces.count {
                if tile.onEdge[p] { crossing.append(try tile.pieces.geometry(p, context: context)) } else { result.append(tile.pieces, feature: p) }
            }
        }
        if !crossing.isEmpty {
            let united = try polygonParts(of: try Geometry.unaryUnion(of: crossing, context: context))
            for p in 0 ..< united.count { result.append(united, feature: p) }
        }
        return result
    }

    /// Each polygon of `geometry` as a feature of its own (a one-polygon multipolygon); none when the
    /// geometry is not polygonal (an empty difference).
    static func polygonParts(of geometry: Geometry) throws -> GeometryColumn {
        var merged = GeometryColumn()
        try merged.append(geometry)
        var parts = GeometryColumn()
        if merged.types[0] == .polygon || merged.types[0] == .multiPolygon {
            for p in merged.parts(of: 0) { parts.appendPart(merged, part: p, as: .multiPolygon) }
        }
        return parts
    }

    /// The parts of polylines `near` (single linestrings of `lines`) that matter inside `window`: each cut
    /// into its maximal runs of consecutive segments whose boxes meet the window (returned as linestrings);
    /// polylines that are not one linestring of two or more coordinates are returned whole. A long main is
    /// then buffered in each tile only where it passes. Inside the tile (the window less the radius and 1 m)
    /// the runs' buffers cover what the whole polyline's buffer covers: every segment within the radius of
    /// the tile meets the window, and a run ends at a vertex outside the window, more than the radius away.
    static func runsNear(_ window: Envelope, lines: GeometryColumn, _ near: [Int]) -> (runs: GeometryColumn, whole: [Int]) {
        var runs = GeometryColumn()
        var whole: [Int] = []
        var run: [(Double, Double)] = []
        func flush() {
            if run.count >= 2 {
                runs.beginFeature(.lineString); runs.addRing(run); runs.endPart(); runs.endFeature()
            }
            run.removeAll(keepingCapacity: true)
        }
        for k in near {
            let parts = lines.parts(of: k)
            guard lines.types[k] == .lineString, parts.count == 1 else { whole.append(k); continue }
            let rings = Int(lines.partRings[parts.lowerBound]) ..< Int(lines.partRings[parts.lowerBound + 1])
            guard rings.count == 1 else { whole.append(k); continue }
            let start = Int(lines.ringCoordinates[rings.lowerBound]), end = Int(lines.ringCoordinates[rings.lowerBound + 1])
            guard end - start >= 2 else { whole.append(k); continue }
            for c in start ..< end - 1 {
                let ax = lines.xy[2 * c], ay = lines.xy[2 * c + 1], bx = lines.xy[2 * c + 2], by = lines.xy[2 * c + 3]
                if Swift.max(ax, bx) >= window.minX, Swift.min(ax, bx) <= window.maxX, Swift.max(ay, by) >= window.minY, Swift.min(ay, by) <= window.maxY {
                    if run.isEmpty { run.append((ax, ay)) }
                    run.append((bx, by))
                } else {
                    flush()
                }
            }
            flush()
        }
        return (runs, whole)
    }

    /// The blank area inside each unit (e.g. district), by GEOS intersection areas.
    func area(in units: AreaUnits) throws -> [Double] {
        try units.intersectionAreas(of: geometries)
    }
}
