import CGDAL
import CIMGeometry
import CIMIndex
import Foundation

extension LayerStore {
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
        if options.node && bundle.name != "roads" {
            throw StoreError("--node splits roads at their crossings; it does not apply to \(bundle.name)", file: options.source)
        }
        let (source, textMode, encodingName) = try openSource(options)
        var builder = LayerBuilder(bundle: bundle, options: options, text: SourceText(textMode))
        var sourceLayers: [String] = []
        var sourceCRSDefinition: String?
        var noCoordinateColumns = false

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
            noCoordinateColumns = OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(layer)) == 0
            try builder.readGeneric(layer: layer, layerName: name, fieldMap: options.fieldMap, file: options.source) { progress?(bundle.name, $0) }
        }
        if noCoordinateColumns && builder.read > 0 {
            throw StoreError("the source has no geometry: no coordinate columns were found", file: options.source, layer: sourceLayers.first,
                             hint: "a CSV needs x/y, lon/lat, lng/lat, longitude/latitude, 经度/纬度 or X坐标/Y坐标 columns, a WKT column, or --x FIELD --y FIELD; the layer keeps its previous contents")
        }

        // Source CRS: given, declared, or assumed lon/lat when the coordinates look like it.
        var warnings = builder.warnings
        if builder.text.usedFallback {
            warnings.append("some field names or values are not valid UTF-8 and were read as \(SourceText.fallbackEncoding) (pass --encoding to choose another)")
        }
        let declared = options.sourceCRS == nil && options.sourceDatum == nil ? try sourceCRSDefinition.map { try CoordinateReferenceSystem($0) } : nil
        let given = options.sourceDatum != nil ? CoordinateReferenceSystem.wgs84 : options.sourceCRS
        if (given ?? declared)?.isGeographic ?? true {
            rejectImpossibleLonLat(&builder, assumed: given == nil && declared == nil)
        }
        if let datum = options.sourceDatum { datum.toWGS84(&builder.column) }
        let crsChoice = try importCRS(given: given, declared: declared,
                                      extent: builder.extent, featureCount: builder.column.count, storeWanted: options.storeCRS,
                                      missing: "the source has no CRS", file: options.source, layer: sourceLayers.first, example: "EPSG:4547")
        let sourceCRS = crsChoice.source, targetCRS = crsChoice.target
        if let warning = crsChoice.warning { warnings.append(warning) }
        // OpenStreetMap is WGS 84 by definition: the warning is for files of unknown origin.
        if options.sourceDatum == nil, options.sourceCRS == nil, options.preset == nil, sourceCRS.isGeographic, let extent = builder.extent, Self.liesInChina(extent) {
            warnings.append("the points lie in China and are taken as WGS 84: points from Amap/Gaode or Tencent are in GCJ-02 and from Baidu in BD-09, some 300–700 m off; pass --source-crs GCJ-02 or --source-crs BD-09 if they come from there")
        }

        if sourceCRS != targetCRS {
            let transform = try CoordinateTransform(from: sourceCRS, to: targetCRS)
            var failed: [Int: String] = [:]
            for row in transform.transformAllowingFailures(&builder.column) {
                failed[row] = "cannot be reprojected from \(options.sourceDatum?.rawValue ?? sourceCRS.identifier) to \(targetCRS.identifier)"
            }
            builder.reject(rows: failed)
        }
        if let bounds = try targetCRS.plausibleBounds() {
            var absurd: [Int: String] = [:]
            for row in 0 ..< builder.column.count {
                let e = builder.column.envelope(row)
                if e.minX < bounds.minX || e.maxX > bounds.maxX || e.minY < bounds.minY || e.maxY > bounds.maxY {
                    absurd[row] = String(format: "coordinates (%.0f, %.0f) lie far outside the area of use of %@", e.minX, e.minY, targetCRS.identifier)
                }
            }
            builder.reject(rows: absurd)
        }
        var nodedLines = 0, nodedPieces = 0
        if options.node {
            (nodedLines, nodedPieces) = try builder.nodeRoads()
        }

        let before = builder.warnings.count
        var table = builder.table(crs: targetCRS)
        // table(crs:) adds the warnings about changed values (numbers, bundle values, diameter units).
        warnings += builder.warnings[before...]
        if table.count == 0 && !options.allowEmpty {
            let reasons = Dictionary(grouping: builder.issues.filter { $0.action == .rejected }, by: \.reason)
                .sorted { $0.value.count > $1.value.count }.prefix(3).map { "\($0.value.count) × \($0.key)" }
            throw StoreError("the import ends with no features (\(builder.read) read\(builder.selected != builder.read ? ", \(builder.selected) selected" : "")\(reasons.isEmpty ? "" : ", rejected: " + reasons.joined(separator: "; ")))",
                             file: options.source, layer: sourceLayers.first,
                             hint: "nothing was written: the store's \(bundle.name) layer keeps its previous contents")
        }
        var issues = builder.issues
        var sourceDescription = options.source
        var appendedTo = 0
        if options.append, hasLayer(bundle.name) {
            let existing = try snapshot(bundle.name)
            appendedTo = existing.count
            table = try table.appended(to: existing, file: options.source)
            issues = try importIssues(layer: bundle.name) + issues
            if let record = try layerRecords().first(where: { $0.layer == bundle.name }) { sourceDescription = "\(record.source) + \(options.source)" }
        }
        let provenance = LayerProvenance(source: sourceDescription, sourceLayer: sourceLayers.joined(separator: ","),
                                         sourceCRS: options.sourceDatum?.rawValue ?? sourceCRS.identifier, repaired: builder.repaired, rejected: builder.rejected,
                                         issues: issues)
        // A new store's CRS is fixed in the same transaction as its first layer: a failed import leaves none.
        try writeLayer(table, provenance: provenance, establishing: targetCRS) { progress?("writing \(bundle.name)", $0) }
        var report = ImportReport(layer: bundle.name, source: options.source, sourceLayers: sourceLayers, read: builder.read,
                                  selected: builder.selected, imported: table.count - appendedTo, repaired: builder.repaired,
                                  rejected: builder.rejected, split: builder.split, sourceCRS: options.sourceDatum?.rawValue ?? sourceCRS.identifier,
                                  storeCRS: targetCRS.identifier, warnings: warnings, issues: builder.issues,
                                  seconds: Date().timeIntervalSince(started))
        report.encoding = builder.text.usedFallback ? SourceText.fallbackEncoding : encodingName
        report.appendedTo = appendedTo
        report.nodedLines = nodedLines
        report.nodedPieces = nodedPieces
        report.keptFields = builder.extraFields.map(\.name)
        report.unmapped = builder.unmappedValues
        return report
    }

    /// True when a lon/lat box's centre lies in mainland China's bounding box (73–135°E, 18–54°N).
    static func liesInChina(_ extent: Envelope) -> Bool {
        let lon = (extent.minX + extent.maxX) / 2, lat = (extent.minY + extent.maxY) / 2
        return lon >= 73 && lon <= 135 && lat >= 18 && lat <= 54
    }

    /// Rejects features of a lon/lat source whose coordinates are not longitudes and latitudes at all
    /// (beyond ±180°/±90°). When the CRS is only assumed (none declared or given), it does so only if most
    /// features are lon/lat; otherwise the source is not lon/lat and the CRS question is asked as before.
    private func rejectImpossibleLonLat(_ builder: inout LayerBuilder, assumed: Bool) {
        var bad: [Int: String] = [:]
        for row in 0 ..< builder.column.count {
            let e = builder.column.envelope(row)
            if e.minX < -180 || e.maxX > 180 || e.minY < -90 || e.maxY > 90 {
                bad[row] = String(format: "coordinates (%.6g, %.6g) are not a longitude and latitude", e.minX, e.minY)
            }
        }
        if bad.isEmpty || (assumed && bad.count * 2 >= builder.column.count) { return }
        builder.reject(rows: bad)
    }

    /// Imports every layer the OSM preset defines from one OSM file.
    public func importOSM(source: String, preset: OSMPreset, storeCRS: CoordinateReferenceSystem? = nil,
                          progress: ((String, Int) -> Void)? = nil) throws -> [ImportReport] {
        try preset.bundleLayers.map {
            var options = ImportOptions(layer: $0, source: source, storeCRS: storeCRS, preset: preset)
            options.allowEmpty = true
            return try importLayer(options, progress: progress)
        }
    }

    /// Opens the source with the options its format needs: a CSV's coordinate columns (the recognised
    /// names, Chinese ones also in GB18030 bytes, or `--x`/`--y`), and the text encoding (`--encoding`; a
    /// Shapefile's .cpg; else UTF-8 with GB18030 for text that is not valid UTF-8). Returns the dataset, how
    /// to decode its text and the name of the encoding.
    private func openSource(_ options: ImportOptions) throws -> (OGRDataset, SourceText.Mode, String) {
        let path = options.source
        let lower = path.lowercased()
        var openOptions: [String] = []
        var mode = SourceText.Mode.detect
        var encodingName = "UTF-8"
        if let encoding = options.encoding {
            encodingName = encoding
            if !Self.encodingIsKnown(encoding) {
                throw StoreError("unknown encoding '\(encoding)'", file: path, hint: "e.g. --encoding GBK, GB18030, UTF-8, BIG5")
            }
        }
        if lower.hasSuffix(".shp") || lower.hasSuffix(".dbf") {
            let cpg = URL(fileURLWithPath: path).deletingPathExtension().appendingPathExtension("cpg").path
            if let encoding = options.encoding {
                openOptions.append("ENCODING=\(encoding)")
                mode = .native
            } else if let declared = try? String(contentsOfFile: cpg, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !declared.isEmpty {
                // GDAL recodes from the .cpg's encoding to UTF-8 itself.
                encodingName = "\(declared) (from the .cpg)"
                mode = .native
            } else {
                // No .cpg: the bytes as they are, then UTF-8 or GB18030 (GDAL would take them as ISO-8859-1).
                openOptions.append("ENCODING=")
            }
        } else if let encoding = options.encoding {
            let utf8 = encoding.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
            mode = utf8 ? .native : .recode(encoding)
        }
        var openPath = path
        // A recoded copy is removed once GDAL has it open, or when opening fails.
        defer { if openPath != path { try? FileManager.default.removeItem(at: URL(fileURLWithPath: openPath).deletingLastPathComponent()) } }
        if lower.hasSuffix(".csv") {
            // GDAL's CSV driver neither recodes nor matches column names in other encodings: a CSV that is not
            // UTF-8 is recoded as a whole into a temporary copy (unlinked once open).
            if let recoded = try recodedCSV(path, encoding: options.encoding) {
                openPath = recoded.path
                encodingName = recoded.encoding
                mode = .native
            }
            var xs = ["x", "lon", "lng", "long", "longitude", "easting"], ys = ["y", "lat", "latitude", "northing"]
            if let x = options.xField, let y = options.yField { xs = [x]; ys = [y] }
            else if options.xField != nil || options.yField != nil { throw StoreError("--x and --y go together", file: path) }
            else { xs += ["经度", "X坐标", "x坐标", "东坐标"]; ys += ["纬度", "Y坐标", "y坐标", "北坐标"] }
            let geometryNames = ["wkt", "geom", "geometry", "the_geom", "WKT", "几何"]
            try CSVHeaderCheck.check(openPath, reportedAs: path, geometryColumns: Set((xs + ys + geometryNames).map { $0.lowercased() }))
            openOptions += ["X_POSSIBLE_NAMES=\(xs.joined(separator: ","))", "Y_POSSIBLE_NAMES=\(ys.joined(separator: ","))",
                            "GEOM_POSSIBLE_NAMES=\(geometryNames.joined(separator: ","))", "KEEP_GEOM_COLUMNS=NO", "AUTODETECT_TYPE=YES"]
        } else if options.xField != nil || options.yField != nil {
            throw StoreError("--x and --y name the coordinate columns of a CSV source", file: path)
        }
        let dataset = try OGRDataset.open(openPath, openOptions: openOptions)
        if dataset.layerCount == 0 {
            throw StoreError("not a geodata file that GDAL can read (no vector layers)", file: path)
        }
        if options.xField != nil, let layer = dataset.layer(at: 0), OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(layer)) == 0 {
            throw StoreError("--x \(options.xField!) --y \(options.yField!): the CSV has no such pair of columns", file: path,
                             hint: "check the column names (and --encoding)")
        }
        return (dataset, mode, encodingName)
    }

    /// A UTF-8 copy of a CSV that is not UTF-8 (in `encoding`, or without it GB18030 when the bytes are not
    /// valid UTF-8), written under the same name in a new temporary folder; nil when the file is UTF-8 already.
    private func recodedCSV(_ path: String, encoding: String?) throws -> (path: String, encoding: String)? {
        if let encoding, encoding.uppercased().replacingOccurrences(of: "-", with: "") == "UTF8" { return nil }
        guard var data = FileManager.default.contents(atPath: path) else { throw StoreError("cannot read the file", file: path) }
        let from: String
        if let encoding { from = encoding }
        else if String(data: data, encoding: .utf8) != nil { return nil }
        else { from = SourceText.fallbackEncoding }
        data.append(0)
        guard let text = data.withUnsafeBytes({ SourceText.recode($0.bindMemory(to: CChar.self).baseAddress!, from: from) }) else {
            throw StoreError("the file cannot be read as \(from)", file: path, hint: "give its encoding with --encoding")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cim-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let copy = folder.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent)
        try Data(text.utf8).write(to: copy)
        return (copy.path, encoding ?? "\(from) (the file is not valid UTF-8)")
    }

    /// Whether GDAL's recoding (iconv) knows an encoding name.
    static func encodingIsKnown(_ name: String) -> Bool {
        let upper = name.uppercased().replacingOccurrences(of: "-", with: "")
        if upper == "UTF8" { return true }
        GDAL.reset()
        VSIFree(CPLRecode("a", "UTF-8", name))
        return CPLGetLastErrorType() != CE_Failure && CPLGetLastErrorType() != CE_Warning
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
