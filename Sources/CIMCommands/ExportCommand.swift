import ArgumentParser
import CIMStore

/// `cim export STORE LAYER OUT`: writes a layer to another format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a layer; the format comes from OUT's extension: .gpkg, .geojson, .shp, .fgb, .csv (geometry as WKT), .xlsx (attributes), .city.json (CityJSON 2.0, LoD1 blocks of a building layer)."
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @Argument(help: "The layer.") var layer: String
    @Argument(help: "The output file.") var out: String
    @OptionGroup var filter: ExportFilterOptions

    func run() throws {
        let store = try openStore(self.store)
        if CityJSONWriter.isCityJSONOutput(out) {
            try store.requireBuildingLayer(layer)
            guard filter.isEmpty else { throw ValidationError("--where, --fields, --t-srs and --lonlat are not available for CityJSON export") }
            let report = try store.exportCityJSON(layer, to: out)
            for warning in report.warnings { printError("warning: \(warning)") }
            print("exported \(layer) (\(report.buildings) buildings, LoD1) to \(out)")
            return
        }
        let options = try filter.resolved()
        if store.hasLayer(layer) { try options.validate(store: store, layer: layer, driver: try GeoPackageStore.driver(forOutput: out)) }
        try store.exportLayer(layer, to: out, options: options)
        if try GeoPackageStore.driver(forOutput: out) == "ESRI Shapefile" { try writeShapefileFieldTable(store: store, options: options) }
        let rows = options.whereClause.map { "rows where \($0)" } ?? "\(store.featureCount(layer) ?? 0) features"
        print("exported \(layer) (\(rows)) to \(out)")
    }

    /// Shapefile field names are cut to 10 characters: warns and writes the long-to-short table beside the file.
    private func writeShapefileFieldTable(store: any LayerStore, options: ExportOptions) throws {
        let exported = (options.fields ?? store.fields(layer).map(\.name)) + (options.lonLat ? ["lon", "lat"] : [])
        let (table, renamed) = try ShapefileFieldNames.writeTable(exported: exported, shapefile: out)
        guard !renamed.isEmpty else { return }
        let examples = renamed.prefix(3).map { "\($0.0) → \($0.1)" }.joined(separator: ", ")
        printError("warning: Shapefile field names are at most 10 characters: \(renamed.count) renamed (\(examples)\(renamed.count > 3 ? " …" : "")); the table is in \(table)")
    }
}
