import CGDAL
import CIMGeometry
import CIMIndex
import Foundation

extension Store {
    /// Imports a source into a bundle layer, replacing the layer in one transaction (see ``ImportOptions``).
    ///
    /// Geometries are checked one by one: null, empty, NaN and wrong-type geometries are rejected; invalid
    /// polygons are repaired with GEOS make-valid; multi-part lines and points are split. Every repair and
    /// rejection is listed in the report and recorded in `cim_import_issues`. Coordinates are reprojected
    /// to the store's CRS (chosen on the first import: the source's own when projected, else the metric
    /// CRS for the data's lon/lat bounds).
    public func importLayer(_ options: ImportOptions, progress: ((String, Int) -> Void)? = nil) throws -> ImportReport {
        let started = Date()
        guard let bundle = BundleLayer.named(options.layer) else {
            throw StoreError("unknown bundle layer '\(options.layer)'", file: options.source,
                             hint: "one of \(BundleLayer.all.map(\.name).joined(separator: ", "))")
        }
        for field in options.fieldMap.keys where bundle.field(field) == nil {
            throw StoreError("--map names '\(field)', which is not a field of \(bundle.name)", file: options.source,
                             hint: "fields of \(bundle.name): \(bundle.fields.map(\.name).joined(separator: ", "))")
        }
        let source = try openSource(options.source)
        var builder = LayerBuilder(bundle: bundle, values: options.values, diameterUnit: options.diameterUnit)
        var sourceLayers: [String] = []
        var sourceCRSDefinition: String?

        if let preset = options.preset {
            let osmLayers = preset.osmLayers(for: bundle.name)
            guard !osmLayers.isEmpty else {
                throw StoreError("the OSM preset has no rules for \(bundle.name)", file: options.source)
            }
            for name in osmLayers {
                guard let layer = source.layer(named: name) else {
                    throw StoreError("no such layer in the source", file: options.source, layer: name,
                                     hint: "layers here: \(source.layerNames.joined(separator: ", "))")
                }
                sourceLayers.append(name)
                sourceCRSDefinition = sourceCRSDefinition ?? layerCRSDefinition(layer)
                try builder.readOSM(layer: layer, layerName: name, preset: preset, file: options.source) { progress?(bundle.name, $0) }
            }
        } else {
            let (layer, name) = try chooseSourceLayer(source, options)
            sourceLayers.append(name)
            sourceCRSDefinition = layerCRSDefinition(layer)
            try builder.readGeneric(layer: layer, layerName: name, fieldMap: options.fieldMap, file: options.source) { progress?(bundle.name, $0) }
        }

        // Source CRS: given, declared, or assumed lon/lat when the coordinates look like it.
        var warnings = builder.warnings
        let declared = options.sourceCRS == nil ? try sourceCRSDefinition.map { try CoordinateReferenceSystem($0) } : nil
        let crsChoice = try importCRS(given: options.sourceCRS, declared: declared,
                                      extent: builder.extent, featureCount: builder.column.count, storeWanted: options.storeCRS,
                                      missing: "the source has no CRS", file: options.source, layer: sourceLayers.first, example: "EPSG:4547")
        let sourceCRS = crsChoice.source, targetCRS = crsChoice.target
        if let warning = crsChoice.warning { warnings.append(warning) }

        if sourceCRS != targetCRS {
            let transform = try CoordinateTransform(from: sourceCRS, to: targetCRS)
            do {
                try transform.transform(&builder.column)
            } catch {
                throw StoreError("reprojection failed: \(error)", file: options.source, hint: "check --source-crs")
            }
        }

        let before = builder.warnings.count
        let table = builder.table(crs: targetCRS)
        // table(crs:) adds the warnings about changed values (numbers, bundle values, diameter units).
        warnings += builder.warnings[before...]
        let provenance = LayerProvenance(source: options.source, sourceLayer: sourceLayers.joined(separator: ","),
                                         sourceCRS: sourceCRS.identifier, repaired: builder.repaired, rejected: builder.rejected,
                                         issues: builder.issues)
        // A new store's CRS is fixed in the same transaction as its first layer: a failed import leaves none.
        try writeLayer(table, provenance: provenance, establishing: targetCRS) { progress?("writing \(bundle.name)", $0) }
        return ImportReport(layer: bundle.name, source: options.source, sourceLayers: sourceLayers, read: builder.read,
                            selected: builder.selected, imported: table.count, repaired: builder.repaired,
                            rejected: builder.rejected, split: builder.split, sourceCRS: sourceCRS.identifier,
                            storeCRS: targetCRS.identifier, warnings: warnings, issues: builder.issues,
                            seconds: Date().timeIntervalSince(started))
    }

    /// Imports every layer the OSM preset defines from one OSM file.
    public func importOSM(source: String, preset: OSMPreset, storeCRS: CoordinateReferenceSystem? = nil,
                          progress: ((String, Int) -> Void)? = nil) throws -> [ImportReport] {
        try preset.bundleLayers.map {
            try importLayer(ImportOptions(layer: $0, source: source, storeCRS: storeCRS, preset: preset), progress: progress)
        }
    }

    private func openSource(_ path: String) throws -> OGRDataset {
        var openOptions: [String] = []
        if path.lowercased().hasSuffix(".csv") {
            try CSVHeaderCheck.check(path)
            openOptions = ["X_POSSIBLE_NAMES=x,lon,lng,long,longitude,easting", "Y_POSSIBLE_NAMES=y,lat,latitude,northing",
                           "GEOM_POSSIBLE_NAMES=wkt,geom,geometry,the_geom", "KEEP_GEOM_COLUMNS=NO", "AUTODETECT_TYPE=YES"]
        }
        let dataset = try OGRDataset.open(path, openOptions: openOptions)
        if dataset.layerCount == 0 {
            throw StoreError("not a geodata file that GDAL can read (no vector layers)", file: path)
        }
        return dataset
    }

    private func chooseSourceLayer(_ source: OGRDataset, _ options: ImportOptions) throws -> (OGRLayerH, String) {
        let names = source.layerNames
        if let wanted = options.sourceLayer {
            guard let layer = source.layer(named: wanted) else {
                throw StoreError("no such layer in the source", file: options.source, layer: wanted,
                                 hint: "layers here: \(names.joined(separator: ", "))")
            }
            return (layer, wanted)
        }
        if names.count == 1, let layer = source.layer(at: 0) { return (layer, names[0]) }
        if let layer = source.layer(named: options.layer) { return (layer, options.layer) }
        throw StoreError("the source has \(names.count) layers and none is named '\(options.layer)'", file: options.source,
                         hint: "pick one with --source-layer: \(names.joined(separator: ", "))")
    }
}
