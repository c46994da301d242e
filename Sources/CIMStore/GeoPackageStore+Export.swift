import CGDAL
import CIMGeometry
import Foundation

extension GeoPackageStore {
    /// The GDAL driver for an output path, by extension.
    public static func driver(forOutput path: String) throws -> String {
        let lower = path.lowercased()
        let table: [(String, String)] = [(".gpkg", "GPKG"), (".geojson", "GeoJSON"), (".json", "GeoJSON"), (".shp", "ESRI Shapefile"),
                                         (".fgb", "FlatGeobuf"), (".csv", "CSV"), (".xlsx", "XLSX"), (".geojsonl", "GeoJSONSeq"), (".geojsons", "GeoJSONSeq")]
        guard let driver = table.first(where: { lower.hasSuffix($0.0) })?.1 else {
            throw StoreError("unknown output format", file: path, hint: "use .gpkg, .geojson, .shp, .fgb, .csv or .xlsx")
        }
        return driver
    }

    /// Exports a layer to a file whose driver is chosen by extension (`GDALVectorTranslate`, like ogr2ogr).
    /// GeoJSON is written in lon/lat (EPSG:4326, as RFC 7946 asks); CSV carries the geometry as WKT. Into
    /// another cim store with a different CRS the layer is reprojected to that store's CRS. `options`
    /// (``ExportOptions``) add ogr2ogr's -where, -select and -t_srs, and lon/lat columns.
    ///
    /// Nothing is half-written: the file is written in a temporary folder beside the target (an existing
    /// GeoPackage is copied there first and gets the layer added or replaced), every GDAL step and the
    /// close (`GDALClose` after `GDALFlushCache`, errors read with `CPLGetLastErrorType`) are checked, the
    /// file is read back, and only then is it renamed into place — one rename per file (a Shapefile's parts
    /// are moved together). A failed export leaves the previous file untouched and removes the temporary
    /// folder. A target that is a directory is refused.
    public func exportLayer(_ layer: String, to output: String, options: ExportOptions) throws {
        guard hasLayer(layer) else {
            throw StoreError("no such layer", file: path, layer: layer, hint: "layers here: \(layerNames.joined(separator: ", "))")
        }
        let driver = try Self.driver(forOutput: output)
        let fm = FileManager.default
        let target = URL(fileURLWithPath: output)
        try Self.checkExportTarget(target)
        let folder = target.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".cim-export-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: temporary, withIntermediateDirectories: false)
        } catch {
            throw StoreError.fileSystem(error, what: "cannot write beside the target", file: output)
        }
        defer { try? fm.removeItem(at: temporary) }
        let staged = temporary.appendingPathComponent(target.lastPathComponent)
        let appendToGeoPackage = driver == "GPKG" && fm.fileExists(atPath: output)
        var targetCRS: CoordinateReferenceSystem?
        if appendToGeoPackage {
            targetCRS = try Self.storeCRS(ofExportTarget: output)
            do { try fm.copyItem(at: target, to: staged) } catch { throw StoreError.fileSystem(error, what: "cannot copy the target", file: output) }
        }

        var arguments = ["-f", driver, "-nln", layer]
        if appendToGeoPackage { arguments += ["-update", "-overwrite"] }
        if let targetCRS {
            // A cim store holds one CRS: the layer goes in in that one, never in another under its name.
            if options.targetCRS != nil {
                throw StoreError("--t-srs cannot be used into a cim store: layers are reprojected to the store's CRS (\(targetCRS.identifier))", file: output, layer: layer)
            }
            if targetCRS != crs { arguments += ["-t_srs", targetCRS.identifier] }
        }
        switch driver {
        case "GeoJSON", "GeoJSONSeq": arguments += ["-t_srs", "EPSG:4326", "-lco", "RFC7946=YES"]
        case "CSV": arguments += ["-lco", "GEOMETRY=AS_WKT"]
        case "ESRI Shapefile": arguments += ["-lco", "ENCODING=UTF-8"]
        default: break
        }
        arguments += options.translateArguments(layer: layer, geometryColumn: try geometryColumn(layer))
        arguments.append(layer)
        do {
            try translate(arguments, to: staged.path, updating: appendToGeoPackage, output: output, layer: layer)
            try verifyExport(staged.path, layer: layer, output: output, expected: try exportedCount(layer, options: options))
        } catch let error as StoreError where error.cause == nil {
            // GDAL's drivers do not always say why a write failed (a buffered write meeting a full disk).
            if let cause = StoreError.Cause(spaceLeftAt: folder.path) { throw cause.error(file: output, layer: layer, feature: nil) }
            throw error
        }

