import CIMAnalysis
import CIMTables
import Foundation

/// The data-and-methods section: layers with their provenance (`cim_layers`), the standard and indicator
/// files with their versions, and what every number means.
extension HealthReport {
    func methodsSection() -> String {
        var s = "<h3>\(e(t("layers")))</h3>"
        s += HTML.table([t("layer"), t("features"), t("source"), t("imported")], input.layers.map { l in
            [e(l.layer), "\(l.features)", e(l.source + (l.sourceLayer.isEmpty ? "" : " (\(l.sourceLayer))")), e(l.importedAt)]
        })
        s += "<h3>\(e(t("files")))</h3>"
        let standard = input.standard
        s += HTML.table([t("file"), t("name"), t("version")], [
            [e(language == .zh ? standard.nameZh : standard.name), e(standard.sources.joined(separator: "; ")), e(standard.name)],
            [e(input.check.indicatorFile), e(language == .zh ? system.nameZh : system.name),
             "FNV-1a 64 \(e(input.check.indicatorHash)) · cim \(e(input.check.cimVersion))"],
        ])
        s += "<h3>\(e(t("semantics")))</h3><ul class=\"semantics\">"
        let p = standard.parameters
        let lines: [(String, String)] = [
            ("居住建筑: 用途为住宅或混合; 参考点为建筑轮廓的 PointOnSurface (必在轮廓内)。",
             "Residential building: use residential or mixed; its reference point is the footprint's PointOnSurface (always inside)."),
            ("层数: floors, 否则 round(高度 ÷ \(HTML.number(p.floorHeightMetres, 1)) 米), 否则 1; 建筑面积 = 占地面积 × 层数; 居民 = 居住建筑面积 ÷ \(HTML.number(p.floorAreaPerResident, 1)) m²/人。",
             "Floors: floors, else round(height ÷ \(HTML.number(p.floorHeightMetres, 1)) m), else 1; floor area = footprint × floors; residents = residential floor area ÷ \(HTML.number(p.floorAreaPerResident, 1)) m² per resident."),
            ("可达: 参考点到该类设施的距离 (\(e(input.check.metric))) 不超过标准中的服务半径; 完整社区: 每个必备类别至少 \(HTML.number(p.completeShare * 100, 0)) % 的居民可达。",
             "In reach: the distance (\(input.check.metric)) from the reference point to the category is within the standard's threshold; complete community: for every required category at least \(HTML.number(p.completeShare * 100, 0)) % of its residents are in reach."),
            ("得分 = 100 · min(1, 数值 ÷ 标准) (正向), 100 · min(1, 标准 ÷ 数值) (负向); 等级与预警按指标文件的规则; 健康指数为得分的加权平均。",
             "Score = 100 · min(1, value ÷ standard) for positive, 100 · min(1, standard ÷ value) for negative indicators; grades and warnings by the indicator file's rules; the health index is the weighted mean of the scores."),
            ("同比变化 = 本年数值 − 基准年数值; 下降超过容差 (默认 \(HTML.number(system.rules.declineTolerance * 100, 0)) %) 或突破底线即预警。",
             "Year-on-year change = value − baseline value; a decline beyond the tolerance (default \(HTML.number(system.rules.declineTolerance * 100, 0)) %) or a bottom-line breach is a warning."),
            ("管网空白区: 到最近污水或合流管道的距离超过服务半径的建成区建筑, 相互邻近者合并为一区; 未覆盖居民为其中居住建筑的居民。",
             "Blank zones: built-up buildings farther than the service radius from every sewer or combined pipe, grouped when near each other; unserved residents are those of their residential buildings."),
            ("管网缺陷: cim audit 在有向管网图上查出的问题 (悬挂端点、近距断开、无出口、逆坡、管径倒缩 …), 各有严重程度。",
             "Pipe defects: what cim audit finds on the directed pipe graph (dangling ends, near-miss breaks, no outlet, reversed slopes, shrinking diameters …), each with a severity."),
            ("地图: 使用数据库的投影坐标系 \(e(crsName)), 上方为坐标北; 要素过多时按网格汇总。",
             "Maps: in the store's projected CRS \(crsName), grid north up; layers with too many features are drawn as grid cells."),
        ]
        for (zh, en) in lines { s += "<li>\(language == .zh ? zh : e(en))</li>" }
        return s + "</ul>"
    }
}
