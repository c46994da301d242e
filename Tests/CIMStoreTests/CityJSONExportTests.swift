import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("CityJSON export: LoD1 blocks that import back to the same footprints and heights")
struct CityJSONExportTests {
    struct RoundTrip: Sendable, CustomTestStringConvertible {
        var file: String
        var scale: Double
        /// True: areas within 1e-6. False: within the quantisation bound, perimeter × scale.
        var exact: Bool
        var testDescription: String { "\(file) at scale \(scale)" }
    }

    /// Delft's footprints are unions of its own vertices, all on the 1 mm grid of its transform, so they go
    /// through a 1 mm export unchanged. Zürich's parts overlap, and their union has new vertices (edge
    /// intersections) between the millimetres: at 1 mm those move by up to 0.7 mm, at 1e-9 m they do not.
    static let roundTrips = [
        RoundTrip(file: "delft.city.json", scale: 0.001, exact: true),
        RoundTrip(file: "zurich_subset_lod2.city.json", scale: 1e-9, exact: true),
        RoundTrip(file: "zurich_subset_lod2.city.json", scale: 0.001, exact: false),
    ]

    @Test("export then import gives back the same footprints and heights", arguments: roundTrips)
    func roundTrip(_ trip: RoundTrip) throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let (store, _) = try cityJSONImport(cityJSONData(trip.file), into: folder)
        let output = folder.appendingPathComponent("out.city.json").path
        let report = try store.exportCityJSON("buildings", to: output, options: CityJSONExportOptions(scale: trip.scale))
        #expect(report.buildings == store.featureCount("buildings"))
        #expect(report.skipped == 0)
        #expect(report.warnings.isEmpty)

