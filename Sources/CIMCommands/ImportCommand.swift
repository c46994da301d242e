import ArgumentParser
import CIMGeometry
import CIMStore
import Foundation

/// `cim import STORE LAYER SOURCE`: fills a bundle layer from any OGR source.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a source (GeoPackage, Shapefile, GeoJSON, FlatGeobuf, CSV, OSM PBF, CityJSON …) into a bundle layer.",
        discussion: """
        LAYER is a bundle layer (buildings, facilities, roads, pipes, pipe_nodes, areas, waterlogging), or `all` \
        with an OSM source to import every layer the OSM preset defines. The store is created when missing. \
        Re-importing a layer replaces it in one transaction; a failed import leaves the store unchanged.

        Examples:
          cim import city.gpkg all Data/porto.osm.pbf
          cim import city.gpkg buildings survey.shp --map floors=CS --map use=YT --values use-map.json --source-crs EPSG:4547
          cim import city.gpkg facilities pois.csv --map category=type
          cim import city.gpkg buildings 3dbag_tile.city.jsonl --map year=oorspronkelijkbouwjaar
        """
    )

    @Argument(help: "The store (a .gpkg file; created when missing).") var store: String
    @Argument(help: "The bundle layer to fill, or `all` with an OSM source.") var layer: String
    @Argument(help: "The source file.") var source: String
    @Option(name: .long, help: "The source layer (default: the only one, or the one named like LAYER).") var sourceLayer: String?
    @Option(name: .long, help: "Field mapping bundle_field=SOURCE_FIELD (repeatable).") var map: [String] = []
    @Option(name: .long, help: "A JSON value mapping: {\"use\": {\"住宅\": \"residential\"}, \"category\": {…}}.") var values: String?
    @Option(name: .long, help: "Preset: `osm` (default for .osm.pbf/.osm sources) or a preset JSON file.") var preset: String?
    @Option(name: .long, help: "The source CRS when the source has none, e.g. EPSG:4547.") var sourceCrs: String?
    @Option(name: .long, help: "The store CRS for a new store (default: chosen from the data).") var crs: String?
    @Option(name: .long, help: "Unit of pipe diameters in the source: mm (default) or m.") var diameterUnit: String?
    @OptionGroup var output: OutputOptions

    func run() throws {
        var fieldMap: [String: String] = [:]
        for entry in map {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--map takes bundle_field=SOURCE_FIELD, got '\(entry)'")
            }
            fieldMap[parts[0]] = parts[1]
        }
        if let unit = diameterUnit, unit != "mm" && unit != "m" { throw ValidationError("--diameter-unit is mm or m") }
        let sourceCRS = try sourceCrs.map { try CoordinateParsing.crs($0, option: "--source-crs") }
        let storeCRS = try crs.map { try CoordinateParsing.crs($0, option: "--crs") }
        let valueMapping = try values.map { try ValueMapping.load($0) } ?? ValueMapping()
        let lower = source.lowercased()
        let isOSM = lower.hasSuffix(".osm.pbf") || lower.hasSuffix(".pbf") || lower.hasSuffix(".osm")
        var osmPreset: OSMPreset?
        switch preset {
        case nil: osmPreset = isOSM ? try OSMPreset.shipped() : nil
        case "osm"?: osmPreset = try OSMPreset.shipped()
        case let file?: osmPreset = try OSMPreset.load(URL(fileURLWithPath: file))
        }
        if layer == "all" && osmPreset == nil {
            throw ValidationError("`all` imports every layer of a preset: give an OSM source or --preset")
        }
        if !FileManager.default.fileExists(atPath: source) {
            throw StoreError("no such file", file: source, hint: "check the path")
        }
        if layer != "all" && preset == nil && CityJSONReader.isCityJSON(source) {
            // CityJSON: the whole file is read and checked before the store is opened, so a bad file leaves it untouched.
            guard layer == "buildings" else { throw ValidationError("a CityJSON source imports into the layer buildings, not \(layer)") }
            let reading = ProgressReporter("reading \(source)")
            let buildings = try CityJSONReader.readBuildings(source, sourceCRS: sourceCRS, fieldMap: fieldMap, values: valueMapping) { reading.update($0) }
            reading.finish()
            let store = try Store.openOrCreate(self.store, crs: storeCRS)
            let report = try store.importCityJSON(buildings, options: ImportOptions(layer: layer, source: source, fieldMap: fieldMap, values: valueMapping,
                                                                                    sourceCRS: sourceCRS, storeCRS: storeCRS))
            for warning in report.warnings { printError("warning: \(report.layer): \(warning)") }
            try output.emit(Self.summary([report], store: store))
            return
        }
        let store = try Store.openOrCreate(self.store, crs: storeCRS)
        var reporter: ProgressReporter?
        var currentLabel = ""
        let progress: (String, Int) -> Void = { label, count in
            if label != currentLabel { reporter?.finish(); reporter = ProgressReporter("\(label)"); currentLabel = label }
            reporter?.update(count)
        }
        var reports: [ImportReport] = []
        if layer == "all", let osmPreset {
            reports = try store.importOSM(source: source, preset: osmPreset, storeCRS: storeCRS, progress: progress)
        } else {
            let options = ImportOptions(layer: layer, source: source, sourceLayer: sourceLayer, fieldMap: fieldMap, values: valueMapping,
                                        sourceCRS: sourceCRS, storeCRS: storeCRS, preset: osmPreset, diameterUnit: diameterUnit)
            reports = [try store.importLayer(options, progress: progress)]
        }
        reporter?.finish()
        for report in reports { for warning in report.warnings { printError("warning: \(report.layer): \(warning)") } }
        try output.emit(Self.summary(reports, store: store))
    }

    static func summary(_ reports: [ImportReport], store: Store) -> [SummaryTable] {
        var table = SummaryTable(title: "Imported into \(store.path) (\(store.crs?.description ?? "no CRS"))", key: "layers",
                                 headers: ["layer", "source", "read", "selected", "imported", "repaired", "rejected", "split", "seconds", "features/s"])
        for r in reports {
            table.rows.append([.text(r.layer), .text(r.sourceLayers.joined(separator: ",")), .int(r.read), .int(r.selected), .int(r.imported),
                               .int(r.repaired), .int(r.rejected), .int(r.split), .real(r.seconds, digits: 2),
                               .real(r.seconds > 0 ? Double(r.read) / r.seconds : 0, digits: 0)])
        }
        var issues = SummaryTable(title: "Repairs and rejections (all are kept in the table cim_import_issues)", key: "issues",
                                  headers: ["layer", "feature", "action", "reason"])
        for r in reports {
            for issue in r.issues.prefix(20) where issue.action != .split {
                issues.rows.append([.text(r.layer), .text(issue.feature), .text(issue.action.rawValue), .text(issue.reason)])
            }
            let more = r.issues.filter { $0.action != .split }.count - 20
            if more > 0 { issues.notes.append("\(r.layer): \(more) more") }
        }
        return issues.rows.isEmpty ? [table] : [table, issues]
    }
}
