import CIMAnalysis
import CIMStore
import Foundation
import Testing

/// Each measure of the check on the hand-made city, against values known by construction.
@Suite struct CheckMeasureTests {
    let r = HandMadeCity.residents
    let total = HandMadeCity.totalResidents

    func close(_ a: Double?, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func reachShareByResidentsAndLand() throws {
        let result = try HandMadeCity().check()
        // k1 reaches b1, k2 reaches b3; b2, b4, b6 have no kindergarten within 300 m.
        #expect(close(result.cityValue("kg"), (r("b1") + r("b3")) / total * 100))
        #expect(close(result.indicator("kg").city?.measure.beside["residential_land"] ?? nil, 2.0 / 5 * 100))
        #expect(close(result.cityValue("kg_land"), 40))
        #expect(close(result.value("kg", "community", "C1"), r("b1") / (r("b1") + r("b2")) * 100))
        #expect(close(result.value("kg", "community", "C2"), r("b3") / (r("b3") + r("b6")) * 100))
        #expect(close(result.value("kg", "community", "C3"), 0))
        // C4 has no residents: no value, not 0 %.
        #expect(result.value("kg", "community", "C4") == nil)
        #expect(close(result.value("kg", "district", "D1"), (r("b1") + r("b3")) / (r("b1") + r("b2") + r("b3") + r("b6")) * 100))
        #expect(close(result.indicator("kg").city?.measure.affected, r("b2") + r("b4") + r("b6")))
    }

    @Test func parkSizeRule() throws {
        let result = try HandMadeCity().check()
        // b1, b2 within 500 m of the 10,000 m² park, b4 within 300 m of the 2,500 m² park; the 900 m² park
        // 265 m from b3 serves no one. Residential land: 5 footprints of 400 m².
        #expect(close(result.cityValue("park"), 3.0 / 5 * 100))
        #expect(close(result.value("park", "community", "C1"), 100))
        #expect(close(result.value("park", "community", "C2"), 0))
        #expect(close(result.value("park", "community", "C3"), 100))
        #expect(result.value("park", "community", "C4") == nil)
    }

    @Test func completeCommunities() throws {
        let result = try HandMadeCity().check()
        // C2 is complete (93.75 % of its residents reach a kindergarten, all a bus stop); C1 (66.7 %) and C3
        // are not; C4 has no residents and is not judged.
        #expect(close(result.cityValue("complete"), 100.0 / 3))
        #expect(close(result.indicator("complete").city?.measure.beside["residents"] ?? nil, (r("b3") + r("b6")) / total * 100))
        #expect(close(result.value("complete", "district", "D1"), 50))
        #expect(close(result.value("complete", "district", "D2"), 0))
        #expect(close(result.value("complete", "community", "C2"), 100))
        #expect(result.value("complete", "community", "C4") == nil)
        #expect(result.indicator("complete").city?.measure.behind?.contains("C3 (missing kindergarten, bus_stop)") == true)
    }

    @Test func densities() throws {
        let result = try HandMadeCity().check()
        // Two waterlogging points in 4 km² of built-up land (the third lies outside it).
        #expect(close(result.cityValue("water"), 0.5))
        #expect(close(result.value("water", "district", "D1"), 0.5))
        #expect(close(result.value("water", "community", "C4"), 1))
        #expect(close(result.value("water", "community", "C2"), 0))
        // Roads: 2 km along y = 500 and 2 km of x = 1200 inside the built-up land.
        #expect(close(result.cityValue("roads"), 1))
        #expect(close(result.value("roads", "district", "D1"), 1.5))
        #expect(close(result.value("roads", "district", "D2"), 0.5))
        #expect(close(result.value("roads", "community", "C2"), 2))
        #expect(close(result.value("roads", "community", "C3"), 0))
        // Drainage pipes: 1 + 0.2 + 2 km.
        #expect(close(result.cityValue("drain"), 0.8))
    }

    @Test func stockMeasures() throws {
        let result = try HandMadeCity().check()
        // Old housing: b1 (1995, 4,000 m²) and b4 (1980, 800 m²) of 19,600 m² residential floor area.
        #expect(close(result.cityValue("old"), 4800.0 / 19600 * 100))
        #expect(close(result.value("old", "community", "C2"), 0))
        // New residential over 80 m: b3 (90 m, 2025) in the 2025 check, none in 2024.
        #expect(result.cityValue("tall") == 1)
        #expect(result.value("tall", "community", "C2") == 1)
        #expect(try HandMadeCity().check(year: 2024).cityValue("tall") == 0)
        // Park area per resident: 13,400 m² of parks.
        #expect(close(result.cityValue("park_area"), 13400 / total))
        #expect(close(result.value("park_area", "community", "C1"), 10000 / (r("b1") + r("b2"))))
        #expect(close(result.value("park_area", "community", "C2"), 900 / (r("b3") + r("b6"))))
        #expect(result.value("park_area", "community", "C4") == nil)
        // Dense land: only the cell [1500, 2000] × [500, 1000] (b3 and b6) has over 250 residents.
        #expect(close(result.cityValue("dense"), 0.25))
        #expect(close(result.value("dense", "community", "C2"), 0.25))
        #expect(close(result.value("dense", "community", "C1"), 0))
    }

    @Test func drainageMeasures() throws {
        let result = try HandMadeCity().check()
        // Sewers run through b1, b2 and b3: b4 and b6 (and the commercial b5) are unserved.
        #expect(close(result.cityValue("blank"), (r("b4") + r("b6")) / total * 100))
        #expect(close(result.value("blank", "community", "C1"), 0))
        #expect(close(result.value("blank", "community", "C3"), 100))
        // Defects per km: the audit's own count over its pipe length (3.2 km).
        var timings = StageTimings()
        let audit = try PipeAudit.run(pipes: HandMadeCity().inputs.pipes!, nodes: nil, options: AuditOptions(), timings: &timings)
        #expect(audit.defects.count > 0)
        #expect(close(result.cityValue("defects"), Double(audit.defects.count) / 3.2))
    }

    @Test func missingLayerIsNotComputable() throws {
        var city = HandMadeCity()
        city.withWaterlogging = false
        let result = try city.check()
        let water = result.indicator("water")
        #expect(water.computable == false)
        #expect(water.needs == "layer waterlogging")
        #expect(water.city == nil)
        #expect(result.valueRecords().contains { $0.indicator == "water" && !$0.computable && $0.value == nil })
        // The others are still computed.
        #expect(result.indicator("roads").computable)
    }

    @Test func networkMetricNeverCoversMore() throws {
        let straight = try HandMadeCity().check()
        let network = try HealthCheck.run(inputs: HandMadeCity().inputs, standard: HandMadeCity.standard, system: HandMadeCity.system,
                                          options: CheckOptions(year: 2025, metric: .network))
        // Network distances are never shorter than straight-line ones, so coverage can only fall.
        for key in ["kg", "park"] {
            #expect((network.cityValue(key) ?? 0) <= (straight.cityValue(key) ?? 0) + 1e-9)
        }
    }
}
