@testable import CIMGenerate
import Foundation
import Testing

@Suite("Truth file")
struct TruthFileTests {
    @Test("the JSON parses back to the same truth, with the documented keys")
    func roundTrip() throws {
        let truth = Cities.small.truth
        let text = truth.json()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("truth-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try text.write(to: url, atomically: true, encoding: .utf8)
        let loaded = try GenerationTruth.load(url)
        #expect(loaded.seed == 11 && loaded.buildings == 2000 && loaded.format == "cim-generate-truth" && loaded.version == 1)
        #expect(loaded.defects.count == truth.defects.count)
        #expect(loaded.blankAreas.map(\.buildingIds) == truth.blankAreas.map(\.buildingIds))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["format", "version", "seed", "buildings", "crs", "served_within_m", "unserved_beyond_m", "defects", "blank_areas"])
        let first = try #require((object["defects"] as? [[String: Any]])?.first)
        #expect(Set(first.keys).isSuperset(of: ["type", "pipe_ids", "x", "y", "value"]))
        let area = try #require((object["blank_areas"] as? [[String: Any]])?.first)
        #expect(Set(area.keys).isSuperset(of: ["polygon_wkt", "building_ids"]))
    }

    @Test("the truth file sits next to the store")
    func path() {
        #expect(GenerationTruth.path(forStore: "/tmp/a/city.gpkg") == "/tmp/a/city.truth.json")
        #expect(GenerationTruth.path(forStore: "city.GPKG").hasSuffix("city.truth.json"))
    }

    @Test("seeded streams are independent of each other and repeatable")
    func seededRandom() {
        var a = SeededRandom(seed: 9, stream: .blockSlots, index: 3), b = SeededRandom(seed: 9, stream: .blockSlots, index: 3)
        var c = SeededRandom(seed: 9, stream: .blockSlots, index: 4)
        let xa = (0 ..< 5).map { _ in a.next() }, xb = (0 ..< 5).map { _ in b.next() }, xc = (0 ..< 5).map { _ in c.next() }
        #expect(xa == xb)
        #expect(xa != xc)
        var r = SeededRandom(seed: 1)
        for _ in 0 ..< 1000 { let u = r.unit(); #expect(u >= 0 && u < 1) }
    }
}
