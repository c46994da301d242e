import CIMAnalysis
import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// The health-check report (城市体检报告): one self-contained HTML document — inline CSS and SVG maps, system
/// fonts, no network — with the overview, the indicator table, the diagnosis, life-circle coverage, drainage,
/// and data and methods. Built from a ``ReportInput``; the sections are in extensions (HealthReport+…).
public struct HealthReport {
    let input: ReportInput
    let rows: CheckValueIndex

    public init(_ input: ReportInput) {
        self.input = input
        self.rows = CheckValueIndex(input.values)
    }

    var language: Language { input.language }
    var system: IndicatorSystem { input.system }
    /// A word of the report's vocabulary in the report's language.
    func t(_ key: String) -> String { ReportVocabulary.word(key, language) }
    func e(_ s: String) -> String { HTML.escape(s) }

    /// The whole document.
    public func render() -> String {
        let title = "\(t("title")) \(input.check.year)"
        var html = "<!DOCTYPE html>\n<html lang=\"\(language == .zh ? "zh-CN" : "en")\"><head><meta charset=\"utf-8\">"
        html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>\(e(title))</title>"
        html += "<style>\(Self.css)</style></head><body>"
        html += "<header><h1>\(e(title))</h1><p class=\"meta\">\(e(t("store"))): \(e(input.storeName)) · \(e(t("crs"))): \(e(crsName)) · "
        html += "check #\(input.check.id) (\(e(input.checkStored ? t("check_stored") : t("check_computed")))) · \(e(t("metric"))): \(e(input.check.metric)) · "
        html += "\(e(t("generated"))): \(e(input.generatedAt))</p></header>"
        let sections: [(id: String, heading: String, body: String)] = [
            ("overview", t("overview"), overviewSection()),
            ("indicators", t("indicators"), indicatorSection()),
            ("diagnosis", t("diagnosis"), diagnosisSection()),
            ("coverage", t("life_circle"), coverageSection()),
            ("drainage", t("drainage"), drainageSection()),
            ("methods", t("methods"), methodsSection()),
        ]
        html += "<nav><ol>" + sections.map { "<li><a href=\"#\($0.id)\">\(e($0.heading))</a></li>" }.joined() + "</ol></nav>"
        for s in sections { html += "<section id=\"\(s.id)\"><h2>\(e(s.heading))</h2>\(s.body)</section>" }
        html += "<script>\(Self.selfCheckScript)</script></body></html>\n"
        return html
    }

    var crsName: String { input.crs.map { "\($0.name) (\($0.identifier))" } ?? "—" }

    /// The map frame for `extent` in the report's CRS and language.
    func map(_ extent: Envelope, maxWidth: Double = 640, maxHeight: Double = 460) -> SVGMap {
        SVGMap(extent: extent, crsName: input.crs?.identifier ?? "", northLabel: t("north"), maxWidth: maxWidth, maxHeight: maxHeight)
    }

    // MARK: shared formatting

    /// A grade in the report's language (stored grades are Chinese; the English name comes from the indicator file's rules).
    func grade(_ zh: String?) -> String {
        guard let zh else { return "" }
        if language == .zh { return zh }
        if zh == IndicatorSystem.Rules.noStandard.zh { return IndicatorSystem.Rules.noStandard.en }
        return system.rules.grades.first { $0.grade == zh }?.gradeEn ?? zh
    }

    /// A warning (stored as its Chinese raw value) as a coloured badge.
    func warningBadge(_ raw: String?) -> String {
        guard let raw, let w = CheckWarning(rawValue: raw) else { return "" }
        let css = w == .red ? "red" : w == .yellow ? "yellow" : "normal"
        return "<span class=\"badge \(css)\">\(e(w.label(language)))</span>"
    }

    /// An area's display name: its name, else its id.
    func place(_ kind: String, _ id: String, _ name: String?) -> String {
        if kind == "city" { return language == .zh ? "全市" : "city" }
        return "\(kind) \(id)" + ((name?.isEmpty == false) ? " \(name!)" : "")
    }

