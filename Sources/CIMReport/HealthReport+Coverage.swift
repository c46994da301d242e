import CIMAnalysis
import CIMTables
import Foundation

/// One category's coverage over the areas of `coverage_areas`.
struct CategoryCoverage {
    var key: String
    var residents: Double
    var covered: Double
    var share: Double? { residents > 0 ? covered / residents * 100 : nil }
    var outOfReach: Double { residents - covered }
}

/// The life-circle section: complete communities, short boards and per-category coverage, with maps.
extension HealthReport {
    /// Residents in reach per category of the standard, summed over the areas (rcov_<key> × residents).
    static func categoryCoverage(_ areas: FeatureTable, standard: Standard) -> [CategoryCoverage] {
        let residents = areas.reals("residents") ?? []
        return standard.categories.compactMap { category in
            guard let share = areas.reals("rcov_\(category.key)") else { return nil }
            var total = 0.0, covered = 0.0
            for i in 0 ..< areas.count {
                let r = residents[i] ?? 0
                total += r
                covered += r * (share[i] ?? 0) / 100
            }
            return CategoryCoverage(key: category.key, residents: total, covered: covered)
        }
    }

    func categoryName(_ key: String) -> String {
        guard let c = input.standard.category(key) else { return key }
        return language == .zh ? c.nameZh : c.nameEn
    }

    func coverageSection() -> String {
        guard let areas = input.coverageAreas, areas.count > 0 else {
            return "<p class=\"na\">\(e(t("not_available"))): \(e(input.coverageOrigin))</p>"
        }
        let complete = areas.integers("complete") ?? []
        let missing = areas.integers("missing_count") ?? []
        let ids = areas.text("id") ?? []
        let missingList = areas.text("missing") ?? []
        let kind = areas.text("kind")?.first.flatMap { $0 } ?? ""
        let completeCount = complete.filter { $0 == 1 }.count
        var s = "<p class=\"note\">coverage_areas: \(e(input.coverageOrigin)) · \(e(kind))</p>"
        s += "<div class=\"kpi\"><div>\(e(t("areas_with_residents")))<b>\(areas.count)</b></div>"
        s += "<div>\(e(t("complete_communities")))<b id=\"complete-communities\">\(completeCount)</b></div></div>"

        let coverage = Self.categoryCoverage(areas, standard: input.standard).sorted { $0.outOfReach > $1.outOfReach }
        s += "<h3>\(e(t("short_boards")))</h3>"
        s += HTML.table([t("category"), t("threshold"), t("required"), t("coverage_share"), t("residents") + " ✗"], coverage.map { c in
            let category = input.standard.category(c.key)
            return [e(categoryName(c.key)), HTML.number(category?.thresholdMetres, 0), category?.required == true ? "✓" : "",
                    "<span class=\"num\">\(HTML.number(c.share, 1))</span>", HTML.number(c.outOfReach, 0)]
        })

        guard let extent = areas.extent else { return s }
        s += "<div class=\"maps\">"
        var m = map(extent)
        let worst = max(1, missing.compactMap { $0 }.max() ?? 1)
        m.addShapes(areas.geometries, features: Array(0 ..< areas.count), fill: { i in
            complete[i] == 1 ? Palette.goodness(1) : Palette.goodness(0.5 - 0.5 * Double(missing[i] ?? 0) / Double(worst))
        }, title: { i in "\(ids[i] ?? ""): " + (complete[i] == 1 ? self.t("complete") : "\(self.t("incomplete_missing")) \(missingList[i] ?? "")") })
        m.addLegend(Palette.goodness(1), t("complete"))
        m.addLegend(Palette.goodness(0.25), "\(t("incomplete_missing")) 1…\(worst / 2 + 1)")
        m.addLegend(Palette.goodness(0), "\(t("incomplete_missing")) \(worst)")
        s += "<figure><figcaption>\(e(t("map_completeness")))</figcaption>\(m.render(title: t("map_completeness")))</figure></div>"

        s += "<h3>\(e(t("per_category")))</h3><div class=\"maps\">"
        for c in coverage where input.standard.category(c.key)?.required == true {
            guard let share = areas.reals("rcov_\(c.key)") else { continue }
            var small = map(extent, maxWidth: 340, maxHeight: 260)
            // Small multiples: no outline and no tooltip per area (the completeness map has them), to keep the
            // file small for cities with thousands of communities.
            small.addShapes(areas.geometries, features: Array(0 ..< areas.count), fill: { i in share[i].map { Palette.goodness($0 / 100) } ?? Palette.noData },
                            stroke: "none", strokeWidth: 0)
            for v in [100.0, 50, 0] { small.addLegend(Palette.goodness(v / 100), "\(Int(v)) %") }
            let title = "\(categoryName(c.key)) \(t("map_category"))"
            s += "<figure><figcaption>\(e(title)) (\(HTML.number(c.share, 1)) %)</figcaption>\(small.render(title: title))</figure>"
        }
        return s + "</div>"
    }
}
