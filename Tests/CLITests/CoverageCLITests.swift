import Foundation
import Testing

@Suite("cim coverage / isochrones, run as a user would")
struct CoverageCLITests {
    @Test("straight-line coverage writes both layers and prints a summary in every format", arguments: cliBackends)
    func coverageFormats(_ backend: Backend) throws {
        let (_, store, cleanup) = try backend.helsinki()
        defer { cleanup() }
        let table = try cim("coverage", store)
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains("short boards"))
        #expect(table.stderr.contains("warning: no areas of kind 'community'"))
        let summary = try cim("coverage", store, "--format", "json", "--unknown-residential")
        let root = try json(summary.stdout)
        let categories = try #require(root["categories"] as? [[String: Any]])
        // Categories with no facility at all are listed in data_quality, apart from the short boards.
        let quality = try #require(root["data_quality"] as? [[String: Any]])
        let none = (quality.first { ($0["measure"] as? String) == "categories with no facility at all" }?["value"] as? String) ?? ""
        let noneCount = none == "none" ? 0 : none.components(separatedBy: ", ").count
        #expect(categories.count + noneCount == 22 && categories.count > 0, "\(categories.count) + \(none)")
        let outs = categories.compactMap { $0["residents_out"] as? Double }
        #expect(outs == outs.sorted(by: >))
        let csv = try cim("coverage", store, "--format", "csv")
        #expect(csv.stdout.contains("# Categories"))
        let info = try json(try cim("info", store, "--format", "json").stdout)
        let layers = (info["layers"] as? [[String: Any]] ?? []).map { $0["layer"] as? String ?? "" }
        #expect(layers.contains("coverage_buildings") && layers.contains("coverage_areas"))
        let ogr = try tool("ogrinfo", ["-so", try backend.gdalName(store), "coverage_buildings"])
        #expect(ogr.stdout.contains("dist_kindergarten"))
    }

    @Test("network coverage and isochrones on real data", arguments: cliBackends)
    func network(_ backend: Backend) throws {
        let (_, store, cleanup) = try backend.helsinki()
        defer { cleanup() }
        let result = try cim("coverage", store, "--metric", "network", "--format", "json")
        #expect(result.status == 0, "\(result.stderr)")
        let root = try json(result.stdout)
        let network = try #require(root["network"] as? [[String: Any]])
        #expect(network.contains { ($0["measure"] as? String) == "components" })
        let iso = try cim("isochrones", store, "--category", "bus_stop", "--minutes", "5,10", "--format", "json")
        #expect(iso.status == 0, "\(iso.stderr)")
        let rows = try #require(try json(iso.stdout)["isochrones"] as? [[String: Any]])
        #expect(rows.count == 2)
        let areas = rows.compactMap { $0["area_km2"] as? Double }
        #expect(areas.count == 2 && areas[0] > 0 && areas[1] > areas[0])
    }

    @Test("coverage refuses a store without facilities, and a store in lon/lat")
    func refusals() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("only-buildings.gpkg").path
        let osm = repositoryData.appendingPathComponent("helsinki.osm.pbf").path
        #expect(try cim("import", store, "buildings", osm).status == 0)
        let missing = try cim("coverage", store)
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no facilities layer"))
        // And a store with facilities but no buildings.
        let onlyFacilities = folder.appendingPathComponent("only-facilities.gpkg").path
        #expect(try cim("import", onlyFacilities, "facilities", osm).status == 0)
        let noBuildings = try cim("coverage", onlyFacilities)
        #expect(noBuildings.status != 0)
        #expect(noBuildings.stderr.contains("no buildings layer"))
        // A GeoPackage in EPSG:4326 made with ogr2ogr from an imported store.
        let projected = folder.appendingPathComponent("projected.gpkg").path
        #expect(try cim("import", projected, "all", osm).status == 0)
        let lonlat = folder.appendingPathComponent("lonlat.gpkg").path
        for layer in ["buildings", "facilities"] {
            let mode = layer == "buildings" ? ["-f", "GPKG"] : ["-update", "-append"]
            let made = try tool("ogr2ogr", mode + ["-t_srs", "EPSG:4326", "-nln", layer, lonlat, projected, layer])
            #expect(made.status == 0, "\(made.stderr)")
        }
        let refused = try cim("coverage", lonlat)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("lon/lat"))
    }
}