    static let css = """
    body{font-family:system-ui,-apple-system,"Segoe UI","Microsoft YaHei","PingFang SC","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;\
    margin:0 auto;max-width:1100px;padding:0 16px 40px;color:#222;line-height:1.45}
    header{border-bottom:3px solid #1a6e8e;margin-bottom:8px}h1{color:#1a6e8e;margin:16px 0 4px}
    h2{border-left:6px solid #1a6e8e;padding-left:8px;margin-top:32px}h3{margin:18px 0 6px}
    .meta{color:#555;font-size:13px}nav ol{display:flex;flex-wrap:wrap;gap:4px 22px;padding-left:0;list-style-position:inside;font-size:14px}
    table{border-collapse:collapse;margin:6px 0 12px;font-size:13px}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
    th{background:#eef4f6}td.num{text-align:right;font-variant-numeric:tabular-nums}
    .badge{padding:1px 6px;border-radius:3px;font-size:12px;white-space:nowrap}.badge.red{background:#d7301f;color:#fff}
    .badge.yellow{background:#fee08b}.badge.normal{background:#d9f0d3}
    .kpi{display:flex;flex-wrap:wrap;gap:12px;margin:10px 0}.kpi div{border:1px solid #ccc;border-radius:6px;padding:8px 14px;min-width:140px}
    .kpi b{display:block;font-size:26px;color:#1a6e8e}.maps{display:flex;flex-wrap:wrap;gap:12px}
    figure{margin:6px 0;border:1px solid #ddd;padding:6px;background:#fff}figcaption{font-size:13px;font-weight:bold;margin-bottom:4px}
    .note{color:#555;font-size:13px}.na{color:#8a5a00;background:#fff6e0;padding:6px 10px;border-radius:4px}
    @media print{nav{display:none}section{break-inside:auto}figure{break-inside:avoid}}
    """

    /// Runs in the browser: counts the maps and catches script errors, writing both into the DOM
    /// (`data-maps`, `data-errors` on <html>) so a headless `--dump-dom` can check them without a debugger.
    static let selfCheckScript = """
    (function(){var r=document.documentElement;var errs=[];window.addEventListener('error',function(e){errs.push(String(e.message));r.setAttribute('data-errors',errs.join('; '));});\
    var maps=document.querySelectorAll('svg.map');var empty=0;for(var i=0;i<maps.length;i++){var b=maps[i].getBBox();if(!(b.width>0&&b.height>0))empty++;}\
    r.setAttribute('data-maps',String(maps.length));r.setAttribute('data-empty-maps',String(empty));if(!r.hasAttribute('data-errors'))r.setAttribute('data-errors','');})();
    """
}

/// The check's values by indicator and place, and the area kinds present.
struct CheckValueIndex {
    private var byKey: [String: CheckValueRecord] = [:]
    /// Area kinds (not "city") with their number of units, in first-seen order.
    private(set) var kinds: [(kind: String, units: Int)] = []
    /// Every value of an indicator at one area kind, in stored order.
    private var byKind: [String: [CheckValueRecord]] = [:]

    init(_ values: [CheckValueRecord]) {
        var units: [String: Set<String>] = [:]
        var order: [String] = []
        for v in values {
            byKey["\(v.indicator)|\(v.areaKind)|\(v.areaId)"] = v
            byKind["\(v.indicator)|\(v.areaKind)", default: []].append(v)
            guard v.areaKind != "city" else { continue }
            if units[v.areaKind] == nil { order.append(v.areaKind) }
            units[v.areaKind, default: []].insert(v.areaId)
        }
        kinds = order.map { ($0, units[$0]!.count) }
    }

    /// The city's value of an indicator.
    func city(_ key: String) -> CheckValueRecord? { byKey["\(key)|city|city"] }
    /// The values of an indicator over all units of an area kind.
    func areas(_ key: String, kind: String) -> [CheckValueRecord] { byKind["\(key)|\(kind)"] ?? [] }
    /// The area kind with the most units (the finest; the diagnosis ranks these).
    var finestKind: String? { kinds.max { $0.units < $1.units }?.kind }
    /// The area kind the ranking map shows: districts when there are any, else the coarsest kind.
    var rankingKind: String? { kinds.contains { $0.kind == "district" } ? "district" : kinds.min { $0.units < $1.units }?.kind }
}
