import CIMGeometry
import CIMStore
import Foundation
import Testing

/// One import of a city's OSM extract with the shipped preset, shared by the tests that only read it.
/// (The import takes seconds. Tests only read these stores; whatever they write goes to their own temporary
/// directory.) Checked `Sendable`: only `let`s of `Sendable` types (the store is kept as its path).
final class ImportedCity: Sendable {
    let name: String
    let pbf: String
    let directory: URL
    let store: String
    let reports: [String: ImportReport]
    let seconds: Double

    init(_ name: String) throws {
        self.name = name
        pbf = dataFile("\(name).osm.pbf")
        directory = try ImportedCity.fixtureDirectory(name)
        store = directory.appendingPathComponent("\(name).gpkg").path
        let started = Date()
        let opened = try GeoPackageStore.openOrCreate(store)
        let reports = try opened.importOSM(source: pbf, preset: OSMPreset.shipped())
        seconds = Date().timeIntervalSince(started)
        self.reports = Dictionary(uniqueKeysWithValues: reports.map { ($0.layer, $0) })
    }

    /// A fresh directory named after this process. The test runner gives no hook at the end of the run, so
    /// each run removes the fixtures of earlier runs whose process is gone.
    static func fixtureDirectory(_ name: String) throws -> URL {
        let fm = FileManager.default
        let temporary = fm.temporaryDirectory
        for entry in (try? fm.contentsOfDirectory(atPath: temporary.path)) ?? [] where entry.hasPrefix("cim-osm-fixture-") {
            let fields = entry.split(separator: "-")
            if fields.count >= 4, let pid = Int32(fields[3]), pid != getpid(), kill(pid, 0) != 0 {
                try? fm.removeItem(at: temporary.appendingPathComponent(entry))
            }
        }
        let url = temporary.appendingPathComponent("cim-osm-fixture-\(getpid())-\(name)-\(UUID().uuidString)")
        try fm.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static let porto: Result<ImportedCity, Error> = Result { try ImportedCity("porto") }
    static let helsinki: Result<ImportedCity, Error> = Result { try ImportedCity("helsinki") }

    static func named(_ name: String) throws -> ImportedCity {
        try (name == "porto" ? porto : helsinki).get()
    }
}

/// Counts by `Tests/CrossCheck/osm_counts.sh` (GDAL alone, the preset written as SQL) for one .pbf file.
func referenceCounts(_ pbf: String) throws -> [String: Int] {
    let script = repositoryRoot.appendingPathComponent("Tests/CrossCheck/osm_counts.sh").path
    let result = try run("/bin/bash", [script, pbf])
    #expect(result.status == 0, "osm_counts.sh failed: \(result.stderr)")
    var counts: [String: Int] = [:]
    for line in result.stdout.split(separator: "\n") {
        let fields = line.split(separator: " ")
        if fields.count == 2, let n = Int(fields[1]) { counts[String(fields[0])] = n }
    }
    return counts
}

@Suite(.serialized) struct OSMImportTests {
    static let cities = ["porto", "helsinki"]

    @Test("selected counts agree with ogr2ogr -sql (osm_counts.sh)", arguments: cities)
    func countsAgreeWithGDAL(_ name: String) throws {
        let city = try ImportedCity.named(name)
        let expected = try referenceCounts(city.pbf)
        try #require(expected["buildings"] != nil, "the reference script printed counts")
        for layer in ["buildings", "facilities", "roads", "pipes", "pipe_nodes"] {
            let report = try #require(city.reports[layer], "\(layer) was imported")
            let reference = try #require(expected[layer], "the script counts \(layer)")
            #expect(report.selected == reference, "\(name) \(layer): cim selected \(report.selected), ogr2ogr -sql counts \(reference)")
            // Every selected feature is imported or rejected (OSM lines and points come one part each: no splits).
            #expect(report.split == 0)
            #expect(report.imported + report.rejected == report.selected,
                    "\(name) \(layer): imported \(report.imported) + rejected \(report.rejected) = selected \(report.selected)")
            #expect(report.read >= report.selected)
            let store = try GeoPackageStore.open(city.store)
            #expect(store.featureCount(layer) == report.imported)
            print("[osm cross-check] \(name) \(layer): ogr2ogr -sql \(reference), cim read \(report.read) selected \(report.selected) imported \(report.imported) rejected \(report.rejected) repaired \(report.repaired)")
        }
    }

    @Test("per-value counts (building use, facility category, walkable roads, pipe kinds) agree with GDAL", arguments: cities)
    func valueCountsAgreeWithGDAL(_ name: String) throws {
        let city = try ImportedCity.named(name)
        let expected = try referenceCounts(city.pbf)
        let store = try GeoPackageStore.open(city.store)
        func check(_ layer: String, _ field: String, _ prefix: String) throws {
            let report = try #require(city.reports[layer])
            let counts = try store.valueCounts(layer, field: field, limit: 100)
            for (key, reference) in expected where key.hasPrefix(prefix) {
                let value = String(key.dropFirst(prefix.count))
                let got = counts.first { $0.value == value }?.count ?? 0
                if report.rejected == 0 {
                    #expect(got == reference, "\(name) \(layer).\(field) = \(value): cim \(got), ogr2ogr \(reference)")
                } else {
                    #expect(got <= reference && got >= reference - report.rejected, "\(name) \(layer).\(field) = \(value): cim \(got), ogr2ogr \(reference)")
                }
            }
        }
        try check("buildings", "use", "buildings.use.")
        try check("facilities", "category", "facilities.")
        try check("pipes", "kind", "pipes.kind.")
        try check("pipe_nodes", "kind", "pipe_nodes.kind.")
        let walkable = try store.valueCounts("roads", field: "walkable").first { $0.value == "1" }?.count ?? 0
        #expect(walkable == expected["roads.walkable"], "\(name) walkable roads")
    }

