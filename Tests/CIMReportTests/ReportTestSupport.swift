import Foundation
import CIMAnalysis
import CIMGeometry
import CIMStore
@testable import CIMReport

/// Axis-aligned squares as a polygon column.
func squares(_ corners: [(Double, Double)], side: Double) -> GeometryColumn {
    var column = GeometryColumn()
    for (x, y) in corners {
        column.beginFeature(.multiPolygon)
        column.addRing([(x, y), (x + side, y), (x + side, y + side), (x, y + side), (x, y)])
        column.endPart()
        column.endFeature()
    }
    return column
}

/// Points as a column.
func points(_ xy: [(Double, Double)]) -> GeometryColumn {
    var column = GeometryColumn()
    for p in xy {
        column.beginFeature(.point)
        column.addRing([p])
        column.endPart()
        column.endFeature()
    }
    return column
}

/// A hand-made check: two indicators (kindergarten coverage with standard 90 %, park area per resident with
/// standard 8) for the city and three communities C1–C3, with known values, scores and warnings.
struct HandMadeReport {
    let standard: Standard
    let system: IndicatorSystem
    var input: ReportInput

    init(language: Language = .zh) throws {
        standard = try Standard.shipped()
        var system = try IndicatorSystem.shipped(standard: standard)
        system.indicators = system.indicators.filter { ["kindergarten_coverage", "park_area_per_resident"].contains($0.key) }
        system.indicators[0].standard = 90
        self.system = system
        func v(_ key: String, _ kind: String, _ id: String, _ value: Double?) -> CheckValueRecord {
            let indicator = system.indicator(key)!
            let j = system.rules.judge(value, indicator)
            return CheckValueRecord(check: 3, indicator: key, areaKind: kind, areaId: id, areaName: kind == "city" ? nil : "社区\(id)", value: value,
                                    numerator: nil, denominator: nil, score: j.score, grade: j.grade, warning: j.warning?.rawValue, computable: true)
        }
        // Kindergarten: city 60 % (score 66.7, yellow), C1 30 % (shortfall 60), C2 80 % (10), C3 95 % (none).
        // Parks: city 10 (score 100), C1 4 (score 50, red), C2 8, C3 12.
        let values = [v("kindergarten_coverage", "city", "city", 60), v("kindergarten_coverage", "community", "C1", 30),
                      v("kindergarten_coverage", "community", "C2", 80), v("kindergarten_coverage", "community", "C3", 95),
                      v("park_area_per_resident", "city", "city", 10), v("park_area_per_resident", "community", "C1", 4),
                      v("park_area_per_resident", "community", "C2", 8), v("park_area_per_resident", "community", "C3", 12)]
        let record = CheckRecord(id: 3, year: 2025, time: "2025-06-01T00:00:00Z", indicatorFile: "city-health-check.json", indicatorHash: "abc",
                                 inputs: [], cimVersion: "0.1.0", metric: "euclidean", index: 83.33, dimensionIndex: "{\"健康舒适\": 66.6667, \"生态宜居\": 100}")
        let areaGeometry = squares([(0, 0), (1000, 0), (2000, 0)], side: 1000)
        let checkAreas = FeatureTable(name: "check_areas", geometryType: .multiPolygon, geometries: areaGeometry, columns: [
            AttributeColumn("kind", .text(["community", "community", "community"])), AttributeColumn("id", .text(["C1", "C2", "C3"])),
            AttributeColumn("name", .text(["社区C1", "社区C2", "社区C3"])),
        ])
        let coverage = FeatureTable(name: "coverage_areas", geometryType: .multiPolygon, geometries: areaGeometry, columns: [
            AttributeColumn("id", .text(["C1", "C2", "C3"])), AttributeColumn("name", .text([nil, nil, nil])),
            AttributeColumn("kind", .text(["community", "community", "community"])),
            AttributeColumn("buildings", .integer([10, 20, 30])), AttributeColumn("residents", .real([100, 300, 600])),
            AttributeColumn("rcov_kindergarten", .real([30, 80, 95])), AttributeColumn("rcov_primary_school", .real([100, 100, 50])),
            AttributeColumn("missing_count", .integer([2, 1, 0])), AttributeColumn("missing", .text(["kindergarten,clinic", "clinic", ""])),
            AttributeColumn("complete", .integer([0, 0, 1])),
        ])
        input = ReportInput(language: language, storeName: "city.gpkg", crs: try CoordinateReferenceSystem(epsg: 4548), check: record, checkStored: true,
                            values: values, system: system, standard: standard,
                            layers: [try JSONDecoder().decode(LayerRecord.self, from: Data("""
                                {"layer": "buildings", "source": "survey.shp", "sourceLayer": "", "sourceCRS": "EPSG:4548",
                                 "importedAt": "2025-05-01", "features": 60, "repaired": 0, "rejected": 0}
                                """.utf8))],
                            checkAreas: checkAreas, coverageAreas: coverage, coverageOrigin: "from the layer coverage_areas",
                            drainageNeeds: "needs layer pipes", defectsOrigin: "needs layer pipes", generatedAt: "2025-06-02")
    }
}
