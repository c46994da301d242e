import CIMAnalysis
import Foundation
import Testing

/// The indicator file: the shipped one loads with every key the issue lists; broken files are refused
/// with the indicator and the field named.
@Suite struct IndicatorSystemTests {
    static let shippedURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data/indicators/city-health-check.json")

    @Test func shippedFileHasTheRequiredIndicators() throws {
        let standard = try Standard.load(URL(fileURLWithPath: Self.shippedURL.path.replacingOccurrences(of: "indicators/city-health-check.json", with: "standards/gb50180-2018.json")))
        let system = try IndicatorSystem.load(Self.shippedURL, standard: standard)
        let keys = Set(system.indicators.map(\.key))
        for key in ["complete_community_share", "kindergarten_coverage", "primary_school_coverage", "middle_school_coverage",
                    "health_station_coverage", "elderly_care_coverage", "park_service_coverage", "bus_stop_coverage",
                    "rail_station_coverage", "road_network_density", "waterlogging_density", "pipe_blank_share",
                    "drainage_pipe_density", "old_housing_share", "new_residential_over_80m", "park_area_per_resident", "dense_land_area"] {
            #expect(keys.contains(key), "missing \(key)")
        }
        // Standards from INDICATORS.md.
        #expect(system.indicator("park_service_coverage")?.standard == 80)
        #expect(system.indicator("park_area_per_resident")?.standard == 8)
        #expect(system.indicator("road_network_density")?.standard == 8)
        #expect(system.indicator("new_residential_over_80m")?.bottomLine == 0)
        // The park rule by residential land; the facility coverages by residents.
        #expect(system.indicator("park_service_coverage")?.denominator == .residentialLand)
        #expect(system.indicator("kindergarten_coverage")?.denominator == .residents)
        #expect(system.fileName == "city-health-check.json")
        #expect(system.fileHash.count == 16)
    }

    func refusal(_ json: String) -> String {
        do {
            _ = try IndicatorSystem.parse(Data(json.utf8), standard: HandMadeCity.standard)
            return "accepted"
        } catch let error as AnalysisError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    func file(_ indicator: String) -> String { HandMadeCity.indicatorJSON(extra: "," + indicator) }

    @Test func brokenFilesNameTheIndicatorAndField() {
        let cases: [(String, String)] = [
            (HandMadeCity.indicator("bad", "reach_share", #""reach": [{"category": "kindergarten", "distance_m": -5}]"#, "residents"),
             "indicator 'bad'.measure.reach[0]: \"distance_m\" must be positive"),
            (HandMadeCity.indicator("bad", "reach_share", #""reach": [{"category": "kindergarten"}]"#, "residents", standard: "-1"),
             "indicator 'bad': \"standard\" must not be negative"),
            (HandMadeCity.indicator("bad", "reach_share", #""reach": [{"category": "kindergarten"}]"#, "residents", standard: "1e999"),
             "not valid JSON"),  // JSON has no infinity: Foundation refuses the number
            (HandMadeCity.indicator("bad", "reach_share", #""reach": [{"category": "kindergarten"}]"#, "residents", standard: "150"),
             "indicator 'bad': \"standard\" is a percentage"),
            (HandMadeCity.indicator("bad", "reach_share", #""reach": [{"category": "hospital"}]"#, "residents"),
             "indicator 'bad': measure.reach[0] names category 'hospital'"),
            (HandMadeCity.indicator("bad", "teleport", #""x": 1"#, "residents"), "indicator 'bad': unknown measure type 'teleport'"),
            (HandMadeCity.indicator("bad", "point_density", #""layer": "waterlogging""#, "residents"),
             "indicator 'bad': \"denominator\" 'residents' does not fit measure point_density"),
            (HandMadeCity.indicator("bad", "dense_land", #""cell_m": 0, "residents_per_km2": 15000"#, "none"),
             "indicator 'bad'.measure: \"cell_m\" must be positive"),
            (HandMadeCity.indicator("bad", "line_density", #""layer": "pipes", "kinds": "gas""#, "built_up_area"),
             "indicator 'bad': measure.kinds"),
            (HandMadeCity.indicator("bad", "reach_share", #""reach": [{"category": "kindergarten"}]"#, "residents", dimension: "快乐"),
             "indicator 'bad': unknown dimension '快乐'"),
            (HandMadeCity.indicator("kg", "reach_share", #""reach": [{"category": "kindergarten"}]"#, "residents"), "duplicate indicator 'kg'"),
            (HandMadeCity.indicator("bad", "building_share", #""where": {"residential": 1}"#, "floor_area"),
             "indicator 'bad'.measure.where: \"residential\""),
        ]
        for (indicator, expected) in cases {
            let message = refusal(file(indicator))
            #expect(message.contains(expected), "\(message) does not contain \(expected)")
        }
        // A weight that is not a number, a misspelt field, the rules.
        #expect(refusal(file(HandMadeCity.indicator("bad", "reach_share", #""reach": [{"category": "kindergarten"}]"#, "residents")
            .replacingOccurrences(of: "\"weight\": 1", with: "\"weight\": \"heavy\""))).contains("indicator 'bad': \"weight\""))
        #expect(refusal(file(HandMadeCity.indicator("bad", "reach_share", #""reach": [{"category": "kindergarten"}]"#, "residents")
            .replacingOccurrences(of: "\"direction\"", with: "\"directoin\""))).contains("indicator 'bad': unknown key \"directoin\""))
        #expect(refusal(HandMadeCity.indicatorJSON(rules: HandMadeCity.defaultRules.replacingOccurrences(of: "\"red_below_score\": 60", with: "\"red_below_score\": -60")))
            .contains("rules: \"red_below_score\" must not be negative"))
        #expect(refusal("{\"format\": \"cim-indicators\", \"version\": 1, ").contains("not valid JSON"))
        // A good file is accepted.
        #expect(refusal(HandMadeCity.indicatorJSON()) == "accepted")
    }
}