    @Test("the store's CRS is the city's UTM zone and every layer is in it", arguments: [("porto", "EPSG:32629"), ("helsinki", "EPSG:32635")])
    func storeCRS(_ name: String, _ crs: String) throws {
        let city = try ImportedCity.named(name)
        let store = try GeoPackageStore.open(city.store)
        #expect(store.crs?.identifier == crs)
        for report in city.reports.values {
            #expect(report.storeCRS == crs)
            #expect(report.sourceCRS == "EPSG:4326")
        }
        let extent = try #require(store.extent("buildings"))
        // Metric coordinates in the UTM band, not degrees.
        #expect(extent.minX > 160_000 && extent.maxX < 840_000, "\(extent)")
        #expect(extent.maxX - extent.minX > 300 && extent.maxX - extent.minX < 20_000)
        // ogrinfo agrees on the layer's CRS.
        let info = try ogrinfo(["-so", city.store, "buildings"])
        #expect(info.contains("ID[\"EPSG\",\(crs.dropFirst(5))]"), "\(info.prefix(2000))")
    }

    @Test("ogrinfo opens the store, lists the layers, and every spatial layer has its R-tree", arguments: cities)
    func ogrinfoListsLayersAndIndexes(_ name: String) throws {
        let city = try ImportedCity.named(name)
        let listing = try ogrinfo(["-q", city.store])
        // "1: buildings (Multi Polygon)", "2: facilities" (any geometry type has no suffix), …
        let listed = Set(listing.split(separator: "\n").compactMap { line -> String? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
        })
        #expect(listed.isSuperset(of: ["buildings", "facilities", "roads", "pipes", "pipe_nodes", "cim_metadata", "cim_layers"]), "\(listing)")
        for layer in ["buildings", "facilities", "roads", "pipes", "pipe_nodes"] {
            let sql = try ogrinfo([city.store, "-sql", "SELECT HasSpatialIndex('\(layer)', 'geom')", "-q"])
            #expect(sql.contains("HasSpatialIndex (Integer) = 1"), "\(layer): \(sql)")
        }
        let missing = try ogrinfo([city.store, "-sql", "SELECT HasSpatialIndex('cim_layers', 'geom')", "-q"])
        #expect(missing.contains("HasSpatialIndex (Integer) = 0"), "the check can fail: \(missing)")
        #expect(listing.contains("buildings (Multi Polygon)"))
        #expect(listing.contains("roads (Line String)"))
        #expect(listing.contains("pipe_nodes (Point)"))
        // The R-tree has one entry per feature.
        let rtree = try ogrinfo([city.store, "-sql", "SELECT COUNT(*) AS n FROM rtree_buildings_geom", "-q"])
        let count = try GeoPackageStore.open(city.store).featureCount("buildings") ?? -1
        #expect(rtree.contains("n (Integer) = \(count)"), "\(rtree)")
    }

    @Test("every rejection and repair is listed with its OSM id and an explanation", arguments: cities)
    func rejectionsAreExplained(_ name: String) throws {
        let city = try ImportedCity.named(name)
        let store = try GeoPackageStore.open(city.store)
        for (layer, report) in city.reports {
            let issues = try store.importIssues(layer: layer)
            #expect(issues == report.issues, "\(layer): cim_import_issues holds the report's issues")
            #expect(issues.filter { $0.action == .rejected }.count == report.rejected)
            #expect(issues.filter { $0.action == .repaired }.count == report.repaired)
            for issue in issues {
                #expect(issue.feature.hasPrefix("way/") || issue.feature.hasPrefix("relation/") || issue.feature.hasPrefix("node/"))
                switch issue.action {
                case .rejected:
                    // In these extracts only buildings cut by the extract's edge: two nodes left, no area.
                    #expect(issue.reason == "a polygon ring has fewer than 4 points", "\(name) \(layer) \(issue.feature): \(issue.reason)")
                case .repaired:
                    #expect(issue.reason.hasSuffix(": made valid"), "\(issue.reason)")
                default:
                    Issue.record("unexpected \(issue.action) of \(issue.feature): \(issue.reason)")
                }
            }
        }
    }

    @Test("metadata: cim_layers records every import, ids are OSM ids", arguments: cities)
    func provenance(_ name: String) throws {
        let city = try ImportedCity.named(name)
        let store = try GeoPackageStore.open(city.store)
        let records = try store.layerRecords()
        #expect(Set(records.map(\.layer)) == ["buildings", "facilities", "roads", "pipes", "pipe_nodes"])
        for record in records {
            #expect(record.source == city.pbf)
            #expect(record.features == city.reports[record.layer]?.imported)
            #expect(record.sourceCRS == "EPSG:4326")
        }
        #expect(try store.metadataValue("format") == "cim-bundle")
        let ids = try #require(try store.snapshot("buildings", fields: ["id"]).text("id"))
        #expect(ids.allSatisfy { ($0 ?? "").hasPrefix("way/") || ($0 ?? "").hasPrefix("relation/") })
        #expect(Set(ids).count == ids.count, "building ids are unique")
        let roads = try #require(try store.snapshot("roads", fields: ["id"]).text("id"))
        #expect(roads.allSatisfy { ($0 ?? "").hasPrefix("way/") })
    }
}
