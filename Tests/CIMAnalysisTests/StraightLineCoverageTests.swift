import CIMAnalysis
import CIMGeometry
import CIMIndex
import CIMStore
import Foundation
import Testing

/// Brute force: GEOS PointOnSurface reference points and GEOS distances to every facility of the serving
/// categories; nil beyond the cutoff.
func bruteForceDistances(buildings: FeatureTable, facilities: FeatureTable, standard: Standard, cutoff: Double,
                         unknownIsResidential: Bool) throws -> (rows: [Int], distances: [[Double?]]) {
    let context = GEOSContext()
    let uses = buildings.text("use")!
    let categories = facilities.text("category")!
    let rows = (0 ..< buildings.count).filter { ResidentialBuildings.isResidential(uses[$0], unknownIsResidential: unknownIsResidential) }
    let facilityGeometries = try (0 ..< facilities.count).map { try facilities.geometries.geometry($0, context: context) }
    var result: [[Double?]] = []
    let points = try rows.map { try buildings.geometries.geometry($0, context: context).pointOnSurface() }
    for category in standard.categories {
        let serving = Set(standard.servingCategories(category.key))
        let members = (0 ..< facilities.count).filter { categories[$0].map(serving.contains) ?? false }
        result.append(try points.map { point in
            var best: Double?
            for f in members {
                let d = try point.distance(to: facilityGeometries[f])
                if d <= cutoff, best.map({ d < $0 }) ?? true { best = d }
            }
            return best
        })
    }
    return (rows, result)
}

@Suite("Straight-line coverage against brute force")
struct StraightLineCoverageTests {
    @Test("distances equal brute-force GEOS distances within 1e-6 m on seeded random cities", arguments: [1, 2, 3] as [UInt64])
    func distancesMatchBruteForce(seed: UInt64) throws {
        let standard = try testStandard()
        let city = try RandomCity(seed: seed, buildings: 400, facilities: 90, categories: ["kindergarten", "clinic", "market", "supermarket", "school"])
        var timings = StageTimings()
        let result = try StraightLineCoverage.run(buildings: city.buildings, facilities: city.facilities, areas: city.areas,
                                                  standard: standard, options: CoverageOptions(), timings: &timings)
        let brute = try bruteForceDistances(buildings: city.buildings, facilities: city.facilities, standard: standard,
                                            cutoff: standard.parameters.defaultCutoffMetres, unknownIsResidential: false)
        #expect(result.buildings.rows == brute.rows)
        #expect(result.buildings.count > 100)
        var compared = 0, nulls = 0
        for c in standard.categories.indices {
            for b in brute.rows.indices {
                let ours = result.distances[c][b]
                if let expected = brute.distances[c][b] {
                    #expect(abs(ours - expected) <= 1e-6, "category \(standard.categories[c].key) building \(b): \(ours) vs \(expected)")
                    compared += 1
                } else {
                    #expect(ours.isNaN, "category \(standard.categories[c].key) building \(b): expected null, got \(ours)")
                    nulls += 1
                }
            }
        }
        #expect(compared > 500)
        #expect(nulls > 0)
    }

    @Test("reference points lie inside their footprints and equal GEOS PointOnSurface")
    func referencePoints() throws {
        let standard = try testStandard()
        let city = try RandomCity(seed: 9, buildings: 300, facilities: 10, categories: ["kindergarten"])
        let residential = try ResidentialBuildings(buildings: city.buildings, standard: standard, unknownIsResidential: true)
        let context = GEOSContext()
        for (k, row) in residential.rows.enumerated() {
            let footprint = try city.buildings.geometries.geometry(row, context: context)
            let point = try Geometry(x: residential.points[2 * k], y: residential.points[2 * k + 1], context: context)
            #expect(try footprint.intersects(point))
            let expected = try footprint.pointOnSurface()
            #expect(try expected.x() == residential.points[2 * k] && expected.y() == residential.points[2 * k + 1])
            #expect(abs(residential.footprintArea[k] - (try footprint.area())) < 1e-6)
        }
    }