        // Move every file the driver wrote (a Shapefile is several) into place, each with one rename.
        let written: [String]
        do { written = try fm.contentsOfDirectory(atPath: temporary.path) } catch { throw StoreError.fileSystem(error, what: "cannot list the export", file: output) }
        for name in written.sorted() {
            let destination = folder.appendingPathComponent(name)
            guard rename(temporary.appendingPathComponent(name).path, destination.path) == 0 else {
                throw StoreError("cannot move the finished file into place: \(String(cString: strerror(errno)))", file: destination.path)
            }
        }
    }

    /// Runs `GDALVectorTranslate` into `staged` (a new file, or the copy of an existing GeoPackage opened
    /// for update) and closes the result, checking the call, its failure flag and every error GDAL raised
    /// up to and including the close.
    private func translate(_ arguments: [String], to staged: String, updating: Bool, output: String, layer: String) throws {
        GDAL.reset()
        var destination: GDALDatasetH?
        if updating {
            destination = GDALOpenEx(staged, UInt32(GDAL_OF_VECTOR | GDAL_OF_UPDATE), nil, nil, nil)
            guard destination != nil else { throw StoreError.gdal("cannot open the target GeoPackage", message: GDAL.lastError(""), file: output) }
        }
        var failed: Int32 = 0
        let result: GDALDatasetH? = GDAL.withStringList(arguments) { list in
            guard let options = GDALVectorTranslateOptionsNew(list, nil) else { return nil }
            defer { GDALVectorTranslateOptionsFree(options) }
            var sources: [GDALDatasetH?] = [dataset.handle]
            return sources.withUnsafeMutableBufferPointer {
                GDALVectorTranslate(updating ? nil : staged, destination, 1, $0.baseAddress, options, &failed)
            }
        }
        let translateError = CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal ? GDAL.lastError("") : ""
        guard let result else {
            if let destination { GDALClose(destination) }
            throw StoreError.gdal("export failed", message: GDAL.lastError("GDAL could not write the file"), file: output, layer: layer)
        }
        GDAL.reset()
        GDALFlushCache(result)
        GDALClose(result)
        let closeError = CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal ? GDAL.lastError("") : ""
        guard failed == 0, translateError.isEmpty, closeError.isEmpty else {
            throw StoreError.gdal("export failed", message: translateError.isEmpty ? closeError : translateError, file: output, layer: layer)
        }
    }

    /// Reads the written file back (`GDALOpenEx`, `OGR_L_GetFeatureCount`): it must open and hold the layer
    /// with all the `expected` features; a file cut short by a failed write does not.
    private func verifyExport(_ staged: String, layer: String, output: String, expected: Int) throws {
        // A spreadsheet's first row holds the field names: read it as such, not as GDAL's guess
        // (`OGR_XLSX_HEADERS`, a configuration option only, set for this thread while the file is read).
        let xlsx = staged.lowercased().hasSuffix(".xlsx")
        if xlsx { CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", "FORCE") }
        defer { if xlsx { CPLSetThreadLocalConfigOption("OGR_XLSX_HEADERS", nil) } }
        let written = try OGRDataset.open(staged)
        let handle = written.layer(named: layer) ?? (written.layerCount == 1 ? written.layer(at: 0) : nil)
        guard let handle else { throw StoreError("export failed: the written file has no layer \(layer)", file: output, layer: layer) }
        let count = Int(OGR_L_GetFeatureCount(handle, 1))
        guard count == expected else {
            throw StoreError("export failed: the written file holds \(count) of \(expected) features", file: output, layer: layer)
        }
    }

    /// How many features an export of `layer` with `options` writes: all of them, or those its --where
    /// selects (counted by SQLite, the dialect GDAL's GeoPackage driver filters in).
    private func exportedCount(_ layer: String, options: ExportOptions) throws -> Int {
        guard let clause = options.whereClause else { return featureCount(layer) ?? 0 }
        let rows = try dataset.query("SELECT COUNT(*) FROM \(ExportOptions.identifier(layer)) WHERE \(clause)")
        return Int(rows.first?.first.flatMap { $0 } ?? "") ?? 0
    }

    /// Refuses an export onto a directory (it would never be replaced by a file, nor deleted) or into a
    /// folder that does not exist.
    static func checkExportTarget(_ target: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError("the target is a directory", file: target.path, hint: "give a file name, e.g. \(target.appendingPathComponent("layer.gpkg").path)")
        }
        let folder = target.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError("the folder does not exist", file: target.path)
        }
    }

    /// The CRS of an existing GeoPackage target when it is a cim store with one (`cim_metadata`), nil for
    /// any other GeoPackage. A file that is not a GeoPackage is refused (it would be overwritten).
    static func storeCRS(ofExportTarget output: String) throws -> CoordinateReferenceSystem? {
        let other: GeoPackageStore
        do {
            other = try GeoPackageStore.open(output)
        } catch let error as StoreError {
            throw StoreError("the target exists and is not a GeoPackage", file: output, hint: error.cause == nil ? "choose another name" : error.message)
        }
        return other.crs
    }
}
