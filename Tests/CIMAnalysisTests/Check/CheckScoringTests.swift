import CIMAnalysis
import CIMStore
import Foundation
import Testing

/// Scores, grades, warnings, the index, the diagnosis and the year-on-year comparison.
@Suite struct CheckScoringTests {
    @Test func scoreRule() {
        typealias R = IndicatorSystem.Rules
        #expect(R.score(40, standard: 80, direction: .positive) == 50)
        #expect(R.score(120, standard: 80, direction: .positive) == 100)
        #expect(R.score(10, standard: 5, direction: .negative) == 50)
        #expect(R.score(4, standard: 5, direction: .negative) == 100)
        #expect(R.score(0, standard: 0, direction: .negative) == 100)
        #expect(R.score(0.1, standard: 0, direction: .negative) == 0)
        #expect(R.breaches(1, bottomLine: 0, direction: .negative))
        #expect(!R.breaches(0, bottomLine: 0, direction: .negative))
        #expect(R.breaches(70, bottomLine: 80, direction: .positive))
        #expect(R.weightedMean([(100, 1), (50, 3), (nil, 5)]) == 62.5)
    }

    @Test func gradesWarningsAndIndex() throws {
        let result = try HandMadeCity().check()
        // kg: 40/49 = 81.6 % of residents against 90 → score 90.7: grade 很好, a yellow warning (below the standard).
        let kg = try #require(result.indicator("kg").city)
        let expected = 100 * (kg.value! / 90)
        #expect(abs(kg.value! - 4000.0 / 49) < 1e-9)
        #expect(abs(kg.judgement.score! - expected) < 1e-9)
        #expect(kg.judgement.grade == (expected >= 90 ? "很好" : "较好"))
        #expect(kg.judgement.warning == .yellow)
        // Water: 0.5 points per km² against a bottom line of 0: red.
        let water = try #require(result.indicator("water").city)
        #expect(water.judgement.bottomLineBreach && water.judgement.warning == .red && water.judgement.score == 0)
        // Old housing has no standard: grade 无标准, no score, normal.
        let old = try #require(result.indicator("old").city)
        #expect(old.judgement.score == nil && old.judgement.grade == "无标准" && old.judgement.warning == .normal)
        // The index: the equal-weight mean of the scores that exist.
        let scores = result.indicators.compactMap { $0.city?.judgement.score }
        #expect(abs(result.index.overall! - scores.reduce(0, +) / Double(scores.count)) < 1e-9)
        #expect(result.index.dimensions.map(\.dimension) == ["健康舒适"])
    }

    @Test func diagnosisRanksAreasByShortfall() throws {
        let result = try HandMadeCity().check()
        let park = try #require(result.diagnosis.first { $0.key == "park" })
        // The finest set is the communities; only C2 (0 % against 80 %) falls short of the park standard.
        #expect(result.areaSets[result.diagnosisSet].kind == "community")
        #expect(park.areas.map(\.id) == ["C2"])
        #expect(abs(park.areas[0].shortfall - 80) < 1e-9)
        #expect(park.areas[0].behind?.contains("no park within 500 m") == true)
        let kg = try #require(result.diagnosis.first { $0.key == "kg" })
        #expect(kg.areas.map(\.id) == ["C3", "C1"])  // 90 short, then 23.3 short; C2 (93.75 %) is above the standard
        // Indicators at or above their standard are not diagnosed.
        #expect(!result.diagnosis.contains { $0.key == "old" })
    }

    /// The re-check: remove one kindergarten and check again; only the areas it served decline.
    @Test func removingOneKindergartenDeclinesOnlyTheAreasItServed() throws {
        let before = try HandMadeCity().check(year: 2025)  // the same check year: only the kindergarten differs
        var city = HandMadeCity()
        city.kindergartens.removeLast()  // k2 served b3 (C2, D1)
        let after = try city.check(year: 2025)
        let baseline = CheckRecord(id: 1, year: 2024, time: "", indicatorFile: "test", indicatorHash: "", inputs: [], cimVersion: "",
                                   metric: "euclidean", index: before.index.overall, dimensionIndex: "{}")
        let comparison = CheckComparison.compare(current: after, baseline: baseline, baselineValues: before.valueRecords(), source: "test")
        let declined = Set(comparison.changes.filter { $0.trend == .declined }.map { "\($0.indicator) \($0.areaKind) \($0.areaId)" })
        #expect(declined == ["kg city city", "kg district D1", "kg community C2", "kg_land city city", "kg_land district D1",
                             "kg_land community C2", "complete city city", "complete district D1", "complete community C2"])
        #expect(!comparison.changes.contains { $0.trend == .improved })
        // C4 has no residents in either check: not comparable, never a decline.
        let c4 = comparison.changes.first { $0.indicator == "kg" && $0.areaId == "C4" }
        #expect(c4?.trend == Trend.notComparable)
        // Declines beyond the 5 % tolerance are warned, and so is the waterlogging bottom line.
        #expect(comparison.warnings.contains { $0.contains("kg declined in community C2") })
        #expect(comparison.warnings.contains { $0.contains("water breaches its bottom line") })
        // The same check against itself: nothing moves.
        let same = CheckComparison.compare(current: before, baseline: baseline, baselineValues: before.valueRecords(), source: "test")
        #expect(same.changes.allSatisfy { $0.trend == .unchanged || $0.trend == .notComparable })
    }
}
