import CIMTables
import CGDAL
import CIMGeometry
import Foundation

/// The export of one layer of a store to a file, the same for every store: the layer is read from a GDAL
/// dataset — the GeoPackage itself, or GDAL's PostgreSQL driver on the store's schema — and written with
/// `GDALVectorTranslate` (like ogr2ogr). Both stores' `exportLayer` end here.
struct LayerExport {
    /// The GDAL dataset that holds the layer.
    let source: OGRDataset
    /// The store's CRS (the layer's).
    let crs: CoordinateReferenceSystem?
    /// The layer, as the store and `source` name it.
    let layer: String
    /// The layer's geometry column, nil for a table without geometry.
    let geometryColumn: String?
    /// How many features the export writes (all, or those `--where` selects), for the read-back.
    let expected: Int

    /// Writes the layer to `output`, driver by extension. GeoJSON is written in lon/lat (EPSG:4326, as RFC
    /// 7946 asks); CSV carries the geometry as WKT. Into another cim store with a different CRS the layer is
    /// reprojected to that store's CRS. `options` (``ExportOptions``) add ogr2ogr's -where, -select and
    /// -t_srs, and lon/lat columns.
    ///
    /// Nothing is half-written: the file is written in a temporary folder beside the target (an existing
    /// GeoPackage is copied there first and gets the layer added or replaced), every GDAL step and the
    /// close (`GDALClose` after `GDALFlushCache`, errors read with `CPLGetLastErrorType`) are checked, the
    /// file is read back, and only then is it renamed into place — one rename per file (a Shapefile's parts
    /// are moved together). A failed export leaves the previous file untouched and removes the temporary
    /// folder. A target that is a directory is refused.
    func write(to output: String, options: ExportOptions) throws {
        let driver = try GeoPackageStore.driver(forOutput: output)
        let fm = FileManager.default
        let target = URL(fileURLWithPath: output)
        try GeoPackageStore.checkExportTarget(target)
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
            targetCRS = try GeoPackageStore.storeCRS(ofExportTarget: output)
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
        arguments += options.translateArguments(layer: layer, geometryColumn: geometryColumn)
        arguments.append(layer)
        do {
            try translate(arguments, to: staged.path, updating: appendToGeoPackage, output: output)
            try verify(staged.path, output: output)
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
    private func translate(_ arguments: [String], to staged: String, updating: Bool, output: String) throws {
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
            var sources: [GDALDatasetH?] = [source.handle]
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
    /// with all the ``expected`` features; a file cut short by a failed write does not.
    private func verify(_ staged: String, output: String) throws {
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
}
