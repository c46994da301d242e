@testable import CIMAnalysis
import CIMGeometry
import CIMIndex
import CIMStore
import Foundation
import Testing

/// A sewer network as a survey has it: grid streets (jittered junctions) cut into pipes between manholes
/// every 30–60 m, some manholes off the straight line, a few dead-end branches, and a loop.
func surveyedPipes(seed: UInt64, size: Double = 1200, spacing: Double = 150) -> [[(Double, Double)]] {
    var rng = SeededRandom(seed: seed)
    let n = Int(size / spacing) + 1
    var grid = [[(Double, Double)]](repeating: [], count: n)
    for i in 0 ..< n { for j in 0 ..< n { grid[i].append((Double(i) * spacing + rng.uniform(-20 ... 20), Double(j) * spacing + rng.uniform(-20 ... 20))) } }
    var pipes: [[(Double, Double)]] = []
    func street(_ a: (Double, Double), _ b: (Double, Double)) {
        let length = hypot(b.0 - a.0, b.1 - a.1)
        var previous = a, done = 0.0
        while true {
            done += rng.uniform(30 ... 60)
            if done >= length - 10 { pipes.append([previous, b]); return }
            let f = done / length
            let manhole = (a.0 + (b.0 - a.0) * f + rng.uniform(-1.5 ... 1.5), a.1 + (b.1 - a.1) * f + rng.uniform(-1.5 ... 1.5))
            // Some pipes carry a bend vertex, as drawn pipes do.
            if rng.uniform(0 ... 1) < 0.3 {
                pipes.append([previous, ((previous.0 + manhole.0) / 2 + rng.uniform(-2 ... 2), (previous.1 + manhole.1) / 2 + rng.uniform(-2 ... 2)), manhole])
            } else {
                pipes.append([previous, manhole])
            }
            previous = manhole
        }
    }
    for i in 0 ..< n { for j in 0 ..< n - 1 where rng.uniform(0 ... 1) < 0.85 { street(grid[i][j], grid[i][j + 1]) } }
    for j in 0 ..< n { for i in 0 ..< n - 1 where rng.uniform(0 ... 1) < 0.85 { street(grid[i][j], grid[i + 1][j]) } }
    for _ in 0 ..< n {
        let p = grid[rng.int(0 ..< n)][rng.int(0 ..< n)]
        street(p, (p.0 + rng.uniform(-70 ... 70), p.1 + rng.uniform(-70 ... 70)))
    }
    let c = (size / 2 + 35, size / 2 + 35)
    street(c, (c.0 + 60, c.1)); street((c.0 + 60, c.1), (c.0 + 60, c.1 + 60)); street((c.0 + 60, c.1 + 60), c)
    return pipes.map { $0.map { (500_000 + $0.0, 3_290_000 + $0.1) } }
}

@Suite("Blank areas: pipes joined into polylines, within the stated tolerance of per-pipe buffers")
struct BlankAreaToleranceTests {
    @Test("joined polylines hold exactly the pipes' segments; mains run on through junctions", arguments: [1 as UInt64, 2])
    func chainsAreThePipes(seed: UInt64) throws {
        let lines = surveyedPipes(seed: seed)
        let table = pipesTable(lines)
        let chains = LineChains.join(table.geometries, features: Array(0 ..< table.count))
        func key(_ a: (Double, Double), _ b: (Double, Double)) -> [Double] { a < b ? [a.0, a.1, b.0, b.1] : [b.0, b.1, a.0, a.1] }
        var expected: [[Double]] = []
        for line in lines { for k in 0 ..< line.count - 1 { expected.append(key(line[k], line[k + 1])) } }
        var found: [[Double]] = []
        for f in 0 ..< chains.count {
            let cs = chains.coordinateRange(of: f)
            for k in cs.lowerBound ..< cs.upperBound - 1 {
                found.append(key((chains.xy[2 * k], chains.xy[2 * k + 1]), (chains.xy[2 * k + 2], chains.xy[2 * k + 3])))
            }
        }
        #expect(found.sorted { $0.lexicographicallyPrecedes($1) } == expected.sorted { $0.lexicographicallyPrecedes($1) })
        #expect(chains.count * 8 < lines.count, "\(chains.count) polylines for \(lines.count) pipes")
        // A cap on the pipes per polyline is honoured.
        let short = LineChains.join(table.geometries, features: Array(0 ..< table.count), maximumLines: 3)
        #expect(short.count * 3 >= lines.count)
    }

