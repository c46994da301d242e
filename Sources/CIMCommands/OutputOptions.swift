import ArgumentParser
import CIMAnalysis
import Foundation

/// How summaries are printed.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, csv
}

/// `--format` shared by every command that prints a summary, and `--out-dir DIR [--excel]` for CSV: every
/// table in its own file `DIR/<table key>.csv` (header row, then the rows; no title line; CRLF line ends),
/// UTF-8 — with a byte-order mark under `--excel`, since Excel reads BOM-less CSV in the system's code page
/// and garbles Chinese.
public struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Summary format: table (default on a terminal), json or csv.")
    public var format: OutputFormat?
    @Option(name: .long, help: "With --format csv: write each table to DIR/<table>.csv instead of printing.")
    public var outDir: String?
    @Flag(name: .long, help: "With --format csv --out-dir: UTF-8 with a byte-order mark, as Excel expects.")
    public var excel = false
    @Option(name: .long, help: "Language of table titles, headings and CSV headers: en (default; zh for cim check) or zh. JSON keys stay English.")
    public var lang: Language?

    public init() {}

    public func validate() throws {
        if (outDir != nil || excel) && format != .csv { throw ValidationError("--out-dir and --excel go with --format csv") }
        if excel && outDir == nil { throw ValidationError("--excel needs --out-dir DIR (one CSV file per table)") }
    }

    /// The format to use: the one asked for, else table (on a terminal or not: tables are readable in logs too).
    public var resolved: OutputFormat { format ?? .table }

    /// The language of tables and CSV: the one asked for, else English.
    public var language: Language { lang ?? .en }

    /// Prints the tables in the resolved format, or writes them one file each under `--out-dir`.
    /// `language` overrides the default of `--lang` (cim check defaults to zh).
    func emit(_ tables: [SummaryTable], language defaultLanguage: Language? = nil) throws {
        let language = lang ?? defaultLanguage ?? .en
        guard resolved == .csv, let outDir else {
            print(SummaryRenderer.render(tables, as: resolved, language: language), terminator: "")
            return
        }
        let folder = URL(fileURLWithPath: outDir)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for table in tables.map({ Localization.translate($0, to: language) }) {
            var text = excel ? "\u{FEFF}" : ""
            text += ([table.headers.map(SummaryRenderer.csvField).joined(separator: ",")]
                + table.rows.map { $0.map { SummaryRenderer.csvField($0.description) }.joined(separator: ",") }).joined(separator: "\r\n") + "\r\n"
            let url = folder.appendingPathComponent("\(table.key).csv")
            try Data(text.utf8).write(to: url, options: .atomic)
            print(url.path)
        }
    }
}

/// True when standard error is a terminal (progress is shown only then).
public var stderrIsTerminal: Bool { isatty(2) == 1 }

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
