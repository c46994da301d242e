@testable import CIMStore
import CIMGeometry
import Foundation
import Testing

/// A snapshot read straight from the GeoPackage table (GeoPackageConnection+Read) equals one read through OGR:
/// fids, geometries (as WKB, byte for byte), every attribute value and null, on real imports and on a
/// layer built to hold the awkward cases; malformed blobs are errors that name the feature.
@Suite("Snapshot: direct GeoPackage read equals OGR")
struct SnapshotReadPathTests {
    func expectSameTable(_ direct: FeatureTable, _ ogr: FeatureTable, _ what: String) {
        #expect(direct.count == ogr.count, "\(what): row count")
        #expect(direct.fids == ogr.fids, "\(what): fids")
        #expect(direct.geometryType == ogr.geometryType, "\(what): geometry type")
        #expect(direct.crs?.identifier == ogr.crs?.identifier, "\(what): CRS")
        var geometryMismatches = 0
        for i in 0 ..< min(direct.geometries.count, ogr.geometries.count) where direct.geometries.wkb(i) != ogr.geometries.wkb(i) {
            geometryMismatches += 1
        }
        #expect(direct.geometries.count == ogr.geometries.count)
        #expect(geometryMismatches == 0, "\(what): geometries differ in \(geometryMismatches) rows")
        #expect(direct.columns.map(\.name) == ogr.columns.map(\.name), "\(what): fields")
        for (a, b) in zip(direct.columns, ogr.columns) {
            #expect(a.values.type == b.values.type, "\(what).\(a.name): type")
            let differing = (0 ..< min(a.values.count, b.values.count)).filter { a.values[$0] != b.values[$0] }
            #expect(differing.isEmpty, "\(what).\(a.name): \(differing.count) values differ, first at row \(differing.first ?? -1)")
        }
    }

    @Test("every layer of the Porto and Helsinki imports, all fields", arguments: ["porto", "helsinki"])
    func realImports(name: String) throws {
        let city = try ImportedCity.named(name)
        let store = try GeoPackageStore.open(city.store)
        var rows = 0
        for layer in store.layerNames where !layer.hasPrefix("cim_") {
            let direct = try store.snapshot(layer, fields: nil, via: .directOnly, progress: nil)
            let ogr = try store.snapshot(layer, fields: nil, via: .ogrOnly, progress: nil)
            expectSameTable(direct, ogr, "\(name).\(layer)")
            rows += direct.count
        }
        #expect(rows > 1000)
    }

    @Test("nulls, empty and missing geometries, unicode text, multi-part and holed geometries, a subset of fields")
    func awkwardCases() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("a.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path)
            var geometries = GeometryColumn()
            try geometries.append(Geometry(wkt: "MULTIPOLYGON (((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2)), ((20 0, 30 0, 30 5, 20 0)))"))
            geometries.beginFeature(.multiPolygon); geometries.endFeature()  // empty
            try geometries.append(Geometry(wkt: "MULTIPOLYGON (((402000.125 3288000.5, 402010 3288000, 402010 3288010, 402000.125 3288000.5)))"))
            let table = FeatureTable(name: "odd", geometryType: .multiPolygon, geometries: geometries, columns: [
                AttributeColumn("name", .text(["社区一", nil, ""])),
                AttributeColumn("floors", .integer([3, nil, -9_007_199_254_740_993])),
                AttributeColumn("height", .real([nil, 1e-300, 12.5])),
                AttributeColumn("flag", .flag([true, false, true])),
            ], crs: try CoordinateReferenceSystem(epsg: 4548))
            try store.writeLayer(table, provenance: LayerProvenance(source: "test"), establishing: try CoordinateReferenceSystem(epsg: 4548))
            // A row with no geometry at all, written through GDAL's SQL (its R-tree triggers use GDAL's functions).
            let insert = try run("ogrinfo", [path, "-sql", "INSERT INTO odd (geom, name) VALUES (NULL, 'no geometry')"])
            #expect(insert.status == 0, "\(insert.stderr)")
            let reopened = try GeoPackageStore.open(path)
            for fields in [nil, ["height", "name"]] as [[String]?] {
                let direct = try reopened.snapshot("odd", fields: fields, via: .directOnly, progress: nil)
                let ogr = try reopened.snapshot("odd", fields: fields, via: .ogrOnly, progress: nil)
                expectSameTable(direct, ogr, "odd \(fields ?? [])")
                #expect(direct.count == 4)
            }
            let direct = try reopened.snapshot("odd")
            #expect(direct.text("name") == ["社区一", nil, "", "no geometry"])
            #expect(direct.integers("floors") == [3, nil, -9_007_199_254_740_993, nil])
            #expect(direct.geometries.parts(of: 0).count == 2 && direct.geometries.rings(of: direct.geometries.parts(of: 0).lowerBound).count == 2)
            #expect(direct.geometries.parts(of: 1).isEmpty && direct.geometries.parts(of: 3).isEmpty)
        }
    }

    @Test("a malformed geometry blob is an error naming the layer and feature")
    func malformedBlob() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("m.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path)
            var geometries = GeometryColumn()
            for k in 0 ..< 3 { try geometries.append(Geometry(wkt: "POINT (\(400_000 + k) 3288000)")) }
            try store.writeLayer(FeatureTable(name: "pts", geometryType: .point, geometries: geometries, crs: try CoordinateReferenceSystem(epsg: 4548)),
                                 provenance: LayerProvenance(source: "test"), establishing: try CoordinateReferenceSystem(epsg: 4548))
            for (blob, why) in [("X'47500001E61000000101000000'", "truncated WKB"), ("X'0102030405060708090A'", "not a GeoPackage blob")] {
                // GDAL's R-tree triggers would parse the blob: set them aside to plant the bad one.
                let triggers = (1 ... 4).map { "DROP TRIGGER IF EXISTS rtree_pts_geom_update\($0);" }.joined()
                let update = try run("sqlite3", [path, triggers + "UPDATE pts SET geom = \(blob) WHERE fid = 2"])
                #expect(update.status == 0, "\(update.stderr)")
                do {
                    _ = try GeoPackageStore.open(path).snapshot("pts")
                    Issue.record("\(why): no error")
                } catch let error as StoreError {
                    #expect(error.layer == "pts" && error.feature == "fid 2", "\(why): \(error)")
                    #expect(error.message.contains("bad geometry"), "\(why): \(error)")
                }
            }
        }
    }
}
