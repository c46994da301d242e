import CIMGeometry
import Foundation
import Testing

/// Constructive operations: point on surface, buffer, overlay, union, simplify, collections.
@Suite struct GeometryOperationsTests {
    static let concaveShapes: [(name: String, wkt: String)] = [
        ("L", "POLYGON ((0 0, 10 0, 10 1, 1 1, 1 10, 0 10, 0 0))"),
        ("U", "POLYGON ((0 0, 10 0, 10 10, 9 10, 9 1, 1 1, 1 10, 0 10, 0 0))"),
        ("C opening left", "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 9, 9 9, 9 1, 0 1, 0 0))"),
        ("donut", "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (1 1, 1 9, 9 9, 9 1, 1 1))"),
        ("thin diagonal", "POLYGON ((0 0, 100 99, 100 100, 0 1, 0 0))"),
        ("two parts", "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((20 0, 30 0, 30 1, 21 1, 21 10, 20 10, 20 0)))"),
    ]

    @Test("pointOnSurface lies inside the polygon, also where the centroid does not", arguments: 0 ..< concaveShapes.count)
    func pointOnSurfaceIsInside(_ index: Int) throws {
        let shape = Self.concaveShapes[index]
        let polygon = try geom(shape.wkt)
        let point = try polygon.pointOnSurface()
        #expect(point.type == .point)
        #expect(try polygon.contains(point), "\(shape.name): \(point)")
        #expect(try point.within(polygon))
        // Deterministic: the same point every time.
        #expect(try polygon.pointOnSurface().equalsExact(point))
    }

    @Test func centroidOfConcaveShapesCanBeOutside() throws {
        // This is why the reference point of a building is PointOnSurface, not the centroid.
        let u = try geom(Self.concaveShapes[1].wkt)
        #expect(try !u.contains(u.centroid()))
        let donut = try geom(Self.concaveShapes[3].wkt)
        #expect(try !donut.contains(donut.centroid()))
        #expect(try donut.contains(donut.pointOnSurface()))
    }

    @Test("buffer of a point: area of the inscribed 4q-gon, within the quadrant-segment error of πr²",
          arguments: [(1.0, 8), (10.0, 8), (250.0, 16), (3.0, 2), (5.0, 64)])
    func bufferArea(_ radius: Double, _ quadrantSegments: Int) throws {
        let disc = try geom("POINT (100 -50)").buffer(radius, quadrantSegments: quadrantSegments)
        #expect(disc.type == .polygon)
        let area = try disc.area()
        let n = Double(4 * quadrantSegments)
        let polygonArea = 0.5 * n * radius * radius * sin(2 * .pi / n)
        let circle = Double.pi * radius * radius
        #expect(abs(area - polygonArea) <= 1e-9 * circle, "regular \(Int(n))-gon inscribed in the circle")
        // Inscribed polygon: a little less than the circle, by at most the chord error.
        #expect(area < circle)
        #expect((circle - area) / circle <= 1 - sin(2 * .pi / n) / (2 * .pi / n) + 1e-12)
        #expect(disc.coordinateCount == 4 * quadrantSegments + 1)
        let e = try #require(try disc.envelope())
        #expect(close(e.minX, 100 - radius, 1e-9 * radius) && close(e.maxY, -50 + radius, 1e-9 * radius))
    }

    @Test func bufferOfSquareAndNegativeBuffer() throws {
        let square = try geom("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))")
        let grown = try square.buffer(1, quadrantSegments: 256)
        #expect(abs(try grown.area() - (1 + 4 + .pi)) < 1e-3)
        let shrunk = try geom("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))").buffer(-1)
        #expect(close(try shrunk.area(), 64))
        #expect(try geom("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))").buffer(-1).isEmpty)
        #expect(try geom("LINESTRING (0 0, 10 0)").buffer(1, quadrantSegments: 1024).area() > 20 + .pi - 1e-3)
    }

