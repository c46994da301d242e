import ArgumentParser

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
                      IsochronesCommand.self, GapsCommand.self, AuditCommand.self, GenerateCommand.self, BenchCommand.self, CheckCommand.self, ChecksCommand.self, ReportCommand.self]
    )

    /// cim's version, recorded with every health check.
    public static let version = "0.1.0"

    public init() {}
}
