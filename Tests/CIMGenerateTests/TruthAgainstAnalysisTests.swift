import CIMAnalysis
import CIMGenerate
import CIMStore
import Foundation
import Testing

/// The generator's truth file against what `cim audit` and `cim gaps` find on the generated city:
/// every planted defect is found with its type, pipes and place, nothing else is reported, and the
/// unserved buildings are exactly the blank areas' buildings.
@Suite("Truth file against cim audit and cim gaps")
struct TruthAgainstAnalysisTests {
    static func city(buildings: Int, seed: UInt64) throws -> (layers: [String: FeatureTable], truth: GenerationTruth) {
        var layers: [String: FeatureTable] = [:]
        let (truth, _) = try CityGenerator(options: CityGeneratorOptions(buildings: buildings, seed: seed)).run { layers[$0.name] = $0 }
        return (layers, truth)
    }

    @Test("audit finds exactly the planted defects", arguments: [(6000, 3), (12000, 8)] as [(Int, UInt64)])
    func audit(buildings: Int, seed: UInt64) throws {
        let (layers, truth) = try Self.city(buildings: buildings, seed: seed)
        var timings = StageTimings()
        let result = try PipeAudit.run(pipes: try #require(layers["pipes"]), nodes: layers["pipe_nodes"], options: AuditOptions(), timings: &timings)
        #expect(!truth.defects.isEmpty)
        var matched = Set<Int>()
        for planted in truth.defects {
            let candidates = result.defects.indices.filter { k in
                let found = result.defects[k]
                return found.type.rawValue == planted.type && !Set(found.pipeIds).isDisjoint(with: planted.pipeIds)
                    && hypot(found.x - planted.x, found.y - planted.y) <= 1.0
            }
            #expect(!candidates.isEmpty, "planted \(planted.type) on \(planted.pipeIds) at (\(planted.x), \(planted.y)) not found")
            matched.formUnion(candidates)
        }
        let extra = result.defects.indices.filter { !matched.contains($0) }.map { result.defects[$0] }
        #expect(extra.isEmpty, "reported but not planted: \(extra.prefix(5).map { "\($0.type.rawValue) \($0.pipeIds) \($0.detail)" })")
        for type in DefectType.allCases {
            #expect(truth.defects.contains { $0.type == type.rawValue }, "the generator plants no \(type.rawValue)")
        }
    }

    @Test("gaps finds exactly the blank areas' buildings as unserved")
    func gaps() throws {
        let (layers, truth) = try Self.city(buildings: 8000, seed: 5)
        var timings = StageTimings()
        let result = try PipeGaps.run(buildings: try #require(layers["buildings"]), pipes: try #require(layers["pipes"]), areas: layers["areas"],
                                      standard: try Standard.shipped(), options: GapsOptions(), timings: &timings)
        let unserved = Set((0 ..< result.buildings.count).filter { result.isUnserved($0) }.map { result.buildings.ids[$0] })
        let expected = Set(truth.blankAreas.flatMap(\.buildingIds))
        #expect(!expected.isEmpty)
        #expect(unserved == expected, "missing \(expected.subtracting(unserved).count), extra \(unserved.subtracting(expected).count)")
        #expect(result.zones.map(\.buildings).reduce(0, +) == expected.count)
    }
}
