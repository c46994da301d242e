import CIMGeometry
import CIMIndex
import Testing

/// CRS definitions through PROJ (`proj_create`) and the choice of a metric CRS for lon/lat data.
@Suite struct CoordinateReferenceSystemTests {
    @Test func fromEPSGCode() throws {
        let gk = try CoordinateReferenceSystem(epsg: 4548)
        #expect(gk.epsgCode == 4548)
        #expect(gk.identifier == "EPSG:4548")
        #expect(!gk.isGeographic)
        #expect(gk.name == "CGCS2000 / 3-degree Gauss-Kruger CM 117E")
        #expect(gk.wkt.hasPrefix("PROJCRS["))
        #expect(gk.description.contains("EPSG:4548"))
        let wgs84 = CoordinateReferenceSystem.wgs84
        #expect(wgs84.isGeographic && wgs84.epsgCode == 4326)
        #expect(try CoordinateReferenceSystem("  EPSG:4326\n") == wgs84, "surrounding whitespace is ignored")
        #expect(try CoordinateReferenceSystem(epsg: 4490).isGeographic, "CGCS2000 geographic")
    }

    @Test func fromWKT() throws {
        let gk = try CoordinateReferenceSystem(epsg: 4548)
        let fromWKT = try CoordinateReferenceSystem(gk.wkt)
        #expect(fromWKT.name == gk.name)
        #expect(fromWKT.epsgCode == 4548, "WKT2 carries the EPSG id")
        #expect(!fromWKT.isGeographic)
        // WKT1 without an authority: PROJ still reads it, there is just no code.
        let wkt1 = """
            PROJCS["GK 117E",GEOGCS["CGCS2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],\
            PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],\
            PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],PARAMETER["scale_factor",1],\
            PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]
            """
        let plain = try CoordinateReferenceSystem(wkt1)
        #expect(plain.name == "GK 117E")
        #expect(plain.epsgCode == nil)
        #expect(plain.identifier == wkt1)
        #expect(!plain.isGeographic)
    }

    @Test func fromPROJString() throws {
        let crs = try CoordinateReferenceSystem("+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs")
        #expect(!crs.isGeographic)
        #expect(crs.epsgCode == nil)
        let lonlat = try CoordinateReferenceSystem("+proj=longlat +datum=WGS84 +no_defs +type=crs")
        #expect(lonlat.isGeographic)
    }

    @Test("a bad CRS throws GeometryError.proj with PROJ's message", arguments: [
        "EPSG:999999", "not a crs at all", "+proj=nonexistent +type=crs", "",
    ])
    func badDefinitionThrows(_ definition: String) throws {
        let error = #expect(throws: GeometryError.self) { try CoordinateReferenceSystem(definition) }
        guard case let .proj(operation, message)? = error else {
            Issue.record("expected a PROJ error, got \(String(describing: error))"); return
        }
        #expect(operation.hasPrefix("proj_create"))
        #expect(!message.isEmpty && message != "unknown PROJ error", "PROJ's own message: \(message)")
    }

    @Test func projMessagesSayWhatIsWrong() throws {
        // PROJ logs these; its error number alone would say "Unknown error (code 4096)".
        let unknownCode = #expect(throws: GeometryError.self) { try CoordinateReferenceSystem("EPSG:999999") }
        #expect("\(String(describing: unknownCode))".contains("crs not found"))
        #expect("\(String(describing: unknownCode))".contains("EPSG:999999"), "the definition is named")
        let unknownProjection = #expect(throws: GeometryError.self) { try CoordinateReferenceSystem("+proj=nonexistent +type=crs") }
        #expect("\(String(describing: unknownProjection))".contains("Unknown projection"))
        let garbage = #expect(throws: GeometryError.self) { try CoordinateReferenceSystem("not a crs at all") }
        #expect("\(String(describing: garbage))".contains("unrecognized format"))
    }

    @Test func nonCRSDefinitionThrows() throws {
        // A valid PROJ pipeline, but an operation, not a CRS.
        let error = #expect(throws: GeometryError.self) { try CoordinateReferenceSystem("+proj=merc +lon_0=0") }
        #expect("\(String(describing: error))".contains("not a coordinate reference system"))
    }

    static func box(_ lon: Double, _ lat: Double, _ half: Double = 0.05) -> Envelope {
        Envelope(minX: lon - half, minY: lat - half, maxX: lon + half, maxY: lat + half)
    }

    @Test func metricCRSChoice() throws {
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(115.99, 29.71)) == 4548, "Jiujiang, CM 117E")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(75, 39)) == 4534, "75°E (Kashgar)")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(73.6, 39.5)) == 4534, "west edge of China")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(135, 48)) == 4554, "135°E")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(116.4, 39.9)) == 4548, "Beijing")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(121.47, 31.23)) == 4549, "Shanghai, CM 120E")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(113.26, 23.13)) == 4547, "Guangzhou, CM 114E")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(104.07, 30.67)) == 4544, "Chengdu, CM 105E")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(-8.61, 41.15)) == 32629, "Porto, UTM 29N")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(24.94, 60.17)) == 32635, "Helsinki, UTM 35N")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(151.21, -33.87)) == 32756, "Sydney, UTM 56S")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(18.42, -33.92)) == 32734, "Cape Town, UTM 34S")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(-58.38, -34.6)) == 32721, "Buenos Aires, UTM 21S")
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(-179.9, 10, 0.01)) == 32601)
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Self.box(179.9, 10, 0.01)) == 32660)
        // Zones are chosen by the centre of the bounds.
        let wide = Envelope(minX: 114, minY: 29, maxX: 120, maxY: 30)
        #expect(CoordinateReferenceSystem.metricEPSG(forLonLatBounds: wide) == 4548)

        let chosen = try CoordinateReferenceSystem.metricCRS(forLonLatBounds: Self.box(115.99, 29.71))
        #expect(chosen.epsgCode == 4548 && !chosen.isGeographic)
        #expect(try CoordinateReferenceSystem.metricCRS(forLonLatBounds: Self.box(-8.61, 41.15)).name == "WGS 84 / UTM zone 29N")
    }

    @Test func looksLikeLonLat() {
        #expect(CoordinateReferenceSystem.looksLikeLonLat(Self.box(115.99, 29.71)))
        #expect(CoordinateReferenceSystem.looksLikeLonLat(Envelope(minX: -180, minY: -90, maxX: 180, maxY: 90)))
        #expect(!CoordinateReferenceSystem.looksLikeLonLat(Envelope(minX: 402264, minY: 3288393, maxX: 402364, maxY: 3288493)))
        #expect(!CoordinateReferenceSystem.looksLikeLonLat(Envelope(minX: 10, minY: 10, maxX: 200, maxY: 20)))
    }
}