    @Test("floors, floor area and residents follow the documented rules")
    func floorsAndResidents() throws {
        #expect(ResidentialBuildings.floors(floors: 7, height: 90, floorHeight: 3) == 7)
        #expect(ResidentialBuildings.floors(floors: nil, height: 10, floorHeight: 3) == 3)
        #expect(ResidentialBuildings.floors(floors: nil, height: 10.6, floorHeight: 3) == 4)
        #expect(ResidentialBuildings.floors(floors: nil, height: 1, floorHeight: 3) == 1)
        #expect(ResidentialBuildings.floors(floors: nil, height: nil, floorHeight: 3) == 1)
        #expect(ResidentialBuildings.floors(floors: 0, height: nil, floorHeight: 3) == 1)
        let standard = try testStandard()
        let city = try RandomCity(seed: 4, buildings: 200, facilities: 5, categories: ["clinic"])
        let r = try ResidentialBuildings(buildings: city.buildings, standard: standard, unknownIsResidential: false)
        let floors = city.buildings.integers("floors")!, heights = city.buildings.reals("height")!
        for (k, row) in r.rows.enumerated() {
            let expectedFloors = floors[row].map(Int.init) ?? heights[row].map { max(1, Int(($0 / 3).rounded())) } ?? 1
            #expect(r.floors[k] == expectedFloors)
            #expect(abs(r.floorArea[k] - r.footprintArea[k] * Double(expectedFloors)) < 1e-9)
            #expect(abs(r.residents[k] - r.floorArea[k] / 36.5) < 1e-9)
        }
    }

    @Test("coverage rates, complete flags and area aggregates recomputed independently")
    func aggregatesMatchIndependentComputation() throws {
        let standard = try testStandard(completeShare: 0.6)
        let city = try RandomCity(seed: 11, buildings: 500, facilities: 120, categories: ["kindergarten", "clinic", "market", "supermarket", "school"])
        var timings = StageTimings()
        let result = try StraightLineCoverage.run(buildings: city.buildings, facilities: city.facilities, areas: city.areas,
                                                  standard: standard, options: CoverageOptions(), timings: &timings)
        let brute = try bruteForceDistances(buildings: city.buildings, facilities: city.facilities, standard: standard, cutoff: 800, unknownIsResidential: false)
        let context = GEOSContext()
        let areaGeometries = try (0 ..< city.areas.count).map { try city.areas.geometries.geometry($0, context: context) }
        let n = brute.rows.count
        func ok(_ c: Int, _ b: Int) -> Bool { brute.distances[c][b].map { $0 <= standard.categories[c].thresholdMetres } ?? false }
        let required = standard.categories.indices.filter { standard.categories[$0].required }
        // Buildings.
        for b in 0 ..< n {
            let missing = required.filter { !ok($0, b) }.count
            #expect(result.missingRequired[b] == missing)
            #expect(result.complete[b] == (missing == 0))
            #expect(result.missingByLevel["5min"]![b] == required.filter { standard.categories[$0].level == "5min" && !ok($0, b) }.count)
        }
        // Area membership: first area (in order) that covers the reference point.
        var membership: [Int] = []
        for (k, row) in brute.rows.enumerated() {
            _ = row
            let point = try Geometry(x: result.buildings.points[2 * k], y: result.buildings.points[2 * k + 1], context: context)
            membership.append(try areaGeometries.firstIndex { try $0.intersects(point) } ?? -1)
        }
        #expect(result.unitOfBuilding.map(Int.init) == membership)
        #expect(membership.contains(-1))
        let residents = result.buildings.residents
        for a in 0 ..< city.areas.count {
            let members = (0 ..< n).filter { membership[$0] == a }
            let total = members.map { residents[$0] }.reduce(0, +)
            let area = result.areas[a]
            #expect(area.buildings == members.count)
            #expect(abs(area.residents - total) < 1e-6)
            var missing: [String] = []
            for c in standard.categories.indices {
                let inReach = members.filter { ok(c, $0) }
                #expect(area.buildingsInReach[c] == inReach.count)
                let share = total > 0 ? inReach.map { residents[$0] }.reduce(0, +) / total : 0
                #expect(abs(area.residentRate(c) - share) < 1e-9)
                if standard.categories[c].required && share < 0.6 { missing.append(standard.categories[c].key) }
            }
            #expect(area.missing == missing)
            #expect(area.complete == (total > 0 && missing.isEmpty))
        }
        // City rates.
        let totalResidents = residents.reduce(0, +)
        for (c, category) in result.city.enumerated() {
            let inReach = (0 ..< n).filter { ok(c, $0) }
            #expect(category.buildingsInReach == inReach.count)
            #expect(abs(category.residentRate - inReach.map { residents[$0] }.reduce(0, +) / totalResidents) < 1e-9)
        }
        // Short boards are sorted by residents out of reach.
        let outs = result.shortBoards.map(\.residentsOutOfReach)
        #expect(outs == outs.sorted(by: >))
    }

