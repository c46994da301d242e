import Foundation
import Testing

/// The QGIS-facing metadata of result layers, read back with SQLite (`sqlite3`) and GDAL (`ogrinfo`): a
/// default style per layer in `layer_styles` whose renderer field exists, and field aliases in
/// `gpkg_data_columns` named from the standard and indicator files (read here from the JSON files).
@Suite(.serialized) struct QGISMetadataCLITests {
    func sql(_ store: String, _ query: String) throws -> [[String]] {
        let result = try tool("sqlite3", ["-separator", "\t", store, query])
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
    }

    @Test func resultLayersCarryStylesAndAliases() throws {
        let (_, store) = try CheckCLITests.generated()
        for command in [["coverage", store], ["gaps", store], ["audit", store], ["check", store, "--year", "2025"]] {
            let result = try cim(command)
            #expect(result.status == 0, "\(command[0]): \(result.stderr)")
        }
        let styled = ["coverage_areas": "complete", "coverage_buildings": "complete", "pipe_service": "unserved", "blank_zones": "residents",
                      "pipe_defects": "severity", "check_areas": "health_index"]
        for (layer, field) in styled {
            let rows = try sql(store, "SELECT styleName, useAsDefault, replace(styleQML, char(10), ' '), f_geometry_column FROM layer_styles WHERE f_table_name = '\(layer)' AND useAsDefault = 1")
            #expect(rows.count == 1, "\(layer): \(rows.count) default styles")
            guard let row = rows.first, row.count == 4 else { continue }
            #expect(row[2].contains("attr=\"\(field)\"") && row[2].hasPrefix("<!DOCTYPE qgis"))
            #expect(row[3] == "geom" || !row[3].isEmpty)
            let info = try tool("ogrinfo", ["-so", store, layer]).stdout
            #expect(info.contains("\n\(field): "), "\(layer) has no field \(field)")
            // Every alias names a field of the layer.
            for alias in try sql(store, "SELECT column_name FROM gpkg_data_columns WHERE table_name = '\(layer)'") {
                #expect(info.contains("\n\(alias[0]): "), "\(layer): alias for missing field \(alias[0])")
            }
        }
        // Coverage share styles: one (not default) per required category of the standard.
        let standard = try JSONSerialization.jsonObject(with: Data(contentsOf: repositoryData.appendingPathComponent("standards/gb50180-2018.json"))) as! [String: Any]
        let categories = standard["categories"] as! [[String: Any]]
        let required = categories.filter { $0["required"] as? Bool == true }
        let shares = try sql(store, "SELECT replace(styleQML, char(10), ' ') FROM layer_styles WHERE f_table_name = 'coverage_areas' AND useAsDefault = 0")
        #expect(shares.count == required.count)
        for c in required { #expect(shares.contains { $0[0].contains("attr=\"rcov_\(c["key"] as! String)\"") }) }
        // Aliases: Chinese title and English description from the standard and the indicator file.
        let kindergarten = categories.first { $0["key"] as? String == "kindergarten" }!
        let title = try sql(store, "SELECT title, description FROM gpkg_data_columns WHERE table_name = 'coverage_areas' AND column_name = 'rcov_kindergarten'")
        #expect(title.first?.first == "\(kindergarten["name_zh"] as! String) 居民覆盖率 (%)")
        #expect(title.first?.last?.hasPrefix(kindergarten["name_en"] as! String) == true)
        let indicators = try JSONSerialization.jsonObject(with: Data(contentsOf: repositoryData.appendingPathComponent("indicators/city-health-check.json"))) as! [String: Any]
        for indicator in indicators["indicators"] as! [[String: Any]] {
            let key = indicator["key"] as! String
            let rows = try sql(store, "SELECT title FROM gpkg_data_columns WHERE table_name = 'check_areas' AND column_name = '\(key)'")
            #expect(rows.first?.first?.hasPrefix(indicator["name_zh"] as! String) == true, "\(key)")
        }
        // The schema extension is registered once, and GDAL still opens the GeoPackage.
        #expect(try sql(store, "SELECT COUNT(*) FROM gpkg_extensions WHERE table_name = 'gpkg_data_columns' AND extension_name = 'gpkg_schema'") == [["1"]])
        #expect(try tool("ogrinfo", ["-so", "-q", store]).status == 0)
        // Re-running replaces the rows instead of adding more.
        #expect(try cim("audit", store).status == 0)
        #expect(try sql(store, "SELECT COUNT(*) FROM layer_styles WHERE f_table_name = 'pipe_defects'") == [["1"]])
    }
}
