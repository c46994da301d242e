import CIMAnalysis
import CIMIndex
import CIMTables
import Foundation

/// The sections built from the check's values: overview (index, dimensions, warnings, ranking map),
/// the indicator table and the diagnosis.
extension HealthReport {
    /// The overall index and the per-dimension ones recorded with the check (`dimension_index` JSON).
    var dimensionIndex: [(String, Double?)] {
        let data = Data(input.check.dimensionIndex.utf8)
        let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return IndicatorSystem.dimensions.compactMap { d in object.keys.contains(d) ? (d, object[d] as? Double) : nil }
    }

    /// The health index of every unit of an area kind: the weighted mean of its scores (the rule of `cim check`).
    func areaIndex(kind: String) -> [(id: String, name: String?, index: Double?)] {
        var scores: [String: [(Double?, Double)]] = [:]
        var names: [String: String?] = [:]
        var order: [String] = []
        for indicator in system.indicators {
            for v in rows.areas(indicator.key, kind: kind) {
                if scores[v.areaId] == nil { order.append(v.areaId); names[v.areaId] = v.areaName }
                scores[v.areaId, default: []].append((v.score, indicator.weight))
            }
        }
        return order.map { id in (id, names[id] ?? nil, IndicatorSystem.Rules.weightedMean(scores[id]!.map { (score: $0.0, weight: $0.1) })) }
    }

    /// The warnings of the city's values (red and yellow) and of the comparison with the baseline.
    func warningLines() -> [(level: CheckWarning, text: String)] {
        var lines: [(CheckWarning, String)] = []
        for indicator in system.indicators {
            guard let v = rows.city(indicator.key), let raw = v.warning, let w = CheckWarning(rawValue: raw), w != .normal else { continue }
            lines.append((w, "\(indicator.name(language)): \(HTML.number(v.value)) \(indicator.measure.unit)"
                + (indicator.standard.map { " (\(t("standard")) \(HTML.number($0)))" } ?? "")))
        }
        if let comparison {
            for w in comparison.warnings { lines.append((w.hasPrefix(CheckWarning.red.rawValue) ? .red : .yellow, w)) }
        }
        return lines.sorted { ($0.0 == .red ? 0 : 1) < ($1.0 == .red ? 0 : 1) }
    }

    /// The year-on-year comparison, when there is a baseline.
    var comparison: CheckComparison? {
        input.baseline.map {
            CheckComparison.compare(values: input.values, system: system, baseline: $0.record, baselineValues: $0.values, source: "baseline")
        }
    }

    func overviewSection() -> String {
        var s = "<div class=\"kpi\"><div>\(e(t("health_index")))<b id=\"health-index\">\(HTML.number(input.check.index, 1))</b></div>"
        for (d, v) in dimensionIndex { s += "<div>\(e(d))<b>\(HTML.number(v, 1))</b></div>" }
        if let b = input.baseline {
            s += "<div>\(e(t("baseline"))) \(b.record.year)<b>\(HTML.number(b.record.index, 1))</b></div>"
        }
        s += "</div>"
        let warnings = warningLines()
        s += "<h3>\(e(t("warnings"))) (\(warnings.count))</h3>"
        if warnings.isEmpty {
            s += "<p>\(e(t("no_warnings")))</p>"
        } else {
            s += "<ul class=\"warnings\">" + warnings.map { "<li>\(warningBadge($0.level.rawValue)) \(e($0.text))</li>" }.joined() + "</ul>"
        }
        s += rankingMap()
        return s
    }