    @Test("blank areas stay within the stated tolerance of the per-pipe buffer oracle", arguments: [3 as UInt64, 4])
    func againstPerPipeBuffers(seed: UInt64) throws {
        let lines = surveyedPipes(seed: seed)
        var warnings: [String] = []
        let pipes = try PipeSet(pipes: pipesTable(lines), kinds: .wastewater, warnings: &warnings)
        // Built-up land: a square around the network with a hole, and a second polygon apart.
        let context = GEOSContext()
        let land = try Geometry(wkt: "MULTIPOLYGON(((499900 3289900, 501300 3289900, 501300 3291300, 499900 3291300, 499900 3289900), (500400 3290400, 500500 3290400, 500500 3290500, 500400 3290500, 500400 3290400))), ((501500 3290000, 501800 3290000, 501800 3290300, 501500 3290300, 501500 3290000)))", context: context)
        var column = GeometryColumn()
        try column.append(land)
        var parts = GeometryColumn()
        for p in column.parts(of: 0) { parts.appendPart(column, part: p, as: .multiPolygon) }
        let builtUp = BuiltUpArea(geometries: parts, source: "test", fromAreas: true)
        for (radius, q) in [(50.0, 8), (30.0, 4)] {
            let blank = try BlankAreas.compute(builtUp: builtUp, pipes: pipes, radius: radius, quadrantSegments: q)
            let buffers = try (0 ..< pipes.count).map { try pipes.geometries.geometry($0, context: context).buffer(radius, quadrantSegments: q) }
            let oracle = try land.difference(try Geometry.unaryUnion(of: buffers, context: context))
            let new = try Geometry.unaryUnion(of: (0 ..< blank.count).map { try blank.geometries.geometry($0, context: context) }, context: context)
            let hausdorff = try new.hausdorffDistance(to: oracle, densify: 0.1)
            let share = try new.symmetricDifference(oracle).area() / oracle.area()
            #expect(try oracle.area() > 50_000) // there is blank land to compare
            #expect(hausdorff <= BlankAreas.tolerance(radius: radius, quadrantSegments: q), "Hausdorff \(hausdorff) m at r = \(radius)")
            #expect(share < 0.005, "symmetric difference \(share * 100) % at r = \(radius)")
            print("blank areas, seed \(seed), r = \(radius), q = \(q): Hausdorff \(hausdorff) m, symmetric difference \(share * 100) %")
        }
    }

