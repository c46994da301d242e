import CIMGeometry
import CIMStore
import Foundation
import Testing

/// A layer is replaced in one transaction: an import or write that fails part-way leaves the previous
/// contents, proven with real failure paths.
@Suite struct StoreTransactionTests {
    @Test func impossibleCoordinatesAreRejectedAndAnEmptyImportLeavesThePreviousLayer() throws {
        try withTemporaryDirectory { dir in
            let (store, path) = try StoreImportErrorTests.makeStore(dir)
            // Four good buildings, then one whose corner is at latitude 95°: it is rejected with its id, the rest import.
            let source = try write(geoJSON([
                ("{\"id\":\"n1\"}", squareJSON(115.99, 29.71)), ("{\"id\":\"n2\"}", squareJSON(115.991, 29.71)),
                ("{\"id\":\"n3\"}", squareJSON(115.992, 29.71)), ("{\"id\":\"n4\"}", squareJSON(115.993, 29.71)),
                ("{\"id\":\"bad\"}", polygonJSON([(115.99, 29.71), (116.0, 29.71), (116.0, 95.0), (115.99, 29.71)])),
            ]), to: dir, "bad.geojson")
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: source))
            #expect(report.imported == 4 && report.rejected == 1)
            #expect(report.issues.contains { $0.feature == "bad" && $0.action == .rejected && $0.reason.contains("longitude and latitude") }, "\(report.issues)")
            #expect(try store.snapshot("buildings").text("id") == ["n1", "n2", "n3", "n4"])