    /// The ranking of the areas of ``CheckValueIndex/rankingKind`` by health index: a choropleth and a table.
    func rankingMap() -> String {
        guard let kind = rows.rankingKind else { return "" }
        let ranked = areaIndex(kind: kind).sorted { ($0.index ?? -1) > ($1.index ?? -1) }
        var s = "<h3>\(e(t("district_ranking"))) (\(e(kind)))</h3><div class=\"maps\">"
        if let areas = input.checkAreas, let kinds = areas.text("kind"), let ids = areas.text("id"), let extent = areas.extent {
            let index = Dictionary(ranked.map { ($0.id, $0.index) }, uniquingKeysWith: { a, _ in a })
            let mine = (0 ..< areas.count).filter { kinds[$0] == kind }
            var m = map(extent)
            m.addShapes(areas.geometries, features: mine, fill: { i in (index[ids[i] ?? ""] ?? nil).map { Palette.goodness($0 / 100) } ?? Palette.noData },
                        title: { i in "\(kind) \(ids[i] ?? ""): \(HTML.number(index[ids[i] ?? ""] ?? nil, 1))" })
            for v in [100.0, 80, 60, 40] { m.addLegend(Palette.goodness(v / 100), "\(t("index")) \(Int(v))") }
            m.addLegend(Palette.noData, t("no_data"))
            s += "<figure><figcaption>\(e(t("map_ranking")))</figcaption>\(m.render(title: t("map_ranking")))</figure>"
        }
        let rowsHTML = ranked.prefix(30).enumerated().map { k, a in
            ["\(k + 1)", e(a.id), e(a.name ?? ""), "<span class=\"num\">\(HTML.number(a.index, 1))</span>"]
        }
        s += "<div>" + HTML.table([t("rank"), "id", t("name"), t("index")], rowsHTML)
        if ranked.count > 30 { s += "<p class=\"note\">\(ranked.count) \(e(kind)); top 30</p>" }
        return s + "</div></div>"
    }

    func indicatorSection() -> String {
        let changes = Dictionary((comparison?.changes ?? []).filter { $0.areaKind == "city" }.map { ($0.indicator, $0) }, uniquingKeysWith: { a, _ in a })
        var headers = [t("key"), t("name"), t("dimension"), t("value"), t("unit"), t("standard"), t("score"), t("grade"), t("warning")]
        if input.baseline != nil { headers += [t("baseline"), t("change"), t("trend")] }
        var body: [[String]] = []
        for indicator in system.indicators {
            var row = ["<code>\(e(indicator.key))</code>", e(indicator.name(language)), e(indicator.dimension)]
            guard let v = rows.city(indicator.key), v.computable else {
                let needs = input.needs[indicator.key].map { ": \(t("needs")) \($0)" } ?? ""
                row += ["<span class=\"na\">\(e(t("not_computable") + needs))</span>", e(indicator.measure.unit),
                        HTML.number(indicator.standard), "", "", ""]
                if input.baseline != nil { row += ["", "", ""] }
                body.append(row)
                continue
            }
            row += ["<span class=\"num\">\(HTML.number(v.value))</span>", e(indicator.measure.unit), HTML.number(indicator.standard),
                    HTML.number(v.score, 1), e(grade(v.grade)), warningBadge(v.warning)]
            if input.baseline != nil {
                let c = changes[indicator.key]
                row += [HTML.number(c?.baseline), HTML.number(c?.change), e(c.map { t($0.trend.rawValue) } ?? "")]
            }
            body.append(row)
        }
        return HTML.table(headers, body, cssClass: "indicators")
    }

    func diagnosisSection() -> String {
        guard let kind = rows.finestKind else { return "<p>\(e(t("no_diagnosis")))</p>" }
        var s = ""
        for indicator in system.indicators {
            guard let city = rows.city(indicator.key), let value = city.value else { continue }
            let gap = HealthCheck.shortfall(value, indicator)
            let breach = IndicatorSystem.Rules.breaches(value, bottomLine: indicator.bottomLine, direction: indicator.direction)
            guard (gap ?? 0) > 1e-12 || breach else { continue }
            let areas = rows.areas(indicator.key, kind: kind).compactMap { v -> (CheckValueRecord, Double)? in
                guard let x = v.value else { return nil }
                let short = HealthCheck.shortfall(x, indicator) ?? 0
                let areaBreach = IndicatorSystem.Rules.breaches(x, bottomLine: indicator.bottomLine, direction: indicator.direction)
                return short > 1e-12 || areaBreach ? (v, short) : nil
            }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.areaId < $1.0.areaId }
            s += "<h3>\(e(indicator.name(language))) — \(HTML.number(value)) \(e(indicator.measure.unit)), \(e(t("standard"))) \(HTML.number(indicator.standard)), "
            s += "\(e(t("shortfall"))) \(HTML.number(gap))</h3>"
            let table = areas.prefix(10).map { v, short in
                [e(place(v.areaKind, v.areaId, v.areaName)), HTML.number(v.value), HTML.number(short), warningBadge(v.warning)]
            }
            if !table.isEmpty { s += HTML.table([t("area"), t("value"), t("shortfall"), t("warning")], Array(table)) }
            if areas.count > 10 { s += "<p class=\"note\">\(areas.count) \(e(kind)); top 10</p>" }
        }
        return s.isEmpty ? "<p>\(e(t("no_diagnosis")))</p>" : s
    }
}
