import CIMGeometry
import Testing

/// Well-known text in and out (`GEOSWKTReader_read_r`, `GEOSWKTWriter_write_r`).
@Suite struct GeometryWKTTests {
    static let samples: [(wkt: String, type: GeometryType, parts: Int, coordinates: Int)] = [
        ("POINT (1 2)", .point, 1, 1),
        ("POINT (-1.5 1e6)", .point, 1, 1),
        ("LINESTRING (0 0, 3 4, 6 0)", .lineString, 1, 3),
        ("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))", .polygon, 1, 5),
        ("POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2), (6 6, 6 8, 8 8, 8 6, 6 6))", .polygon, 1, 15),
        ("MULTIPOINT ((0 0), (1 1), (2 0.5))", .multiPoint, 3, 3),
        ("MULTILINESTRING ((0 0, 1 1), (2 2, 3 3, 4 2))", .multiLineString, 2, 5),
        ("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 9 5, 9 9, 5 9, 5 5), (6 6, 6 7, 7 7, 7 6, 6 6)))", .multiPolygon, 2, 15),
        ("GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 2 2))", .geometryCollection, 2, 3),
    ]

    @Test("WKT round trip keeps type, parts, coordinates and is exactly equal", arguments: 0 ..< samples.count)
    func roundTrip(_ index: Int) throws {
        let sample = Self.samples[index]
        let g = try geom(sample.wkt)
        #expect(g.type == sample.type)
        #expect(g.partCount == sample.parts)
        #expect(g.coordinateCount == sample.coordinates)
        #expect(!g.isEmpty)
        let text = try g.wkt()
        let again = try geom(text)
        #expect(try again.equalsExact(g), "\(sample.wkt) -> \(text)")
        #expect(again.type == sample.type)
        #expect(try again.wkt() == text, "writing is stable")
    }

    @Test func writerOutputIsTrimmedFullPrecision() throws {
        #expect(try geom("POINT (1 2)").wkt() == "POINT (1 2)")
        #expect(try geom("LINESTRING (0 0, 3 4)").wkt() == "LINESTRING (0 0, 3 4)")
        #expect(try geom("POLYGON ((0 0, 10 0, 10 10, 0 0), (1 1, 2 1, 2 2, 1 1))").wkt()
                == "POLYGON ((0 0, 10 0, 10 10, 0 0), (1 1, 2 1, 2 2, 1 1))")
        // Full precision: 17 significant digits survive.
        let x = 402264.16922712345
        let g = try Geometry(x: x, y: 0.1)
        let back = try geom(try g.wkt())
        #expect(try back.x() == x)
        #expect(try back.y() == 0.1)
    }

    @Test func writerRoundsWhenAskedTo() throws {
        let g = try geom("POINT (1.23456789 2.98765)")
        #expect(try g.wkt(precision: 2) == "POINT (1.23 2.99)")
        #expect(g.description == "POINT (1.234568 2.98765)")
    }

    @Test func emptyGeometries() throws {
        for (wkt, type) in [("POINT EMPTY", GeometryType.point), ("LINESTRING EMPTY", .lineString),
                            ("POLYGON EMPTY", .polygon), ("MULTIPOLYGON EMPTY", .multiPolygon),
                            ("GEOMETRYCOLLECTION EMPTY", .geometryCollection)] {
            let g = try geom(wkt)
            #expect(g.isEmpty, "\(wkt)")
            #expect(g.type == type)
            #expect(g.coordinateCount == 0)
            #expect(try g.wkt() == wkt)
            #expect(try g.envelope() == nil)
        }
    }

    @Test("invalid WKT throws a GeometryError carrying GEOS's ParseException", arguments: [
        "POLYGON ((0 0, 1 1",
        "NOTAGEOMETRY (1 2)",
        "POINT (1)",
        "LINESTRING (0 0, 1 x)",
        "",
    ])
    func invalidWKT(_ wkt: String) throws {
        let context = GEOSContext()
        do {
            _ = try Geometry(wkt: wkt, context: context)
            Issue.record("'\(wkt)' parsed")
        } catch let error as GeometryError {
            guard case let .geos(operation, message) = error else {
                Issue.record("expected a GEOS error, got \(error)"); return
            }
            #expect(operation == "GEOSWKTReader_read_r")
            #expect(message.contains("ParseException"), "\(message)")
            #expect(error.description.contains(message))
            #expect(context.lastError == message, "the context keeps GEOS's message")
        }
    }

    @Test func errorIsClearedByTheNextSuccessfulCall() throws {
        let context = GEOSContext()
        #expect(throws: GeometryError.self) { try Geometry(wkt: "POINT (", context: context) }
        #expect(context.lastError.contains("ParseException"))
        _ = try Geometry(wkt: "POINT (1 1)", context: context)
        #expect(context.lastError == "")
    }

    @Test func partsAndClone() throws {
        let g = try geom("MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 8 5, 8 8, 5 8, 5 5)))")
        let parts = try g.parts()
        #expect(parts.count == 2)
        #expect(parts.map(\.type) == [.polygon, .polygon])
        #expect(try parts[0].area() == 1)
        #expect(try parts[1].area() == 9)
        let other = GEOSContext()
        let copy = try g.clone(in: other)
        #expect(copy.context === other)
        #expect(try copy.wkt() == g.wkt())
        #expect(try copy.equalsExact(g))
    }

    @Test func geosVersionIsReported() {
        let version = GEOSContext.version
        #expect(version.first?.isNumber == true, "\(version)")
        #expect(version.split(separator: ".").count >= 2)
    }
}
