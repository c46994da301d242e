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

    @Test("blank areas computed tile by tile are those of one difference, pieces united across tile edges", arguments: [5 as UInt64, 6])
    func tilesAgreeWithOneDifference(seed: UInt64) throws {
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
        for (radius, q, tile) in [(50.0, 8, 300.0), (30.0, 4, 170.0)] {
            // One difference of the whole polygon (no tiling below an infinite tile size).
            let whole = try BlankAreas.compute(builtUp: builtUp, pipes: pipes, radius: radius, quadrantSegments: q, tileSize: .infinity)
            let tiled = try BlankAreas.blankInTiles(column, 0, lines: chains, lineTree: tree, radius: radius, quadrantSegments: q, tileSize: tile,
                                                    context: context)
            let kept = (0 ..< tiled.count).filter { tiled.area($0) > 0 }
            #expect(whole.count > 20, "\(whole.count) blank areas") // pieces to compare, several crossing tile edges
            #expect(kept.count == whole.count, "\(kept.count) tiled pieces, \(whole.count) of one difference at r = \(radius)")
            let a = try Geometry.unaryUnion(of: (0 ..< whole.count).map { try whole.geometries.geometry($0, context: context) }, context: context)
            let b = try Geometry.unaryUnion(of: kept.map { try tiled.geometry($0, context: context) }, context: context)
            #expect(try a.symmetricDifference(b).area() < 1e-6 * a.area())
            #expect(try a.hausdorffDistance(to: b, densify: 0.1) < 1e-6)
            // Piece by piece: the same areas.
            let areasWhole = whole.areas.sorted(), areasTiled = kept.map { tiled.area($0) }.sorted()
            #expect(zip(areasWhole, areasTiled).allSatisfy { abs($0 - $1) <= 1e-6 * Swift.max(1, $0) })
        }
    }
}
