import CIMGeometry
import CIMStore
import Foundation
import Testing

/// Export to other formats (`GDALVectorTranslate`), read back with ogrinfo and by importing again.
@Suite struct StoreExportTests {
    static func featureCount(_ info: String) -> Int? {
        guard let line = info.split(separator: "\n").first(where: { $0.hasPrefix("Feature Count: ") }) else { return nil }
        return Int(line.dropFirst("Feature Count: ".count))
    }

    @Test("export buildings; ogrinfo reads the same count; importing it again gives the same features",
          arguments: ["gpkg", "geojson", "shp", "fgb", "csv"])
    func exportAndReadBack(_ ext: String) throws {
        let city = try ImportedCity.named("helsinki")
        let store = try GeoPackageStore.open(city.store)
        let count = try #require(store.featureCount("buildings"))
        try withTemporaryDirectory { dir in
            let output = dir.appendingPathComponent("buildings.\(ext)").path
            try store.exportLayer("buildings", to: output)
            #expect(FileManager.default.fileExists(atPath: output))
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".cim-export") }
            #expect(leftovers.isEmpty, "the staging folder is removed")

            var arguments = ["-so", "-al", output]
            if ext == "csv" { arguments = ["-so", "-al", "-oo", "GEOM_POSSIBLE_NAMES=WKT", output] }
            let info = try ogrinfo(arguments)
            #expect(Self.featureCount(info) == count, "\(ext): \(info.prefix(600))")
            for field in ["id", "floors", "use"] { #expect(info.contains("\(field): "), "\(ext) has \(field)") }

            switch ext {
            case "geojson":
                // RFC 7946: lon/lat. Helsinki is at about 24.9°E, 60.2°N.
                let extent = try #require(info.split(separator: "\n").first { $0.hasPrefix("Extent: ") })
                #expect(extent.hasPrefix("Extent: (24.9"), "\(extent)")
                #expect(extent.contains("60.1"), "\(extent)")
            case "shp", "fgb", "gpkg":
                #expect(info.contains("UTM zone 35N"), "\(ext) keeps the store's CRS")
            default:
                break
            }

            // Import again into a new store: the same ids and (for the lossless formats) the same areas.
            let again = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("again.gpkg").path)
            let report = try again.importLayer(ImportOptions(layer: "buildings", source: output,
                                                             sourceCRS: ext == "csv" ? store.crs : nil))
            #expect(report.imported == count, "\(ext): \(report.imported) of \(count), issues \(report.issues.prefix(3))")
            #expect(again.crs?.identifier == "EPSG:32635", "\(ext)")
            let original = try store.snapshot("buildings"), copy = try again.snapshot("buildings")
            // Rows by id (FlatGeobuf stores features in the order of its spatial index, not the store's).
            func rows(_ t: FeatureTable) throws -> [String: (floors: Int64?, use: String?, area: Double)] {
                let ids = t.text("id") ?? [], floors = t.integers("floors") ?? [], uses = t.text("use") ?? []
                let a = try areas(t.geometries)
                return Dictionary(uniqueKeysWithValues: ids.indices.map { (ids[$0] ?? "?", (floors[$0], uses[$0], a[$0])) })
            }
            let before = try rows(original), after = try rows(copy)
            expectSame(before.keys.sorted(), after.keys.sorted(), "\(ext) ids")
            if ext != "fgb" { expectSame(copy.text("id") ?? [], original.text("id") ?? [], "\(ext) keeps the order") }
            // GeoJSON went through lon/lat with 7 decimals; CSV's WKT has 15 significant digits.
            let tolerance = ext == "geojson" ? 1e-3 : ext == "csv" ? 1e-7 : 1e-12
            var differences: [String] = []
            for (id, row) in before {
                guard let other = after[id] else { continue }
                if other.floors != row.floors || other.use != row.use || abs(other.area - row.area) > tolerance * max(1, row.area) {
                    differences.append("\(id): \(row) became \(other)")
                }
            }
            #expect(differences.isEmpty, "\(ext): \(differences.count) rows differ, e.g. \(differences.prefix(3))")
        }
    }

    @Test func unknownExtensionFailsWithNothingWritten() throws {
        let store = try GeoPackageStore.open(try ImportedCity.named("helsinki").store)
        try withTemporaryDirectory { dir in
            let output = dir.appendingPathComponent("buildings.xyz").path
            let error = expectStoreError { try store.exportLayer("buildings", to: output) }
            #expect(error?.file == output)
            #expect(error?.message.contains("unknown output format") == true)
            #expect(error?.hint?.contains(".gpkg") == true)
            let contents = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            #expect(contents.isEmpty)
            #expect(throws: StoreError.self) { try GeoPackageStore.driver(forOutput: "a.kml") }
            #expect(try GeoPackageStore.driver(forOutput: "A.GeoJSON") == "GeoJSON")
            #expect(try GeoPackageStore.driver(forOutput: "x.fgb") == "FlatGeobuf")
        }
    }

    @Test func missingLayerFailsWithNothingWritten() throws {
        let store = try GeoPackageStore.open(try ImportedCity.named("helsinki").store)
        try withTemporaryDirectory { dir in
            let error = expectStoreError { try store.exportLayer("trees", to: dir.appendingPathComponent("t.gpkg").path) }
            #expect(error?.layer == "trees")
            let contents = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            #expect(contents.isEmpty)
        }
    }

    @Test func failedExportLeavesNothingBehind() throws {
        // Facilities mix points and polygons; a Shapefile holds one geometry type, so GDAL fails part-way.
        let store = try GeoPackageStore.open(try ImportedCity.named("porto").store)
        try withTemporaryDirectory { dir in
            let output = dir.appendingPathComponent("facilities.shp").path
            let error = expectStoreError { try store.exportLayer("facilities", to: output) }
            #expect(error?.message.contains("export failed") == true, "\(String(describing: error))")
            #expect(error?.layer == "facilities")
            let contents = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            #expect(contents.isEmpty, "no partial Shapefile, no staging folder: \(contents)")
        }
    }

    @Test func exportIntoAnExistingGeoPackageAddsAndReplacesLayers() throws {
        let store = try GeoPackageStore.open(try ImportedCity.named("helsinki").store)
        try withTemporaryDirectory { dir in
            let output = dir.appendingPathComponent("out.gpkg").path
            try store.exportLayer("buildings", to: output)
            try store.exportLayer("roads", to: output)
            try store.exportLayer("buildings", to: output)
            let listing = try ogrinfo(["-q", output])
            #expect(listing.contains("buildings") && listing.contains("roads"), "\(listing)")
            #expect(listing.split(separator: "\n").filter { $0.contains(": buildings") }.count == 1)
            #expect(Self.featureCount(try ogrinfo(["-so", output, "buildings"])) == store.featureCount("buildings"))
            #expect(Self.featureCount(try ogrinfo(["-so", output, "roads"])) == store.featureCount("roads"))
        }
    }
}
