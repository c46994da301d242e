import Foundation
import Testing

/// `--lang zh|en` translates table titles, headings and CSV headers; `--format json` keys are machine keys
/// (snake_case, booleans, arrays) and do not change with `--lang`.
@Suite(.serialized) struct LanguageJSONCLITests {
    @Test func jsonKeysAreMachineKeysWhateverTheLanguage() throws {
        let (folder, store) = try CheckCLITests.generated()
        defer { try? FileManager.default.removeItem(at: folder) }
        let english = try cim("coverage", store, "--format", "json")
        let chinese = try cim("coverage", store, "--format", "json", "--lang", "zh")
        #expect(english.status == 0 && chinese.status == 0, "\(english.stderr) \(chinese.stderr)")
        // Only the timings may differ between two runs: compare everything else exactly.
        var a = try json(english.stdout), b = try json(chinese.stdout)
        a["timings"] = nil; b["timings"] = nil
        #expect(NSDictionary(dictionary: a).isEqual(to: b))
        let categories = try #require(a["categories"] as? [[String: Any]])
        #expect(!categories.isEmpty)
        for row in categories {
            #expect(Set(row.keys) == ["category", "name_zh", "level", "threshold_m", "required", "facilities", "buildings_pct", "residents_pct", "residents_out"])
            #expect(row["required"] is Bool)
            let share = try #require(row["residents_pct"] as? Double)
            #expect((0 ... 100).contains(share))
        }
        let worst = try #require(a["worst_areas"] as? [[String: Any]])
        for row in worst {
            let missing = try #require(row["missing_categories"] as? [String])
            #expect(missing.count == row["missing"] as? Int)
        }
    }

    @Test func langZhTranslatesTablesAndCSVHeaders() throws {
        let (folder, store) = try CheckCLITests.generated()
        defer { try? FileManager.default.removeItem(at: folder) }
        let english = try cim("coverage", store)
        let chinese = try cim("coverage", store, "--lang", "zh")
        #expect(english.stdout.contains("residents_%") && !english.stdout.contains("居民覆盖%"))
        #expect(chinese.stdout.contains("居民覆盖%") && chinese.stdout.contains("类别(短板优先)") && !chinese.stdout.contains("residents_%"))
        let csv = try cim("audit", store, "--format", "csv", "--lang", "zh")
        #expect(csv.status == 0, "\(csv.stderr)")
        #expect(csv.stdout.contains("\n类型,数量,高,中,低,含义\n"))
        #expect(csv.stdout.contains("悬挂端点") && !csv.stdout.contains("dangling_end,"))
        // The JSON of the audit keeps the machine names of defect types.
        let audit = try json(try cim("audit", store, "--format", "json", "--lang", "zh").stdout)
        let types = try #require(audit["defect_types"] as? [[String: Any]])
        #expect(types.contains { $0["type"] as? String == "dangling_end" })
        // cim check defaults to Chinese tables; --lang en switches them.
        #expect(try cim("check", store, "--year", "2025").stdout.contains("用时"))
        #expect(try cim("check", store, "--year", "2026", "--lang", "en").stdout.contains("Timings"))
    }
}
