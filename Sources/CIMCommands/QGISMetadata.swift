import CIMAnalysis
import CIMStore
import Foundation

/// What QGIS shows for cim's result layers: field aliases (Chinese title, English description, from the
/// standard and the indicator file) and default styles (QML in `layer_styles`) for completeness, coverage
/// share, unserved buildings, defect severity and the health index. Collected for the layers a command writes
/// (``LayerPresentations``) and attached to them (``FeatureTable/presentation``), so that the store writes them
/// in the same transaction as the layers: a layer never lands without its aliases and styles.
enum QGISMetadata {
    // MARK: per command

    /// `coverage_buildings` and `coverage_areas` (cim coverage).
    static func coverage(_ sink: LayerPresentations, standard: Standard) throws {
        var areaAliases = common + [alias("buildings", "建筑数", "buildings"), alias("missing_count", "缺项数", "required categories missing"),
                                    alias("missing", "缺项", "missing categories"), alias("complete", "完整居住社区 (1 是)", "complete community (1 yes)"),
                                    alias("detour", "绕行系数", "detour ratio")]
        var buildingAliases = common + [alias("use", "用途", "use"), alias("floors", "层数", "floors"), alias("footprint_m2", "占地面积 (m²)", "footprint (m²)"),
                                        alias("floor_area_m2", "建筑面积 (m²)", "floor area (m²)"), alias("missing_required", "缺少必备类别数", "required categories out of reach"),
                                        alias("complete", "全部必备设施可达 (1 是)", "every required category in reach (1 yes)"),
                                        alias("area_id", "所属地区", "area"), alias("ref_x", "参考点 x", "reference point x"), alias("ref_y", "参考点 y", "reference point y")]
        var styles = [LayerStyle(name: "完整居住社区 completeness", qml: categorized("complete", geometry: .fill,
                                                                            [("1", "完整 complete", "26,152,80"), ("0", "不完整 incomplete", "215,48,39")]),
                                 isDefault: true, description: "complete communities (coverage_areas.complete)")]
        for c in standard.categories {
            areaAliases.append(alias("bcov_\(c.key)", "\(c.nameZh) 建筑覆盖率 (%)", "\(c.nameEn): buildings covered (%)"))
            areaAliases.append(alias("rcov_\(c.key)", "\(c.nameZh) 居民覆盖率 (%)", "\(c.nameEn): residents covered (%)"))
            buildingAliases.append(alias("dist_\(c.key)", "到\(c.nameZh)距离 (米)", "distance to \(c.nameEn) (m)"))
            buildingAliases.append(alias("ok_\(c.key)", "\(c.nameZh) \(Int(c.thresholdMetres)) 米内可达", "\(c.nameEn) within \(Int(c.thresholdMetres)) m"))
            if c.required {
                styles.append(LayerStyle(name: "\(c.nameZh) 覆盖率 coverage", qml: graduated("rcov_\(c.key)", geometry: .fill, shareBands),
                                         isDefault: false, description: "share of residents with \(c.nameEn) in reach (rcov_\(c.key), %)"))
            }
        }
        for level in standard.levels { buildingAliases.append(alias("missing_\(level.key)", "\(level.nameZh) 缺项", "\(level.nameEn): required categories out of reach")) }
        if sink.hasLayer("coverage_areas") { sink.set(layer: "coverage_areas", aliases: areaAliases, styles: styles) }
        if sink.hasLayer("coverage_buildings") {
            sink.set(layer: "coverage_buildings", aliases: buildingAliases, styles: [
                LayerStyle(name: "必备设施可达 completeness", qml: categorized("complete", geometry: .fill,
                                                                        [("1", "全部可达 all in reach", "26,152,80"), ("0", "有缺项 missing", "215,48,39")]),
                           isDefault: true, description: "buildings reaching every required category"),
            ])
        }
    }

    /// `pipe_service` and `blank_zones` (cim gaps).
    static func gaps(_ sink: LayerPresentations) throws {
        let service = common + [alias("pipe_m", "到最近管道距离 (米)", "distance to the nearest pipe (m)"), alias("nearest_pipe", "最近管道", "nearest pipe"),
                                alias("served", "已接管网 (1 是)", "served (1 yes)"), alias("in_builtup", "位于建成区 (1 是)", "in the built-up land (1 yes)"),
                                alias("unserved", "管网空白 (1 是)", "unserved (1 yes)"), alias("zone_id", "空白区", "blank zone"),
                                alias("floor_area_m2", "建筑面积 (m²)", "floor area (m²)")]
        if sink.hasLayer("pipe_service") {
            sink.set(layer: "pipe_service", aliases: service, styles: [
                LayerStyle(name: "管网空白建筑 unserved", qml: categorized("unserved", geometry: .fill,
                                                                     [("1", "未接管网 unserved", "215,48,39"), ("0", "其他 other", "189,189,189")]),
                           isDefault: true, description: "buildings beyond the service radius of every pipe (pipe_service.unserved)"),
            ])
        }
        if sink.hasLayer("blank_zones") {
            sink.set(layer: "blank_zones", aliases: common + [
                alias("buildings", "建筑数", "buildings"), alias("residential_buildings", "居住建筑数", "residential buildings"),
                alias("area_m2", "面积 (m²)", "area (m²)"), alias("floor_area_m2", "建筑面积 (m²)", "floor area (m²)"),
                alias("nearest_pipe_m", "到最近管道距离 (米)", "distance to the nearest pipe (m)"), alias("district_name", "所属区", "district name"),
            ], styles: [LayerStyle(name: "管网空白区 blank zones", qml: graduated("residents", geometry: .fill, [
                (0, 100, "< 100", "254,224,144"), (100, 1000, "100–1000", "252,141,89"), (1000, 1e12, "≥ 1000", "215,48,39"),
            ]), isDefault: true, description: "blank zones by residents")])
        }
    }

