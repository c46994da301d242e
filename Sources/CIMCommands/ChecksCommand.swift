import ArgumentParser
import CIMStore
import Foundation

/// `cim checks STORE`: the health checks recorded in a store.
struct ChecksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checks",
        abstract: "Lists the health checks recorded in a store (cim_checks): year, time, indicator file and hash, inputs, index.",
        discussion: "Each row is one `cim check` run; its values are in cim_check_values (check_id). Use a year with `cim check --baseline YEAR`."
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try openStore(self.store)
        let checks = try store.checkRecords()
        var table = SummaryTable(title: "Health checks recorded in \(store.address)", key: "checks",
                                 headers: ["check_id", "year", "time", "metric", "indicator_file", "indicator_hash", "health_index", "cim_version", "inputs"])
        for c in checks {
            table.rows.append([.int(c.id), .int(c.year), .text(c.time), .text(c.metric), .text(c.indicatorFile), .text(c.indicatorHash),
                               c.index.map { .real($0, digits: 2) } ?? .null, .text(c.cimVersion),
                               .list(c.inputs.map { "\($0.layer) \($0.features) \($0.hash)" })])
        }
        if checks.isEmpty { table.notes.append("no check recorded yet: cim check \(store.address) --year YEAR") }
        try output.emit([table])
    }
}
