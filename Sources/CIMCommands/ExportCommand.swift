import ArgumentParser
import CIMStore

/// `cim export STORE LAYER OUT`: writes a layer to another format.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a layer; the format comes from OUT's extension: .gpkg, .geojson, .shp, .fgb, .csv (geometry as WKT), .city.json (CityJSON 2.0, LoD1 blocks)."
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @Argument(help: "The layer.") var layer: String
    @Argument(help: "The output file.") var out: String

    func run() throws {
        let store = try Store.open(self.store)
        if CityJSONWriter.isCityJSONOutput(out) {
            let report = try store.exportCityJSON(layer, to: out)
            for warning in report.warnings { printError("warning: \(warning)") }
            print("exported \(layer) (\(report.buildings) buildings, LoD1) to \(out)")
            return
        }
        try store.exportLayer(layer, to: out)
        print("exported \(layer) (\(store.featureCount(layer) ?? 0) features) to \(out)")
    }
}