    @Test("a category with no facility is 0 % with a warning, not a crash")
    func emptyCategory() throws {
        let standard = try testStandard()
        let city = try RandomCity(seed: 5, buildings: 100, facilities: 30, categories: ["kindergarten", "clinic"])
        var timings = StageTimings()
        let result = try StraightLineCoverage.run(buildings: city.buildings, facilities: city.facilities, areas: nil,
                                                  standard: standard, options: CoverageOptions(), timings: &timings)
        let index = standard.categories.firstIndex { $0.key == "empty_category" }!
        #expect(result.city[index].buildingRate == 0)
        #expect(result.city[index].facilities == 0)
        #expect(result.distances[index].allSatisfy { $0.isNaN })
        #expect(result.warnings.contains { $0.contains("empty_category") })
        // Without areas the result is aggregated over a grid and every building lands in a cell.
        #expect(result.units.isGrid)
        #expect(result.unitOfBuilding.allSatisfy { $0 >= 0 })
        #expect(result.areas.map(\.buildings).reduce(0, +) == result.buildings.count)
    }

    @Test("buildings of unknown use count as residential only with the flag")
    func unknownUse() throws {
        let standard = try testStandard()
        let city = try RandomCity(seed: 6, buildings: 200, facilities: 30, categories: ["kindergarten"])
        let uses = city.buildings.text("use")!
        var timings = StageTimings()
        let without = try StraightLineCoverage.run(buildings: city.buildings, facilities: city.facilities, areas: nil, standard: standard,
                                                   options: CoverageOptions(unknownIsResidential: false), timings: &timings)
        let with = try StraightLineCoverage.run(buildings: city.buildings, facilities: city.facilities, areas: nil, standard: standard,
                                                options: CoverageOptions(unknownIsResidential: true), timings: &timings)
        let residential = uses.filter { $0 == "residential" || $0 == "mixed" }.count
        let unknown = uses.filter { $0 == "unknown" }.count
        #expect(unknown > 0)
        #expect(without.buildings.count == residential)
        #expect(with.buildings.count == residential + unknown)
    }

    @Test("a store in lon/lat is refused: distances are never measured in degrees")
    func lonLatRefused() throws {
        let standard = try testStandard()
        var city = try RandomCity(seed: 7, buildings: 10, facilities: 5, categories: ["clinic"])
        city.buildings.crs = .wgs84
        var timings = StageTimings()
        #expect(throws: AnalysisError.self) {
            try StraightLineCoverage.run(buildings: city.buildings, facilities: city.facilities, areas: nil, standard: standard,
                                         options: CoverageOptions(), timings: &timings)
        }
    }

    @Test("result layers carry one row per residential building and area, with the documented fields")
    func resultLayers() throws {
        let standard = try testStandard()
        let city = try RandomCity(seed: 8, buildings: 150, facilities: 40, categories: ["kindergarten", "clinic", "market"])
        var timings = StageTimings()
        let result = try StraightLineCoverage.run(buildings: city.buildings, facilities: city.facilities, areas: city.areas,
                                                  standard: standard, options: CoverageOptions(), timings: &timings)
        let layer = result.buildingLayer(footprints: city.buildings)
        #expect(layer.count == result.buildings.count)
        #expect(layer.text("id")! == result.buildings.ids.map { Optional($0) })
        let kindergarten = layer.reals("dist_kindergarten")!
        let okKindergarten = layer.integers("ok_kindergarten")!
        for b in 0 ..< layer.count {
            #expect((kindergarten[b] ?? .infinity) <= 300 ? okKindergarten[b] == 1 : okKindergarten[b] == 0)
        }
        #expect(layer.integers("complete")!.map { $0 == 1 } == result.complete)
        let areaLayer = result.areaLayer()
        #expect(areaLayer.count == result.areas.filter { $0.buildings > 0 }.count)
        #expect(areaLayer.reals("rcov_clinic") != nil)
    }
}
