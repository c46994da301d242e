import CIMGeometry
import CIMStore
import Foundation
import Testing

/// Bad input: a clear StoreError (saying which file, layer or feature) and an unchanged store; or, for bad
/// features, a repair or rejection that is counted and listed with the feature's id.
@Suite struct StoreImportErrorTests {
    /// A store with buildings and roads, and its fingerprint.
    static func makeStore(_ dir: URL) throws -> (GeoPackageStore, String) {
        let path = dir.appendingPathComponent("city.gpkg").path
        let store = try GeoPackageStore.openOrCreate(path)
        _ = try store.importLayer(ImportOptions(layer: "buildings", source: write(jiujiangBuildings(), to: dir, "good.geojson")))
        _ = try store.importLayer(ImportOptions(layer: "roads", source: write(geoJSON([
            ("{\"id\":\"r1\",\"class\":\"primary\"}", "{\"type\":\"LineString\",\"coordinates\":[[115.99,29.709],[115.999,29.709]]}"),
        ]), to: dir, "roads.geojson")))
        return (store, path)
    }

    /// Runs a failing import against a fresh store and checks that nothing in the store changed.
    func failingImport(_ options: (URL) throws -> ImportOptions, _ check: (StoreError, URL) throws -> Void) throws {
        try withTemporaryDirectory { dir in
            let (store, path) = try Self.makeStore(dir)
            let before = try StoreFingerprint(path)
            #expect(before.layers["buildings"] == 5 && before.layers["roads"] == 1)
            let opts = try options(dir)
            let error = expectStoreError { _ = try store.importLayer(opts) }
            if let error { try check(error, dir) }
            let after = try StoreFingerprint(path)
            #expect(after == before, "the store changed: \(before) → \(after)")
            // The same GeoPackageStore object still works afterwards.
            #expect(try store.snapshot("buildings").text("id") == ["b1", "b2", "b3", "b4", "b5"])
        }
    }

    @Test func missingFile() throws {
        try failingImport({ dir in ImportOptions(layer: "buildings", source: dir.appendingPathComponent("nowhere.geojson").path) }) { error, dir in
            #expect(error.file == dir.appendingPathComponent("nowhere.geojson").path)
            #expect(error.message == "no such file")
            #expect(error.description.hasPrefix(dir.appendingPathComponent("nowhere.geojson").path))
        }
    }

    @Test func textFileIsNotGeodata() throws {
        try failingImport({ dir in
            ImportOptions(layer: "buildings", source: try write("Dear planner,\nthese are the buildings.\n", to: dir, "notes.txt"))
        }) { error, dir in
            #expect(error.file == dir.appendingPathComponent("notes.txt").path)
            #expect(error.message.contains("not a geodata file"), "\(error)")
            #expect(error.hint?.contains("GeoPackage") == true)
        }
    }

    @Test func unknownSourceLayer() throws {
        try failingImport({ dir in
            ImportOptions(layer: "buildings", source: try write(jiujiangBuildings(), to: dir, "other.geojson"), sourceLayer: "houses")
        }) { error, dir in
            #expect(error.layer == "houses")
            #expect(error.file == dir.appendingPathComponent("other.geojson").path)
            #expect(error.message.contains("no such layer"))
            #expect(error.hint?.contains("other") == true, "lists the layers there are: \(String(describing: error.hint))")
        }
    }

    @Test func unknownBundleLayer() throws {
        try failingImport({ dir in ImportOptions(layer: "trees", source: try write(jiujiangBuildings(), to: dir, "trees.geojson")) }) { error, _ in
            #expect(error.message.contains("'trees'"))
            #expect(error.hint?.contains("buildings") == true && error.hint?.contains("waterlogging") == true)
        }
    }

    @Test func mapToAMissingSourceField() throws {
        try failingImport({ dir in
            ImportOptions(layer: "buildings", source: try write(jiujiangBuildings(), to: dir, "b.geojson"), fieldMap: ["floors": "storeys"])
        }) { error, dir in
            #expect(error.message.contains("floors=storeys"), "\(error)")
            #expect(error.message.contains("'storeys'"))
            #expect(error.layer == "b" && error.file == dir.appendingPathComponent("b.geojson").path)
            #expect(error.hint?.contains("floors") == true, "lists the source's fields")
        }
    }

