import CIMStore
import Foundation
import Testing

/// The PostGIS server of the tests (CIM_TEST_POSTGIS; Scripts/test.sh starts Scripts/postgis.sh and sets it).
private let postGISURL: String? = ProcessInfo.processInfo.environment["CIM_TEST_POSTGIS"].flatMap { $0.isEmpty ? nil : $0 }

/// The same city in a GeoPackage store and in a PostGIS store, every analysis run through the CLI on both:
/// every layer of both stores — the imported ones and every result layer of coverage (euclidean and
/// network), gaps, audit and check — is compared row by row (fids, geometries as WKB, every column's type
/// and values), and so are the recorded check values. Then `cim export` out of PostGIS and `cim import` back.
@Suite(.serialized, .enabled(if: postGISURL != nil, "needs a PostGIS server: set CIM_TEST_POSTGIS (Scripts/test.sh starts Scripts/postgis.sh and sets it)"))
struct PostGISBackendCLITests {
    static let bundleLayers = ["buildings", "facilities", "roads", "pipes", "pipe_nodes", "areas", "waterlogging"]

    /// A fresh schema address in the test database, dropped at the end.
    static func withSchema<R>(_ body: (String) throws -> R) throws -> R {
        let url = try #require(postGISURL)
        let schema = "cim_cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        defer { _ = try? tool("psql", [url, "-qc", "DROP SCHEMA IF EXISTS \(schema) CASCADE"]) }
        return try body("\(url)?schema=\(schema)")
    }

