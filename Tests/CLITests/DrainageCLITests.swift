import Foundation
import Testing

/// The `layers` of `cim info --format json`.
func storeLayers(_ store: String) throws -> [String] {
    let info = try json(try cim("info", store, "--format", "json").stdout)
    return (info["layers"] as? [[String: Any]] ?? []).map { $0["layer"] as? String ?? "" }
}

/// The value of an overview row.
func overviewValue(_ root: [String: Any], _ measure: String) -> Any? {
    (root["overview"] as? [[String: Any]])?.first { ($0["measure"] as? String) == measure }?["value"]
}

@Suite("cim gaps / audit, run as a user would")
struct DrainageCLITests {
    @Test("Helsinki: gaps with the drains writes three layers; default kinds fail clearly and write nothing", arguments: cliBackends)
    func helsinkiGaps(_ backend: Backend) throws {
        let (_, store, cleanup) = try backend.helsinki()
        defer { cleanup() }
        let refused = try cim("gaps", store)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("no pipe of kind sewer,combined") && refused.stderr.contains("--kinds"), "\(refused.stderr)")
        #expect(!(try storeLayers(store)).contains("pipe_service"))

        let result = try cim("gaps", store, "--kinds", "storm", "--format", "json", "--top", "3")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("derived from the buildings"))
        let root = try json(result.stdout)
        let zones = try #require(overviewValue(root, "blank zones") as? Int)
        let listed = try #require(root["zones"] as? [[String: Any]])
        #expect(listed.count == min(3, zones))
        #expect(try storeLayers(store).contains { $0 == "blank_zones" })
        let query = try json(try cim("query", store, "blank_zones", "--format", "json").stdout)
        #expect((query["features"] as? [[String: Any]])?.count == zones)
        let unserved = try #require(overviewValue(root, "unserved buildings (built-up land)") as? Int)
        let buildings = try #require(listed.first?["buildings"] as? Int)
        #expect(buildings <= unserved && unserved > 0)
        let table = try cim("gaps", store, "--kinds", "storm,water,other", "--radius", "30", "--merge", "60")
        #expect(table.status == 0 && table.stdout.contains("Largest blank zones"))
        let csv = try cim("gaps", store, "--kinds", "storm", "--format", "csv")
        #expect(csv.stdout.contains("# Pipe-network blank zones"))
        let bad = try cim("gaps", store, "--kinds", "sewage")
        #expect(bad.status != 0 && bad.stderr.contains("unknown pipe kind 'sewage'"))
    }

    @Test("Helsinki: audit every pipeline; JSON lists every defect type", arguments: cliBackends)
    func helsinkiAudit(_ backend: Backend) throws {
        let (_, store, cleanup) = try backend.helsinki()
        defer { cleanup() }
        let result = try cim("audit", store, "--kinds", "all", "--format", "json")
        #expect(result.status == 0, "\(result.stderr)")
        let root = try json(result.stdout)
        let types = try #require(root["defect_types"] as? [[String: Any]])
        #expect(types.compactMap { $0["type"] as? String } == ["dangling_end", "near_miss_break", "no_outlet_component", "reversed_slope",
                                                               "diameter_shrink", "zero_length", "over_long", "duplicate_pipe", "missing_attributes"])
        let total = try #require(overviewValue(root, "defects") as? Int)
        #expect(types.compactMap { $0["count"] as? Int }.reduce(0, +) == total)
        let query = try json(try cim("query", store, "pipe_defects", "--format", "json").stdout)
        #expect((query["features"] as? [[String: Any]])?.count == total)
        #expect(result.stderr.contains("no audited pipe has inverts"))
    }

    @Test("Bellinge: pipes without a kind are refused with a hint; --kinds unknown audits them", arguments: cliBackends)
    func bellinge(_ backend: Backend) throws {
        let folder = try scratchDirectory()
        let store = try backend.freshStore(in: folder, name: "b")
        defer { backend.drop(store); try? FileManager.default.removeItem(at: folder) }
        let edges = repositoryData.appendingPathComponent("bellinge/edges.geojson").path
        let nodes = repositoryData.appendingPathComponent("bellinge/nodes.geojson").path
        let imported = try cim("import", store, "pipes", edges, "--map", "diameter_mm=diameter")
        #expect(imported.status == 0 && imported.stderr.contains("look like metres"))
        #expect(try cim("import", store, "pipes", edges, "--map", "diameter_mm=diameter", "--diameter-unit", "m").stderr.isEmpty)
        #expect(try cim("import", store, "pipe_nodes", nodes, "--map", "invert_z=chamber_floor_elevation").status == 0)
        let refused = try cim("audit", store)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("none of the 14 pipes has a kind") && refused.stderr.contains("--map kind="), "\(refused.stderr)")
        #expect(!(try storeLayers(store)).contains("pipe_defects"))
        let gaps = try cim("gaps", store)
        #expect(gaps.status != 0 && gaps.stderr.contains("no buildings layer"))
        let audit = try cim("audit", store, "--kinds", "unknown", "--format", "json")
        #expect(audit.status == 0, "\(audit.stderr)")
        let types = try #require(try json(audit.stdout)["defect_types"] as? [[String: Any]])
        let counts = Dictionary(uniqueKeysWithValues: types.map { ($0["type"] as! String, $0["count"] as! Int) })
        #expect(counts["diameter_shrink"] == 1 && counts["no_outlet_component"] == 1 && counts["reversed_slope"] == 0)
    }

    @Test("a store without pipes: both commands say so and write nothing", arguments: cliBackends)
    func noPipes(_ backend: Backend) throws {
        let folder = try scratchDirectory()
        let store = try backend.freshStore(in: folder, name: "only-buildings")
        defer { backend.drop(store); try? FileManager.default.removeItem(at: folder) }
        #expect(try cim("import", store, "buildings", repositoryData.appendingPathComponent("helsinki.osm.pbf").path).status == 0)
        for command in ["gaps", "audit"] {
            let result = try cim(command, store)
            #expect(result.status != 0)
            #expect(result.stderr.contains("no pipes layer") && result.stderr.contains("cim import"), "\(result.stderr)")
        }
        #expect(try storeLayers(store) == ["buildings"])
    }
}
