import CIMAnalysis
import Foundation

/// The indicator changes of `cim check --what-if`: the plain check against the check with the planned
/// sites added, for the health index, every indicator of the city, and every area whose value changed.
enum CheckWhatIf {
    static func tables(plain: CheckResult, whatIf: CheckResult, sites: String, language: Language) -> [SummaryTable] {
        func cell(_ x: Double?, _ digits: Int = 2) -> Cell { x.map { .real($0, digits: digits) } ?? .null }
        func change(_ a: Double?, _ b: Double?) -> Cell { if let a, let b { return .real(b - a, digits: 2) }; return .null }
        var index = SummaryTable(title: "What if \(sites) were built: health index", key: "what_if_index",
                                 headers: ["index", "plain", "what_if", "change"])
        index.rows.append([.text("overall"), cell(plain.index.overall), cell(whatIf.index.overall), change(plain.index.overall, whatIf.index.overall)])
        for (p, w) in zip(plain.index.dimensions, whatIf.index.dimensions) where p.dimension == w.dimension {
            index.rows.append([.text(p.dimension), cell(p.value), cell(w.value), change(p.value, w.value)])
        }
        var city = SummaryTable(title: "Indicators of the city: plain check → with the planned sites", key: "what_if_indicators",
                                headers: ["key", "name", "unit", "plain", "what_if", "change", "plain_score", "what_if_score", "plain_warning", "what_if_warning"])
        var areas = SummaryTable(title: "Areas whose values change", key: "what_if_areas",
                                 headers: ["key", "area_kind", "area_id", "area_name", "plain", "what_if", "change"])
        for (p, w) in zip(plain.indicators, whatIf.indicators) {
            let indicator = p.indicator
            city.rows.append([.text(indicator.key), .text(language == .zh ? indicator.nameZh : indicator.nameEn), .text(indicator.measure.unit),
                              cell(p.city?.value), cell(w.city?.value), change(p.city?.value, w.city?.value),
                              cell(p.city?.judgement.score, 1), cell(w.city?.judgement.score, 1),
                              p.city?.judgement.warning.map { .text(language == .zh ? $0.rawValue : $0.english) } ?? .null, w.city?.judgement.warning.map { .text(language == .zh ? $0.rawValue : $0.english) } ?? .null])
            guard p.areas.count == w.areas.count else { continue }
            for s in p.areas.indices where s < plain.areaSets.count {
                let units = plain.areaSets[s].units
                for u in p.areas[s].indices where changed(p.areas[s][u].value, w.areas[s][u].value) {
                    areas.rows.append([.text(indicator.key), .text(plain.areaSets[s].kind), .text(units.ids[u]), units.names[u].map { .text($0) } ?? .null,
                                       cell(p.areas[s][u].value), cell(w.areas[s][u].value), change(p.areas[s][u].value, w.areas[s][u].value)])
                }
            }
        }
        city.notes.append("computed in memory with the sites of \(sites) added to the facilities; nothing was recorded and the store is unchanged")
        return [index, city, areas]
    }

    /// Whether a value changed beyond summation noise (sums over parallel chunks may differ in the last bits).
    static func changed(_ a: Double?, _ b: Double?) -> Bool {
        guard let a, let b else { return (a == nil) != (b == nil) }
        return abs(a - b) > 1e-9 * max(1, abs(a))
    }
}
