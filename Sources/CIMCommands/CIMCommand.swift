import ArgumentParser
import Foundation

/// The `cim` root command.
public struct CIMCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "cim",
        abstract: "City Information Model spatial database and analysis engine for the city health check (城市体检).",
        discussion: """
        A store is one GeoPackage holding the bundle layers (buildings, facilities, roads, pipes, pipe_nodes, \
        areas, waterlogging) in one projected metric CRS. Import your data, then ask the standard's questions.
        """,
        version: CIMCommand.version,
        subcommands: [ImportCommand.self, InfoCommand.self, QueryCommand.self, ExportCommand.self, CoverageCommand.self,
                      IsochronesCommand.self, GapsCommand.self, AuditCommand.self, GenerateCommand.self, BenchCommand.self, CheckCommand.self, ChecksCommand.self,
                      PlanCommand.self, ExplainCommand.self, ReportCommand.self, BatchCommand.self,
                      SplitCommand.self, MergeCommand.self, FingerprintsCommand.self]
    )

    /// cim's version, recorded with every health check.
    public static let version = "0.1.0"

    public init() {}

    /// Exit status of a command line that cannot be used (an unknown option, a value out of range): 2, as
    /// for most Unix tools.
    public static let usageExitStatus: Int32 = 2

    /// Parses the command line, validates it and runs the command. Help and `--version` print as usual. A
    /// command line that cannot be used (parse or validation errors) prints ONE line, "Error: …", and exits
    /// with ``usageExitStatus`` before any work; any other failure prints one line and exits with 1.
    public static func runMain(_ arguments: [String]? = nil) -> Never {
        var command: ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exitWithError(error)
        }
        do {
            try command.run()
        } catch {
            exitWithError(error)
        }
        Foundation.exit(0)
    }

    /// Prints an error as one line on standard error and exits (help and clean exits go through
    /// ArgumentParser's own printing).
    private static func exitWithError(_ error: Error) -> Never {
        let code = exitCode(for: error)
        if code == .success { exit(withError: error) }
        if error is ExitCode { Foundation.exit(code.rawValue) }
        let text = message(for: error).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }.joined(separator: " ")
        printError("Error: " + text)
        Foundation.exit(code == .validationFailure ? usageExitStatus : code.rawValue)
    }
}
