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
    /// A large group (a whole city) is closed in tiles (``BlankZones/tiledClosing(_:footprints:half:quadrantSegments:tileSize:context:)``).
    static func derived(from footprints: GeometryColumn, groups: [[Int]], merge: Double, quadrantSegments: Int) throws -> BuiltUpArea {
        let polygons = try BlankZones.polygons(footprints: footprints, groups: groups, merge: merge, quadrantSegments: quadrantSegments,
                                               includeFootprints: false)
        return BuiltUpArea(geometries: polygons, source: String(format: "derived from the buildings (footprints closed by %g m)", merge / 2), fromAreas: false)
    }
}

/// Blank areas: built-up land farther than the service radius from every selected pipe, that is the
/// built-up polygons minus the union of the pipes' buffers. Pipes that meet end to end are first joined
/// into polylines (``LineChains``: a sewer main runs on through its manholes and crossings), and each
/// polyline is buffered on its own (`GEOSBuffer_r`, round joins and caps). Most built-up land lies well
/// within the radius of some pipe segment: a grid of cells finds it, and the buffers are taken away
/// (`GEOSDifference_r`) only in boxes around the rest (``blankInRectangle``), without uniting every
/// buffer. Built-up polygons with few nearby polylines run in parallel (one GEOS context per worker);
/// those with many run one at a time, tile by tile in parallel (``blankInTiles``). One feature per
/// polygon part of the result, largest first (then by the south-west corner of its bounding box).
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
                               cellSize: Double = BlankAreas.cellSize, progress: (@Sendable (Int) -> Void)? = nil) throws -> BlankAreas {
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
        // Few pipes: in parallel, most pipes first.
        let counts: [Int] = near.map(\.count)
        let few: [Int] = (0 ..< n).filter { counts[$0] < manyPipes }
        let order: [Int] = few.sorted { (a: Int, b: Int) -> Bool in counts[a] != counts[b] ? counts[a] > counts[b] : a < b }
        parallelGEOSChunks(order.count, minimumChunk: 1) { range, context in
            for k in range {
                let a = order[k]
                do {
                    let pieces = try blankInRectangle(polygons.envelope(a), part: try polygons.geometry(a, context: context), whole: false, near: near[a],
                                                      lines: lines, radius: radius, quadrantSegments: quadrantSegments, cellSize: cellSize, context: context)
                    output.withPointer { $0[a] = pieces }
                } catch {
                    failure.withPointer { $0[0] = "built-up polygon #\(a + 1): \(error)" }
                }
                done.add(1)
            }
        }
        if let message = failure.storage[0] { throw AnalysisError("cannot compute the blank areas: \(message)") }
        // Many pipes: one polygon at a time, its tiles in parallel.
        let context = GEOSContext()
        for a in 0 ..< n where near[a].count >= manyPipes {
            do {
                let pieces = try blankInTiles(polygons, a, lines: lines, lineTree: lineTree, radius: radius, quadrantSegments: quadrantSegments,
                                              tileSize: tileSize, cellSize: cellSize, context: context)
                output.withPointer { $0[a] = pieces }
            } catch {
                throw AnalysisError("cannot compute the blank areas: built-up polygon #\(a + 1): \(error)")
            }
            done.add(1)
        }
        // Largest first (then from the south-west), whatever the order the pieces were found in.
        var found: [(area: Double, builtUp: Int, column: Int, piece: Int, minY: Double, minX: Double)] = []
        let columns = output.storage
        for (a, pieces) in columns.enumerated() {
            guard let pieces else { continue }
            for p in 0 ..< pieces.count {
                let area = pieces.area(p), e = pieces.envelope(p)
                if area > 0 { found.append((area, a, a, p, e.minY, e.minX)) }
            }
        }
        found.sort { a, b in
            if a.area != b.area { return a.area > b.area }
            if a.minY != b.minY { return a.minY < b.minY }
            if a.minX != b.minX { return a.minX < b.minX }
            return (a.column, a.piece) < (b.column, b.piece)
        }
        var geometries = GeometryColumn()
        for f in found { geometries.append(columns[f.column]!, feature: f.piece) }
        return BlankAreas(geometries: geometries, areas: found.map(\.area), builtUp: found.map(\.builtUp))
    }

    /// Built-up polygons with many nearby polylines and wider or taller than this (m) are cut into tiles
    /// of at most this size (see ``blankInTiles``).
    public static let tileSize = 1500.0

    /// Boxes near more runs than this unite their buffers and take them away at once (see ``blankInRectangle``).
    static let manyRuns = 24

    /// The side (m) of the cells of the ``CoverGrid`` that finds where blank land may be (see
    /// ``blankInRectangle``).
    public static let cellSize = 10.0

    /// The blank areas of built-up polygon `a` computed tile by tile, in parallel (one GEOS context per
    /// worker): per tile, the polygon clipped to the tile's rectangle (`GEOSIntersection_r`, skipped when
    /// the polygon contains the tile: `GEOSPreparedContains_r`) and its blank land found by
    /// ``blankInRectangle``; the pieces that reach an inner tile edge are then united across the edges
    /// (`GEOSUnaryUnion_r`) and split into their parts again. The result is the set of one difference of
    /// the whole polygon with every polyline's buffer, up to floating-point noding where outlines cross
    /// tile edges and to GEOS's simplification of a buffer's input line (up to 1 % of the radius), which
    /// treats a run cut near a box differently from the whole polyline near the cut (tested: Hausdorff
    /// ≤ 0.01 × radius). Pieces in tile order (rows from the south, west to east), the united pieces last.
    static func blankInTiles(_ polygons: GeometryColumn, _ a: Int, lines: GeometryColumn, lineTree: PackedRTree, radius: Double,
                             quadrantSegments: Int, tileSize: Double, cellSize: Double = BlankAreas.cellSize,
                             context: GEOSContext) throws -> GeometryColumn {
        let e = polygons.envelope(a)
        let nx = Swift.max(1, Int(((e.maxX - e.minX) / tileSize).rounded(.up))), ny = Swift.max(1, Int(((e.maxY - e.minY) / tileSize).rounded(.up)))
        let xs = (0 ... nx).map { $0 == nx ? e.maxX : e.minX + (e.maxX - e.minX) * Double($0) / Double(nx) }
        let ys = (0 ... ny).map { $0 == ny ? e.maxY : e.minY + (e.maxY - e.minY) * Double($0) / Double(ny) }
        // Pieces closer than this to an inner tile edge are united across it.
        let edge = 1e-9 * Swift.max(1, abs(e.minX), abs(e.maxX), abs(e.minY), abs(e.maxY))
        let output = SharedBuffer<(pieces: GeometryColumn, onEdge: [Bool])?>(repeating: nil, count: nx * ny)
        let failure = SharedBuffer<String?>(repeating: nil, count: 1)
        parallelGEOSChunks(nx * ny, minimumChunk: 1) { range, c in
            let polygon: Geometry, prepared: PreparedGeometry
            do {
                polygon = try polygons.geometry(a, context: c)
                prepared = try PreparedGeometry(polygon)
            } catch {
                failure.withPointer { $0[0] = "\(error)" }
                return
            }
            for t in range {
                let ix = t % nx, iy = t / nx
                let x0 = xs[ix], x1 = xs[ix + 1], y0 = ys[iy], y1 = ys[iy + 1]
                do {
                    let tile = Envelope(minX: x0, minY: y0, maxX: x1, maxY: y1)
                    let rectangle = try rectangle(tile, context: c)
                    let inside = try prepared.contains(rectangle)
                    let part = inside ? rectangle : try polygonal(try polygon.intersection(rectangle))
                    var near: [Int] = []
                    lineTree.forEach(intersecting: Envelope(minX: x0 - radius, minY: y0 - radius, maxX: x1 + radius, maxY: y1 + radius)) { near.append(Int($0)) }
                    near.sort()
                    let pieces = part.isEmpty ? GeometryColumn()
                        : try blankInRectangle(tile, part: part, whole: inside, near: near, lines: lines, radius: radius, quadrantSegments: quadrantSegments,
                                               cellSize: cellSize, context: c)
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

    /// The blank land of `part`, a polygonal geometry inside `rectangle` (`whole`: the rectangle itself),
    /// given the polylines `near` it (those within the radius of the rectangle), one piece per polygon:
    /// - a ``CoverGrid`` of cells of at most `cellSize` over the rectangle marks the cells that lie wholly
    ///   within radius − 1.5 × ``tolerance(radius:quadrantSegments:)`` of one segment. A polyline's buffer
    ///   holds every point within radius − tolerance of its segments (its outline lies at most that far
    ///   inside the exact offset; half a tolerance more is a safety margin), so no blank land lies in a
    ///   marked cell;
    /// - each box around a group of unmarked cells (pairwise disjoint boxes; no blank land crosses from one
    ///   to another) is clipped from `part` (`GEOSIntersection_r`) and the buffers (`GEOSBuffer_r`) of the
    ///   polylines' runs near the box (``runsNear``) are taken away from it one by one, nearest first
    ///   (`GEOSDifference_r`, which only nodes the part of a buffer near what is left), skipping those that
    ///   cannot reach what is left and stopping when nothing is; a box near more than ``manyRuns`` runs
    ///   (much blank land: a small radius, a sparse network) takes away their union at once instead.
    /// Inside a box the buffers of the runs cover what the polylines' buffers cover, and outside the boxes
    /// there is no blank land, so the result is the set of `part` minus the union of every buffer (up to
    /// floating-point noding and GEOS's input-line simplification near a run's cut ends), at the cost of small overlays where blank land may be (a few per cent of
    /// a sewered city's area) instead of a union of every buffer. Pieces in box order (rows from the south,
    /// then west to east).
    static func blankInRectangle(_ rectangle: Envelope, part: Geometry, whole: Bool, near: [Int], lines: GeometryColumn, radius: Double,
                                 quadrantSegments: Int, cellSize: Double, context c: GEOSContext) throws -> GeometryColumn {
        // Polylines are cut to their runs of segments that reach within radius + 1 m of a box.
        let reach = radius + 1
        // At most about 4M cells (a vast built-up polygon with few pipes): coarser cells only mark fewer.
        let side = Swift.max(cellSize, ((rectangle.maxX - rectangle.minX) * (rectangle.maxY - rectangle.minY) / 4e6).squareRoot())
        var grid = CoverGrid(minX: rectangle.minX, minY: rectangle.minY, maxX: rectangle.maxX, maxY: rectangle.maxY, cellSize: side)
        let certain = radius - 1.5 * tolerance(radius: radius, quadrantSegments: quadrantSegments)
        if certain > 0 {
            for k in near {
                for p in lines.parts(of: k) { for r in lines.rings(of: p) {
                    let cs = lines.coordinates(of: r)
                    guard cs.count >= 2 else { continue }
                    for i in cs.lowerBound ..< cs.upperBound - 1 {
                        let ax = lines.xy[2 * i], ay = lines.xy[2 * i + 1], bx = lines.xy[2 * i + 2], by = lines.xy[2 * i + 3]
                        guard Swift.max(ax, bx) + certain >= rectangle.minX, Swift.min(ax, bx) - certain <= rectangle.maxX,
                              Swift.max(ay, by) + certain >= rectangle.minY, Swift.min(ay, by) - certain <= rectangle.maxY else { continue }
                        grid.cover(ax, ay, bx, by, reach: certain)
                    }
                } }
            }
        }
        var pieces = GeometryColumn()
        for box in grid.uncoveredBoxes() {
            let b = Envelope(minX: grid.xs[box.i0], minY: grid.ys[box.j0], maxX: grid.xs[box.i1 + 1], maxY: grid.ys[box.j1 + 1])
            let boxRectangle = try BlankAreas.rectangle(b, context: c)
            var result = whole ? boxRectangle : try polygonal(try part.intersection(boxRectangle))
            guard !result.isEmpty else { continue }
            let around = Envelope(minX: b.minX - radius, minY: b.minY - radius, maxX: b.maxX + radius, maxY: b.maxY + radius)
            let boxNear = near.filter { lines.envelope($0).intersects(around) }
            if !boxNear.isEmpty {
                let (runs, wholeLines) = runsNear(Envelope(minX: b.minX - reach, minY: b.minY - reach, maxX: b.maxX + reach, maxY: b.maxY + reach),
                                                  lines: lines, boxNear)
                func envelope(_ k: Int) -> Envelope { k < runs.count ? runs.envelope(k) : lines.envelope(wholeLines[k - runs.count]) }
                // Nearest to the box's centre first: a few usually cover it.
                let cx = (b.minX + b.maxX) / 2, cy = (b.minY + b.maxY) / 2
                let order = (0 ..< runs.count + wholeLines.count).map { k -> (Double, Int) in
                    let e = envelope(k)
                    let dx = Swift.max(e.minX - cx, 0, cx - e.maxX), dy = Swift.max(e.minY - cy, 0, cy - e.maxY)
                    return (dx * dx + dy * dy, k)
                }.sorted { $0 < $1 }
                if order.count > manyRuns {
                    // Much blank land among many runs (a small radius, a sparse network): one union and one
                    // difference cost less than many differences of a large remainder.
                    let buffers = try order.map { (_, k) in
                        try (k < runs.count ? runs.geometry(k, context: c) : lines.geometry(wholeLines[k - runs.count], context: c))
                            .buffer(radius, quadrantSegments: quadrantSegments)
                    }
                    result = try result.difference(try Geometry.unaryUnion(of: buffers, context: c))
                }
                for (_, k) in order where order.count <= manyRuns {
                    guard let left = try result.envelope() else { break }
                    let e = envelope(k)
                    // A buffer lies within the radius of its run's envelope.
                    guard e.minX - reach <= left.maxX, left.minX <= e.maxX + reach, e.minY - reach <= left.maxY, left.minY <= e.maxY + reach else { continue }
                    let line = k < runs.count ? try runs.geometry(k, context: c) : try lines.geometry(wholeLines[k - runs.count], context: c)
                    result = try result.difference(try line.buffer(radius, quadrantSegments: quadrantSegments))
                }
            }
            let parts = try polygonParts(of: result)
            for p in 0 ..< parts.count { pieces.append(parts, feature: p) }
        }
        return pieces
    }

    /// The rectangle as a GEOS polygon (exactly its coordinates).
    static func rectangle(_ e: Envelope, context: GEOSContext) throws -> Geometry {
        var column = GeometryColumn()
        column.beginFeature(.polygon)
        column.addRing([(e.minX, e.minY), (e.maxX, e.minY), (e.maxX, e.maxY), (e.minX, e.maxY), (e.minX, e.minY)])
        column.endPart()
        column.endFeature()
        return try column.geometry(0, context: context)
    }

    /// Each polygon of `geometry` as a feature of its own (a one-polygon multipolygon), also those inside a
    /// GeometryCollection; none when the geometry has no polygon (an empty difference).
    static func polygonParts(of geometry: Geometry) throws -> GeometryColumn {
        var parts = GeometryColumn()
        func add(_ g: Geometry) throws {
            switch g.type {
            case .polygon, .multiPolygon:
                var merged = GeometryColumn()
                try merged.append(g)
                for p in merged.parts(of: 0) { parts.appendPart(merged, part: p, as: .multiPolygon) }
            case .geometryCollection:
                for part in try g.parts() { try add(part) }
            default:
                break
            }
        }
        try add(geometry)
        return parts
    }

    /// The polygonal part of an overlay's result: a clip of land whose boundary runs along the clipping
    /// rectangle from outside (a hole's edge on a tile edge) comes back as a GeometryCollection with that
    /// edge as a line, which later overlays and ``polygonParts(of:)`` must not see.
    static func polygonal(_ geometry: Geometry) throws -> Geometry {
        guard geometry.type == .geometryCollection else { return geometry }
        let parts = try polygonParts(of: geometry)
        return try Geometry.unaryUnion(of: try (0 ..< parts.count).map { try parts.geometry($0, context: geometry.context) }, context: geometry.context)
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
