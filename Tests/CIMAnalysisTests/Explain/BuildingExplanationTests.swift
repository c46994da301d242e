import CIMAnalysis
import CIMGeometry
import CIMStore
import Foundation
import Testing

/// `cim explain`: the distances are those of `cim coverage`, the named facility is at that distance, and
/// along the network the path's length is the distance.
struct BuildingExplanationTests {
    @Test("explained distances equal coverage's, the named facility lies at that distance, the area is coverage's",
          arguments: [(UInt64(21), DistanceMetric.euclidean), (22, .euclidean), (23, .network), (24, .network)])
    func distancesEqualCoverage(seed: UInt64, metric: DistanceMetric) throws {
        let city = try RandomCity(seed: seed, buildings: 400, facilities: 25, categories: ["kindergarten", "clinic", "market", "supermarket", "school"])
        let roads = randomRoads(seed: seed)
        let standard = try testStandard()
        var timings = StageTimings()
        let coverage = metric == .euclidean
            ? try StraightLineCoverage.run(buildings: city.buildings, facilities: city.facilities, areas: city.areas, standard: standard,
                                           options: CoverageOptions(), timings: &timings)
            : try NetworkCoverage.run(buildings: city.buildings, facilities: city.facilities, roads: roads, areas: city.areas, standard: standard,
                                      options: CoverageOptions(), timings: &timings)
        let facilityIds = city.facilities.text("id")!
        var checked = 0
        for b in stride(from: 0, to: coverage.buildings.count, by: 11) {
            let id = coverage.buildings.ids[b]
            let e = try BuildingExplainer.run(buildingId: id, buildings: city.buildings, facilities: city.facilities, roads: roads, areas: city.areas,
                                              standard: standard, metric: metric)
            #expect(e.complete == coverage.complete[b])
            #expect(e.area?.id == (coverage.unitOfBuilding[b] >= 0 ? coverage.areas[Int(coverage.unitOfBuilding[b])].id : nil))
            for (c, explained) in e.categories.enumerated() {
                let d = coverage.distances[c][b]
                #expect(explained.distance == (d.isNaN ? nil : d), "building \(id) \(explained.category.key)")
                #expect(explained.inReach == coverage.inReach(c, b))
                #expect((explained.facilityId == nil) == d.isNaN)
                #expect(explained.category.required && !explained.inReach ? e.missing.contains { $0.category.key == explained.category.key } : true)
                guard let distance = explained.distance, let facility = explained.facilityId else { continue }
                let row = facilityIds.firstIndex(of: facility)!
                let x = coverage.buildings.points[2 * b], y = coverage.buildings.points[2 * b + 1]
                if metric == .euclidean {
                    // The named facility is at the reported distance (brute force over the facility's geometry).
                    #expect(abs(city.facilities.geometries.distance(fromX: x, y: y, to: row) - distance) < 1e-6)
                } else {
                    // The path's length is the reported distance.
                    let p = explained.path!
                    var length = 0.0
                    for k in stride(from: 2, to: p.count, by: 2) { length += hypot(p[k] - p[k - 2], p[k + 1] - p[k - 1]) }
                    #expect(abs(length - distance) < 1e-6, "path of \(id) to \(facility)")
                    #expect(p[0] == x && p[1] == y)
                }
                checked += 1
            }
        }
        #expect(checked > 20)
    }

    @Test("an unknown or non-residential building is refused with its id")
    func refusals() throws {
        let city = try RandomCity(seed: 25, buildings: 100, facilities: 5, categories: ["kindergarten"])
        #expect(throws: AnalysisError.self) {
            try BuildingExplainer.run(buildingId: "nope", buildings: city.buildings, facilities: city.facilities, roads: nil, areas: nil,
                                      standard: try testStandard(), metric: .euclidean)
        }
        let uses = city.buildings.text("use")!
        let commercial = city.buildings.text("id")![uses.firstIndex(of: "commercial")!]!
        do {
            _ = try BuildingExplainer.run(buildingId: commercial, buildings: city.buildings, facilities: city.facilities, roads: nil, areas: nil,
                                          standard: try testStandard(), metric: .euclidean)
            Issue.record("a commercial building was explained")
        } catch let error as AnalysisError {
            #expect(error.message.contains(commercial) && error.message.contains("not residential"))
        }
    }
}
