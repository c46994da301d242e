import Foundation
import Testing

/// `cim check` and `cim checks` as a user runs them, on a small generated city.
@Suite(.serialized) struct CheckCLITests {
    static func generated() throws -> (folder: URL, store: String) {
        let folder = try scratchDirectory()
        let store = folder.appendingPathComponent("city.gpkg").path
        let result = try cim("generate", "--buildings", "3000", "--seed", "5", store)
        precondition(result.status == 0, "generate failed: \(result.stderr)")
        return (folder, store)
    }

    @Test(arguments: cliBackends) func jsonHasTheStableKeysAndIsRecorded(_ backend: Backend) throws {
        let (_, store, cleanup) = try backend.generated()
        defer { cleanup() }
        let result = try cim("check", store, "--year", "2025", "--format", "json")
        #expect(result.status == 0, "\(result.stderr)")
        let root = try json(result.stdout)
        let indicators = try #require(root["indicators"] as? [[String: Any]])
        #expect(indicators.count >= 17)
        let keys = ["key", "name_zh", "name_en", "dimension", "level", "value", "unit", "numerator", "denominator", "standard",
                    "score", "grade", "warning", "computable"]
        for indicator in indicators { for key in keys { #expect(indicator.keys.contains(key), "indicator lacks \(key)") } }
        let areas = try #require(root["areas"] as? [[String: Any]])
        #expect(Set(areas.compactMap { $0["kind"] as? String }) == ["district", "community"])
        for area in areas.prefix(5) {
            let values = try #require(area["indicators"] as? [[String: Any]])
            for key in keys { #expect(values[0].keys.contains(key)) }
        }
        let index = try #require(root["index"] as? [String: Any])
        #expect(index["overall"] is Double && index["dimensions"] is [String: Any])
        #expect(root["diagnosis"] is [Any])
        let check = try #require(root["check"] as? [String: Any])
        #expect(check["year"] as? Int == 2025 && check["indicator_file"] as? String == "city-health-check.json")
        #expect((check["inputs"] as? [Any])?.count == 7)

        // Recorded: cim checks lists it; the layer check_areas has every area.
        let list = try cim("checks", store, "--format", "json")
        #expect(list.status == 0)
        let checks = try #require(try json(list.stdout)["checks"] as? [[String: Any]])
        #expect(checks.count == 1 && checks[0]["year"] as? Int == 2025)
        let info = try tool("ogrinfo", ["-so", try backend.gdalName(store), "check_areas"])
        #expect(info.stdout.contains("Feature Count: \(areas.count)"))
        #expect(info.stdout.contains("kindergarten_coverage_score"))
        let values = try tool("ogrinfo", ["-q", "-sql", "SELECT COUNT(*) AS n FROM cim_check_values WHERE check_id = 1", try backend.gdalName(store)])
        #expect(values.stdout.contains("n (Integer") && values.stdout.contains("= \(indicators.count * (areas.count + 1))"), "\(values.stdout)")
    }

    @Test(arguments: cliBackends) func baselineComparesWithTheStoredYear(_ backend: Backend) throws {
        let (folder, store, cleanup) = try backend.generated()
        defer { cleanup() }
        #expect(try cim("check", store, "--year", "2024").status == 0)
        let again = try cim("check", store, "--year", "2025", "--baseline", "2024", "--format", "json")
        #expect(again.status == 0, "\(again.stderr)")
        let comparison = try #require(try json(again.stdout)["comparison"] as? [String: Any])
        let changes = try #require(comparison["changes"] as? [[String: Any]])
        // Same layers: nothing but the year-dependent count of new tall housing can move.
        let moved = changes.filter { ($0["trend"] as? String) == "improved" || ($0["trend"] as? String) == "declined" }
        #expect(moved.allSatisfy { ($0["key"] as? String) == "new_residential_over_80m" })
        // Another store's check, by path and year; a missing year is refused with the years stored.
        // (the other store is a GeoPackage: the copy of the city, or of the PostGIS store's source)
        let other = folder.appendingPathComponent("other.gpkg").path
        if backend == .geopackage { try FileManager.default.copyItem(atPath: store, toPath: other) } else {
            try FileManager.default.copyItem(atPath: folder.appendingPathComponent("city.gpkg").path, toPath: other)
            #expect(try cim("check", other, "--year", "2025").status == 0)
        }
        let cross = try cim("check", store, "--year", "2026", "--baseline", "\(other):2025", "--format", "csv")
        #expect(cross.status == 0, "\(cross.stderr)")
        #expect(cross.stdout.contains("key,area_kind,area_id,area_name,value,unit"))
        #expect(cross.stdout.contains(",baseline,change,trend"))
        let missing = try cim("check", store, "--year", "2025", "--baseline", "2019")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no stored check of year 2019") && missing.stderr.contains("2024"))
        // The failed run recorded nothing.
        let checks = try #require(try json(try cim("checks", store, "--format", "json").stdout)["checks"] as? [[String: Any]])
        #expect(checks.count == 3)
    }

    @Test(arguments: cliBackends) func badInputIsRefusedWithoutWriting(_ backend: Backend) throws {
        let (folder, store, cleanup) = try backend.generated()
        defer { cleanup() }
        let broken = folder.appendingPathComponent("broken.json")
        let shipped = try String(contentsOf: repositoryData.appendingPathComponent("indicators/city-health-check.json"), encoding: .utf8)
        try shipped.replacingOccurrences(of: "\"standard\": 80,", with: "\"standard\": -80,").write(to: broken, atomically: true, encoding: .utf8)
        let result = try cim("check", store, "--year", "2025", "--indicators", broken.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("indicator 'park_service_coverage'") && result.stderr.contains("\"standard\" must not be negative"))
        for bad in [["--year", "20250"], ["--year", "2025", "--grid", "nan"], ["--year", "2025", "--grid", "-5"],
                    ["--year", "2025", "--baseline", "last year"], ["--year", "2025", "--max-access", "inf"]] {
            let refused = try cim(["check", store] + bad)
            #expect(refused.status != 0, "\(bad) was accepted")
        }
        let checks = try cim("checks", store)
        #expect(checks.stdout.contains("no check recorded yet"))
    }

    @Test(arguments: cliBackends) func missingLayersAreNotComputable(_ backend: Backend) throws {
        let folder = try scratchDirectory()
        let store = try backend.freshStore(in: folder, name: "porto")
        defer { backend.drop(store); try? FileManager.default.removeItem(at: folder) }
        let imported = try cim("import", store, "all", repositoryData.appendingPathComponent("porto.osm.pbf").path)
        #expect(imported.status == 0, "\(imported.stderr)")
        let result = try cim("check", store, "--year", "2025", "--format", "json")
        #expect(result.status == 0, "\(result.stderr)")
        let indicators = try #require(try json(result.stdout)["indicators"] as? [[String: Any]])
        let water = try #require(indicators.first { $0["key"] as? String == "waterlogging_density" })
        #expect(water["computable"] as? Bool == false && water["value"] is NSNull)
        #expect(water["needs"] as? String == "layer waterlogging")
        // No areas in an OSM import: a grid.
        let areas = try #require(try json(result.stdout)["areas"] as? [[String: Any]])
        #expect(areas.allSatisfy { $0["kind"] as? String == "grid" })
        let table = try cim("check", store, "--year", "2025", "--lang", "en")
        #expect(table.stdout.contains("not computable: needs layer waterlogging"))
    }
}