    /// Expects every layer of the two stores to be the same, and the same layers to exist.
    static func expectSameStores(_ a: any LayerStore, _ b: any LayerStore, after step: String) throws {
        #expect(a.layerNames.sorted() == b.layerNames.sorted(), "\(step): layers")
        for layer in a.layerNames where b.hasLayer(layer) {
            let x = try a.snapshot(layer), y = try b.snapshot(layer)
            #expect(x.count == y.count, "\(step): \(layer) count")
            #expect(x.geometryType == y.geometryType, "\(step): \(layer) geometry type")
            #expect(x.fids == y.fids, "\(step): \(layer) fids")
            let wkbA = (0 ..< x.geometries.count).map { x.geometries.wkb($0) }, wkbB = (0 ..< y.geometries.count).map { y.geometries.wkb($0) }
            if let i = zip(wkbA, wkbB).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                Issue.record("\(step): \(layer) geometry of fid \(x.fids[i]) differs")
            }
            #expect(x.columns.map(\.name) == y.columns.map(\.name), "\(step): \(layer) columns")
            for (c, d) in zip(x.columns, y.columns) {
                #expect(c.values.type == d.values.type, "\(step): \(layer).\(c.name) type")
                // Every value exactly (line densities are summed in a fixed order since issue 14's fix).
                if let i = (0 ..< min(c.values.count, d.values.count)).first(where: { c.values[$0] != d.values[$0] }) {
                    Issue.record("\(step): \(layer).\(c.name) differs at fid \(x.fids[i]): \(c.values[i]) vs \(d.values[i])")
                }
            }
        }
    }

    @Test func everyResultLayerIsTheSameInAGeoPackageAndInPostGIS() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let city = folder.appendingPathComponent("city.gpkg").path
        let generated = try cim("generate", "--buildings", "2500", "--seed", "14", city)
        try #require(generated.status == 0, "\(generated.stderr)")
        let gpkg = folder.appendingPathComponent("store.gpkg").path
        try Self.withSchema { pg in
            // The same import into both stores.
            for layer in Self.bundleLayers {
                for store in [gpkg, pg] {
                    let result = try cim("import", store, layer, city, "--source-layer", layer)
                    try #require(result.status == 0, "import \(layer) into \(store): \(result.stderr)")
                }
            }
            try Self.expectSameStores(try openStore(gpkg), try openStore(pg), after: "import")
            let steps: [[String]] = [["coverage"], ["coverage", "--metric", "network"], ["gaps"], ["audit"], ["check", "--year", "2025"]]
            for step in steps {
                var outputs: [String] = []
                for store in [gpkg, pg] {
                    let result = try cim([step[0], store] + Array(step.dropFirst()) + ["--format", "json"])
                    try #require(result.status == 0, "\(step.joined(separator: " ")) on \(store): \(result.stderr)")
                    outputs.append(result.stdout)
                }
                try Self.expectSameStores(try openStore(gpkg), try openStore(pg), after: step.joined(separator: " "))
                if step[0] != "check" {
                    // The summaries agree too, apart from the timings and the store's name.
                    let displayed = try openStore(pg).address
                    let a = try json(outputs[0].replacingOccurrences(of: gpkg, with: "STORE"))
                    let b = try json(outputs[1].replacingOccurrences(of: displayed, with: "STORE").replacingOccurrences(of: pg, with: "STORE"))
                    for key in a.keys.sorted() where key != "timings" {
                        let x = try JSONSerialization.data(withJSONObject: a[key] ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed])
                        let y = try JSONSerialization.data(withJSONObject: b[key] ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed])
                        #expect(x == y, "\(step.joined(separator: " ")): summary table \(key)")
                    }
                }
            }
            let a = try openStore(gpkg), b = try openStore(pg)
            // Recorded checks, exactly: both stores read their reals as doubles (not through text).
            let recordsA = try a.checkRecords(), recordsB = try b.checkRecords()
            #expect(recordsA.map(\.index) == recordsB.map(\.index) && recordsA.map(\.dimensionIndex) == recordsB.map(\.dimensionIndex))
            let valuesA = try a.checkValues(check: 1), valuesB = try b.checkValues(check: 1)
            #expect(valuesA.count == valuesB.count)
            for (x, y) in zip(valuesA, valuesB) where x != y {
                Issue.record("\(x.indicator) \(x.areaKind) \(x.areaId): \(x) vs \(y)")
            }
            #expect(try !b.checkValues(check: 1).isEmpty)
        }
    }

    @Test func aLayerExportedFromPostGISAndImportedBackIsTheSame() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let city = folder.appendingPathComponent("city.gpkg").path
        try #require(try cim("generate", "--buildings", "800", "--seed", "3", city).status == 0)
        try Self.withSchema { pg in
            for layer in Self.bundleLayers {
                let result = try cim("import", pg, layer, city, "--source-layer", layer)
                try #require(result.status == 0, "\(result.stderr)")
            }
            let coverage = try cim("coverage", pg)
            try #require(coverage.status == 0, "\(coverage.stderr)")
            // Out: coverage_areas and buildings to a GeoPackage, through GDAL's PG driver.
            let out = folder.appendingPathComponent("out.gpkg").path
            for layer in ["coverage_areas", "buildings"] {
                let result = try cim("export", pg, layer, out)
                try #require(result.status == 0, "export \(layer): \(result.stderr)")
            }
            let store = try openStore(pg)
            let exported = try openStore(out)
            for layer in ["coverage_areas", "buildings"] {
                let a = try store.snapshot(layer), b = try exported.snapshot(layer)
                #expect(a.count == b.count && a.count > 0, "\(layer)")
                #expect((0 ..< a.count).map { a.geometries.wkb($0) } == (0 ..< b.count).map { b.geometries.wkb($0) }, "\(layer) geometries")
                #expect(a.columns.map(\.name) == b.columns.map(\.name), "\(layer) fields")
            }
            let filtered = try cim("export", pg, "coverage_areas", folder.appendingPathComponent("incomplete.geojson").path, "--where", "complete = 0")
            #expect(filtered.status == 0, "\(filtered.stderr)")
            // And back: the exported buildings imported into another schema equal the original layer.
            try Self.withSchema { other in
                let result = try cim("import", other, "buildings", out, "--source-layer", "buildings")
                try #require(result.status == 0, "\(result.stderr)")
                let back = try openStore(other).snapshot("buildings"), original = try store.snapshot("buildings")
                #expect(back.count == original.count)
                #expect((0 ..< back.count).map { back.geometries.wkb($0) } == (0 ..< original.count).map { original.geometries.wkb($0) })
                #expect(back.text("id") == original.text("id"))
            }
        }
    }
}
