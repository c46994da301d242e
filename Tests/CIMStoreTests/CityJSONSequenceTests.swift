import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("CityJSON Sequences (.city.jsonl)")
struct CityJSONSequenceTests {
    /// Converts a CityJSON file into a CityJSON Sequence: a first line with the header (transform, metadata)
    /// and no city objects, then one CityJSONFeature per top-level city object (with its children), each
    /// with its own vertices, re-indexed.
    static func convertToSequence(_ source: String, to output: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let objects = try #require(root["CityObjects"] as? [String: [String: Any]])
        let vertices = try #require(root["vertices"] as? [[Int]])
        var header: [String: Any] = ["type": "CityJSON", "version": root["version"]!, "CityObjects": [String: Any](), "vertices": [Any]()]
        header["transform"] = root["transform"]
        header["metadata"] = root["metadata"]
        var lines = [String(decoding: try JSONSerialization.data(withJSONObject: header), as: UTF8.self)]

        func remap(_ boundaries: Any, _ map: inout [Int: Int], _ local: inout [[Int]]) -> Any {
            if let index = boundaries as? Int {
                if let k = map[index] { return k }
                map[index] = local.count
                local.append(vertices[index])
                return local.count - 1
            }
            return (boundaries as! [Any]).map { remap($0, &map, &local) }
        }
        for id in objects.keys.sorted() where (objects[id]!["parents"] as? [String] ?? []).isEmpty {
            var members = [id]
            var k = 0
            while k < members.count { members += objects[members[k]]!["children"] as? [String] ?? []; k += 1 }
            var map: [Int: Int] = [:]
            var local: [[Int]] = []
            var featureObjects: [String: Any] = [:]
            for member in members {
                var object = objects[member]!
                if let geometries = object["geometry"] as? [[String: Any]] {
                    object["geometry"] = geometries.map { g -> [String: Any] in
                        var g = g
                        g["boundaries"] = remap(g["boundaries"]!, &map, &local)
                        return g
                    }
                }
                featureObjects[member] = object
            }
            let feature: [String: Any] = ["type": "CityJSONFeature", "id": id, "CityObjects": featureObjects, "vertices": local]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: feature), as: UTF8.self))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: output, atomically: true, encoding: .utf8)
    }

    @Test("a sequence imports like the file it was made from", arguments: ["delft.city.json", "zurich_subset_lod2.city.json"])
    func sequenceMatchesDocument(_ file: String) throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let sequence = folder.appendingPathComponent("tile.city.jsonl").path
        try Self.convertToSequence(cityJSONData(file), to: sequence)
        let lineCount = try String(contentsOfFile: sequence, encoding: .utf8).split(separator: "\n").count
        #expect(lineCount > 40)
        #expect(CityJSONReader.isCityJSON(sequence))
        #expect(CityJSONReader.isSequence(sequence))

        let fromSequence = try CityJSONReader.readBuildings(sequence)
        let fromDocument = try CityJSONReader.readBuildings(cityJSONData(file))
        #expect(fromSequence.isSequence)
        #expect(fromSequence.count == fromDocument.count)
        #expect(fromSequence.skipped == fromDocument.skipped)
        #expect(fromSequence.buildingParts == fromDocument.buildingParts)
        #expect(fromSequence.crs == fromDocument.crs)

        let (store, report) = try cityJSONImport(sequence, into: folder)
        let (reference, _) = try cityJSONImport(cityJSONData(file), into: folder, name: "reference.gpkg")
        #expect(report.imported == fromDocument.count)
        #expect(report.sourceLayers.first?.hasPrefix("CityJSONSeq") == true)
        let a = cityJSONRows(try store.snapshot("buildings")), b = cityJSONRows(try reference.snapshot("buildings"))
        #expect(Set(a.keys) == Set(b.keys))
        for (id, row) in b {
            let other = try #require(a[id])
            #expect(abs(other.area - row.area) <= 1e-6, "area of \(id)")
            #expect(other.height == row.height, "height of \(id)")
            #expect(other.floors == row.floors, "floors of \(id)")
        }
    }

    @Test("a plain .jsonl is read as CityJSON only when its first line is a CityJSON object")
    func detection() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let geojsonl = folder.appendingPathComponent("points.jsonl").path
        try #"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}"#.write(toFile: geojsonl, atomically: true, encoding: .utf8)
        #expect(!CityJSONReader.isCityJSON(geojsonl))
        let cityjsonl = folder.appendingPathComponent("tile.jsonl").path
        try Self.convertToSequence(cityJSONData("delft.city.json"), to: cityjsonl)
        #expect(CityJSONReader.isCityJSON(cityjsonl))
        #expect(CityJSONReader.isCityJSON("x.city.json"))
        #expect(!CityJSONReader.isCityJSON("x.geojson"))
    }
}