    /// `pipe_defects` (cim audit).
    static func audit(_ sink: LayerPresentations) throws {
        guard sink.hasLayer("pipe_defects") else { return }
        sink.set(layer: "pipe_defects", aliases: [
            alias("id", "编号", "id"), alias("type", "缺陷类型", "defect type"), alias("detail", "说明", "detail"), alias("severity", "严重程度", "severity"),
            alias("pipe_ids", "管道编号", "pipe ids"), alias("pipe_count", "管道数", "pipes"), alias("value", "数值", "value"), alias("unit", "单位", "unit"),
        ], styles: [LayerStyle(name: "缺陷严重程度 severity", qml: categorized("severity", geometry: .marker, [
            ("high", "高 high", "215,48,31"), ("medium", "中 medium", "252,141,89"), ("low", "低 low", "253,204,138"),
        ]), isDefault: true, description: "pipe defects by severity")])
    }

    /// `check_areas` (cim check): every indicator's value, score and warning named from the indicator file.
    static func check(_ sink: LayerPresentations, system: IndicatorSystem) throws {
        guard sink.hasLayer("check_areas") else { return }
        var aliases = common + [alias("year", "年度", "year"), alias("health_index", "健康指数", "health index")]
        for i in system.indicators {
            aliases.append(alias(i.key, "\(i.nameZh) (\(i.measure.unit))", "\(i.nameEn) (\(i.measure.unit))"))
            aliases.append(alias("\(i.key)_score", "\(i.nameZh) 得分", "\(i.nameEn): score"))
            aliases.append(alias("\(i.key)_warning", "\(i.nameZh) 预警", "\(i.nameEn): warning"))
        }
        sink.set(layer: "check_areas", aliases: aliases, styles: [
            LayerStyle(name: "健康指数 health index", qml: graduated("health_index", geometry: .fill, [
                (0, 60, "< 60", "215,48,39"), (60, 75, "60–75", "252,141,89"), (75, 90, "75–90", "217,239,139"), (90, 100.0001, "≥ 90", "26,152,80"),
            ]), isDefault: true, description: "health index per area"),
        ])
    }

    // MARK: building blocks

    static let common = [alias("id", "编号", "id"), alias("name", "名称", "name"), alias("kind", "类型", "kind"), alias("residents", "居民 (人)", "residents"),
                         alias("district", "所属区", "district")]
    static let shareBands: [(Double, Double, String, String)] = [
        (0, 50, "< 50 %", "215,48,39"), (50, 80, "50–80 %", "252,141,89"), (80, 90, "80–90 %", "217,239,139"), (90, 100.0001, "≥ 90 %", "26,152,80"),
    ]

    static func alias(_ column: String, _ zh: String, _ en: String) -> FieldAlias { FieldAlias(column: column, titleZh: zh, titleEn: en) }

    enum SymbolKind: String { case fill, marker }

    /// One QGIS symbol with a colour ("r,g,b").
    static func symbol(_ name: String, _ kind: SymbolKind, _ rgb: String) -> String {
        let layer = kind == .fill
            ? "<layer class=\"SimpleFill\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\"><Option name=\"color\" type=\"QString\" value=\"\(rgb),255\"/><Option name=\"outline_color\" type=\"QString\" value=\"255,255,255,255\"/><Option name=\"outline_width\" type=\"QString\" value=\"0.1\"/><Option name=\"style\" type=\"QString\" value=\"solid\"/></Option></layer>"
            : "<layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\"><Option type=\"Map\"><Option name=\"color\" type=\"QString\" value=\"\(rgb),255\"/><Option name=\"name\" type=\"QString\" value=\"circle\"/><Option name=\"size\" type=\"QString\" value=\"2.6\"/><Option name=\"outline_color\" type=\"QString\" value=\"35,35,35,255\"/></Option></layer>"
        return "<symbol type=\"\(kind.rawValue)\" name=\"\(name)\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\(layer)</symbol>"
    }

    static func document(_ renderer: String) -> String {
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28.0\" styleCategories=\"Symbology\">\(renderer)</qgis>\n"
    }

    /// A categorized renderer (QML `categorizedSymbol`) on a field: value, label, colour per category.
    static func categorized(_ field: String, geometry: SymbolKind, _ categories: [(String, String, String)]) -> String {
        var r = "<renderer-v2 type=\"categorizedSymbol\" attr=\"\(field)\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><categories>"
        for (k, c) in categories.enumerated() { r += "<category symbol=\"\(k)\" value=\"\(xml(c.0))\" label=\"\(xml(c.1))\" render=\"true\"/>" }
        r += "</categories><symbols>" + categories.enumerated().map { symbol("\($0.offset)", geometry, $0.element.2) }.joined() + "</symbols></renderer-v2>"
        return document(r)
    }

    /// A graduated renderer (QML `graduatedSymbol`) on a field: lower, upper, label, colour per range.
    static func graduated(_ field: String, geometry: SymbolKind, _ ranges: [(Double, Double, String, String)]) -> String {
        var r = "<renderer-v2 type=\"graduatedSymbol\" attr=\"\(field)\" graduatedMethod=\"GraduatedColor\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\"><ranges>"
        for (k, x) in ranges.enumerated() { r += "<range symbol=\"\(k)\" lower=\"\(x.0)\" upper=\"\(x.1)\" label=\"\(xml(x.2))\" render=\"true\"/>" }
        r += "</ranges><symbols>" + ranges.enumerated().map { symbol("\($0.offset)", geometry, $0.element.3) }.joined() + "</symbols></renderer-v2>"
        return document(r)
    }

    static func xml(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
