import Foundation
import CIMAnalysis

/// One cell of a summary table: typed, so JSON keeps numbers as numbers.
public enum Cell: Encodable, CustomStringConvertible, Sendable {
    case text(String)
    case int(Int)
    case real(Double, digits: Int)
    /// A yes/no value: "yes"/"no" in tables and CSV, a JSON boolean.
    case bool(Bool)
    /// A list of names: comma-separated in tables and CSV, a JSON array.
    case list([String])
    case null

    public var description: String {
        switch self {
        case let .text(s): return s
        case let .int(i): return String(i)
        case let .real(d, digits): return d.isFinite ? String(format: "%.\(digits)f", d) : "—"
        case let .bool(b): return b ? "yes" : "no"
        case let .list(items): return items.joined(separator: ", ")
        case .null: return ""
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .text(s): try c.encode(s)
        case let .int(i): try c.encode(i)
        case let .real(d, _): if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case let .bool(b): try c.encode(b)
        case let .list(items): try c.encode(items)
        case .null: try c.encodeNil()
        }
    }
}

/// A titled table of a summary.
public struct SummaryTable: Sendable {
    public var title: String
    public var key: String
    public var headers: [String]
    public var rows: [[Cell]]
    public var notes: [String]

    public init(title: String, key: String, headers: [String], rows: [[Cell]] = [], notes: [String] = []) {
        self.title = title
        self.key = key
        self.headers = headers
        self.rows = rows
        self.notes = notes
    }
}

/// Renders summary tables as aligned text, JSON (an object of key → array of row objects) or CSV
/// (one block per table, headed by `# title`). Tables and CSV show titles and headings in `language`
/// (through `Localization`); JSON keys are machine keys (`machineKey`) whatever the language.
public enum SummaryRenderer {
    public static func render(_ tables: [SummaryTable], as format: OutputFormat, language: Language = .en) -> String {
        switch format {
        case .table: return tables.map { text(Localization.translate($0, to: language)) }.joined(separator: "\n")
        case .csv: return tables.map { csv(Localization.translate($0, to: language)) }.joined(separator: "\n")
        case .json: return json(tables)
        }
    }

    /// The JSON key of a column header: `%` becomes `pct`, `/` becomes `per`, whitespace becomes `_`, and the
    /// Chinese name column 名称 becomes `name_zh` ("residents_%" → "residents_pct", "features/s" →
    /// "features_per_s"). Other names (a layer's own field names in `cim query`) are kept as they are.
    public static func machineKey(_ header: String) -> String {
        if header == "名称" { return "name_zh" }
        var key = header.replacingOccurrences(of: "%", with: "_pct").replacingOccurrences(of: "/", with: "_per_")
        key = key.replacingOccurrences(of: "[\\s_]+", with: "_", options: .regularExpression)
        key = key.trimmingCharacters(in: CharacterSet(charactersIn: "_"))
        return key.isEmpty ? header : key
    }

    static func displayWidth(_ s: String) -> Int {
        // CJK characters take two columns on a terminal.
        s.unicodeScalars.reduce(0) { $0 + (($1.value >= 0x1100 && ($1.value <= 0x115F || (0x2E80 ... 0xA4CF).contains($1.value) || (0xAC00 ... 0xD7A3).contains($1.value) || (0xF900 ... 0xFAFF).contains($1.value) || (0xFE30 ... 0xFE4F).contains($1.value) || (0xFF00 ... 0xFF60).contains($1.value) || (0xFFE0 ... 0xFFE6).contains($1.value))) ? 2 : 1) }
    }

    static func text(_ table: SummaryTable) -> String {
        let cells = table.rows.map { $0.map(\.description) }
        var widths = table.headers.map(displayWidth)
        for row in cells { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], displayWidth(cell)) } }
        func line(_ values: [String], numeric: [Bool]) -> String {
            values.enumerated().map { i, v in
                let pad = String(repeating: " ", count: max(0, widths[i] - displayWidth(v)))
                return numeric[i] ? pad + v : v + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let numeric = table.headers.indices.map { i in
            !table.rows.isEmpty && table.rows.allSatisfy { row in
                if i >= row.count { return true }
                switch row[i] { case .int, .real, .null: return true; case .text, .bool, .list: return false }
            }
        }
        var out = [table.title, line(table.headers, numeric: numeric), widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")]
        out += cells.map { line($0, numeric: numeric) }
        if table.rows.isEmpty { out.append("(none)") }
        out += table.notes.map { "  " + $0 }
        return out.joined(separator: "\n") + "\n"
    }

    static func csvField(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func csv(_ table: SummaryTable) -> String {
        var out = ["# \(table.title)", table.headers.map(csvField).joined(separator: ",")]
        out += table.rows.map { $0.map { csvField($0.description) }.joined(separator: ",") }
        return out.joined(separator: "\n") + "\n"
    }

    /// A JSON object key known only at run time (a column header, a table key).
    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct JSONTable: Encodable {
        let table: SummaryTable
        struct Row: Encodable {
            let headers: [String]
            let cells: [Cell]
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: DynamicKey.self)
                for (h, cell) in zip(headers, cells) { try c.encode(cell, forKey: DynamicKey(stringValue: SummaryRenderer.machineKey(h))) }
            }
        }
        func encode(to encoder: Encoder) throws {
            var c = encoder.unkeyedContainer()
            for row in table.rows { try c.encode(Row(headers: table.headers, cells: row)) }
        }
    }

    static func json(_ tables: [SummaryTable]) -> String {
        struct All: Encodable {
            let tables: [SummaryTable]
            func encode(to encoder: Encoder) throws {
                var c = encoder.container(keyedBy: DynamicKey.self)
                for t in tables { try c.encode(JSONTable(table: t), forKey: DynamicKey(stringValue: t.key)) }
            }
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(All(tables: tables))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

