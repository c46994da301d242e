import CIMGeometry
import CIMStore
import Foundation
import Testing

/// Data/cityjson/ of this repository.
let cityJSONDataFolder = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Data/cityjson")

func cityJSONData(_ name: String) -> String { cityJSONDataFolder.appendingPathComponent(name).path }

/// A fresh empty folder for one test, removed by `cityJSONCleanUp`.
func cityJSONScratchFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cim-cityjson-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}

func cityJSONCleanUp(_ folder: URL) { try? FileManager.default.removeItem(at: folder) }

/// Imports a CityJSON file into a new store in `folder` and returns the store and the report.
func cityJSONImport(_ source: String, into folder: URL, name: String = "city.gpkg") throws -> (GeoPackageStore, ImportReport) {
    let store = try GeoPackageStore.openOrCreate(folder.appendingPathComponent(name).path)
    let report = try store.importCityJSON(ImportOptions(layer: "buildings", source: source))
    return (store, report)
}

/// Per building id: footprint area, height, floors, use.
func cityJSONRows(_ table: FeatureTable) -> [String: (area: Double, height: Double?, floors: Int64?, use: String?)] {
    let ids = table.text("id")!, heights = table.reals("height")!, floors = table.integers("floors")!, uses = table.text("use")!
    var rows: [String: (area: Double, height: Double?, floors: Int64?, use: String?)] = [:]
    for i in 0 ..< table.count { rows[ids[i]!] = (table.geometries.area(i), heights[i], floors[i], uses[i]) }
    return rows
}

/// The reference numbers come from an independent computation with shapely (GEOS through Python), run as
///     python3 Tests/CrossCheck/cityjson_crosscheck.py summary Data/cityjson/delft.city.json
///     python3 Tests/CrossCheck/cityjson_crosscheck.py summary Data/cityjson/zurich_subset_lod2.city.json
/// (Tests/CrossCheck/cityjson_check.sh runs it, and also compares cim's import building by building).
@Suite("CityJSON import of real city models")
struct CityJSONImportTests {
    struct Reference {
        var file: String
        var buildings: Int
        var parts: Int
        var skipped: [String: Int]
        var totalArea: Double
        var minArea: Double
        var maxArea: Double
        var totalHeight: Double
        var minHeight: Double
        var maxHeight: Double
        var totalFloors: Int64
        var samples: [(id: String, area: Double, height: Double, floors: Int64)]
        var storeCRS: String
    }

    static let delft = Reference(
        file: "delft.city.json", buildings: 160, parts: 0,
        skipped: ["Bridge": 3, "GenericCityObject": 54, "LandUse": 81, "PlantCover": 126, "Road": 143, "WaterBody": 3],
        totalArea: 8654.034764000, minArea: 5.030448500, maxArea: 992.931005001,
        totalHeight: 548.770000000, minHeight: 0.75, maxHeight: 8.57, totalFloors: 182,
        samples: [("b1105d28c-00ba-11e6-b420-2bdcc4ab5d7f", 992.931005001, 6.0, 2),
                  ("b31be22bd-00ba-11e6-b420-2bdcc4ab5d7f", 269.525586500, 3.84, 1),
                  ("b31e1d773-00ba-11e6-b420-2bdcc4ab5d7f", 5.030448500, 2.49, 1)],
        storeCRS: "EPSG:28992")

    static let zurich = Reference(
        file: "zurich_subset_lod2.city.json", buildings: 49, parts: 161, skipped: [:],
        totalArea: 9137.183837185, minArea: 8.901675500, maxArea: 948.304977497,
        totalHeight: 808.694000000, minHeight: 4.0, maxHeight: 31.358, totalFloors: 268,
        samples: [("UUID_3cc2b88f-802c-4388-9e23-78e0e741c474", 948.304977497, 27.013, 9),
                  ("UUID_b29ed28d-c905-4911-83a5-cc59d676d716", 509.036083999, 16.895, 6),
                  ("UUID_1c91dd3a-aef6-41f6-990e-08aba3ca6933", 8.901675500, 6.334, 2)],
        storeCRS: "EPSG:2056")

    @Test("counts, footprint areas and heights agree with the shapely reference", arguments: [delft, zurich])
    func agreesWithReference(_ reference: Reference) throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let source = cityJSONData(reference.file)
        let (store, report) = try cityJSONImport(source, into: folder)
        #expect(report.imported == reference.buildings)
        #expect(report.rejected == 0)
        #expect(report.storeCRS == reference.storeCRS)
        #expect(store.crs?.identifier == reference.storeCRS)

        let buildings = try CityJSONReader.readBuildings(source)
        #expect(buildings.count == reference.buildings)
        #expect(buildings.buildingParts == reference.parts)
        #expect(buildings.skipped == reference.skipped)

