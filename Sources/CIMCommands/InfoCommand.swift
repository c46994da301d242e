import ArgumentParser
import CIMStore
import Foundation

/// `cim info STORE`: layers, counts, CRS, extent, attribute completeness, provenance.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a store: layers, feature counts, CRS, extent, attribute completeness and provenance."
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try openStore(self.store)
        try output.emit(try Self.summary(store))
    }

    static func summary(_ store: any LayerStore) throws -> [SummaryTable] {
        let metadata = try store.metadata()
        var about = SummaryTable(title: "Store \(store.address)", key: "store", headers: ["key", "value"])
        about.rows.append([.text("crs"), .text(store.crs?.description ?? "none yet")])
        for key in metadata.keys.sorted() where key != "crs" { about.rows.append([.text(key), .text(metadata[key] ?? "")]) }
        about.rows.append([.text("gdal"), .text(GeoPackageStore.gdalVersion)])

        var layers = SummaryTable(title: "Layers", key: "layers", headers: ["layer", "geometry", "features", "min_x", "min_y", "max_x", "max_y"])
        for name in store.layerNames {
            let e = store.extent(name)
            layers.rows.append([.text(name), .text(store.geometryTypeName(name) ?? ""), .int(store.featureCount(name) ?? 0),
                                e.map { .real($0.minX, digits: 1) } ?? .null, e.map { .real($0.minY, digits: 1) } ?? .null,
                                e.map { .real($0.maxX, digits: 1) } ?? .null, e.map { .real($0.maxY, digits: 1) } ?? .null])
        }
        var completeness = SummaryTable(title: "Attribute completeness (share of features with a value)", key: "completeness",
                                        headers: ["layer", "field", "with_value", "features", "share_%"])
        for name in store.layerNames where BundleLayer.named(name) != nil {
            for c in try store.completeness(name) where c.field != "id" {
                completeness.rows.append([.text(name), .text(c.field), .int(c.nonNull), .int(c.total), .real(c.share * 100, digits: 1)])
            }
        }
        var tables = [about, layers, completeness]
        for (layer, field) in [("buildings", "use"), ("facilities", "category"), ("pipes", "kind"), ("areas", "kind")] where store.hasLayer(layer) {
            var values = SummaryTable(title: "\(layer).\(field)", key: "\(layer)_\(field)", headers: [field, "features"])
            values.rows = try store.valueCounts(layer, field: field).map { [.text($0.value ?? "(null)"), .int($0.count)] }
            tables.append(values)
        }
        var provenance = SummaryTable(title: "Provenance", key: "provenance",
                                      headers: ["layer", "source", "source_layer", "source_crs", "imported_at", "features", "repaired", "rejected"])
        provenance.rows = try store.layerRecords().map {
            [.text($0.layer), .text($0.source), .text($0.sourceLayer), .text($0.sourceCRS), .text($0.importedAt), .int($0.features), .int($0.repaired), .int($0.rejected)]
        }
        tables.append(provenance)
        let stale = try staleResults(store.layerRecords())
        if !stale.isEmpty {
            var table = SummaryTable(title: "Stale results: computed before a layer they depend on was imported again (re-run the command)",
                                     key: "stale_results", headers: ["layer", "computed_at", "newer_inputs"])
            table.rows = stale.map { [.text($0.layer), .text($0.computedAt), .list($0.newerInputs)] }
            tables.append(table)
        }
        return tables
    }

    /// The input layers each result layer is computed from (isochrones_<category> by prefix).
    static func inputs(of layer: String) -> [String]? {
        switch layer {
        case "coverage_buildings", "coverage_areas": return ["buildings", "facilities", "areas", "roads"]
        case "pipe_service", "blank_zones", "blank_areas": return ["buildings", "pipes", "areas"]
        case "pipe_defects": return ["pipes", "pipe_nodes"]
        default: return layer.hasPrefix("isochrones_") ? ["roads", "facilities"] : nil
        }
    }

    /// Result layers older than a layer they are computed from (by the `cim_layers` times, ISO 8601 UTC).
    /// Roads count for coverage only when the result used them (`--metric network` in its source).
    static func staleResults(_ records: [LayerRecord]) -> [(layer: String, computedAt: String, newerInputs: [String])] {
        let imported = Dictionary(records.map { ($0.layer, $0.importedAt) }, uniquingKeysWith: { $1 })
        return records.compactMap { record in
            guard var inputs = inputs(of: record.layer) else { return nil }
            if record.layer.hasPrefix("coverage_") && !record.source.contains("network") { inputs.removeAll { $0 == "roads" } }
            let newer = inputs.filter { input in imported[input].map { $0 > record.importedAt } ?? false }
            return newer.isEmpty ? nil : (record.layer, record.importedAt, newer)
        }
    }
}
