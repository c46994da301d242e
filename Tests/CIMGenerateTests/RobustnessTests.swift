@testable import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("Other seeds and sizes")
struct RobustnessTests {
    @Test("truth matches the reference audit and the served/unserved split at other seeds and sizes",
          arguments: [(1, 1), (2, 300), (3, 5000), (5, 12000)] as [(UInt64, Int)])
    func truthHolds(seed: UInt64, buildings: Int) throws {
        let city = try GeneratedCity.make(buildings: buildings, seed: seed)
        #expect(city["buildings"].count == buildings)
        let audit = ReferenceAudit(pipes: city["pipes"], nodes: city["pipe_nodes"])
        let planted = Set(city.truth.defects.map { ReferenceAudit.Finding(type: $0.type, pipes: $0.pipeIds) })
        #expect(planted.subtracting(audit.findings).isEmpty, "planted but not found: \(planted.subtracting(audit.findings))")
        #expect(audit.findings.subtracting(planted).isEmpty, "found but not planted: \(audit.findings.subtracting(planted))")
        #expect(audit.crowdedEnds.isEmpty, "\(audit.crowdedEnds.prefix(3))")
        #expect(audit.ruleBreaks.isEmpty, "\(audit.ruleBreaks.prefix(3))")
        for type in DefectType.allCases { #expect(city.truth.defects(type).count >= 2, "\(type.rawValue)") }
        #expect(!city.truth.blankAreas.isEmpty)
        let ids = texts(city["buildings"], "id").map { $0 ?? "" }
        let listed = Set(city.truth.blankAreas.flatMap(\.buildingIds))
        let distance = try BlankAreaTests.distances(city, kinds: ["sewer", "combined"])
        for (i, id) in ids.enumerated() {
            if listed.contains(id) {
                #expect(distance[i] > city.truth.unservedBeyondM, "\(id) listed, \(distance[i]) m")
            } else {
                #expect(distance[i] <= city.truth.servedWithinM, "\(id) not listed, \(distance[i]) m")
            }
        }
    }
}
