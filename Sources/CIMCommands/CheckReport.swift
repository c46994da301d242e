import CIMAnalysis
import CIMStore
import Foundation

/// The output of `cim check`: JSON with stable keys (schema: Data/schemas/check.json), tables in zh or en,
/// and a long CSV of every value.
struct CheckReport {
    var result: CheckResult
    var record: CheckRecord
    var store: String
    var comparison: CheckComparison?
    var language: Language
    var timings: StageTimings
    /// How many areas per kind the tables list (the lowest index first: twice this).
    var top: Int

    // MARK: JSON

    /// A finite number, else JSON null.
    private func number(_ x: Double?) -> Any { x.flatMap { $0.isFinite ? $0 : nil } ?? NSNull() }
    private func text(_ s: String?) -> Any { s ?? NSNull() }

    /// The per-place keys every indicator has, for the city and for each area.
    private func valueObject(_ r: IndicatorResult, _ v: IndicatorValue?) -> [String: Any] {
        let i = r.indicator
        var o: [String: Any] = [
            "key": i.key, "name_zh": i.nameZh, "name_en": i.nameEn, "dimension": i.dimension, "level": i.level,
            "value": number(v?.value), "unit": i.measure.unit, "numerator": number(v?.measure.numerator),
            "denominator": number(v?.measure.denominator), "standard": number(i.standard), "score": number(v?.judgement.score),
            "grade": text(v?.judgement.grade), "warning": text(v?.judgement.warning?.rawValue), "computable": r.computable,
        ]
        var beside: [String: Any] = [:]
        for (name, value) in v?.measure.beside ?? [:] { beside[name] = number(value) }
        o["beside"] = beside
        o["bottom_line_breach"] = v?.judgement.bottomLineBreach ?? false
        return o
    }

    func jsonObject() -> [String: Any] {
        let indicators: [[String: Any]] = result.indicators.map { r in
            var o = valueObject(r, r.city)
            let i = r.indicator
            o["measure"] = i.measure.type
            o["denominator_kind"] = i.denominator.rawValue
            o["direction"] = i.direction.rawValue
            o["bottom_line"] = number(i.bottomLine)
            o["weight"] = i.weight
            o["confirmed"] = i.confirmed
            o["source"] = i.source
            o["needs"] = text(r.needs)
            return o
        }
        var areas: [[String: Any]] = []
        for (s, set) in result.areaSets.enumerated() {
            for u in 0 ..< set.units.count {
                areas.append([
                    "kind": set.kind, "id": set.units.ids[u], "name": text(set.units.names[u]), "residents": number(set.residents[u]),
                    "index": number(result.areaIndex[s][u]),
                    "indicators": result.indicators.map { r in valueObject(r, r.areas.isEmpty ? nil : r.areas[s][u]) },
                ])
            }
        }
        var dimensions: [String: Any] = [:]
        for d in result.index.dimensions { dimensions[d.dimension] = number(d.value) }
        let diagnosis: [[String: Any]] = result.diagnosis.map { d in
            [
                "key": d.key, "value": number(d.value), "standard": number(d.standard), "shortfall": number(d.shortfall),
                "bottom_line_breach": d.bottomLineBreach, "residents_affected": number(d.residentsAffected), "behind": text(d.behind),
                "areas": d.areas.map { a in
                    ["kind": a.kind, "id": a.id, "name": text(a.name), "value": number(a.value), "shortfall": number(a.shortfall),
                     "residents_affected": number(a.residentsAffected), "behind": text(a.behind)] as [String: Any]
                },
            ]
        }
        var root: [String: Any] = [
            "check": [
                "id": record.id, "year": record.year, "time": record.time, "store": store, "indicator_file": record.indicatorFile,
                "indicator_hash": record.indicatorHash, "metric": record.metric, "cim_version": record.cimVersion,
                "inputs": record.inputs.map { ["layer": $0.layer, "features": $0.features, "hash": $0.hash] as [String: Any] },
            ] as [String: Any],
            "index": ["overall": number(result.index.overall), "dimensions": dimensions] as [String: Any],
            "indicators": indicators,
            "areas": areas,
            "diagnosis": diagnosis,
            "warnings": result.warnings,
        ]
        if let comparison {
            root["comparison"] = [
                "baseline": ["id": comparison.baseline.id, "year": comparison.baseline.year, "time": comparison.baseline.time,
                             "source": comparison.baselineSource, "index": number(comparison.baseline.index)] as [String: Any],
                "changes": comparison.changes.map { c in
                    ["key": c.indicator, "area_kind": c.areaKind, "area_id": c.areaId, "baseline": number(c.baseline), "value": number(c.current),
                     "change": number(c.change), "trend": c.trend.rawValue, "decline_beyond_tolerance": c.declineBeyondTolerance,
                     "bottom_line_breach": c.bottomLineBreach] as [String: Any]
                },
                "warnings": comparison.warnings,
            ] as [String: Any]
        }
        return root
    }