            // A source whose every feature is rejected ends empty: an error, and the layer keeps its contents.
            let before = try StoreFingerprint(path)
            let allBad = try write(geoJSON([
                ("{\"id\":\"x1\"}", polygonJSON([(115.99, 29.71), (116.0, 29.71), (116.0, 95.0), (115.99, 29.71)])),
                ("{\"id\":\"x2\"}", squareJSON(200.0, 29.71)),
            ]), to: dir, "allbad.geojson")
            let error = expectStoreError { _ = try store.importLayer(ImportOptions(layer: "buildings", source: allBad)) }
            #expect(error?.message.contains("ends with no features") == true, "\(String(describing: error))")
            #expect(error?.file == allBad)
            #expect(try StoreFingerprint(path) == before)
            #expect(try store.snapshot("buildings").text("id") == ["n1", "n2", "n3", "n4"])
        }
    }

    @Test func failedFirstImportLeavesANewStoreWithoutCRS() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("new.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path)
            let source = try write(geoJSON([
                ("{\"id\":\"bad\"}", polygonJSON([(115.99, 29.71), (116.0, 29.71), (116.0, 95.0), (115.99, 29.71)])),
            ]), to: dir, "bad.geojson")
            _ = expectStoreError { _ = try store.importLayer(ImportOptions(layer: "buildings", source: source)) }
            #expect(store.crs == nil, "a CRS chosen from data that could not be imported must not stick")
            #expect(try GeoPackageStore.open(path).crs == nil)
            #expect(try GeoPackageStore.open(path).metadataValue("crs") == nil)
            // The next, good import chooses the CRS from its own data.
            let good = try store.importLayer(ImportOptions(layer: "buildings", source: write(jiujiangBuildings(), to: dir, "good.geojson")))
            #expect(good.storeCRS == "EPSG:4548")
        }
    }

    @Test func failedFirstWriteLeavesANewStoreWithoutCRS() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("new.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path)
            var geometries = GeometryColumn()
            for k in 0 ..< 2 {
                try geometries.append(Geometry(wkt: "MULTIPOLYGON (((\(k * 10) 0, \(k * 10 + 5) 0, \(k * 10 + 5) 5, \(k * 10) 0)))"))
            }
            // The second row repeats the primary key: the write fails after the CRS was set in the transaction.
            let table = FeatureTable(name: "buildings", geometryType: .multiPolygon, geometries: geometries,
                                     columns: [AttributeColumn("fid", .integer([7, 7]))])
            _ = expectStoreError {
                try store.writeLayer(table, provenance: LayerProvenance(source: "test"), establishing: try CoordinateReferenceSystem(epsg: 4548))
            }
            #expect(store.crs == nil)
            #expect(try GeoPackageStore.open(path).metadataValue("crs") == nil)
            #expect(!(try GeoPackageStore.open(path).hasLayer("buildings")))
        }
    }

    @Test func featureThatCannotBeWrittenRollsBackTheReplacement() throws {
        try withTemporaryDirectory { dir in
            let (store, path) = try StoreImportErrorTests.makeStore(dir)
            let before = try StoreFingerprint(path)
            let oldGeometry = try store.snapshot("buildings").geometries
            // A table whose second row cannot be inserted: its "fid" column repeats the first row's value, which
            // the GeoPackage driver writes as the primary key (UNIQUE constraint failed). By then the old layer
            // has been dropped and the new one created and given its first row, inside the transaction.
            var geometries = GeometryColumn()
            for k in 0 ..< 3 {
                try geometries.append(Geometry(wkt: "MULTIPOLYGON (((\(k * 10) 0, \(k * 10 + 5) 0, \(k * 10 + 5) 5, \(k * 10) 0)))"))
            }
            let table = FeatureTable(name: "buildings", geometryType: .multiPolygon, geometries: geometries, columns: [
                AttributeColumn("fid", .integer([7, 7, 8])),
                AttributeColumn("id", .text(["x1", "x2", "x3"])),
            ], crs: store.crs)
            let error = expectStoreError { try store.writeLayer(table, provenance: LayerProvenance(source: "test")) }
            #expect(error?.layer == "buildings")
            #expect(error?.feature == "#2", "the failing feature is named: \(String(describing: error))")
            #expect(error?.message.contains("cannot write") == true)

            #expect(try StoreFingerprint(path) == before)
            let after = try store.snapshot("buildings")
            #expect(after.text("id") == ["b1", "b2", "b3", "b4", "b5"])
            #expect(after.geometries.xy == oldGeometry.xy)
            // The old layer is whole from outside too: same count, its R-tree, its fields.
            let info = try ogrinfo(["-so", path, "buildings"])
            #expect(info.contains("Feature Count: 5"), "\(info)")
            #expect(info.contains("floors: Integer64"))
            let index = try ogrinfo([path, "-sql", "SELECT HasSpatialIndex('buildings', 'geom')", "-q"])
            #expect(index.contains("HasSpatialIndex (Integer) = 1"))
            let rtree = try ogrinfo([path, "-sql", "SELECT COUNT(*) AS n FROM rtree_buildings_geom", "-q"])
            #expect(rtree.contains("n (Integer) = 5"), "\(rtree)")
            // And the store can still be written.
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: write(jiujiangBuildings(ids: ["z"]), to: dir, "z.geojson")))
            #expect(report.imported == 1 && store.featureCount("buildings") == 1)
        }
    }

    @Test func mismatchedColumnsAreRefusedBeforeAnythingIsWritten() throws {
        try withTemporaryDirectory { dir in
            let (store, path) = try StoreImportErrorTests.makeStore(dir)
            let before = try StoreFingerprint(path)
            var geometries = GeometryColumn()
            try geometries.append(Geometry(wkt: "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))"))
            let table = FeatureTable(name: "buildings", geometryType: .multiPolygon, geometries: geometries,
                                     columns: [AttributeColumn("id", .text(["a", "b"]))], crs: store.crs)
            let error = expectStoreError { try store.writeLayer(table, provenance: LayerProvenance(source: "test")) }
            #expect(error?.message.contains("'id'") == true)
            #expect(try StoreFingerprint(path) == before)
        }
    }

    @Test func writeLayerRoundTripsATable() throws {
        try withTemporaryDirectory { dir in
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("s.gpkg").path, crs: CoordinateReferenceSystem(epsg: 4548))
            var geometries = GeometryColumn()
            try geometries.append(Geometry(wkt: "POINT (402264 3288393)"))
            try geometries.append(Geometry(wkt: "POINT (402300 3288400)"))
            let table = FeatureTable(name: "results", geometryType: .point, geometries: geometries, columns: [
                AttributeColumn("id", .text(["a", nil])), AttributeColumn("n", .integer([1, nil])),
                AttributeColumn("d", .real([0.5, .nan])),
            ], crs: store.crs)
            try store.writeLayer(table, provenance: LayerProvenance(source: "analysis"))
            let back = try store.snapshot("results")
            #expect(back.text("id") == ["a", nil])
            #expect(back.integers("n") == [1, nil])
            #expect(back.reals("d") == [0.5, nil], "NaN is stored as null")
            #expect(back.geometries.xy == geometries.xy)
            #expect(back.fids == [1, 2])
            #expect(back.crs?.identifier == "EPSG:4548")
            // A table without geometry (e.g. a summary) is written too.
            try store.writeLayer(FeatureTable(name: "summary", geometryType: nil, columns: [AttributeColumn("k", .text(["x", "y", "z"]))]),
                                 provenance: LayerProvenance(source: "analysis"))
            #expect(store.featureCount("summary") == 3)
            #expect(try store.snapshot("summary").count == 3)
        }
    }
}
