import Foundation

/// Text escaping and number formatting for the report's HTML.
enum HTML {
    /// Escapes &, <, >, " and ' for text and attribute values.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A number with `digits` decimals (thousands not grouped), or "—" when there is none.
    static func number(_ x: Double?, _ digits: Int = 2) -> String {
        guard let x, x.isFinite else { return "—" }
        return String(format: "%.\(digits)f", x)
    }

    /// A table: header cells and rows of already-escaped cell HTML.
    static func table(_ headers: [String], _ rows: [[String]], cssClass: String = "") -> String {
        var s = "<table class=\"\(cssClass)\"><thead><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows { s += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>" }
        return s + "</tbody></table>"
    }
}
