@testable import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("Determinism")
struct DeterminismTests {
    @Test("the same seed gives the same layers and a byte-identical truth file")
    func sameSeedSameCity() throws {
        let a = Cities.small
        let b = try GeneratedCity.make(buildings: 2000, seed: 11)
        #expect(a.order == b.order)
        for name in a.order {
            let da = digest(a[name]), db = digest(b[name])
            #expect(da.count == db.count, "\(name): \(da.count) vs \(db.count) features")
            #expect(da == db, "layer \(name) differs between two runs with the same seed")
        }
        #expect(a.truth.json() == b.truth.json())
    }

    @Test("another seed gives another city")
    func otherSeedOtherCity() throws {
        let a = Cities.small
        let c = try GeneratedCity.make(buildings: 2000, seed: 12)
        #expect(c["buildings"].count == 2000)
        #expect(digest(a["buildings"]) != digest(c["buildings"]))
        #expect(a.truth.json() != c.truth.json())
    }

    @Test("two stores written from the same seed have the same contents")
    func storesHaveSameContents() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cim-generate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var contents: [[String: [String]]] = []
        for run in 0 ..< 2 {
            let path = directory.appendingPathComponent("city\(run).gpkg").path
            try writeStore(buildings: 600, seed: 5, path: path)
            let store = try GeoPackageStore.open(path)
            var layers: [String: [String]] = [:]
            for layer in BundleLayer.all { layers[layer.name] = digest(try store.snapshot(layer.name)) }
            contents.append(layers)
        }
        for layer in BundleLayer.all {
            #expect(contents[0][layer.name]! == contents[1][layer.name]!, "layer \(layer.name) differs between the two stores")
            #expect(!contents[0][layer.name]!.isEmpty)
        }
    }
}

/// Writes a generated city to a new store the way `cim generate` does (without the command).
@discardableResult
func writeStore(buildings: Int, seed: UInt64, path: String) throws -> GenerationTruth {
    let generator = try CityGenerator(options: CityGeneratorOptions(buildings: buildings, seed: seed))
    let store = try GeoPackageStore.openOrCreate(path, crs: try CoordinateReferenceSystem(epsg: CityGenerator.crsCode))
    let (truth, _) = try generator.run { table in
        try store.writeLayer(table, provenance: LayerProvenance(source: "test"))
    }
    try store.setMetadata("synthetic", "true")
    try store.setMetadata("seed", String(seed))
    return truth
}
