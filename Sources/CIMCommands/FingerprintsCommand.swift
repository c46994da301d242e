import ArgumentParser
import CIMStore
import CIMTables
import Foundation

/// `cim fingerprints STORE`: the fingerprint (feature count and content hash) of every bundle layer of a
/// store, and the fingerprints of the source its layers were last synchronised from by `cim batch`.
struct FingerprintsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingerprints",
        abstract: "Prints the fingerprint (features, hash of every row) of each bundle layer of a store, and the source fingerprints cim batch recorded in it.",
        discussion: """
        The table 'fingerprints' lists the store's bundle layers (buildings, facilities, roads, pipes, \
        pipe_nodes, areas, waterlogging) with their feature count and hash (the hash cim check records for its \
        inputs). The table 'recorded' lists, per layer, the fingerprint of the source layer cim batch last \
        copied into the store (cim_metadata keys synced_from:LAYER): cim batch, and Distributed/cim_dask.py \
        through it, copies a layer again only when its source's fingerprint differs.
        """
    )

    @Argument(help: "The store (.gpkg or postgresql://…).") var store: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let source = try openStore(store)
        let layers = BundleLayer.all.map(\.name)
        let fingerprints = try layers.filter { source.hasLayer($0) }.map { try source.fingerprint($0) }
        var table = SummaryTable(title: "Fingerprints of \(source.address)", key: "fingerprints", headers: ["layer", "features", "hash"])
        table.rows = fingerprints.map { [.text($0.layer), .int($0.features), .text($0.hash)] }
        var recorded = SummaryTable(title: "Source fingerprints recorded in \(source.address) by cim batch", key: "recorded",
                                    headers: ["layer", "source_backend", "features", "hash"])
        for layer in layers {
            if let synced = try source.syncedFingerprint(layer) {
                recorded.rows.append([.text(layer), .text(synced.backend), .int(synced.features), .text(synced.hash)])
            }
        }
        if recorded.rows.isEmpty { recorded.notes.append("none recorded") }
        try output.emit([table, recorded])
    }
}
