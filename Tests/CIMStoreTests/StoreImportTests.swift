import CIMGeometry
import CIMStore
import Foundation
import Testing

/// Imports from generic OGR sources: GeoJSON, CSV (WKT or x/y), a bundle GeoPackage; field and value mapping;
/// splitting of multi-part lines; re-import.
@Suite struct StoreImportTests {
    @Test func geoJSONBuildingsGetAGaussKrugerStore() throws {
        try withTemporaryDirectory { dir in
            let source = try write(jiujiangBuildings(), to: dir, "jiujiang.geojson")
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("city.gpkg").path)
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: source))
            #expect(report.read == 5 && report.selected == 5 && report.imported == 5)
            #expect(report.rejected == 0 && report.repaired == 0 && report.split == 0)
            #expect(report.sourceCRS == "EPSG:4326")
            #expect(report.storeCRS == "EPSG:4548", "CGCS2000 GK zone CM 117E for Jiujiang")
            // Lon/lat points in China without --source-crs: the one warning names the web-map systems.
            #expect(report.warnings.count == 1 && report.warnings[0].contains("GCJ-02") && report.warnings[0].contains("BD-09"), "\(report.warnings)")
            #expect(report.sourceLayers == ["jiujiang"])
            #expect(store.crs?.identifier == "EPSG:4548")

            let table = try store.snapshot("buildings")
            #expect(table.count == 5)
            #expect(table.text("id") == ["b1", "b2", "b3", "b4", "b5"])
            #expect(table.integers("floors") == [1, 2, 3, 4, 5])
            #expect(table.text("use") == Array(repeating: "residential", count: 5))
            #expect(table.reals("height") == Array(repeating: nil, count: 5))
            #expect(table.geometries.types.allSatisfy { $0 == .multiPolygon })
            // Geometry: the lon/lat square reprojected by PROJ, the same as CoordinateTransform gives.
            let transform = try CoordinateTransform(from: .wgs84, to: CoordinateReferenceSystem(epsg: 4548))
            for (k, area) in try areas(table.geometries).enumerated() {
                let lon = 115.99 + Double(k) * 0.001
                let square = try Geometry(wkt: "POLYGON ((\(lon) 29.71, \(lon + 0.0002) 29.71, \(lon + 0.0002) 29.7102, \(lon) 29.7102, \(lon) 29.71))")
                let expected = try transform.transform(square).area()
                #expect(abs(area - expected) < 1e-6, "building \(k + 1): \(area) m² vs \(expected) m²")
                #expect(area > 400 && area < 460, "0.0002° × 0.0002° at 29.7°N is about 430 m²")
            }
            let first = table.geometries.firstCoordinate(of: 0)
            #expect(abs(first.x - 402264.169227) < 1e-3 && abs(first.y - 3288393.860900) < 1e-3, "cs2cs's Jiujiang point")
        }
    }

    @Test func projectedSourceKeepsItsCRSAndCoordinates() throws {
        try withTemporaryDirectory { dir in
            let csv = """
                id,use,floors,wkt
                p1,commercial,2,"POLYGON ((402264 3288393, 402284 3288393, 402284 3288413, 402264 3288413, 402264 3288393))"
                p2,public,,"POLYGON ((402300 3288393, 402310 3288393, 402310 3288403, 402300 3288393))"

                """
            let source = try write(csv, to: dir, "projected.csv")
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("s.gpkg").path)
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: source,
                                                             sourceCRS: CoordinateReferenceSystem(epsg: 4548)))
            #expect(report.imported == 2)
            #expect(report.sourceCRS == "EPSG:4548" && report.storeCRS == "EPSG:4548")
            #expect(report.warnings.isEmpty, "\(report.warnings)")
            let table = try store.snapshot("buildings")
            #expect(try areas(table.geometries) == [400, 50], "no reprojection: the exact coordinates")
            #expect(table.integers("floors") == [2, nil])
            #expect(table.text("use") == ["commercial", "public"])
        }
    }

    @Test func fieldMapRenamesSourceFields() throws {
        try withTemporaryDirectory { dir in
            let source = try write(geoJSON([
                ("{\"BLDG_ID\":\"A-1\",\"NUM_FLOORS\":7,\"H\":21.5,\"USAGE\":\"commercial\",\"BUILT\":1998}", squareJSON(115.99, 29.71)),
                ("{\"BLDG_ID\":\"A-2\",\"NUM_FLOORS\":null,\"H\":9,\"USAGE\":\"Residential\",\"BUILT\":null}", squareJSON(115.991, 29.71)),
            ]), to: dir, "mapped.geojson")
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("s.gpkg").path)
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: source, fieldMap: [
                "id": "BLDG_ID", "floors": "NUM_FLOORS", "height": "h", "use": "USAGE", "year": "BUILT",
            ]))
            #expect(report.imported == 2)
            let table = try store.snapshot("buildings")
            #expect(table.text("id") == ["A-1", "A-2"])
            #expect(table.integers("floors") == [7, nil])
            #expect(table.reals("height") == [21.5, 9], "mapped case-insensitively: h → H")
            #expect(table.text("use") == ["commercial", "residential"], "values are normalised to lower case")
            #expect(table.integers("year") == [1998, nil])
        }
    }

    @Test func valueMappingFileAndUnknownValues() throws {
        try withTemporaryDirectory { dir in
            let source = try write(geoJSON([
                ("{\"id\":\"z1\",\"use\":\"住宅\"}", squareJSON(115.99, 29.71)),
                ("{\"id\":\"z2\",\"use\":\"商业\"}", squareJSON(115.991, 29.71)),
                ("{\"id\":\"z3\",\"use\":\"工业用地\"}", squareJSON(115.992, 29.71)),
                ("{\"id\":\"z4\",\"use\":\"工业用地\"}", squareJSON(115.993, 29.71)),
                ("{\"id\":\"z5\",\"use\":null}", squareJSON(115.994, 29.71)),
                ("{\"id\":\"z6\",\"use\":\"mixed\"}", squareJSON(115.995, 29.71)),
            ]), to: dir, "zh.geojson")
            let mappingPath = try write("{\"use\": {\"住宅\": \"residential\", \"商业\": \"commercial\"}}", to: dir, "values.json")
            let mapping = try ValueMapping.load(mappingPath)
            #expect(mapping.map("use", "住宅") == "residential")
            #expect(mapping.map("use", "other") == "other")
            #expect(mapping.map("category", "住宅") == "住宅")

            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("s.gpkg").path)
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: source, values: mapping))
            #expect(report.imported == 6)
            let table = try store.snapshot("buildings")
            #expect(table.text("use") == ["residential", "commercial", "unknown", "unknown", nil, "mixed"])
            // The unmapped value is reported once, with its count and a hint.
            let warning = try #require(report.warnings.first { $0.contains("'use'") }, "\(report.warnings)")
            #expect(warning.contains("2 value(s)"))
            #expect(warning.contains("unknown"))
            #expect(warning.contains("工业用地 ×2"))
            #expect(warning.contains("--values"))
        }
    }

    @Test func badValueMappingFilesThrow() throws {
        try withTemporaryDirectory { dir in
            let notObject = try write("[1, 2, 3]", to: dir, "list.json")
            let error = expectStoreError { _ = try ValueMapping.load(notObject) }
            #expect(error?.file == notObject)
            #expect(error?.message.contains("JSON object") == true)
            let missing = dir.appendingPathComponent("none.json").path
            #expect(expectStoreError { _ = try ValueMapping.load(missing) }?.file == missing)
        }
    }

    @Test func csvWithWKTAndWithXY() throws {
        try withTemporaryDirectory { dir in
            let wkt = try write("""
                id,category,name,wkt
                f1,kindergarten,Sunshine,POINT (115.99 29.71)
                f2,park,Lakeside,"POLYGON ((115.991 29.711, 115.992 29.711, 115.992 29.712, 115.991 29.712, 115.991 29.711))"

                """, to: dir, "facilities_wkt.csv")
            let xy = try write("""
                id,category,name,longitude,latitude
                f3,clinic,North,115.995,29.715
                f4,supermarket,"Big, Fresh",115.996,29.716

                """, to: dir, "facilities_xy.csv")
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("s.gpkg").path)
            let first = try store.importLayer(ImportOptions(layer: "facilities", source: wkt, sourceCRS: .wgs84))
            #expect(first.imported == 2 && first.warnings.isEmpty)
            #expect(first.storeCRS == "EPSG:4548")
            let table = try store.snapshot("facilities")
            #expect(table.text("id") == ["f1", "f2"])
            #expect(table.geometries.types == [.point, .multiPolygon])
            let p = table.geometries.firstCoordinate(of: 0)
            #expect(abs(p.x - 402264.169227) < 1e-3 && abs(p.y - 3288393.860900) < 1e-3)

            let second = try store.importLayer(ImportOptions(layer: "facilities", source: xy, sourceCRS: .wgs84))
            #expect(second.imported == 2)
            let points = try store.snapshot("facilities")
            #expect(points.text("id") == ["f3", "f4"])
            #expect(points.text("name") == ["North", "Big, Fresh"])
            #expect(points.text("category") == ["clinic", "supermarket"])
            #expect(points.geometries.types == [.point, .point])
            let q = try CoordinateTransform(from: .wgs84, to: CoordinateReferenceSystem(epsg: 4548)).transform(x: 115.995, y: 29.715)
            let got = points.geometries.firstCoordinate(of: 0)
            #expect(abs(got.x - q.x) < 1e-6 && abs(got.y - q.y) < 1e-6)
            #expect(!store.fields("facilities").contains { $0.name == "longitude" || $0.name == "wkt" })
        }
    }

    @Test func multiLineRoadsAreSplitWithSuffixedIds() throws {
        try withTemporaryDirectory { dir in
            let source = try write(geoJSON([
                ("{\"id\":\"r1\",\"class\":\"residential\"}",
                 "{\"type\":\"MultiLineString\",\"coordinates\":[[[115.99,29.71],[115.991,29.71]],[[115.992,29.71],[115.993,29.711]],[[115.994,29.71],[115.994,29.712],[115.995,29.712]]]}"),
                ("{\"id\":\"r2\",\"class\":\"motorway\"}", "{\"type\":\"LineString\",\"coordinates\":[[115.99,29.72],[115.999,29.72]]}"),
                ("{\"id\":\"r3\",\"class\":\"footway\",\"walkable\":0}",
                 "{\"type\":\"MultiLineString\",\"coordinates\":[[[115.99,29.73],[115.991,29.73]]]}"),
            ]), to: dir, "roads.geojson")
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("s.gpkg").path)
            let report = try store.importLayer(ImportOptions(layer: "roads", source: source))
            #expect(report.read == 3 && report.selected == 3)
            #expect(report.imported == 5)
            #expect(report.split == 1)
            #expect(report.issues.contains(ImportIssue(feature: "r1", action: .split, reason: "3 parts")), "\(report.issues)")
            let table = try store.snapshot("roads")
            #expect(table.text("id") == ["r1-1", "r1-2", "r1-3", "r2", "r3"])
            #expect(table.text("class") == ["residential", "residential", "residential", "motorway", "footway"])
            // walkable from the source when given, else from the class (motorways are not walkable).
            #expect(table.integers("walkable") == [1, 1, 1, 0, 0])
            #expect(table.geometries.types.allSatisfy { $0 == .lineString })
            #expect(table.geometries.coordinates(of: table.geometries.rings(of: table.geometries.parts(of: 2).lowerBound).lowerBound).count == 3)
        }
    }

    @Test func multiPointsAreSplitAndRepeatedLinePointsDropped() throws {
        try withTemporaryDirectory { dir in
            let nodes = try write(geoJSON([
                ("{\"id\":\"m\",\"kind\":\"manhole\"}", "{\"type\":\"MultiPoint\",\"coordinates\":[[115.99,29.71],[115.991,29.71]]}"),
                ("{\"id\":\"o\",\"kind\":\"outfall\"}", "{\"type\":\"Point\",\"coordinates\":[115.992,29.71]}"),
            ]), to: dir, "nodes.geojson")
            let pipes = try write(geoJSON([
                ("{\"id\":\"p\",\"kind\":\"sewer\",\"diameter_mm\":300}",
                 "{\"type\":\"LineString\",\"coordinates\":[[115.99,29.71],[115.99,29.71],[115.991,29.71]]}"),
                ("{\"id\":\"q\",\"kind\":\"sewer\"}", "{\"type\":\"LineString\",\"coordinates\":[[115.99,29.71],[115.99,29.71]]}"),
            ]), to: dir, "pipes.geojson")
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("s.gpkg").path)
            let n = try store.importLayer(ImportOptions(layer: "pipe_nodes", source: nodes))
            #expect(n.imported == 3 && n.split == 1)
            #expect(try store.snapshot("pipe_nodes").text("id") == ["m-1", "m-2", "o"])
            let p = try store.importLayer(ImportOptions(layer: "pipes", source: pipes))
            #expect(p.imported == 1 && p.rejected == 1 && p.repaired == 1)
            #expect(p.issues.contains { $0.feature == "p" && $0.action == .repaired && $0.reason.contains("repeated") })
            #expect(p.issues.contains { $0.feature == "q" && $0.action == .rejected && $0.reason.contains("fewer than 2") })
            let table = try store.snapshot("pipes")
            #expect(table.geometries.coordinateCount == 2)
            #expect(table.reals("diameter_mm") == [300])
        }
    }

    @Test func bundleGeoPackageImportsWithNoFlags() throws {
        try withTemporaryDirectory { dir in
            // A bundle made by cim itself: import, export two layers into one GeoPackage …
            let first = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("first.gpkg").path)
            _ = try first.importLayer(ImportOptions(layer: "buildings", source: write(jiujiangBuildings(use: "mixed"), to: dir, "b.geojson")))
            _ = try first.importLayer(ImportOptions(layer: "roads", source: write(geoJSON([
                ("{\"id\":\"r1\",\"class\":\"primary\",\"walkable\":1}", "{\"type\":\"LineString\",\"coordinates\":[[115.99,29.709],[115.999,29.709]]}"),
            ]), to: dir, "r.geojson")))
            let bundle = dir.appendingPathComponent("bundle.gpkg").path
            try first.exportLayer("buildings", to: bundle)
            try first.exportLayer("roads", to: bundle)
            // … then into a new store with no field map, no CRS, no source layer.
            let second = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("second.gpkg").path)
            let b = try second.importLayer(ImportOptions(layer: "buildings", source: bundle))
            let r = try second.importLayer(ImportOptions(layer: "roads", source: bundle))
            #expect(b.sourceLayers == ["buildings"] && r.sourceLayers == ["roads"])
            #expect(b.imported == 5 && r.imported == 1)
            #expect(b.warnings.isEmpty && r.warnings.isEmpty, "\(b.warnings) \(r.warnings)")
            #expect(b.sourceCRS == "EPSG:4548" && second.crs?.identifier == "EPSG:4548")
            let original = try first.snapshot("buildings"), copy = try second.snapshot("buildings")
            #expect(copy.text("id") == original.text("id"))
            #expect(copy.integers("floors") == original.integers("floors"))
            #expect(copy.text("use") == Array(repeating: "mixed", count: 5))
            #expect(copy.geometries.xy == original.geometries.xy, "coordinates unchanged: same CRS, no reprojection")
            #expect(try second.snapshot("roads").integers("walkable") == [1])
        }
    }

    @Test func reimportReplacesTheLayer() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("s.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path)
            let bowTie = polygonJSON([(115.99, 29.71), (115.991, 29.711), (115.991, 29.71), (115.99, 29.711), (115.99, 29.71)])
            let firstSource = try write(geoJSON([
                ("{\"id\":\"old1\"}", squareJSON(115.99, 29.71)), ("{\"id\":\"old2\"}", squareJSON(115.992, 29.71)),
                ("{\"id\":\"old3\"}", bowTie),
            ]), to: dir, "first.geojson")
            let secondSource = try write(jiujiangBuildings(ids: ["new1", "new2"]), to: dir, "second.geojson")
            _ = try store.importLayer(ImportOptions(layer: "buildings", source: firstSource))
            #expect(store.featureCount("buildings") == 3)
            #expect(try store.importIssues(layer: "buildings").map(\.feature) == ["old3"])

            let report = try store.importLayer(ImportOptions(layer: "buildings", source: secondSource))
            #expect(report.imported == 2)
            #expect(store.featureCount("buildings") == 2)
            #expect(try store.snapshot("buildings").text("id") == ["new1", "new2"])
            let records = try store.layerRecords().filter { $0.layer == "buildings" }
            #expect(records.count == 1)
            #expect(records.first?.source == secondSource && records.first?.features == 2)
            #expect(try store.importIssues(layer: "buildings").isEmpty, "the old layer's issues went with it")
            // Seen from outside: ogrinfo counts the new contents, the R-tree matches.
            let info = try ogrinfo(["-so", path, "buildings"])
            #expect(info.contains("Feature Count: 2"))
            let rtree = try ogrinfo([path, "-sql", "SELECT COUNT(*) AS n FROM rtree_buildings_geom", "-q"])
            #expect(rtree.contains("n (Integer) = 2"), "\(rtree)")
        }
    }

    @Test func roadsWithoutWalkableOrClassWarn() throws {
        try withTemporaryDirectory { dir in
            let source = try write(geoJSON([
                ("{\"name\":\"x\"}", "{\"type\":\"LineString\",\"coordinates\":[[115.99,29.71],[115.991,29.71]]}"),
            ]), to: dir, "plain.geojson")
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("s.gpkg").path)
            let report = try store.importLayer(ImportOptions(layer: "roads", source: source))
            #expect(report.warnings.contains { $0.contains("every road is taken as walkable") }, "\(report.warnings)")
            #expect(try store.snapshot("roads").integers("walkable") == [1])
            #expect(try store.snapshot("roads").text("id") == ["0"], "no id field: the source's FID")
        }
    }

    @Test func openOrCreateRules() throws {
        try withTemporaryDirectory { dir in
            let error = expectStoreError { _ = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("store.sqlite").path) }
            #expect(error?.message.contains(".gpkg") == true)
            let path = dir.appendingPathComponent("s.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path, crs: CoordinateReferenceSystem(epsg: 32629))
            #expect(store.crs?.identifier == "EPSG:32629")
            #expect(try store.metadataValue("format") == "cim-bundle")
            #expect(try store.metadataValue("version") == "1")
            #expect(expectStoreError { try store.setCRS(CoordinateReferenceSystem(epsg: 4548)) }?.message.contains("EPSG:32629") == true)
            let lonlat = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("g.gpkg").path)
            #expect(expectStoreError { try lonlat.setCRS(.wgs84) }?.message.contains("projected") == true)
            // Reopened: the CRS is read back from the metadata.
            #expect(try GeoPackageStore.open(path).crs?.identifier == "EPSG:32629")
        }
    }
}
