import CIMGeometry
import CIMIndex
import Testing

/// The flat geometry column: GEOS geometries in, the same geometries out (`append(_:)`, `geometry(_:)`),
/// offsets and envelopes.
@Suite struct GeometryColumnTests {
    static let samples = [
        "POINT (1 2)",
        "LINESTRING (0 0, 3 4, 6 0)",
        "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0))",
        "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2), (6 6, 6 8, 8 8, 8 6, 6 6))",
        "MULTIPOINT ((0 0), (1 1), (-2 5))",
        "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3, 4 2))",
        "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)), ((5 5, 9 5, 9 9, 5 9, 5 5), (6 6, 6 7, 7 7, 7 6, 6 6)))",
        "POLYGON ((402264.169227 3288393.8609, 402364.169227 3288393.8609, 402364.169227 3288493.8609, 402264.169227 3288393.8609))",
    ]

    @Test func appendAndReadBackAreExactlyEqual() throws {
        let context = GEOSContext()
        let geometries = try Self.samples.map { try geom($0, context) }
        var column = GeometryColumn()
        for g in geometries { try column.append(g) }
        #expect(column.count == geometries.count)
        #expect(column.coordinateCount == geometries.map(\.coordinateCount).reduce(0, +))
        for (i, g) in geometries.enumerated() {
            #expect(column.types[i] == g.type)
            #expect(column.parts(of: i).count == g.partCount, "\(Self.samples[i])")
            let back = try column.geometry(i, context: context)
            #expect(back.type == g.type)
            #expect(try back.equalsExact(g), "\(Self.samples[i]) came back as \(back)")
            #expect(try back.wkt() == g.wkt())
        }
    }

    @Test func envelopesMatchGEOS() throws {
        var column = GeometryColumn()
        let geometries = try Self.samples.map { try geom($0) }
        for g in geometries { try column.append(g) }
        #expect(column.envelopes.count == 4 * geometries.count)
        for (i, g) in geometries.enumerated() {
            let expected = try #require(try g.envelope())
            #expect(column.envelope(i) == expected, "\(Self.samples[i])")
        }
    }

    @Test func offsetsDescribeThePolygonWithHoles() throws {
        var column = GeometryColumn()
        try column.append(geom("POINT (7 8)"))
        try column.append(geom(Self.samples[3]))
        #expect(column.featureParts == [0, 1, 2])
        #expect(column.partRings == [0, 1, 4])
        #expect(column.ringCoordinates == [0, 1, 6, 11, 16])
        #expect(column.firstCoordinate(of: 0) == (7, 8))
        #expect(column.firstCoordinate(of: 1) == (0, 0))
        let holes = column.rings(of: column.parts(of: 1).lowerBound)
        #expect(holes.count == 3, "exterior + 2 holes")
        #expect(column.coordinates(of: holes.lowerBound + 1).count == 5)
    }

    @Test func emptyGeometriesBecomeFeaturesWithNoParts() throws {
        var column = GeometryColumn()
        try column.append(geom("POINT EMPTY"))
        try column.append(geom("POLYGON EMPTY"))
        try column.append(geom("LINESTRING EMPTY"))
        try column.append(geom("POINT (1 1)"))
        #expect(column.count == 4)
        for i in 0 ..< 3 {
            #expect(column.parts(of: i).isEmpty)
            let back = try column.geometry(i)
            #expect(back.isEmpty)
            #expect(back.type == column.types[i])
            // An empty feature's envelope is the "nothing" box (min > max), never a real place.
            #expect(!(column.envelope(i).minX <= column.envelope(i).maxX))
        }
        #expect(try column.geometry(3).equalsExact(geom("POINT (1 1)")))
    }

    @Test func linearRingIsStoredAsLineString() throws {
        var column = GeometryColumn()
        try column.append(geom("LINEARRING (0 0, 1 0, 1 1, 0 0)"))
        #expect(column.types == [.lineString])
        #expect(try column.geometry(0).equalsExact(geom("LINESTRING (0 0, 1 0, 1 1, 0 0)")))
    }

    @Test func geometryCollectionRoundTrips() throws {
        let collection = try geom("GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 2 2), POLYGON ((0 0, 1 0, 1 1, 0 0)))")
        var column = GeometryColumn()
        try column.append(collection)
        #expect(column.types == [.geometryCollection])
        #expect(column.parts(of: 0).count == 3)
        let back = try column.geometry(0)
        #expect(try back.equalsExact(collection), "came back as \(back)")
        #expect(try Geometry(wkb: column.wkb(0)).equalsExact(collection))
    }

    @Test func subsetAppendAndRemoveAll() throws {
        var column = GeometryColumn()
        for wkt in Self.samples { try column.append(geom(wkt)) }
        let picked = column.subset([6, 0, 3])
        #expect(picked.count == 3)
        #expect(picked.types == [.multiPolygon, .point, .polygon])
        #expect(try picked.geometry(0).equalsExact(geom(Self.samples[6])))
        #expect(try picked.geometry(2).equalsExact(geom(Self.samples[3])))
        #expect(picked.envelope(0) == column.envelope(6))

        var copy = GeometryColumn()
        copy.append(column, feature: 5)
        #expect(try copy.geometry(0).equalsExact(geom(Self.samples[5])))

        column.removeAll()
        #expect(column.count == 0 && column.coordinateCount == 0 && column.envelopes.isEmpty)
        try column.append(geom("POINT (3 3)"))
        #expect(try column.geometry(0).equalsExact(geom("POINT (3 3)")))
        #expect(column.featureParts == [0, 1])
    }

    @Test func builderAPI() throws {
        var column = GeometryColumn()
        column.beginFeature(.polygon)
        column.addRing([(0.0, 0.0), (4.0, 0.0), (4.0, 3.0), (0.0, 0.0)])
        column.endPart()
        column.endFeature()
        column.setType(.multiPolygon, at: 0)
        let g = try column.geometry(0)
        #expect(g.type == .multiPolygon)
        #expect(try g.area() == 6)
        #expect(column.envelope(0) == Envelope(minX: 0, minY: 0, maxX: 4, maxY: 3))
    }

    @Test func transformCoordinatesRecomputesEnvelopes() throws {
        var column = GeometryColumn()
        for wkt in Self.samples.prefix(4) { try column.append(geom(wkt)) }
        column.transformCoordinates { xy in
            for i in stride(from: 0, to: xy.count, by: 2) { xy[i] = xy[i] * 2 + 100; xy[i + 1] = -xy[i + 1] }
        }
        #expect(column.envelope(1) == Envelope(minX: 100, minY: -4, maxX: 112, maxY: 0))
        #expect(column.envelope(0) == Envelope(minX: 102, minY: -2, maxX: 102, maxY: -2))
        #expect(try column.geometry(2).area() == 200)
    }

    @Test func coordinatesOfAGeometry() throws {
        #expect(try geom("POLYGON ((0 0, 1 0, 1 1, 0 0), (0.2 0.1, 0.9 0.8, 0.9 0.1, 0.2 0.1))").coordinates()
                == [0, 0, 1, 0, 1, 1, 0, 0, 0.2, 0.1, 0.9, 0.8, 0.9, 0.1, 0.2, 0.1])
    }
}
