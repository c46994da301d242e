import Foundation
import Testing

@Suite("cim import / info / query / export, run as a user would")
struct ImportInfoCLITests {
    @Test("help lists every command")
    func help() throws {
        let result = try cim("--help")
        #expect(result.status == 0)
        for command in ["import", "info", "query", "export", "coverage", "isochrones"] {
            #expect(result.stdout.contains(command), "help lacks \(command)")
        }
    }

    @Test("import of an OSM file, then info as JSON with counts, CRS and completeness", arguments: cliBackends)
    func importAndInfo(_ backend: Backend) throws {
        let (_, store, cleanup) = try backend.helsinki()
        defer { cleanup() }
        let info = try cim("info", store, "--format", "json")
        #expect(info.status == 0)
        let root = try json(info.stdout)
        let layers = try #require(root["layers"] as? [[String: Any]])
        let counts = Dictionary(uniqueKeysWithValues: layers.map { ($0["layer"] as! String, $0["features"] as! Int) })
        // 492 buildings and 235 facilities are selected by the preset; 12 and 2 of them are rejected (rings
        // of fewer than 4 points where the extract is clipped), as the import reports.
        #expect(counts["buildings"] == 480)
        #expect(counts["facilities"] == 233)
        #expect(counts["roads"] == 2501)
        let about = try #require(root["store"] as? [[String: Any]])
        #expect(about.contains { ($0["value"] as? String)?.contains("EPSG:32635") == true })
        let completeness = try #require(root["completeness"] as? [[String: Any]])
        #expect(completeness.contains { $0["layer"] as? String == "buildings" && $0["field"] as? String == "floors" && ($0["with_value"] as? Int ?? 0) > 0 })
        // ogrinfo opens the store and lists the layers.
        let ogr = try tool("ogrinfo", ["-q", try backend.gdalName(store)])
        #expect(ogr.status == 0)
        #expect(ogr.stdout.contains("buildings") && ogr.stdout.contains("roads"))
    }

    @Test("bad input: one clear line, non-zero exit, store unchanged", arguments: cliBackends)
    func badInput(_ backend: Backend) throws {
        let (folder, store, cleanup) = try backend.helsinki()
        defer { cleanup() }
        let before = try cim("info", store, "--format", "json").stdout
        let text = folder.appendingPathComponent("notes.txt")
        try "just some text\n".write(to: text, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["import", store, "buildings", folder.appendingPathComponent("missing.shp").path], "no such file"),
            (["import", store, "buildings", text.path], "not a geodata file"),
            (["import", store, "streets", repositoryData.appendingPathComponent("bellinge/edges.geojson").path], "unknown bundle layer"),
            (["import", store, "pipes", repositoryData.appendingPathComponent("bellinge/edges.geojson").path, "--map", "kind=no_such_field"], "no_such_field"),
            (["import", store, "pipes", repositoryData.appendingPathComponent("bellinge/edges.geojson").path, "--source-layer", "nope"], "no such layer"),
            (["query", store, "nothing"], "no such layer"),
            (["export", store, "buildings", folder.appendingPathComponent("out.xyz").path], "unknown output format"),
            (["coverage", store, "--standard", text.path], "not valid JSON"),
        ]
        for (arguments, fragment) in cases {
            let result = try cim(arguments)
            #expect(result.status != 0, "\(arguments) should fail")
            #expect(result.stderr.contains(fragment), "\(arguments): stderr was \(result.stderr)")
            #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count <= 3, "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.xyz").path))
        let after = try cim("info", store, "--format", "json").stdout
        func layers(_ text: String) throws -> [String] {
            (try json(text)["layers"] as? [[String: Any]] ?? []).map { row in
                row.keys.sorted().map { "\($0)=\(row[$0].map { "\($0)" } ?? "null")" }.joined(separator: ";")
            }
        }
        #expect(try layers(before) == layers(after))
        #expect(try layers(before).count == 5)
    }

    @Test("query by window, by distance (sorted) and by value; export to GeoJSON and CSV", arguments: cliBackends)
    func queryAndExport(_ backend: Backend) throws {
        let (folder, store, cleanup) = try backend.helsinki()
        defer { cleanup() }
        let near = try cim("query", store, "facilities", "--near=24.94,60.17", "--coords-crs", "EPSG:4326", "--within", "400", "--format", "json")
        #expect(near.status == 0)
        let rows = try #require(try json(near.stdout)["features"] as? [[String: Any]])
        let distances = rows.compactMap { $0["distance_m"] as? Double }
        #expect(!distances.isEmpty)
        #expect(distances == distances.sorted())
        #expect(distances.allSatisfy { $0 <= 400 })
        let buses = try cim("query", store, "facilities", "--where", "category=bus_stop", "--format", "csv")
        #expect(buses.status == 0)
        #expect(buses.stdout.split(separator: "\n").count == 94 + 2) // "# title", header, 94 rows
        let geojson = folder.appendingPathComponent("roads.geojson").path
        #expect(try cim("export", store, "roads", geojson).status == 0)
        let ogr = try tool("ogrinfo", ["-so", "-al", geojson])
        #expect(ogr.stdout.contains("Feature Count: 2501"))
        let csv = folder.appendingPathComponent("buildings.csv").path
        #expect(try cim("export", store, "buildings", csv).status == 0)
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 481)
        #expect(lines[0].hasPrefix("WKT"))
    }
}