    @Test func overlayAreas() throws {
        let a = try geom("POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))")
        let b = try geom("POLYGON ((1 1, 3 1, 3 3, 1 3, 1 1))")
        let i = try a.intersection(b)
        #expect(try i.area() == 1)
        #expect(try i.equalsTopologically(geom("POLYGON ((1 1, 2 1, 2 2, 1 2, 1 1))")))
        #expect(try a.union(b).area() == 7)
        #expect(try a.difference(b).area() == 3)
        #expect(try b.difference(a).area() == 3)
        #expect(try a.difference(a).isEmpty)
        let far = try geom("POLYGON ((10 10, 11 10, 11 11, 10 11, 10 10))")
        #expect(try a.intersection(far).isEmpty)
        #expect(try a.union(far).type == .multiPolygon)
        #expect(try a.union(far).area() == 5)
    }

    @Test func unaryUnion() throws {
        let overlapping = try geom("MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((1 1, 3 1, 3 3, 1 3, 1 1)))")
        // The invalid (overlapping) multipolygon sums to 8; its union is 7.
        let dissolved = try overlapping.unaryUnion()
        #expect(try dissolved.area() == 7)
        #expect(dissolved.type == .polygon)
        #expect(try dissolved.isValid())

        let squares = try (0 ..< 5).map { k in
            try geom("POLYGON ((\(k) 0, \(k + 2) 0, \(k + 2) 1, \(k) 1, \(k) 0))")
        }
        let union = try Geometry.unaryUnion(of: squares)
        #expect(try union.area() == 6, "[0,6] × [0,1]")
        #expect(try union.length() == 14)
        let nothing = try Geometry.unaryUnion(of: [])
        #expect(nothing.isEmpty)
        // The inputs are unchanged (the union works on copies).
        #expect(try squares[0].area() == 2)
    }

    @Test func collectionTypes() throws {
        let polygons = try Geometry.collection([geom("POLYGON ((0 0, 1 0, 1 1, 0 0))"), geom("POLYGON ((5 5, 6 5, 6 6, 5 5))")])
        #expect(polygons.type == .multiPolygon)
        #expect(polygons.partCount == 2)
        #expect(try Geometry.collection([geom("POINT (0 0)"), geom("POINT (1 1)")]).type == .multiPoint)
        #expect(try Geometry.collection([geom("LINESTRING (0 0, 1 1)")]).type == .multiLineString)
        let mixed = try Geometry.collection([geom("POINT (0 0)"), geom("LINESTRING (0 0, 1 1)")])
        #expect(mixed.type == .geometryCollection)
        #expect(mixed.coordinateCount == 3)
    }

    @Test func simplify() throws {
        let wiggly = try geom("LINESTRING (0 0, 1 0.01, 2 -0.01, 3 0.01, 4 0)")
        let straight = try wiggly.simplified(tolerance: 0.1)
        #expect(try straight.equalsExact(geom("LINESTRING (0 0, 4 0)")))
        // A tolerance below the wiggle keeps everything.
        #expect(try wiggly.simplified(tolerance: 0.001).coordinateCount == 5)

        // A polygon: the near-collinear vertex goes, the area hardly changes, validity is kept.
        let polygon = try geom("POLYGON ((0 0, 5 0.001, 10 0, 10 10, 0 10, 0 0))")
        let simple = try polygon.simplified(tolerance: 0.01)
        #expect(simple.coordinateCount == 5)
        #expect(abs(try simple.area() - polygon.area()) < 0.01)
        #expect(try simple.isValid())
        // Topology-preserving: a hole is not dropped even with a large tolerance.
        let donut = try geom("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (4 4, 4 6, 6 6, 6 4, 4 4))")
        let kept = try donut.simplified(tolerance: 5)
        #expect(try kept.isValid())
        #expect(try kept.area() < 100)
    }

    @Test("symmetric difference of two overlapping squares: both areas less twice the overlap")
    func symmetricDifference() throws {
        let a = try geom("POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))")
        let b = try geom("POLYGON ((2 2, 6 2, 6 6, 2 6, 2 2))")
        let x = try a.symmetricDifference(b)
        #expect(abs(try x.area() - (16 + 16 - 2 * 4)) < 1e-9)
        #expect(try a.symmetricDifference(a).area() == 0)
    }
}
