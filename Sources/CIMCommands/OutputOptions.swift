import ArgumentParser
import Foundation

/// How summaries are printed.
public enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case table, json, csv
}

/// `--format` shared by every command that prints a summary.
public struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Summary format: table (default on a terminal), json or csv.")
    public var format: OutputFormat?

    public init() {}

    /// The format to use: the one asked for, else table (on a terminal or not: tables are readable in logs too).
    public var resolved: OutputFormat { format ?? .table }
}

/// True when standard error is a terminal (progress is shown only then).
public var stderrIsTerminal: Bool { isatty(2) == 1 }

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
