import CIMAnalysis
import CIMGeometry
import CIMStore
import Foundation
import Testing

/// `cim plan`'s engine: reach lists against brute force, the greedy against the exact optimum of tiny
/// instances, and the reported gains against a re-run of coverage with the chosen sites added.
struct FacilityPlanTests {
    /// Random candidate points over the city.
    static func randomCandidates(seed: UInt64, count: Int, size: Double = 3000) -> SitingCandidates {
        var rng = SeededRandom(seed: seed)
        var geometries = GeometryColumn()
        for _ in 0 ..< count {
            geometries.beginFeature(.point)
            geometries.addRing([(500_000 + rng.uniform(0 ... size), 3_290_000 + rng.uniform(0 ... size))])
            geometries.endPart()
            geometries.endFeature()
        }
        return SitingCandidates(ids: (0 ..< count).map { "c\($0)" }, names: Array(repeating: nil, count: count), geometries: geometries,
                                geometryType: .point, source: "test")
    }

    /// The facilities with the chosen sites added as facilities of the category.
    static func facilities(_ base: FeatureTable, adding plan: FacilityPlan) throws -> FeatureTable {
        try WhatIfFacilities.adding(plan.whatIfLayer(), to: base, standard: try testStandard(), source: "plan")
    }

    @Test("the reported gains equal a re-run of coverage with the chosen sites added (straight line and network)",
          arguments: [(UInt64(1), DistanceMetric.euclidean), (2, .euclidean), (3, .network), (4, .network)])
    func gainsMatchCoverageRerun(seed: UInt64, metric: DistanceMetric) throws {
        let city = try RandomCity(seed: seed, buildings: 1500, facilities: 12, categories: ["kindergarten", "clinic", "market"])
        let roads = randomRoads(seed: seed)
        let standard = try testStandard()
        let candidates = Self.randomCandidates(seed: seed + 100, count: 120)
        let plan = try FacilityPlanning.run(buildings: city.buildings, facilities: city.facilities, roads: roads, areas: city.areas,
                                            candidates: candidates, standard: standard,
                                            options: PlanOptions(category: "kindergarten", sites: 5, metric: metric))
        #expect(plan.sites.count == 5)
        var timings = StageTimings()
        func run(_ facilities: FeatureTable) throws -> CoverageResult {
            metric == .euclidean
                ? try StraightLineCoverage.run(buildings: city.buildings, facilities: facilities, areas: city.areas, standard: standard,
                                               options: CoverageOptions(), timings: &timings)
                : try NetworkCoverage.run(buildings: city.buildings, facilities: facilities, roads: roads, areas: city.areas, standard: standard,
                                          options: CoverageOptions(), timings: &timings)
        }
        let before = try run(city.facilities)
        let after = try run(try Self.facilities(city.facilities, adding: plan))
        let c = before.categories.firstIndex { $0.key == "kindergarten" }!
        #expect(abs(before.city[c].residentsInReach - plan.residentsInReachBefore) < 1e-6)
        #expect(abs(after.city[c].residentsInReach - plan.residentsInReachAfter) < 1e-6 * max(1, plan.residents))
        #expect(abs(plan.sites.map(\.residentsGained).reduce(0, +) - (after.city[c].residentsInReach - before.city[c].residentsInReach)) < 1e-6 * max(1, plan.residents))
        // Gains never increase along the ranks (greedy on a submodular function), and each is positive.
        for k in 1 ..< plan.sites.count { #expect(plan.sites[k].gain <= plan.sites[k - 1].gain + 1e-9) }
        #expect(plan.sites.allSatisfy { $0.gain > 0 })
    }

    @Test("straight-line reach lists equal a brute-force scan of every candidate and building", arguments: [UInt64(5), 6])
    func reachMatchesBruteForce(seed: UInt64) throws {
        let city = try RandomCity(seed: seed, buildings: 800, facilities: 0, categories: ["kindergarten"])
        let buildings = try ResidentialBuildings(buildings: city.buildings, standard: try testStandard(), unknownIsResidential: false)
        let candidates = Self.randomCandidates(seed: seed, count: 60)
        var rng = SeededRandom(seed: seed)
        let eligible = (0 ..< buildings.count).map { _ in rng.int(0 ..< 4) != 0 }
        let reach = CandidateReach.straightLine(candidates: candidates, points: buildings.points, eligible: eligible, threshold: 300)
        for i in 0 ..< candidates.count {
            let p = candidates.geometries.firstCoordinate(of: i)
            let expected = (0 ..< buildings.count).filter {
                eligible[$0] && hypot(buildings.points[2 * $0] - p.x, buildings.points[2 * $0 + 1] - p.y) <= 300
            }.map { Int32($0) }
            #expect(Array(reach.reach(i)) == expected)
        }
    }

    @Test("the lazy greedy picks what a plain greedy picks and reaches at least (1 − 1/e) of the exhaustive optimum", arguments: Array(UInt64(10) ..< 16))
    func greedyAgainstExhaustiveOptimum(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let buildings = 60, candidates = 14, sites = 3
        let weights = (0 ..< buildings).map { _ in rng.uniform(1 ... 50) }
        let lists: [[Int32]] = (0 ..< candidates).map { _ in (0 ..< buildings).filter { _ in rng.int(0 ..< 6) == 0 }.map { Int32($0) } }
        let reach = CandidateReach(lists: lists)
        let greedy = GreedyCovering.solve(reach: reach, weights: weights, sites: sites, minimumGain: 0)
        func value(_ chosen: [Int]) -> Double { Set(chosen.flatMap { lists[$0] }).reduce(0) { $0 + weights[Int($1)] } }
        var best = 0.0
        for a in 0 ..< candidates { for b in a + 1 ..< candidates { for c in b + 1 ..< candidates { best = max(best, value([a, b, c])) } } }
        let greedyValue = greedy.picks.reduce(0) { $0 + $1.gain }
        #expect(abs(greedyValue - value(greedy.picks.map(\.candidate))) < 1e-9)
        #expect(greedyValue >= (1 - exp(-1)) * best - 1e-9)
        #expect(greedyValue <= best + 1e-9)
        // Lazy evaluation picks what a plain greedy (every gain recomputed each round) picks.
        var chosen: [Int] = []
        for _ in 0 ..< sites {
            let gains = (0 ..< candidates).map { value(chosen + [$0]) - value(chosen) }
            let top = gains.indices.max { gains[$0] != gains[$1] ? gains[$0] < gains[$1] : $0 > $1 }!
            if gains[top] <= 0 { break }
            chosen.append(top)
        }
        #expect(greedy.picks.map(\.candidate) == chosen)
    }

    @Test("--min-gain stops the plan and fewer sites are reported")
    func minimumGainStops() throws {
        let city = try RandomCity(seed: 7, buildings: 600, facilities: 5, categories: ["kindergarten"])
        let candidates = Self.randomCandidates(seed: 7, count: 50)
        let all = try FacilityPlanning.run(buildings: city.buildings, facilities: city.facilities, roads: nil, areas: nil, candidates: candidates,
                                           standard: try testStandard(), options: PlanOptions(category: "kindergarten", sites: 10))
        let limit = all.sites[3].gain + 1e-6
        let fewer = try FacilityPlanning.run(buildings: city.buildings, facilities: city.facilities, roads: nil, areas: nil, candidates: candidates,
                                             standard: try testStandard(), options: PlanOptions(category: "kindergarten", sites: 10, minimumGain: limit))
        #expect(fewer.sites.count == 3)
        #expect(fewer.sites.map(\.id) == all.sites.prefix(3).map(\.id))
        #expect(fewer.warnings.contains { $0.contains("only 3 of 10") })
    }
}
