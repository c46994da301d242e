import CIMGeometry
import CIMIndex
import Testing

/// Areas, lengths, distances and envelopes against hand-computed values (`GEOSArea_r`, `GEOSLength_r`,
/// `GEOSDistance_r`, `GEOSGeom_getXMin_r` …).
@Suite struct GeometryMeasuresTests {
    let unitSquare = "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"

    @Test func unitSquare_areaAndPerimeter() throws {
        let g = try geom(unitSquare)
        #expect(try g.area() == 1)
        #expect(try g.length() == 4)
    }

    @Test func triangle345() throws {
        let triangle = try geom("POLYGON ((0 0, 3 0, 0 4, 0 0))")
        #expect(try triangle.area() == 6)
        #expect(try triangle.length() == 12)
        #expect(try geom("LINESTRING (0 0, 3 4)").length() == 5)
        #expect(try geom("LINESTRING (0 0, 3 4, 3 0)").length() == 9)
        // Orientation does not change the (unsigned) area.
        #expect(try geom("POLYGON ((0 0, 0 4, 3 0, 0 0))").area() == 6)
    }

    @Test func polygonWithHoles() throws {
        let g = try geom("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2), (6 6, 6 9, 9 9, 9 6, 6 6))")
        #expect(try g.area() == 100 - 4 - 9)
        #expect(try g.length() == 40 + 8 + 12)
    }

    @Test func multiGeometries() throws {
        #expect(try geom("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 8 5, 8 8, 5 8, 5 5)))").area() == 10)
        #expect(try geom("MULTILINESTRING ((0 0, 3 4), (10 10, 10 12))").length() == 7)
        #expect(try geom("MULTIPOINT ((0 0), (1 1))").area() == 0)
        #expect(try geom("POINT (3 4)").length() == 0)
        #expect(try geom("LINESTRING (0 0, 3 4)").area() == 0)
    }

    @Test func pointDistances() throws {
        let origin = try geom("POINT (0 0)")
        #expect(try origin.distance(to: geom("POINT (3 4)")) == 5)
        #expect(try origin.distance(to: geom("POINT (-3 -4)")) == 5)
        #expect(try origin.distance(to: origin) == 0)
    }

    @Test func pointToPolygonDistance() throws {
        let square = try geom(unitSquare)
        #expect(try square.distance(to: geom("POINT (5 0.5)")) == 4, "to the right edge")
        #expect(try square.distance(to: geom("POINT (0.5 -2)")) == 2, "to the bottom edge")
        #expect(try square.distance(to: geom("POINT (4 5)")) == 5, "to the corner (1 1): 3-4-5")
        #expect(try geom("POINT (-3 -4)").distance(to: square) == 5, "symmetric, corner (0 0)")
        #expect(try square.distance(to: geom("POINT (0.5 0.5)")) == 0, "inside")
        #expect(try square.distance(to: geom("POINT (1 0.3)")) == 0, "on the boundary")
        // Inside the hole of a polygon is outside the polygon.
        let donut = try geom("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (3 3, 3 7, 7 7, 7 3, 3 3))")
        #expect(try donut.distance(to: geom("POINT (5 5)")) == 2)
        #expect(try donut.distance(to: geom("POINT (1 1)")) == 0)
    }

    @Test func lineAndPolygonDistances() throws {
        let a = try geom("LINESTRING (0 0, 10 0)")
        #expect(try a.distance(to: geom("LINESTRING (5 3, 5 10)")) == 3)
        #expect(try a.distance(to: geom("LINESTRING (5 -3, 5 10)")) == 0, "crossing")
        #expect(try a.distance(to: geom("LINESTRING (13 4, 20 4)")) == 5)
        let s1 = try geom(unitSquare)
        let s2 = try geom("POLYGON ((4 5, 5 5, 5 6, 4 6, 4 5))")
        #expect(try s1.distance(to: s2) == 5, "corner (1 1) to corner (4 5)")
        #expect(try s2.distance(to: s1) == 5)
    }

    @Test func envelope() throws {
        let g = try geom("POLYGON ((1 2, 5 -1, 7 3, 2 8, 1 2))")
        let e = try #require(try g.envelope())
        #expect(e == Envelope(minX: 1, minY: -1, maxX: 7, maxY: 8))
        let p = try #require(try geom("POINT (3 4)").envelope())
        #expect(p == Envelope(minX: 3, minY: 4, maxX: 3, maxY: 4))
        let m = try #require(try geom("MULTILINESTRING ((0 0, 1 1), (-5 10, 2 3))").envelope())
        #expect(m == Envelope(minX: -5, minY: 0, maxX: 2, maxY: 10))
        #expect(try geom("POLYGON EMPTY").envelope() == nil)
    }

    @Test func centroidOfRectangle() throws {
        let c = try geom("POLYGON ((0 0, 4 0, 4 2, 0 2, 0 0))").centroid()
        #expect(c.type == .point)
        #expect(try c.x() == 2)
        #expect(try c.y() == 1)
        let shifted = try geom("POLYGON ((10 20, 16 20, 16 23, 10 23, 10 20))").centroid()
        #expect(close(try shifted.x(), 13))
        #expect(close(try shifted.y(), 21.5))
    }

    @Test func xAndYOfNonPointThrow() throws {
        let square = try geom(unitSquare)
        let error = #expect(throws: GeometryError.self) { try square.x() }
        #expect(geosMessage(try #require(error)).contains("Point"), "GEOS says a point is needed: \(String(describing: error))")
        #expect(throws: GeometryError.self) { try square.y() }
    }

    @Test("Hausdorff distance: the farthest vertex of either from the other; densifying finds an edge's middle")
    func hausdorff() throws {
        let a = try geom("LINESTRING (0 0, 10 0)")
        let b = try geom("LINESTRING (0 1, 10 3)")
        #expect(close(try a.hausdorffDistance(to: b), 3)) // (10, 3) is 3 from a; a's vertices are within 3 of b
        #expect(close(try a.hausdorffDistance(to: a), 0))
        // A square against a square with one corner pulled out by 4: the pulled corner is 4 from the other.
        let square = try geom(unitSquare)
        let pulled = try geom("POLYGON ((0 0, 1 0, 1 1, 0 5, 0 0))")
        let d = try square.hausdorffDistance(to: pulled)
        #expect(d > 3.9 && d <= 4, "\(d)")
        // JTS's example: vertices alone find 14.14; densified to halves, the segments' middles find 70.
        let l = try geom("LINESTRING (130 0, 0 0, 0 150)"), m = try geom("LINESTRING (10 10, 10 150, 130 10)")
        #expect(close(try l.hausdorffDistance(to: m), 200.0.squareRoot(), 1e-9))
        #expect(close(try l.hausdorffDistance(to: m, densify: 0.5), 70))
    }
}
