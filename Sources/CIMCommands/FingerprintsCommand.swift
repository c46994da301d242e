import ArgumentParser
import CIMStore
import CIMTables
import Foundation

/// `cim fingerprints STORE [--record-in TARGET]`: the fingerprint (feature count and content hash) of every
/// bundle layer of a store, and those recorded as the store's source; lets a batch driver import a city's
/// source only when its layers changed.
struct FingerprintsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingerprints",
        abstract: "Prints the fingerprint (features, hash of every row) of each bundle layer of a store, and the source fingerprints recorded in it.",
        discussion: """
        The table 'fingerprints' lists the store's bundle layers (buildings, facilities, roads, pipes, \
        pipe_nodes, areas, waterlogging) with their feature count and hash (the hash cim check records for its \
        inputs). The table 'recorded' lists the fingerprints of the source last recorded in the store \
        (cim_metadata key source_fingerprints). --record-in TARGET records this store's fingerprints there, as \
        the source TARGET was imported from (Distributed/cim_dask.py does so after importing a city, and \
        imports again only when they differ).
        """
    )

    @Argument(help: "The store (.gpkg or postgresql://…).") var store: String
    @Option(name: .long, help: "Record this store's fingerprints in TARGET's cim_metadata as its source's.") var recordIn: String?
    @OptionGroup var output: OutputOptions

    /// The `cim_metadata` key of the recorded source fingerprints.
    static let metadataKey = "source_fingerprints"

    /// What is recorded: the source's address and its layers' fingerprints.
    struct Recorded: Codable {
        var source: String
        var layers: [LayerFingerprint]
    }

    func run() throws {
        let source = try openStore(store)
        let fingerprints = try BundleLayer.all.map(\.name).filter { source.hasLayer($0) }.map { try source.fingerprint($0) }
        var table = SummaryTable(title: "Fingerprints of \(source.address)", key: "fingerprints", headers: ["layer", "features", "hash"])
        table.rows = fingerprints.map { [.text($0.layer), .int($0.features), .text($0.hash)] }
        var recorded = SummaryTable(title: "Source fingerprints recorded in \(source.address)", key: "recorded",
                                    headers: ["source", "layer", "features", "hash"])
        if let text = try source.metadataValue(Self.metadataKey) {
            let record = try JSONDecoder().decode(Recorded.self, from: Data(text.utf8))
            recorded.rows = record.layers.map { [.text(record.source), .text($0.layer), .int($0.features), .text($0.hash)] }
        } else {
            recorded.notes.append("none recorded")
        }
        if let recordIn {
            let target = try openStore(recordIn, update: true)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let text = String(decoding: try encoder.encode(Recorded(source: source.address, layers: fingerprints)), as: UTF8.self)
            try target.setMetadata(Self.metadataKey, text)
            table.notes.append("recorded in \(target.address) as its source's")
        }
        try output.emit([table, recorded])
    }
}
