import Foundation
import Testing

/// `--format csv --out-dir DIR [--excel]`: one table per file, a BOM for Excel.
@Suite(.serialized) struct CSVOutputCLITests {
    @Test func oneFilePerTableWithABOMForExcel() throws {
        let (folder, store) = try CheckCLITests.generated()
        let dir = folder.appendingPathComponent("tables")
        let result = try cim("coverage", store, "--format", "csv", "--out-dir", dir.path, "--excel")
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(files == ["categories.csv", "data_quality.csv", "overview.csv", "timings.csv", "worst_areas.csv"])
        let categories = try Data(contentsOf: dir.appendingPathComponent("categories.csv"))
        #expect(Array(categories.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let lines = String(decoding: categories.dropFirst(3), as: UTF8.self).split(separator: "\r\n")
        #expect(lines.first?.hasPrefix("category,名称,") == true)
        // One row per category of the standard, as the printed CSV has.
        let printed = try cim("coverage", store, "--format", "csv")
        let section = printed.stdout.components(separatedBy: "\n# ").first { $0.contains("Categories, short boards first") } ?? ""
        #expect(lines.count == section.split(separator: "\n").count - 1)
        // Without --excel: no BOM. Misused flags are refused.
        let plain = folder.appendingPathComponent("plain")
        #expect(try cim("checks", store, "--format", "csv", "--out-dir", plain.path).status == 0)
        #expect(try Data(contentsOf: plain.appendingPathComponent("checks.csv")).first != 0xEF)
        #expect(try cim("info", store, "--excel").status != 0)
        #expect(try cim("info", store, "--format", "json", "--out-dir", plain.path).status != 0)
    }
}