        let (again, importReport) = try cityJSONImport(output, into: folder, name: "again.gpkg")
        #expect(importReport.imported == report.buildings)
        #expect(importReport.repaired == 0)
        #expect(again.crs == store.crs)
        let beforeTable = try store.snapshot("buildings"), afterTable = try again.snapshot("buildings")
        let before = cityJSONRows(beforeTable), after = cityJSONRows(afterTable)
        #expect(Set(before.keys) == Set(after.keys))
        for (id, b) in before {
            let a = try #require(after[id])
            #expect(a.height == b.height, "height of \(id)")
            #expect(a.floors == b.floors, "floors of \(id)")
            #expect(a.use == b.use, "use of \(id)")
        }
        // The same shapes, not only the same areas: area and symmetric difference.
        let afterIndex = Dictionary(uniqueKeysWithValues: afterTable.text("id")!.enumerated().map { ($0.element!, $0.offset) })
        var largest = 0.0
        for i in 0 ..< beforeTable.count {
            let id = beforeTable.text("id")![i]!
            let j = try #require(afterIndex[id])
            let b = try beforeTable.geometries.geometry(i), a = try afterTable.geometries.geometry(j)
            let symmetric = try b.difference(a).area() + (try a.difference(b).area())
            let areaChange = abs(afterTable.geometries.area(j) - beforeTable.geometries.area(i))
            let tolerance = trip.exact ? 1e-6 : try b.length() * trip.scale
            largest = max(largest, areaChange)
            #expect(areaChange <= tolerance, "area of \(id): \(afterTable.geometries.area(j)) vs \(beforeTable.geometries.area(i))")
            #expect(symmetric <= tolerance, "symmetric difference of \(id): \(symmetric)")
        }
        print("CityJSON round trip \(trip.testDescription): largest area change \(largest) m²")
    }

    @Test("the exported file is well-formed CityJSON 2.0")
    func structure() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let (store, _) = try cityJSONImport(cityJSONData("zurich_subset_lod2.city.json"), into: folder)
        let output = folder.appendingPathComponent("zurich.city.json").path
        try store.exportCityJSON("buildings", to: output)

        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        #expect(root["type"] as? String == "CityJSON")
        #expect(root["version"] as? String == "2.0")
        let transform = try #require(root["transform"] as? [String: Any])
        #expect((transform["scale"] as? [Double]) == [0.001, 0.001, 0.001])
        let metadata = try #require(root["metadata"] as? [String: Any])
        #expect(metadata["referenceSystem"] as? String == "https://www.opengis.net/def/crs/EPSG/0/2056")
        let vertices = try #require(root["vertices"] as? [[Int]])
        #expect(vertices.allSatisfy { $0.count == 3 })
        #expect(Set(vertices.map { "\($0)" }).count == vertices.count, "vertices are deduplicated")
        let objects = try #require(root["CityObjects"] as? [String: [String: Any]])
        #expect(objects.count == 49)
        var used = Set<Int>()
        for (id, object) in objects {
            #expect(object["type"] as? String == "Building")
            let attributes = try #require(object["attributes"] as? [String: Any])
            #expect(attributes["id"] as? String == id)
            #expect(attributes["measuredHeight"] is Double || attributes["measuredHeight"] is Int)
            let geometry = try #require((object["geometry"] as? [[String: Any]])?.first)
            #expect(geometry["lod"] as? String == "1")
            let type = try #require(geometry["type"] as? String)
            #expect(type == "Solid" || type == "MultiSurface")
            let surfaces: [[[Int]]]
            if type == "Solid" {
                let shells = try #require(geometry["boundaries"] as? [[[[Int]]]])
                #expect(shells.count == 1)
                surfaces = shells[0]
            } else {
                surfaces = try #require(geometry["boundaries"] as? [[[Int]]])
            }
            for ring in surfaces.flatMap({ $0 }) {
                #expect(ring.count >= 3 && Set(ring).count == ring.count)
                for index in ring { #expect(index >= 0 && index < vertices.count); used.insert(index) }
            }
            let semantics = try #require(geometry["semantics"] as? [String: Any])
            let values = type == "Solid" ? (semantics["values"] as? [[Int]])?.first : semantics["values"] as? [Int]
            #expect(values?.count == surfaces.count)
            #expect(Set(values ?? []) == [0, 1, 2])
        }
        #expect(used.count == vertices.count, "no unused vertices")
    }

    @Test("a Solid is closed and its faces point outwards: volume = footprint area × height")
    func solidVolume() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        // An L-shaped footprint with a courtyard hole, 7.5 m high on ground at 2 m.
        let polygon = try Geometry(wkt: "POLYGON((0 0, 30 0, 30 10, 10 10, 10 30, 0 30, 0 0), (2 2, 2 6, 6 6, 6 2, 2 2))")
        var column = GeometryColumn()
        try column.append(polygon)
        column.setType(.multiPolygon, at: 0)
        let table = FeatureTable(name: "blocks", geometryType: .multiPolygon, geometries: column, columns: [
            AttributeColumn("id", .text(["L"])), AttributeColumn("height", .real([7.5])), AttributeColumn("ground_z", .real([2])),
        ])
        let output = folder.appendingPathComponent("l.city.json").path
        try CityJSONWriter.write(table, crs: try CoordinateReferenceSystem(epsg: 28992), to: output)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output))) as? [String: Any])
        let scale = 0.001
        let translate = try #require((root["transform"] as? [String: Any])?["translate"] as? [Double])
        let vertices = try #require(root["vertices"] as? [[Int]]).map { v in (0 ..< 3).map { Double(v[$0]) * scale + translate[$0] } }
        let object = try #require((root["CityObjects"] as? [String: [String: Any]])?["L"])
        let geometry = try #require((object["geometry"] as? [[String: Any]])?.first)
        #expect(geometry["type"] as? String == "Solid")
        let faces = try #require(geometry["boundaries"] as? [[[[Int]]]])[0]
        // Divergence theorem: volume = 1/3 Σ over faces of (centroid · normal × area), via triangle fans.
        var volume = 0.0
        for face in faces {
            for ring in face {
                let p = ring.map { vertices[$0] }
                for k in 1 ..< p.count - 1 {
                    let a = p[0], b = p[k], c = p[k + 1]
                    volume += (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0])) / 6
                }
            }
        }
        #expect(abs(volume - (500 - 16) * 7.5) <= 1e-6)
        let zs = vertices.map { $0[2] }
        #expect(zs.min() == 2 && zs.max() == 9.5)
        let attributes = try #require(object["attributes"] as? [String: Any])
        #expect(attributes["measuredHeight"] as? Double == 7.5)
    }

    @Test("non-polygonal features are left out and counted; the target is replaced only when complete")
    func mixedLayer() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        var column = GeometryColumn()
        try column.append(try Geometry(wkt: "POINT(5 5)"))
        try column.append(try Geometry(wkt: "POLYGON((0 0, 10 0, 10 10, 0 10, 0 0))"))
        let table = FeatureTable(name: "facilities", geometryType: .geometryCollection, geometries: column, columns: [
            AttributeColumn("id", .text(["p", "q"])), AttributeColumn("category", .text(["clinic", "park"])),
        ])
        let output = folder.appendingPathComponent("f.city.json").path
        try "old".write(toFile: output, atomically: true, encoding: .utf8)
        let report = try CityJSONWriter.write(table, crs: try CoordinateReferenceSystem(epsg: 28992), to: output)
        #expect(report.buildings == 1)
        #expect(report.skipped == 1)
        let buildings = try CityJSONReader.readBuildings(output)
        #expect(buildings.ids == ["q"])
        #expect(buildings.heights.count == 1 && abs((buildings.heights[0] ?? 0) - 3.0) <= 1e-9)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".cim-export") }
        #expect(leftovers.isEmpty)
    }
}
