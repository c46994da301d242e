import CIMGeometry
import Testing

/// Validity with reason and location (`GEOSisValidDetail_r`) and repair (`GEOSMakeValidWithParams_r`).
@Suite struct GeometryValidityTests {
    /// A bow-tie: two triangles of area 1 touching at (1 1), drawn as one self-crossing ring.
    let bowTie = "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))"

    @Test func bowTieIsInvalidWithReasonAndLocation() throws {
        let g = try geom(bowTie)
        #expect(try !g.isValid())
        let report = try g.validity()
        #expect(!report.isValid)
        #expect(report.reason == "Self-intersection")
        let location = try #require(report.location)
        #expect(close(location.x, 1) && close(location.y, 1), "the crossing at (1 1): \(location)")
        // Its signed halves cancel: the naive area is 0, which is why it must be repaired.
        #expect(try g.area() == 0)
    }

    @Test func makeValidOfBowTieGivesBothTriangles() throws {
        let fixed = try geom(bowTie).makeValid()
        #expect(try fixed.isValid())
        #expect(fixed.type == .multiPolygon || fixed.type == .polygon)
        #expect(fixed.type == .multiPolygon, "two triangles touching at a point")
        #expect(fixed.partCount == 2)
        let triangle = try geom("POLYGON ((0 0, 1 1, 0 2, 0 0))").area()
        #expect(triangle == 1)
        #expect(close(try fixed.area(), 2 * triangle))
        for part in try fixed.parts() { #expect(close(try part.area(), triangle)) }
        // Every input vertex is kept.
        for (x, y) in [(0.0, 0.0), (2.0, 2.0), (2.0, 0.0), (0.0, 2.0)] {
            #expect(try fixed.intersects(Geometry(x: x, y: y)))
        }
    }

    @Test func validGeometryReportsNoReason() throws {
        let g = try geom("POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))")
        let report = try g.validity()
        #expect(report.isValid)
        #expect(report.reason == nil)
        #expect(report.location == nil)
        #expect(report == ValidityReport(isValid: true, reason: nil))
        #expect(try g.makeValid().equalsTopologically(g))
    }

    @Test func otherInvalidities() throws {
        let holeOutside = try geom("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (20 20, 20 21, 21 21, 21 20, 20 20))").validity()
        #expect(!holeOutside.isValid)
        #expect(holeOutside.reason == "Hole lies outside shell")

        let nested = try geom("MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0)), ((2 2, 3 2, 3 3, 2 3, 2 2)))").validity()
        #expect(!nested.isValid)
        #expect(nested.reason == "Nested shells")

        let spike = try geom("POLYGON ((0 0, 10 0, 10 10, 5 10, 5 15, 5 10, 0 10, 0 0))")
        #expect(try !spike.isValid())
        let repaired = try spike.makeValid()
        #expect(try repaired.isValid())
        #expect(close(try repaired.area(), 100))
    }

    @Test func makeValidOfOverlappingMultiPolygonDissolves() throws {
        let overlapping = try geom("MULTIPOLYGON (((0 0, 2 0, 2 2, 0 2, 0 0)), ((1 1, 3 1, 3 3, 1 3, 1 1)))")
        #expect(try !overlapping.isValid())
        let fixed = try overlapping.makeValid()
        #expect(try fixed.isValid())
        #expect(close(try fixed.area(), 7))
    }
}
