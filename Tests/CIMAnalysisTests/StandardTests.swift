import CIMAnalysis
import Foundation
import Testing

@Suite("The standard file")
struct StandardTests {
    @Test("the shipped GB 50180-2018 file loads with every category of the reference")
    func shipped() throws {
        let url = dataDirectory.appendingPathComponent("standards/gb50180-2018.json")
        let standard = try Standard.load(url)
        for key in ["middle_school", "large_sports", "health_center", "elderly_home", "culture_center", "metro_station", "primary_school",
                    "medium_sports", "fresh_market", "bus_stop", "community_service", "culture_station", "small_sports", "fitness",
                    "kindergarten", "nursery", "elderly_daycare", "health_station", "convenience", "waste_point"] {
            #expect(standard.category(key) != nil, "missing \(key)")
        }
        #expect(standard.category("kindergarten")?.thresholdMetres == 300)
        #expect(standard.category("primary_school")?.thresholdMetres == 500)
        #expect(standard.category("metro_station")?.thresholdMetres == 800)
        #expect(standard.category("waste_point")?.thresholdMetres == 70)
        #expect(standard.parameters.floorAreaPerResident == 36.5)
        #expect(standard.servingCategories("convenience").contains("supermarket"))
        #expect(!standard.requiredCategories.isEmpty)
    }

    func parse(_ mutate: (inout [String: Any]) -> Void) throws -> Standard {
        var root = try JSONSerialization.jsonObject(with: Data(contentsOf: dataDirectory.appendingPathComponent("standards/gb50180-2018.json"))) as! [String: Any]
        mutate(&root)
        return try Standard.parse(JSONSerialization.data(withJSONObject: root))
    }

    func expectError(_ fragment: String, _ mutate: (inout [String: Any]) -> Void) {
        do {
            _ = try parse(mutate)
            Issue.record("expected an error mentioning \(fragment)")
        } catch let error as AnalysisError {
            #expect(error.description.contains(fragment), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    func editCategory(_ root: inout [String: Any], _ index: Int, _ edit: (inout [String: Any]) -> Void) {
        var categories = root["categories"] as! [[String: Any]]
        edit(&categories[index])
        root["categories"] = categories
    }

    @Test("broken standard files give clear errors")
    func broken() {
        expectError("unknown key \"colour\"") { $0["colour"] = "red" }
        expectError("unknown key \"radius\"") { editCategory(&$0, 0) { $0["radius"] = 5 } }
        expectError("\"threshold_m\" must be in (0, 100000], got -300") { editCategory(&$0, 0) { $0["threshold_m"] = -300 } }
        expectError("\"threshold_m\" must be in (0, 100000], got 1e+308") { editCategory(&$0, 0) { $0["threshold_m"] = 1e308 } }
        expectError("missing \"threshold_m\"") { editCategory(&$0, 1) { $0.removeValue(forKey: "threshold_m") } }
        expectError("duplicate category") { root in
            var categories = root["categories"] as! [[String: Any]]
            categories.append(categories[0])
            root["categories"] = categories
        }
        expectError("unknown level 'hour'") { editCategory(&$0, 0) { $0["level"] = "hour" } }
        expectError("counts_as names unknown category") { editCategory(&$0, 0) { $0["counts_as"] = ["nothing"] } }
        expectError("complete_share") { root in
            var p = root["parameters"] as! [String: Any]
            p["complete_share"] = 1.5
            root["parameters"] = p
        }
        expectError("floor_area_per_resident_m2") { root in
            var p = root["parameters"] as! [String: Any]
            p.removeValue(forKey: "floor_area_per_resident_m2")
            root["parameters"] = p
        }
        expectError("format") { $0["format"] = "other" }
        do {
            _ = try Standard.parse(Data("not json".utf8))
            Issue.record("expected an error")
        } catch {
            #expect("\(error)".contains("not valid JSON"))
        }
    }
}
