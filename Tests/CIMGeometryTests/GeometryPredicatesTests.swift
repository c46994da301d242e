import CIMGeometry
import Testing

/// Spatial predicates (`GEOSIntersects_r`, `GEOSContains_r`, `GEOSWithin_r`, `GEOSDistanceWithin_r`,
/// `GEOSEqualsExact_r`, `GEOSEquals_r`).
@Suite struct GeometryPredicatesTests {
    let square = "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))"

    @Test func pointsAgainstASquare() throws {
        let s = try geom(square)
        let inside = try geom("POINT (5 5)"), edge = try geom("POINT (10 5)"), corner = try geom("POINT (0 0)")
        let outside = try geom("POINT (13 14)")
        #expect(try s.contains(inside) && s.intersects(inside) && inside.within(s))
        // The boundary is not the interior: intersects, but neither contains nor within.
        #expect(try s.intersects(edge) && !s.contains(edge) && !edge.within(s))
        #expect(try s.intersects(corner) && !s.contains(corner))
        #expect(try !s.intersects(outside) && !s.contains(outside) && !outside.within(s))
        #expect(try !s.within(inside), "within is not symmetric")
    }

    @Test func isWithinDistance() throws {
        let s = try geom(square)
        let p = try geom("POINT (13 14)") // 5 from the corner (10 10)
        #expect(try s.isWithinDistance(5, of: p))
        #expect(try s.isWithinDistance(5.000001, of: p))
        #expect(try !s.isWithinDistance(4.999999, of: p))
        #expect(try p.isWithinDistance(5, of: s), "symmetric")
        #expect(try s.isWithinDistance(0, of: geom("POINT (5 5)")))
        #expect(try geom("LINESTRING (0 20, 10 20)").isWithinDistance(10, of: s))
        #expect(try !geom("LINESTRING (0 20, 10 20)").isWithinDistance(9.5, of: s))
    }

    @Test func containmentOfPolygonsAndHoles() throws {
        let donut = try geom("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (3 3, 3 7, 7 7, 7 3, 3 3))")
        let inHole = try geom("POLYGON ((4 4, 6 4, 6 6, 4 6, 4 4))")
        let inRing = try geom("POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1))")
        let acrossHole = try geom("LINESTRING (1 5, 9 5)")
        #expect(try !donut.contains(inHole) && !donut.intersects(inHole))
        #expect(try donut.contains(inRing) && inRing.within(donut))
        #expect(try donut.intersects(acrossHole) && !donut.contains(acrossHole))
        #expect(try geom(square).contains(inHole))
    }

    @Test func equality() throws {
        let a = try geom("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))")
        let rotated = try geom("POLYGON ((1 0, 1 1, 0 1, 0 0, 1 0))")
        let nudged = try geom("POLYGON ((0 0, 1 0, 1 1.0000001, 0 1, 0 0))")
        #expect(try a.equalsExact(a))
        #expect(try !a.equalsExact(rotated))
        #expect(try a.equalsTopologically(rotated))
        #expect(try !a.equalsExact(nudged))
        #expect(try a.equalsExact(nudged, tolerance: 1e-6))
        #expect(try !a.equalsTopologically(nudged))
    }
}