        let table = try store.snapshot("buildings")
        #expect(table.count == reference.buildings)
        let areas = (0 ..< table.count).map { table.geometries.area($0) }
        let heights = table.reals("height")!.map { $0 ?? .nan }
        #expect(abs(areas.reduce(0, +) - reference.totalArea) <= 1e-6)
        #expect(abs(areas.min()! - reference.minArea) <= 1e-6)
        #expect(abs(areas.max()! - reference.maxArea) <= 1e-6)
        #expect(abs(heights.reduce(0, +) - reference.totalHeight) <= 1e-6)
        #expect(abs(heights.min()! - reference.minHeight) <= 1e-6)
        #expect(abs(heights.max()! - reference.maxHeight) <= 1e-6)
        #expect(table.integers("floors")!.map { $0 ?? 0 }.reduce(0, +) == reference.totalFloors)
        #expect(table.geometries.types.allSatisfy { $0 == .multiPolygon })
        #expect(Set(table.text("use")!.compactMap { $0 }) == ["unknown"])

        let rows = cityJSONRows(table)
        for sample in reference.samples {
            let row = try #require(rows[sample.id], "building \(sample.id) is missing")
            #expect(abs(row.area - sample.area) <= 1e-6, "area of \(sample.id)")
            #expect(abs((row.height ?? .nan) - sample.height) <= 1e-6, "height of \(sample.id)")
            #expect(row.floors == sample.floors, "floors of \(sample.id)")
        }
        // Every stored footprint is valid (GEOS), as the analyses expect.
        for i in 0 ..< table.count {
            #expect(try table.geometries.geometry(i).isValid())
        }
    }

    @Test("the CRS comes from metadata.referenceSystem; a compound CRS maps to its horizontal part")
    func referenceSystems() throws {
        let delft = try CityJSONReader.readBuildings(cityJSONData("delft.city.json"))
        #expect(delft.referenceSystem == "https://www.opengis.net/def/crs/EPSG/0/7415")
        #expect(delft.crs?.epsgCode == 28992)
        #expect(delft.version == "2.0")
        let zurich = try CityJSONReader.readBuildings(cityJSONData("zurich_subset_lod2.city.json"))
        #expect(zurich.crs?.epsgCode == 2056)
        #expect(zurich.version == "1.1")
        #expect(try CoordinateReferenceSystem("urn:ogc:def:crs:EPSG::7415").horizontalComponent().epsgCode == 28992)
        #expect(try CoordinateReferenceSystem(epsg: 2056).horizontalComponent().epsgCode == 2056)
    }

    @Test("re-importing replaces the layer")
    func reimportReplaces() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let (store, _) = try cityJSONImport(cityJSONData("delft.city.json"), into: folder)
        _ = try store.importCityJSON(ImportOptions(layer: "buildings", source: cityJSONData("delft.city.json")))
        #expect(store.featureCount("buildings") == 160)
        #expect(try store.layerRecords().filter { $0.layer == "buildings" }.count == 1)
    }
}

@Suite("CityJSON import rules on a hand-made file")
struct CityJSONRulesTests {
    /// CityJSON 1.0 style: no transform, real vertices, numeric lod, an OGC URN reference system.
    /// B has two parts: P1 with a 12 m × 12 m LoD1 block (its lowest LoD) and a 10 m × 10 m LoD2 solid with
    /// a ground surface, P2 a roof at 8 m over 10..20 × 0..5 with no ground surface (so its projection counts).
    /// Footprint of B = 12 × 12 ∪ 10..20 × 0..5 = 144 + 40 = 184 m².
    static let text = """
    {"type":"CityJSON","version":"1.0","metadata":{"referenceSystem":"urn:ogc:def:crs:EPSG::7415"},
     "CityObjects":{
      "B":{"type":"Building","attributes":{"function":"Residential","yearOfConstruction":1998,"storeysAboveGround":4,"measuredHeight":12.5},
           "children":["P1","P2","I"]},
      "P1":{"type":"BuildingPart","parents":["B"],"geometry":[
         {"type":"Solid","lod":2,"boundaries":[[[[0,3,2,1]],[[4,5,6,7]],[[0,1,5,4]],[[1,2,6,5]],[[2,3,7,6]],[[3,0,4,7]]]],
          "semantics":{"surfaces":[{"type":"GroundSurface"},{"type":"RoofSurface"},{"type":"WallSurface"}],"values":[[0,1,2,2,2,2]]}},
         {"type":"MultiSurface","lod":1,"boundaries":[[[8,9,10,11]],[[12,13,14,15]]]}]},
      "P2":{"type":"BuildingPart","parents":["B"],"geometry":[{"type":"MultiSurface","lod":2,"boundaries":[[[16,17,18,19]]],
          "semantics":{"surfaces":[{"type":"RoofSurface"}],"values":[0]}}]},
      "I":{"type":"BuildingInstallation","parents":["B"],"geometry":[{"type":"MultiSurface","lod":2,"boundaries":[[[16,17,18]]]}]},
      "C":{"type":"Building","attributes":{"function":"Wohnen"},"geometry":[{"type":"MultiSurface","lod":"0","boundaries":[[[20,21,22]]]}]},
      "D":{"type":"Building","attributes":{"function":"1000","Baujahr":"1975"},"geometry":[{"type":"MultiSurface","lod":"0","boundaries":[[[20,21,22]]]}]},
      "E":{"type":"Building","geometry":[{"type":"MultiPoint","lod":"0","boundaries":[20,21]}]}
     },
     "vertices":[[0,0,1],[10,0,1],[10,10,1],[0,10,1],[0,0,9],[10,0,9],[10,10,9],[0,10,9],
                 [0,0,1],[12,0,1],[12,12,1],[0,12,1],[0,0,7],[12,0,7],[12,12,7],[0,12,7],
                 [10,0,8],[20,0,8],[20,5,8],[10,5,8],
                 [100,100,0],[104,100,0],[100,103,0]]}
    """

