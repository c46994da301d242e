import Foundation
import Testing

/// `cim report` as a user runs it, on a small generated city (every layer: areas, pipes, defects).
@Suite(.serialized) struct ReportCLITests {
    @Test(arguments: cliBackends) func storedCheckIsReportedWithItsNumbersAndMaps(_ backend: Backend) throws {
        let (folder, store, cleanup) = try backend.generated()
        defer { cleanup() }
        let check = try cim("check", store, "--year", "2025", "--format", "json")
        #expect(check.status == 0, "\(check.stderr)")
        let root = try json(check.stdout)
        let index = try #require((root["index"] as? [String: Any])?["overall"] as? Double)
        let out = folder.appendingPathComponent("report.html").path
        let result = try cim("report", store, "--out", out)
        #expect(result.status == 0, "\(result.stderr)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.contains("<b id=\"health-index\">\(String(format: "%.1f", index))</b>"))
        #expect(html.contains("使用存储的体检记录"))
        for indicator in try #require(root["indicators"] as? [[String: Any]]) {
            if let value = indicator["value"] as? Double { #expect(html.contains("<span class=\"num\">\(String(format: "%.2f", value))</span>")) }
        }
        // Drainage computed through cim gaps and cim audit (the store has pipes, no result layers): the report
        // shows the same zone count and unserved residents as cim gaps writes.
        #expect(html.contains("由报告按相同引擎计算"))
        #expect(try cim("gaps", store).status == 0)
        let zones = try tool("ogrinfo", ["-q", "-sql", "SELECT COUNT(*) AS n, SUM(residents) AS r FROM blank_zones", try backend.gdalName(store)]).stdout
        let count = try #require(zones.components(separatedBy: "n (Integer").last?.components(separatedBy: "= ").dropFirst().first?.prefix { $0.isNumber })
        #expect(html.contains("<b id=\"blank-zones\">\(count)</b>"))
        // Districts and communities: the ranking map, the completeness map and a map per required category.
        #expect(html.contains("地区排名 (district)"))
        #expect(html.components(separatedBy: "<svg class=\"map\"").count - 1 >= 5)
        // Now from the layers: the same zones.
        let again = try cim("report", store, "--out", out, "--lang", "en")
        #expect(again.status == 0)
        let english = try String(contentsOfFile: out, encoding: .utf8)
        #expect(english.contains("from the layer blank_zones") && english.contains("<b id=\"blank-zones\">\(count)</b>"))
    }

    @Test(arguments: cliBackends) func withoutAStoredCheckTheCheckIsComputedAndNotRecorded(_ backend: Backend) throws {
        let (folder, store, cleanup) = try backend.generated()
        defer { cleanup() }
        let out = folder.appendingPathComponent("r.html").path
        let refused = try cim("report", store, "--out", out)
        #expect(refused.status != 0 && refused.stderr.contains("no recorded check") && refused.stderr.contains("--year"))
        #expect(!FileManager.default.fileExists(atPath: out))
        let result = try cim("report", store, "--year", "2025", "--out", out)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("本次计算 (未记录)"))
        let list = try cim("checks", store, "--format", "json")
        #expect((try json(list.stdout)["checks"] as? [Any])?.count == 0)
    }

    @Test func badInputIsRefused() throws {
        let (folder, store) = try CheckCLITests.generated()
        let out = folder.appendingPathComponent("r.html").path
        #expect(try cim("report", store, "--out", folder.appendingPathComponent("r.pdf").path).status != 0)
        #expect(try cim("report", folder.appendingPathComponent("none.gpkg").path, "--year", "2025", "--out", out).stderr.contains("does not exist"))
        let noBaseline = try cim("report", store, "--year", "2025", "--baseline", "2019", "--out", out)
        #expect(noBaseline.status != 0 && noBaseline.stderr.contains("no stored check of year 2019"))
        #expect(!FileManager.default.fileExists(atPath: out))
        #expect(try cim("report", store, "--year", "2025", "--out", "/nonexistent-folder/r.html").stderr.contains("does not exist"))
    }
}