    @Test("blank areas by cells and boxes, in tiles or not, are the one difference of the land with every polyline's buffer",
          arguments: [5 as UInt64, 6])
    func boxesAgreeWithOneDifference(seed: UInt64) throws {
        var warnings: [String] = []
        let pipes = try PipeSet(pipes: pipesTable(surveyedPipes(seed: seed)), kinds: .wastewater, warnings: &warnings)
        let context = GEOSContext()
        let land = try Geometry(wkt: "POLYGON((499900 3289900, 501300 3289900, 501300 3291300, 499900 3291300, 499900 3289900), (500400 3290400, 500500 3290400, 500500 3290500, 500400 3290500, 500400 3290400))", context: context)
        var column = GeometryColumn()
        try column.append(land)
        column.setType(.multiPolygon, at: 0)
        let builtUp = BuiltUpArea(geometries: column, source: "test", fromAreas: true)
        let chains = LineChains.join(pipes.geometries, features: Array(0 ..< pipes.count))
        let tree = PackedRTree(envelopes: chains.envelopes)
        // r = 8 m marks no 10 m cell: whole boxes near many runs take away the runs' union at once.
        for (radius, q, tile, cell) in [(50.0, 8, 300.0, 10.0), (30.0, 4, 170.0, 4.0), (50.0, 8, 1000.0, 37.0), (45.0, 8, 230.0, 1.5), (8.0, 8, 300.0, 10.0)] {
            // The oracle: the land minus the union of every polyline's buffer, one difference (the method before the cells).
            let buffers = try (0 ..< chains.count).map { try chains.geometry($0, context: context).buffer(radius, quadrantSegments: q) }
            let oracle = try BlankAreas.polygonParts(of: try land.difference(try Geometry.unaryUnion(of: buffers, context: context)))
            let whole = try Geometry.unaryUnion(of: (0 ..< oracle.count).map { try oracle.geometry($0, context: context) }, context: context)
            #expect(oracle.count > (radius > 10 ? 20 : 0), "\(oracle.count) blank areas") // pieces to compare, several crossing tile edges
            let untiled = try BlankAreas.compute(builtUp: builtUp, pipes: pipes, radius: radius, quadrantSegments: q, cellSize: cell)
            let tiled = try BlankAreas.blankInTiles(column, 0, lines: chains, lineTree: tree, radius: radius, quadrantSegments: q, tileSize: tile,
                                                    cellSize: cell, context: context)
            for (name, found) in [("untiled", untiled.geometries), ("tiled", tiled)] {
                let kept = (0 ..< found.count).filter { found.area($0) > 0 }
                #expect(kept.count == oracle.count, "\(name): \(kept.count) pieces, \(oracle.count) of one difference at r = \(radius), cell \(cell) m")
                let b = try Geometry.unaryUnion(of: kept.map { try found.geometry($0, context: context) }, context: context)
                // Polylines are buffered as runs cut near each box, and GEOS simplifies a buffer's input line
                // by up to 1 % of the radius, differently near a run's cut ends: outlines may move that much.
                let share = try whole.symmetricDifference(b).area() / whole.area(), hausdorff = try whole.hausdorffDistance(to: b, densify: 0.1)
                #expect(share < 1e-5, "\(name) at r = \(radius): symmetric difference \(share * 100) %")
                #expect(hausdorff <= 0.01 * radius, "\(name) at r = \(radius): Hausdorff \(hausdorff) m")
                print("blank areas by boxes, seed \(seed), \(name), r = \(radius), cell \(cell) m: Hausdorff \(hausdorff) m, symmetric difference \(share * 100) %")
            }
            // Largest first.
            #expect(zip(untiled.areas, untiled.areas.dropFirst()).allSatisfy { $0 >= $1 })
        }
    }