    @Test("parts, lowest LoD, ground surfaces, attributes, value mapping, skipped types")
    func rules() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let path = folder.appendingPathComponent("rules.city.json").path
        try Self.text.write(toFile: path, atomically: true, encoding: .utf8)
        let values = ValueMapping(fields: ["use": ["Wohnen": "residential"]])
        let b = try CityJSONReader.readBuildings(path, fieldMap: ["year": "Baujahr"], values: values)
        #expect(b.version == "1.0")
        #expect(b.crs?.epsgCode == 28992)
        #expect(b.ids == ["B", "C", "D"])
        #expect(b.buildingParts == 2)
        #expect(b.skipped == ["BuildingInstallation": 1])
        #expect(b.rejected == 1)
        #expect(b.issues.contains { $0.feature == "E" && $0.action == .rejected })
        #expect(abs(b.footprints.area(0) - 184) <= 1e-9)
        #expect(abs(b.footprints.area(1) - 6) <= 1e-9)
        #expect(b.heights[0] == 12.5)
        #expect(b.heights[1] == 0)
        #expect(b.floors == [4, 1, 1])
        #expect(b.uses == ["residential", "residential", "unknown"])
        // --map year=Baujahr replaces yearOfConstruction.
        #expect(b.years == [nil, nil, 1975])
        #expect(b.warnings.contains { $0.contains("'use'") && $0.contains("1000") })
        #expect(b.warnings.contains { $0.contains("BuildingInstallation ×1") })

        let defaults = try CityJSONReader.readBuildings(path)
        #expect(defaults.years == [1998, nil, nil])
        #expect(defaults.uses == ["residential", "unknown", "unknown"])
    }

    @Test("without measuredHeight the height is the z extent of the building and its parts")
    func zExtent() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let path = folder.appendingPathComponent("rules.city.json").path
        try Self.text.replacingOccurrences(of: ",\"measuredHeight\":12.5", with: "").replacingOccurrences(of: ",\"storeysAboveGround\":4", with: "")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let b = try CityJSONReader.readBuildings(path)
        #expect(b.heights[0] == 8)
        #expect(b.floors[0] == 3)
    }

    @Test("a CityJSON without a reference system takes --source-crs, and is refused without one")
    func sourceCRS() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let path = folder.appendingPathComponent("nocrs.city.json").path
        try Self.text.replacingOccurrences(of: "\"metadata\":{\"referenceSystem\":\"urn:ogc:def:crs:EPSG::7415\"},", with: "")
            .replacingOccurrences(of: "[100,100,0],[104,100,0],[100,103,0]", with: "[85100,447100,0],[85104,447100,0],[85100,447103,0]")
            .replacingOccurrences(of: "[[0,0,1],", with: "[[85000,447000,1],")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let store = try GeoPackageStore.openOrCreate(folder.appendingPathComponent("a.gpkg").path)
        let error = try #require(throws: StoreError.self) {
            _ = try store.importCityJSON(ImportOptions(layer: "buildings", source: path))
        }
        #expect(error.description.contains("--source-crs"))
        #expect(!store.hasLayer("buildings"))
        let report = try store.importCityJSON(ImportOptions(layer: "buildings", source: path, sourceCRS: try CoordinateReferenceSystem(epsg: 28992)))
        #expect(report.imported == 3)
        #expect(store.crs?.epsgCode == 28992)
    }
}
