import CIMStore

/// The QGIS aliases and styles of the layers one command writes, collected by ``QGISMetadata`` and attached
/// to the tables before they are written, so that each store writes them in the layers' own transaction.
final class LayerPresentations {
    /// The layers being written: only these get a presentation.
    let layers: Set<String>
    /// The presentation of each layer, by name.
    private(set) var byLayer: [String: LayerPresentation] = [:]

    init(layers: some Sequence<String>) { self.layers = Set(layers) }

    /// True when `name` is one of the layers being written.
    func hasLayer(_ name: String) -> Bool { layers.contains(name) }

    /// Sets the aliases and styles of one of the layers being written (ignored for any other layer).
    func set(layer: String, aliases: [FieldAlias], styles: [LayerStyle]) {
        guard layers.contains(layer) else { return }
        byLayer[layer] = LayerPresentation(aliases: aliases, styles: styles)
    }

    /// `tables`, each with the presentation `collect` sets for it (those it sets none for unchanged).
    static func attach(_ tables: [FeatureTable], _ collect: (LayerPresentations) throws -> Void) rethrows -> [FeatureTable] {
        let presentations = LayerPresentations(layers: tables.map(\.name))
        try collect(presentations)
        return tables.map { table in
            var table = table
            if let presentation = presentations.byLayer[table.name] { table.presentation = presentation }
            return table
        }
    }
}