    @Test("the cover grid marks exactly the cells within reach of one segment; its boxes hold whole groups of the rest",
          arguments: [11 as UInt64, 12, 13])
    func coverGridAgainstBruteForce(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let (x0, y0, x1, y1) = (100.0, 200.0, 400.0, 431.0)
        var segments: [(Double, Double, Double, Double)] = []
        for k in 0 ..< 24 {
            let ax = rng.uniform(x0 - 30 ... x1 + 30), ay = rng.uniform(y0 - 30 ... y1 + 30)
            switch k % 6 {
            case 0: segments.append((ax, ay, ax, ay)) // a point
            case 1: segments.append((ax, ay, ax + rng.uniform(-90 ... 90), ay)) // horizontal
            case 2: segments.append((ax, ay, ax, ay + rng.uniform(-90 ... 90))) // vertical
            default: segments.append((ax, ay, ax + rng.uniform(-120 ... 120), ay + rng.uniform(-120 ... 120)))
            }
        }
        let reach = rng.uniform(8 ... 30)
        var grid = CoverGrid(minX: x0, minY: y0, maxX: x1, maxY: y1, cellSize: 7)
        for s in segments { grid.cover(s.0, s.1, s.2, s.3, reach: reach) }
        func distance(_ px: Double, _ py: Double, _ s: (Double, Double, Double, Double)) -> Double {
            let dx = s.2 - s.0, dy = s.3 - s.1, l2 = dx * dx + dy * dy
            let t = l2 == 0 ? 0 : Swift.max(0, Swift.min(1, ((px - s.0) * dx + (py - s.1) * dy) / l2))
            return hypot(px - (s.0 + t * dx), py - (s.1 + t * dy))
        }
        let nx = grid.columns, ny = grid.rows
        #expect(nx == 43 && ny == 33)
        var marked = 0
        for j in 0 ..< ny { for i in 0 ..< nx {
            let corners = [(grid.xs[i], grid.ys[j]), (grid.xs[i + 1], grid.ys[j]), (grid.xs[i], grid.ys[j + 1]), (grid.xs[i + 1], grid.ys[j + 1])]
            func within(_ r: Double) -> Bool { segments.contains { s in corners.allSatisfy { distance($0.0, $0.1, s) <= r } } }
            if grid.covered[j * nx + i] {
                marked += 1
                #expect(within(reach + 1e-9), "cell \(i),\(j) marked")
            } else {
                #expect(!within(reach - 1e-9), "cell \(i),\(j) not marked")
            }
        } }
        #expect(marked > nx * ny / 10 && marked < nx * ny * 9 / 10, "\(marked) of \(nx * ny) cells marked")
        // Every unmarked cell in exactly one box, boxes disjoint, 8-neighbouring unmarked cells in the same box.
        let boxes = grid.uncoveredBoxes()
        #expect(!boxes.isEmpty)
        func box(of i: Int, _ j: Int) -> [Int] { boxes.indices.filter { boxes[$0].i0 <= i && i <= boxes[$0].i1 && boxes[$0].j0 <= j && j <= boxes[$0].j1 } }
        for j in 0 ..< ny { for i in 0 ..< nx where !grid.covered[j * nx + i] {
            let holder = box(of: i, j)
            #expect(holder.count == 1)
            for dj in -1 ... 1 { for di in -1 ... 1 {
                let u = i + di, v = j + dj
                if u >= 0, u < nx, v >= 0, v < ny, !grid.covered[v * nx + u] { #expect(box(of: u, v) == holder) }
            } }
        } }
        for a in boxes.indices { for b in boxes.indices where b > a {
            let p = boxes[a], r = boxes[b]
            #expect(!(p.i0 <= r.i1 && r.i0 <= p.i1 && p.j0 <= r.j1 && r.j0 <= p.j1))
        } }
    }

    @Test("a polyline's GEOS buffer holds every point within radius − 1.5 × tolerance of its segments (what the cells rely on)",
          arguments: [21 as UInt64, 22])
    func bufferHoldsTheCertainReach(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let context = GEOSContext()
        for (radius, q) in [(50.0, 8), (30.0, 4), (50.0, 2), (8.0, 8)] {
            let certain = radius - 1.5 * BlankAreas.tolerance(radius: radius, quadrantSegments: q)
            for k in 0 ..< 24 {
                // Turns of every sharpness, steps from 0.3 to 60 m, and zigzags shallower than the simplification tolerance.
                var points = [(500_000.0, 3_290_000.0)]
                var heading = rng.uniform(0 ... 2 * Double.pi)
                for v in 0 ..< rng.int(1 ..< 31) {
                    if k % 3 == 2 {
                        heading += rng.uniform(-0.05 ... 0.05)
                        let step = rng.uniform(0.3 ... 3), side = (v % 2 == 0 ? 1.0 : -1.0) * rng.uniform(0 ... 0.012 * radius)
                        let last = points[points.count - 1]
                        points.append((last.0 + step * cos(heading) - side * sin(heading), last.1 + step * sin(heading) + side * cos(heading)))
                    } else {
                        heading += rng.uniform(-2.9 ... 2.9)
                        let step = rng.uniform(0.3 ... 60), last = points[points.count - 1]
                        points.append((last.0 + step * cos(heading), last.1 + step * sin(heading)))
                    }
                }
                var column = GeometryColumn()
                column.beginFeature(.lineString); column.addRing(points); column.endPart(); column.endFeature()
                let buffer = try PreparedGeometry(try column.geometry(0, context: context).buffer(radius, quadrantSegments: q))
                // Points at the certain reach from points of the segments (vertices included), in every direction.
                for s in 0 ..< points.count - 1 {
                    for _ in 0 ..< 40 {
                        let t = [0, 1, rng.uniform(0 ... 1)][rng.int(0 ..< 3)], angle = rng.uniform(0 ... 2 * Double.pi)
                        let px = points[s].0 + t * (points[s + 1].0 - points[s].0) + certain * cos(angle)
                        let py = points[s].1 + t * (points[s + 1].1 - points[s].1) + certain * sin(angle)
                        #expect(try buffer.covers(x: px, y: py), "r = \(radius), q = \(q), polyline \(k), segment \(s)")
                    }
                }
            }
        }
    }
}
