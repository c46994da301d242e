import CIMGeometry
import Testing

/// Prepared predicates (`GEOSPrepare_r`, `GEOSPrepared*_r`) agree with the unprepared ones.
@Suite struct PreparedGeometryTests {
    static let shapes = [
        "POLYGON ((0 0, 10 0, 10 10, 9 10, 9 1, 1 1, 1 10, 0 10, 0 0))",
        "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 8, 8 8, 8 2, 2 2))",
        "MULTIPOLYGON (((0 0, 3 0, 3 3, 0 3, 0 0)), ((5 5, 9 6, 7 9, 5 5)))",
        "LINESTRING (0 0, 5 5, 10 0, 10 10)",
    ]

    @Test("prepared predicates equal unprepared ones on 3000 seeded random points", arguments: 0 ..< shapes.count)
    func agreeOnRandomPoints(_ index: Int) throws {
        let context = GEOSContext()
        let base = try geom(Self.shapes[index], context)
        let prepared = try PreparedGeometry(base)
        #expect(prepared.base === base)
        var rng = SeededGenerator(seed: 42 + UInt64(index))
        var counts = (inside: 0, outside: 0, near: 0)
        for k in 0 ..< 3000 {
            // Mostly random points; every tenth on a grid line so that boundary cases occur.
            let x: Double, y: Double
            if k % 10 == 0 {
                x = Double(Int.random(in: -1 ... 11, using: &rng)); y = Double(Int.random(in: -1 ... 11, using: &rng))
            } else {
                x = Double.random(in: -1 ... 11, using: &rng); y = Double.random(in: -1 ... 11, using: &rng)
            }
            let point = try Geometry(x: x, y: y, context: context)
            let contains = try base.contains(point)
            let intersects = try base.intersects(point)
            #expect(try prepared.contains(point) == contains, "contains (\(x), \(y))")
            #expect(try prepared.intersects(point) == intersects, "intersects (\(x), \(y))")
            #expect(try prepared.covers(point) == intersects, "a point is covered iff it intersects")
            #expect(try prepared.covers(x: x, y: y) == intersects)
            #expect(try prepared.within(point) == base.within(point))
            let distance = try base.distance(to: point)
            #expect(close(try prepared.distance(to: point), distance, 1e-12), "distance (\(x), \(y))")
            for d in [0.0, 0.5, 1.5] {
                #expect(try prepared.isWithinDistance(d, of: point) == base.isWithinDistance(d, of: point))
                #expect(try prepared.isWithinDistance(d, of: point) == (distance <= d))
            }
            if contains { counts.inside += 1 } else if distance > 0 { counts.outside += 1 }
            if distance > 0 && distance < 0.5 { counts.near += 1 }
        }
        // The sample exercises both answers.
        if base.type != .lineString { #expect(counts.inside > 100) }
        #expect(counts.outside > 100)
        #expect(counts.near > 10)
    }

    @Test func preparedAgainstPolygonsAndLines() throws {
        let context = GEOSContext()
        let big = try geom("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", context)
        let prepared = try PreparedGeometry(big)
        let others = try [
            "POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1))", "POLYGON ((9 9, 11 9, 11 11, 9 11, 9 9))",
            "POLYGON ((20 20, 21 20, 21 21, 20 21, 20 20))", "LINESTRING (0 0, 10 0)", "LINESTRING (-5 5, 15 5)",
            "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))",
        ].map { try geom($0, context) }
        for other in others {
            #expect(try prepared.contains(other) == big.contains(other), "\(other)")
            #expect(try prepared.intersects(other) == big.intersects(other), "\(other)")
            #expect(try prepared.within(other) == big.within(other), "\(other)")
            #expect(try prepared.distance(to: other) == big.distance(to: other), "\(other)")
        }
        // Covers includes the boundary; contains does not.
        #expect(try prepared.covers(others[3]) && !prepared.contains(others[3]))
    }
}