    func json() -> String {
        let data = (try? JSONSerialization.data(withJSONObject: jsonObject(), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: tables

    private var zh: Bool { language == .zh }
    private func real(_ x: Double?, _ digits: Int = 2) -> Cell { x.map { .real($0, digits: digits) } ?? .null }

    func tables() -> [SummaryTable] {
        var tables: [SummaryTable] = []
        var overview = SummaryTable(title: zh ? "城市体检 \(record.year) — 健康指数 (check #\(record.id), \(record.metric))"
                                              : "City health check \(record.year) — health index (check #\(record.id), \(record.metric))",
                                    key: "index", headers: [zh ? "维度" : "dimension", zh ? "指数" : "index"])
        overview.rows.append([.text(zh ? "总体" : "overall"), real(result.index.overall, 1)])
        for d in result.index.dimensions { overview.rows.append([.text(d.dimension), real(d.value, 1)]) }
        overview.notes.append(zh ? "记录: \(store) 表 cim_checks, cim_check_values; 图层 check_areas" : "recorded in \(store): tables cim_checks, cim_check_values; layer check_areas")
        tables.append(overview)

        var indicators = SummaryTable(title: zh ? "指标 (全市)" : "Indicators (city)", key: "indicators",
                                      headers: ["key", zh ? "名称" : "name", zh ? "维度" : "dimension", "value", "unit", "numerator",
                                                "denominator", "standard", "score", zh ? "等级" : "grade", zh ? "预警" : "warning"])
        for r in result.indicators {
            let i = r.indicator
            guard let v = r.city else {
                indicators.rows.append([.text(i.key), .text(i.name(language)), .text(i.dimension),
                                        .text(zh ? "不可计算: 需要 \(r.needs ?? "")" : "not computable: needs \(r.needs ?? "")"),
                                        .text(i.measure.unit), .null, .null, real(i.standard), .null, .null, .null])
                continue
            }
            indicators.rows.append([.text(i.key), .text(i.name(language)), .text(i.dimension), real(v.value), .text(i.measure.unit),
                                    real(v.measure.numerator), real(v.measure.denominator), real(i.standard), real(v.judgement.score, 1),
                                    .text(v.judgement.grade(language) ?? ""), .text(v.judgement.warning?.label(language) ?? "")])
        }
        tables.append(indicators)

        for (s, set) in result.areaSets.enumerated() {
            var areas = SummaryTable(title: zh ? "按\(set.kind)" : "By \(set.kind)", key: "areas_\(set.kind)",
                                     headers: ["id", zh ? "名称" : "name", zh ? "居民" : "residents", zh ? "指数" : "index",
                                               zh ? "红色预警" : "red", zh ? "黄色预警" : "yellow", zh ? "最弱指标" : "weakest"])
            let order = (0 ..< set.units.count).sorted { (result.areaIndex[s][$0] ?? 101, $0) < (result.areaIndex[s][$1] ?? 101, $1) }
            for u in order.prefix(max(top, 1) * 2) {
                let values = result.indicators.compactMap { r -> (String, IndicatorValue)? in r.areas.isEmpty ? nil : (r.indicator.key, r.areas[s][u]) }
                let red = values.filter { $0.1.judgement.warning == .red }.count
                let yellow = values.filter { $0.1.judgement.warning == .yellow }.count
                let weakest = values.filter { $0.1.judgement.score != nil }.min { ($0.1.judgement.score!, $0.0) < ($1.1.judgement.score!, $1.0) }
                areas.rows.append([.text(set.units.ids[u]), .text(set.units.names[u] ?? ""), .real(set.residents[u], digits: 0),
                                   real(result.areaIndex[s][u], 1), .int(red), .int(yellow), .text(weakest?.0 ?? "")])
            }
            if set.units.count > order.prefix(max(top, 1) * 2).count {
                areas.notes.append(zh ? "最低指数优先; 共 \(set.units.count) 个, 全部见图层 check_areas" : "lowest index first; \(set.units.count) in all, every one in the layer check_areas")
            }
            tables.append(areas)
        }

        var diagnosis = SummaryTable(title: zh ? "诊断 (低于标准的指标, 按差距排序的\(result.areaSets[result.diagnosisSet].kind))"
                                               : "Diagnosis (indicators below standard; \(result.areaSets[result.diagnosisSet].kind) by shortfall)",
                                     key: "diagnosis", headers: ["key", zh ? "地区" : "area", "value", zh ? "差距" : "shortfall",
                                                                 zh ? "受影响居民" : "residents", zh ? "原因" : "behind"])
        for d in result.diagnosis {
            diagnosis.rows.append([.text(d.key), .text(zh ? "全市" : "city"), real(d.value), real(d.shortfall), real(d.residentsAffected, 0), .text(d.behind ?? "")])
            for a in d.areas.prefix(3) {
                diagnosis.rows.append([.text(""), .text(a.id), real(a.value), real(a.shortfall), real(a.residentsAffected, 0), .text(a.behind ?? "")])
            }
        }
        tables.append(diagnosis)

        if let comparison {
            var changes = SummaryTable(title: zh ? "与基准 \(comparison.baseline.year) 比较 (check #\(comparison.baseline.id), \(comparison.baselineSource))"
                                                 : "Against the baseline \(comparison.baseline.year) (check #\(comparison.baseline.id), \(comparison.baselineSource))",
                                       key: "comparison", headers: ["key", "baseline", "value", "change", "trend",
                                                                    zh ? "改善地区" : "areas_improved", zh ? "下降地区" : "areas_declined"])
            for r in result.indicators {
                let mine = comparison.changes.filter { $0.indicator == r.indicator.key }
                guard let city = mine.first(where: { $0.areaKind == "city" }) else { continue }
                changes.rows.append([.text(r.indicator.key), real(city.baseline), real(city.current), real(city.change), .text(city.trend.rawValue),
                                     .int(mine.filter { $0.areaKind != "city" && $0.trend == .improved }.count),
                                     .int(mine.filter { $0.areaKind != "city" && $0.trend == .declined }.count)])
            }
            changes.notes = comparison.warnings.prefix(50).map { $0 } + (comparison.warnings.count > 50 ? ["… \(comparison.warnings.count - 50) more (--format json)"] : [])
            tables.append(changes)
        }
        var stages = SummaryTable(title: zh ? "用时" : "Timings", key: "timings", headers: ["stage", "seconds"])
        stages.rows = timings.stages.map { [.text($0.name), .real($0.seconds, digits: 3)] }
        tables.append(stages)
        return tables
    }

    /// One row per indicator and place (the city, then every area), with the comparison when there is one.
    func valueTable() -> SummaryTable {
        var headers = ["key", "area_kind", "area_id", "area_name", "value", "unit", "numerator", "denominator", "standard", "score", "grade", "warning", "computable"]
        if comparison != nil { headers += ["baseline", "change", "trend"] }
        var table = SummaryTable(title: "cim check \(record.year) (check #\(record.id))", key: "values", headers: headers)
        var changes: [String: Change] = [:]
        for c in comparison?.changes ?? [] { changes["\(c.indicator)|\(c.areaKind)|\(c.areaId)"] = c }
        let units = Dictionary(result.indicators.map { ($0.indicator.key, $0.indicator.measure.unit) }, uniquingKeysWith: { a, _ in a })
        let standards = Dictionary(result.indicators.map { ($0.indicator.key, $0.indicator.standard) }, uniquingKeysWith: { a, _ in a })
        for v in result.valueRecords() {
            var row: [Cell] = [.text(v.indicator), .text(v.areaKind), .text(v.areaId), .text(v.areaName ?? ""), real(v.value, 4), .text(units[v.indicator] ?? ""),
                               real(v.numerator, 4), real(v.denominator, 4), real(standards[v.indicator] ?? nil, 4), real(v.score, 2),
                               .text(v.grade ?? ""), .text(v.warning ?? ""), .int(v.computable ? 1 : 0)]
            if comparison != nil {
                let c = changes["\(v.indicator)|\(v.areaKind)|\(v.areaId)"]
                row += [real(c?.baseline, 4), real(c?.change, 4), .text(c?.trend.rawValue ?? "")]
            }
            table.rows.append(row)
        }
        return table
    }
}
