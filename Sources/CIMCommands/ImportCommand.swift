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
          cim import jiujiang.gpkg facilities amap_pois.csv --source-crs GCJ-02 --map category=类型 --encoding GBK
          cim import jiujiang.gpkg areas 社区.shp --set kind=community --map name=社区名称
          cim import jiujiang.gpkg areas 街道.shp --set kind=district --append --id-prefix JD-
          cim import jiujiang.gpkg roads roads.shp --node --no-node-where 类型=高架
        """
    )

    @Argument(help: "The store (a .gpkg file; created when missing).") var store: String
    @Argument(help: "The bundle layer to fill, or `all` with an OSM source.") var layer: String
    @Argument(help: "The source file.") var source: String
    @Option(name: .long, help: "The source layer (default: the only one, or the one named like LAYER).") var sourceLayer: String?
    @Option(name: .long, help: "Field mapping bundle_field=SOURCE_FIELD (repeatable).") var map: [String] = []
    @Option(name: .long, help: "A JSON value mapping: {\"use\": {\"住宅\": \"residential\"}, \"category\": {…}}.") var values: String?
    @Option(name: .long, help: "Preset: `osm` (default for .osm.pbf/.osm sources) or a preset JSON file.") var preset: String?
    @Option(name: .long, help: "The source CRS when the source has none (or to override it), e.g. EPSG:4547; GCJ-02 (Amap, Tencent) or BD-09 (Baidu) for Chinese web-map coordinates.") var sourceCrs: String?
    @Option(name: .long, help: "The store CRS for a new store (default: chosen from the data).") var crs: String?
    @Option(name: .long, help: "Unit of pipe diameters in the source: mm (default) or m.") var diameterUnit: String?
    @Option(name: .long, help: "The source's text encoding (GBK, GB18030, UTF-8 …); default: a Shapefile's .cpg, else UTF-8 with GB18030 for text that is not UTF-8.") var encoding: String?
    @Option(name: .customLong("x"), help: "A CSV's x (longitude, easting) column when its name is not recognised; with --y.") var xField: String?
    @Option(name: .customLong("y"), help: "A CSV's y (latitude, northing) column; with --x.") var yField: String?
    @Option(name: .customLong("set"), help: "Set FIELD=VALUE for every feature (repeatable), e.g. --set kind=community.") var constants: [String] = []
    @Flag(name: .long, help: "Add the source's features to the layer instead of replacing it (ids must stay unique).") var append = false
    @Option(name: .long, help: "A prefix for the source's ids (e.g. with --append).") var idPrefix: String?
    @Flag(name: .long, help: "Roads: split walkable lines at every crossing (GEOS noding); bridges, tunnels and layer-tagged lines stay whole.") var node = false
    @Option(name: .long, help: "Roads with --node: lines with FIELD=VALUE stay whole (repeatable).") var noNodeWhere: [String] = []
    @Option(name: .long, help: "Keep only these unmapped source fields (comma-separated); default: all are kept.") var keepFields: String?
    @Flag(name: .long, help: "Keep no unmapped source field.") var dropOtherFields = false
    @OptionGroup var output: OutputOptions

    /// Parses repeated FIELD=VALUE options.
    static func pairs(_ entries: [String], option: String) throws -> [(String, String)] {
        try entries.map { entry in
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw ValidationError("\(option) takes FIELD=VALUE, got '\(entry)'") }
            return (parts[0], parts[1])
        }
    }

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
        let sourceDatum = sourceCrs.flatMap { ChineseMapDatum(name: $0) }
        let sourceCRS = sourceDatum != nil ? nil : try sourceCrs.map { try CoordinateParsing.crs($0, option: "--source-crs") }
        if keepFields != nil && dropOtherFields { throw ValidationError("--keep-fields and --drop-other-fields exclude each other") }
        if (xField == nil) != (yField == nil) { throw ValidationError("--x and --y go together") }
        if node && layer != "roads" && layer != "all" { throw ValidationError("--node applies to the roads layer") }
        if !noNodeWhere.isEmpty && !node { throw ValidationError("--no-node-where goes with --node") }
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
            if sourceDatum != nil { throw ValidationError("--source-crs \(sourceCrs!) is for lon/lat points of Chinese web maps, not for CityJSON") }
            let reading = ProgressReporter("reading \(source)")
            let buildings = try CityJSONReader.readBuildings(source, sourceCRS: sourceCRS, fieldMap: fieldMap, values: valueMapping) { reading.update($0) }
            reading.finish()
            let store = try openOrCreateStore(self.store, crs: storeCRS)
            let report = try store.importCityJSON(buildings, options: ImportOptions(layer: layer, source: source, fieldMap: fieldMap, values: valueMapping,
                                                                                    sourceCRS: sourceCRS, storeCRS: storeCRS))
            for warning in report.warnings { printError("warning: \(report.layer): \(warning)") }
            try output.emit(Self.summary([report], store: store))
            return
        }
        let store = try openOrCreateStore(self.store, crs: storeCRS)
        var reporter: ProgressReporter?
        var currentLabel = ""
        let progress: (String, Int) -> Void = { label, count in
            if label != currentLabel { reporter?.finish(); reporter = ProgressReporter("\(label)"); currentLabel = label }
            reporter?.update(count)
        }
        var reports: [ImportReport] = []
        if layer == "all", let osmPreset {
            if sourceDatum != nil || encoding != nil || append || !constants.isEmpty || node {
                throw ValidationError("`all` takes none of --source-crs GCJ-02/BD-09, --encoding, --append, --set, --node: import the layers one by one")
            }
            reports = try store.importOSM(source: source, preset: osmPreset, storeCRS: storeCRS, progress: progress)
        } else {
            var options = ImportOptions(layer: layer, source: source, sourceLayer: sourceLayer, fieldMap: fieldMap, values: valueMapping,
                                        sourceCRS: sourceCRS, storeCRS: storeCRS, preset: osmPreset, diameterUnit: diameterUnit)
            options.sourceDatum = sourceDatum
            options.encoding = encoding
            options.xField = xField
            options.yField = yField
            options.constants = Dictionary(try Self.pairs(constants, option: "--set"), uniquingKeysWith: { $1 })
            options.append = append
            options.idPrefix = idPrefix
            options.node = node
            options.noNodeWhere = try Self.pairs(noNodeWhere, option: "--no-node-where").map { (field: $0.0, value: $0.1) }
            options.keepFields = dropOtherFields ? [] : keepFields.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            reports = [try store.importLayer(options, progress: progress)]
        }
        reporter?.finish()
        for report in reports { for warning in report.warnings { printError("warning: \(report.layer): \(warning)") } }
        try output.emit(Self.summary(reports, store: store))
    }

    static func summary(_ reports: [ImportReport], store: any LayerStore) -> [SummaryTable] {
        var table = SummaryTable(title: "Imported into \(store.address) (\(store.crs?.description ?? "no CRS"))", key: "layers",
                                 headers: ["layer", "source", "read", "selected", "imported", "repaired", "rejected", "split", "source_crs", "encoding", "seconds", "features/s"])
        for r in reports {
            table.rows.append([.text(r.layer), .list(r.sourceLayers), .int(r.read), .int(r.selected), .int(r.imported),
                               .int(r.repaired), .int(r.rejected), .int(r.split), .text(r.sourceCRS), .text(r.encoding), .real(r.seconds, digits: 2),
                               .real(r.seconds > 0 ? Double(r.read) / r.seconds : 0, digits: 0)])
            if r.appendedTo > 0 { table.notes.append("\(r.layer): appended to the \(r.appendedTo) features it had") }
            if r.nodedLines > 0 { table.notes.append("\(r.layer): --node split \(r.nodedLines) lines at crossings into \(r.nodedPieces) pieces") }
            if !r.keptFields.isEmpty { table.notes.append("\(r.layer): source fields kept: \(r.keptFields.joined(separator: ", "))") }
        }
        var unmapped = SummaryTable(title: "Values that map to nothing (the ten most common per field; map them with --values FILE)", key: "unmapped",
                                    headers: ["layer", "field", "value", "features"])
        for r in reports {
            for (field, values) in r.unmapped.sorted(by: { $0.key < $1.key }) {
                for v in values { unmapped.rows.append([.text(r.layer), .text(field), .text(v.value), .int(v.count)]) }
            }
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
        return [table] + (unmapped.rows.isEmpty ? [] : [unmapped]) + (issues.rows.isEmpty ? [] : [issues])
    }
}