    @Test func mapOfAFieldTheBundleDoesNotHave() throws {
        try failingImport({ dir in
            ImportOptions(layer: "buildings", source: try write(jiujiangBuildings(), to: dir, "b.geojson"), fieldMap: ["colour": "use"])
        }) { error, _ in
            #expect(error.message.contains("'colour'"))
            #expect(error.hint?.contains("floors") == true)
        }
    }

    @Test func noCRSAndNotLonLatAsksForSourceCRS() throws {
        try failingImport({ dir in
            ImportOptions(layer: "buildings", source: try write("""
                id,wkt
                g1,"POLYGON ((402264 3288393, 402284 3288393, 402284 3288413, 402264 3288393))"

                """, to: dir, "gk.csv"))
        }) { error, dir in
            #expect(error.message.contains("no CRS"), "\(error)")
            #expect(error.hint?.contains("--source-crs") == true)
            #expect(error.file == dir.appendingPathComponent("gk.csv").path)
        }
    }

    @Test func noCRSButLonLatIsImportedAsWGS84WithAWarning() throws {
        try withTemporaryDirectory { dir in
            let (store, _) = try Self.makeStore(dir)
            let source = try write("""
                id,wkt
                g1,"POLYGON ((115.99 29.71, 115.9902 29.71, 115.9902 29.7102, 115.99 29.71))"

                """, to: dir, "lonlat.csv")
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: source))
            #expect(report.imported == 1)
            #expect(report.sourceCRS == "EPSG:4326")
            #expect(report.warnings.contains { $0.contains("no CRS") && $0.contains("EPSG:4326") }, "\(report.warnings)")
            let p = try store.snapshot("buildings").geometries.firstCoordinate(of: 0)
            #expect(abs(p.x - 402264.169227) < 1e-3 && abs(p.y - 3288393.860900) < 1e-3, "reprojected as lon/lat")
        }
    }

    @Test func csvAndShapefileWithoutPrjReallyHaveNoCRS() throws {
        try withTemporaryDirectory { dir in
            // The premise of the two tests above, checked with GDAL's own tools.
            let csv = try write("id,wkt\na,POINT (1 2)\n", to: dir, "p.csv")
            let info = try ogrinfo(["-so", "-oo", "GEOM_POSSIBLE_NAMES=wkt", csv, "p"])
            #expect(info.contains("Layer SRS WKT:\n(unknown)"), "\(info)")
            let shp = dir.appendingPathComponent("p.shp").path
            let converted = try run("ogr2ogr", ["-f", "ESRI Shapefile", "-oo", "GEOM_POSSIBLE_NAMES=wkt", "-a_srs", "None", shp, csv])
            #expect(converted.status == 0, "\(converted.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("p.prj").path))
            // A Shapefile without .prj imports the same way (lon/lat assumed, with a warning).
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("s.gpkg").path, crs: CoordinateReferenceSystem(epsg: 32631))
            let report = try store.importLayer(ImportOptions(layer: "pipe_nodes", source: shp))
            #expect(report.imported == 1 && report.sourceCRS == "EPSG:4326")
            #expect(report.warnings.contains { $0.contains("no CRS") })
        }
    }

    @Test func selfIntersectingPolygonsAreRepairedAndListed() throws {
        try withTemporaryDirectory { dir in
            let (store, _) = try Self.makeStore(dir)
            // Bow-tie in the store's CRS (no reprojection) across a 10 m square: two triangles of 25 m² each.
            let source = try write(geoJSON([
                ("{\"id\":\"ok\"}", polygonJSON([(402000, 3288000), (402010, 3288000), (402010, 3288010), (402000, 3288010), (402000, 3288000)])),
                ("{\"id\":\"bow\"}", polygonJSON([(402100, 3288000), (402110, 3288010), (402110, 3288000), (402100, 3288010), (402100, 3288000)])),
            ], crs: "urn:ogc:def:crs:EPSG::4548"), to: dir, "bow.geojson")
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: source))
            #expect(report.sourceCRS == "EPSG:4548")
            #expect(report.imported == 2 && report.repaired == 1 && report.rejected == 0)
            let issue = try #require(report.issues.first { $0.feature == "bow" })
            #expect(issue.action == .repaired)
            #expect(issue.reason.contains("Self-intersection"), "\(issue.reason)")
            #expect(issue.reason.contains("(402105.000, 3288005.000)"), "the location: \(issue.reason)")
            #expect(try store.importIssues(layer: "buildings") == report.issues, "recorded in cim_import_issues")
            let table = try store.snapshot("buildings")
            let repaired = try table.geometries.geometry(1)
            #expect(try repaired.isValid())
            #expect(abs(try repaired.area() - 50) < 1e-9, "both triangles kept")
            #expect(repaired.partCount == 2)
            #expect(try store.layerRecords().first { $0.layer == "buildings" }?.repaired == 1)
        }
    }

    @Test func nanCoordinatesAreRejectedCountedAndListed() throws {
        try withTemporaryDirectory { dir in
            let (store, _) = try Self.makeStore(dir)
            let source = try write(geoJSON([
                ("{\"id\":\"n1\"}", "{\"type\":\"Polygon\",\"coordinates\":[[[115.99,29.71],[NaN,29.71],[115.991,29.711],[115.99,29.71]]]}"),
                ("{\"id\":\"fine\"}", squareJSON(115.99, 29.71)),
                ("{\"id\":\"n2\"}", "{\"type\":\"Polygon\",\"coordinates\":[[[115.99,29.71],[115.991,NaN],[115.991,29.711],[115.99,29.71]]]}"),
            ]), to: dir, "nan.geojson")
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: source))
            #expect(report.read == 3 && report.imported == 1 && report.rejected == 2)
            for id in ["n1", "n2"] {
                let issue = try #require(report.issues.first { $0.feature == id }, "\(report.issues)")
                #expect(issue.action == .rejected)
                #expect(issue.reason.contains("NaN"), "\(issue.reason)")
            }
            #expect(try store.snapshot("buildings").text("id") == ["fine"])
            #expect(try store.layerRecords().first { $0.layer == "buildings" }?.rejected == 2)
        }
    }

    @Test func emptyAndMissingGeometriesAreRejected() throws {
        try withTemporaryDirectory { dir in
            let (store, _) = try Self.makeStore(dir)
            let csv = try write("""
                id,wkt
                e1,POLYGON EMPTY
                e2,MULTIPOLYGON EMPTY
                e3,
                ok,"POLYGON ((115.99 29.71, 115.9902 29.71, 115.9902 29.7102, 115.99 29.71))"

                """, to: dir, "empty.csv")
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: csv, sourceCRS: .wgs84))
            #expect(report.imported == 1 && report.rejected == 3)
            #expect(report.issues.first { $0.feature == "e1" }?.reason == "empty geometry")
            #expect(report.issues.first { $0.feature == "e2" }?.reason == "empty geometry")
            #expect(report.issues.first { $0.feature == "e3" }?.action == .rejected)
            let json = try write(geoJSON([
                ("{\"id\":\"j1\"}", "{\"type\":\"Polygon\",\"coordinates\":[]}"),
                ("{\"id\":\"j2\"}", "null"),
                ("{\"id\":\"ok\"}", squareJSON(115.99, 29.71)),
            ]), to: dir, "empty.geojson")
            let second = try store.importLayer(ImportOptions(layer: "buildings", source: json))
            #expect(second.imported == 1 && second.rejected == 2, "\(second.issues)")
            // GDAL reads a Polygon with no coordinates as a null geometry.
            #expect(second.issues.first { $0.feature == "j1" }?.action == .rejected)
            #expect(second.issues.first { $0.feature == "j2" }?.reason == "no geometry")
        }
    }

    @Test func wrongGeometryTypesAreRejected() throws {
        try withTemporaryDirectory { dir in
            let (store, _) = try Self.makeStore(dir)
            let source = try write(geoJSON([
                ("{\"id\":\"line\"}", "{\"type\":\"LineString\",\"coordinates\":[[115.99,29.71],[115.991,29.71]]}"),
                ("{\"id\":\"point\"}", "{\"type\":\"Point\",\"coordinates\":[115.99,29.71]}"),
                ("{\"id\":\"house\"}", squareJSON(115.99, 29.71)),
            ]), to: dir, "mixed.geojson")
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: source))
            #expect(report.imported == 1 && report.rejected == 2)
            let line = try #require(report.issues.first { $0.feature == "line" })
            #expect(line.action == .rejected && line.reason.contains("LineString") && line.reason.contains("polygons"), "\(line.reason)")
            #expect(report.issues.first { $0.feature == "point" }?.reason.contains("Point") == true)
            // And polygons into roads.
            let roads = try store.importLayer(ImportOptions(layer: "roads", source: source))
            #expect(roads.imported == 1 && roads.rejected == 2)
            #expect(roads.issues.first { $0.feature == "house" }?.reason.contains("needs lines") == true)
        }
    }
}
