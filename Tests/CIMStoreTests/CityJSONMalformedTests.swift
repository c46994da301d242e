import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("CityJSON: malformed files get a clear error and leave the store unchanged")
struct CityJSONMalformedTests {
    /// A one-building CityJSON 2.0 document (a 10 m × 10 m × 6 m box) to break in different ways.
    static func box(version: String = "2.0", vertices: String? = nil, boundaries: String? = nil) -> String {
        let v = vertices ?? "[[0,0,0],[10000,0,0],[10000,10000,0],[0,10000,0],[0,0,6000],[10000,0,6000],[10000,10000,6000],[0,10000,6000]]"
        let b = boundaries ?? "[[[[0,3,2,1]],[[4,5,6,7]],[[0,1,5,4]],[[1,2,6,5]],[[2,3,7,6]],[[3,0,4,7]]]]"
        return """
        {"type":"CityJSON","version":"\(version)","transform":{"scale":[0.001,0.001,0.001],"translate":[85000,447000,0]},
         "metadata":{"referenceSystem":"https://www.opengis.net/def/crs/EPSG/0/7415"},
         "CityObjects":{"box-1":{"type":"Building","geometry":[{"type":"Solid","lod":"1","boundaries":\(b)}]}}
         \(vertices == "" ? "" : ",\"vertices\":\(v)")}
        """
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var fileName = "bad.city.json"
        /// Words the error must contain.
        var expected: [String]
        var feature: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing vertices", text: box(vertices: ""), expected: ["vertices"]),
        Case(name: "vertex index out of range", text: box(boundaries: "[[[[0,3,2,1]],[[4,5,6,99]]]]"),
             expected: ["vertex index 99", "out of range", "8 vertices"], feature: "box-1"),
        Case(name: "negative vertex index", text: box(boundaries: "[[[[0,3,2,-1]]]]"), expected: ["vertex index -1", "out of range"], feature: "box-1"),
        Case(name: "unknown version", text: box(version: "3.0"), expected: ["unknown CityJSON version", "3.0"]),
        Case(name: "not JSON", text: "PK\u{3}\u{4} this is a zip file, not JSON", expected: ["not a JSON file", "line 1, column 1"]),
        Case(name: "truncated JSON", text: String(box().dropLast(40)), expected: ["not a JSON file", "unexpected end of file"]),
        Case(name: "JSON but not CityJSON", text: #"{"type":"FeatureCollection","features":[]}"#, expected: ["not CityJSON", "FeatureCollection"]),
        Case(name: "boundaries of the wrong depth", text: box(boundaries: "[[0,3,2,1]]"), expected: ["boundaries"], feature: "box-1"),
        Case(name: "a vertex that is not 3 numbers", text: box(vertices: "[[0,0],[1,1,1]]"), expected: ["vertex 0", "3 numbers"]),
        Case(name: "sequence with a bad feature line",
             text: #"{"type":"CityJSON","version":"2.0","transform":{"scale":[0.001,0.001,0.001],"translate":[0,0,0]},"CityObjects":{},"vertices":[]}"#
                + "\n" + #"{"type":"CityJSONFeature","id":"f1","CityObjects":{"f1":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"0","boundaries":[[[0,1,5]]]}]}},"vertices":[[0,0,0],[1000,0,0],[0,1000,0]]}"#,
             fileName: "bad.city.jsonl", expected: ["line 2", "vertex index 5", "out of range"], feature: "f1"),
        Case(name: "sequence with an unknown version", text: #"{"type":"CityJSON","version":"0.9","CityObjects":{},"vertices":[]}"#,
             fileName: "bad.city.jsonl", expected: ["unknown CityJSON version"]),
        Case(name: "sequence line that is not JSON",
             text: #"{"type":"CityJSON","version":"2.0","transform":{"scale":[1,1,1],"translate":[0,0,0]},"CityObjects":{},"vertices":[]}"# + "\n{oops}\n",
             fileName: "bad.city.jsonl", expected: ["not JSON", "line 2"]),
    ]

    @Test("a clear error naming the file (and the object), and the store stays as it was", arguments: cases)
    func malformed(_ bad: Case) throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let (store, _) = try cityJSONImport(cityJSONData("delft.city.json"), into: folder)
        let before = try store.snapshot("buildings")
        let recordsBefore = try store.layerRecords()
        let storeBytes = try Data(contentsOf: URL(fileURLWithPath: store.path))

        let path = folder.appendingPathComponent(bad.fileName).path
        try bad.text.write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: StoreError.self) {
            _ = try store.importCityJSON(ImportOptions(layer: "buildings", source: path))
        }
        #expect(error.file == path)
        for word in bad.expected {
            #expect(error.description.contains(word), "\(error.description) should contain \(word)")
        }
        if let feature = bad.feature { #expect(error.feature == feature) }

        let after = try store.snapshot("buildings")
        #expect(after.count == before.count)
        #expect(after.text("id")! == before.text("id")!)
        #expect(after.geometries.xy == before.geometries.xy)
        #expect(try store.layerRecords() == recordsBefore)
        #expect(try Data(contentsOf: URL(fileURLWithPath: store.path)) == storeBytes)
    }

    @Test("a file with no buildings is an error, not an empty layer")
    func noBuildings() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let (store, _) = try cityJSONImport(cityJSONData("delft.city.json"), into: folder)
        let path = folder.appendingPathComponent("roads.city.json").path
        try """
        {"type":"CityJSON","version":"2.0","transform":{"scale":[0.001,0.001,0.001],"translate":[85000,447000,0]},
         "CityObjects":{"r1":{"type":"Road","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,2]]]}]}},
         "vertices":[[0,0,0],[1000,0,0],[0,1000,0]]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: StoreError.self) {
            _ = try store.importCityJSON(ImportOptions(layer: "buildings", source: path))
        }
        #expect(error.description.contains("no buildings"))
        #expect(error.description.contains("Road ×1"))
        #expect(store.featureCount("buildings") == 160)
    }

    @Test("a CityJSON source only fills the buildings layer")
    func wrongLayer() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let store = try GeoPackageStore.openOrCreate(folder.appendingPathComponent("city.gpkg").path)
        let error = try #require(throws: StoreError.self) {
            _ = try store.importCityJSON(ImportOptions(layer: "roads", source: cityJSONData("delft.city.json")))
        }
        #expect(error.description.contains("buildings"))
        #expect(!store.hasLayer("roads"))
    }

    @Test("a valid box imports with the expected footprint and height")
    func box() throws {
        let folder = try cityJSONScratchFolder()
        defer { cityJSONCleanUp(folder) }
        let path = folder.appendingPathComponent("box.city.json").path
        try Self.box().write(toFile: path, atomically: true, encoding: .utf8)
        let (store, report) = try cityJSONImport(path, into: folder)
        #expect(report.imported == 1)
        let table = try store.snapshot("buildings")
        #expect(abs(table.geometries.area(0) - 100) <= 1e-9)
        #expect(table.reals("height")! == [6.0])
        #expect(table.integers("floors")! == [2])
        #expect(table.text("id")! == ["box-1"])
        let e = table.geometries.envelope(0)
        #expect(abs(e.minX - 85000) <= 1e-9 && abs(e.maxY - 447010) <= 1e-9)
    }
}
