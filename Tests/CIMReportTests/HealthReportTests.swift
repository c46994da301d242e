import CIMAnalysis
import CIMGeometry
import CIMStore
import Foundation
import Testing
@testable import CIMReport

/// The report of a hand-made check whose every number is known.
@Suite struct HealthReportTests {
    @Test func chineseReportHasEverySectionAndTheKnownNumbers() throws {
        let html = HealthReport(try HandMadeReport().input).render()
        for heading in ["城市体检报告 2025", "总体评价", "指标评价", "问题诊断", "生活圈覆盖", "排水", "数据与方法", "完整居住社区", "短板"] {
            #expect(html.contains(heading), "missing heading \(heading)")
        }
        #expect(html.contains("<b id=\"health-index\">83.3</b>"))
        // One complete community of three (C3); kindergarten coverage of residents (30·100 + 80·300 + 95·600) / 1000 = 84.0 %.
        #expect(html.contains("<b id=\"complete-communities\">1</b>"))
        #expect(html.contains("<span class=\"num\">84.0</span>"))
        // Warnings: kindergarten 60 % is below 90 (score 66.7: yellow); the city's parks meet theirs.
        #expect(html.contains("badge yellow"))
        // Drainage is not available and says what it needs.
        #expect(html.contains("needs layer pipes"))
    }

    @Test func diagnosisRanksAreasByShortfall() throws {
        let html = HealthReport(try HandMadeReport().input).render()
        let diagnosis = try #require(html.range(of: "<section id=\"diagnosis\">"))
        let end = try #require(html.range(of: "</section>", range: diagnosis.upperBound ..< html.endIndex))
        let section = String(html[diagnosis.upperBound ..< end.lowerBound])
        // Kindergarten: C1 (shortfall 60) before C2 (10); C3 (95 ≥ 90) is not listed. Parks (city 10 ≥ 8) are not diagnosed.
        let c1 = try #require(section.range(of: "community C1"))
        let c2 = try #require(section.range(of: "community C2"))
        #expect(c1.lowerBound < c2.lowerBound)
        #expect(!section.contains("community C3"))
        #expect(section.contains("60.00") && section.contains("10.00"))
        #expect(!section.contains(system().indicator("park_area_per_resident")!.nameZh))
    }

    @Test func areaIndexIsTheWeightedMeanOfStoredScores() throws {
        let report = HealthReport(try HandMadeReport().input)
        let index = Dictionary(uniqueKeysWithValues: report.areaIndex(kind: "community").map { ($0.id, $0.index) })
        // C1: kindergarten 100·30/90 = 33.33, parks 100·4/8 = 50 → 41.67; C3: 100 and 100.
        #expect(abs((index["C1"]! ?? 0) - (100.0 * 30 / 90 + 50) / 2) < 1e-9)
        #expect(abs((index["C2"]! ?? 0) - (100.0 * 80 / 90 + 100) / 2) < 1e-9)
        #expect(index["C3"]! == 100)
    }

    @Test func englishReportUsesEnglishNamesAndGrades() throws {
        let html = HealthReport(try HandMadeReport(language: .en).input).render()
        #expect(html.contains("<html lang=\"en\">"))
        for heading in ["Overview", "Indicators", "Diagnosis", "Life-circle coverage", "Drainage", "Data and methods"] { #expect(html.contains(heading)) }
        #expect(html.contains(system().indicator("kindergarten_coverage")!.nameEn))
        #expect(!html.contains("总体评价"))
    }

    @Test func yearOnYearChangeWithABaseline() throws {
        var input = try HandMadeReport().input
        var old = input.values
        for i in old.indices { old[i].value = old[i].value.map { $0 - 5 } }   // every value 5 lower a year earlier
        input.baseline = (CheckRecord(id: 1, year: 2024, time: "", indicatorFile: "", indicatorHash: "", inputs: [], cimVersion: "", metric: "euclidean",
                                      index: 80, dimensionIndex: "{}"), old)
        let html = HealthReport(input).render()
        #expect(html.contains("同比变化") && html.contains("改善"))
        #expect(html.contains("<td>55.00</td><td>5.00</td>"))
    }

    @Test func theDocumentIsSelfContained() throws {
        let html = HealthReport(try HandMadeReport().input).render()
        // No external resources: the only URL is the SVG namespace.
        let urls = html.components(separatedBy: "http").count - 1
        let namespaces = html.components(separatedBy: "http://www.w3.org/2000/svg").count - 1
        #expect(urls == namespaces)
        #expect(!html.contains("<link") && !html.contains("src=") && !html.contains("@import") && !html.contains("url("))
        // Every map has a legend, a scale bar and a north arrow.
        let maps = html.components(separatedBy: "<svg class=\"map\"").count - 1
        #expect(maps >= 3)
        #expect(html.components(separatedBy: "class=\"scalebar\"").count - 1 == maps)
        #expect(html.components(separatedBy: "class=\"north\"").count - 1 == maps)
    }

    private func system() -> IndicatorSystem { try! HandMadeReport().system }
}
