import CGDAL
import Foundation

/// One-time GDAL set-up and the error plumbing every GDAL call in this module goes through.
///
/// GDAL's errors go to a quiet handler (`CPLSetErrorHandler(CPLQuietErrorHandler)`): wrappers call
/// `CPLErrorReset` before a call and read `CPLGetLastErrorMsg` after a failure, so messages reach the user
/// once, as a thrown ``StoreError``, never as stray stderr lines.
enum GDAL {
    private static let registered: Void = {
        GDALAllRegister()
        CPLSetErrorHandler(CPLQuietErrorHandler)
        // GeoPackage: never fetch anything, never touch the network.
        CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1")
        CPLSetConfigOption("OGR_GPKG_FOREIGN_KEY_CHECK", "NO")
        // Wait up to 5 s for another process's lock on a store, from the moment GDAL opens it. Debian's SQLite
        // zeroes every freed page (secure_delete on by default): replacing a 400 MB result layer then journals
        // and rewrites all of its old pages before the new rows go in; FAST zeroes only where it costs no I/O
        // (1M coverage rewrite: 6.0–6.7 s → 5.6–5.8 s). Old rows may stay in the file's free pages.
        CPLSetConfigOption("OGR_SQLITE_PRAGMA", "busy_timeout=\(GeoPackageConnection.busyTimeoutMilliseconds),secure_delete=FAST")
        if let preset = DataFiles.osmConfigFile { CPLSetConfigOption("OSM_CONFIG_FILE", preset) }
        // OSM PBF: use a temporary file beyond 100 MB of nodes instead of memory only.
        CPLSetConfigOption("OSM_MAX_TMPFILE_SIZE", "1024")
    }()

    /// Registers the drivers once.
    static func ensureRegistered() { _ = registered }

    /// GDAL's release, e.g. "3.6.2".
    static var version: String { ensureRegistered(); return String(cString: GDALVersionInfo("RELEASE_NAME")) }

    /// The last GDAL error message, or `fallback`.
    static func lastError(_ fallback: String) -> String {
        let message = CPLGetLastErrorMsg().map { String(cString: $0) } ?? ""
        return message.isEmpty ? fallback : message
    }

    static func reset() { CPLErrorReset() }

    /// A NULL-terminated C string list (`char **`) for the duration of `body`.
    static func withStringList<R>(_ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> R) rethrows -> R {
        if strings.isEmpty { return try body(nil) }
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { for p in pointers { free(p) } }
        return try pointers.withUnsafeMutableBufferPointer { try body($0.baseAddress) }
    }
}

/// A GDAL vector dataset (`GDALDatasetH`) owned by this object and closed with `GDALClose`.
final class OGRDataset {
    let handle: GDALDatasetH
    let path: String
    /// Decides the commits on GDAL's SQLite connection during and after store writes (``CommitGate``);
    /// kept here because it must live as long as the connection.
    let commitGate = CommitGate()

    private init(handle: GDALDatasetH, path: String) {
        self.handle = handle
        self.path = path
    }

    deinit { GDALClose(handle) }

    /// GDAL's own SQLite connection of a GeoPackage or SQLite dataset
    /// (`GDALGetInternalHandle(ds, "SQLITE_HANDLE")`), nil when the driver does not expose one. Valid as
    /// long as the dataset is open.
    var sqliteConnection: OpaquePointer? {
        GDALGetInternalHandle(handle, "SQLITE_HANDLE").map { OpaquePointer($0) }
    }

    /// Opens a vector dataset (`GDALOpenEx`). Errors say whether the file is missing or not geodata.
    static func open(_ path: String, update: Bool = false, openOptions: [String] = [], allowedDrivers: [String] = []) throws -> OGRDataset {
        GDAL.ensureRegistered()
        let isVirtual = path.hasPrefix("/vsi")
        if !isVirtual && !FileManager.default.fileExists(atPath: path) {
            throw StoreError("no such file", file: path, hint: "check the path")
        }
        GDAL.reset()
        let flags = UInt32(GDAL_OF_VECTOR) | (update ? UInt32(GDAL_OF_UPDATE) : UInt32(GDAL_OF_READONLY)) | UInt32(GDAL_OF_VERBOSE_ERROR)
        let handle = GDAL.withStringList(openOptions) { options in
            GDAL.withStringList(allowedDrivers) { drivers in
                GDALOpenEx(path, flags, UnsafePointer(drivers.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }),
                           UnsafePointer(options.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }), nil)
            }
        }
        guard let handle else {
            let detail = GDAL.lastError("")
            if let cause = StoreError.Cause(message: detail) { throw cause.error(file: path, layer: nil, feature: nil) }
            throw StoreError("not a geodata file that GDAL can read" + (detail.isEmpty ? "" : " (\(detail))"), file: path,
                             hint: "cim reads any OGR vector format: GeoPackage, Shapefile, GeoJSON, FlatGeobuf, CSV, OSM PBF …")
        }
        return OGRDataset(handle: handle, path: path)
    }

    /// Opens a database read-only through a GDAL driver (`GDALOpenEx` on a connection string such as
    /// `PG:host=… schemas=…`); `display` names it in errors and is its ``path`` (a connection string may
    /// hold a password, never shown).
    static func openDatabase(_ connection: String, display: String, driver: String = "PostgreSQL") throws -> OGRDataset {
        GDAL.ensureRegistered()
        GDAL.reset()
        let flags = UInt32(GDAL_OF_VECTOR) | UInt32(GDAL_OF_READONLY) | UInt32(GDAL_OF_VERBOSE_ERROR)
        let handle = GDAL.withStringList([driver]) { drivers in
            GDALOpenEx(connection, flags, UnsafePointer(drivers.map { UnsafeRawPointer($0).assumingMemoryBound(to: UnsafePointer<CChar>?.self) }), nil, nil)
        }
        guard let handle else {
            throw StoreError("GDAL's \(driver) driver cannot open the database: \(GDAL.lastError("no reason given"))", file: display)
        }
        return OGRDataset(handle: handle, path: display)
    }

    /// Creates a new dataset with the named driver (`GDALCreate`).
    static func create(_ path: String, driver: String, options: [String] = []) throws -> OGRDataset {
        GDAL.ensureRegistered()
        GDAL.reset()
        guard let drv = GDALGetDriverByName(driver) else { throw StoreError("GDAL has no \(driver) driver", file: path) }
        let handle = GDAL.withStringList(options) { GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, $0) }
        guard let handle else { throw StoreError.gdal("cannot create the file", message: GDAL.lastError(""), file: path) }
        return OGRDataset(handle: handle, path: path)
    }

    var layerCount: Int { Int(GDALDatasetGetLayerCount(handle)) }

    func layer(at index: Int) -> OGRLayerH? { GDALDatasetGetLayer(handle, Int32(index)) }

    func layer(named name: String) -> OGRLayerH? { GDALDatasetGetLayerByName(handle, name) }

    var layerNames: [String] {
        (0 ..< layerCount).compactMap { layer(at: $0).flatMap { OGR_L_GetName($0) }.map { String(cString: $0) } }
    }

    func layerIndex(named name: String) -> Int? {
        layerNames.firstIndex(of: name)
    }

    /// Runs SQL (`GDALDatasetExecuteSQL`); result sets are released at once (statements, not queries).
    func execute(_ sql: String) throws {
        GDAL.reset()
        let result = GDALDatasetExecuteSQL(handle, sql, nil, nil)
        if let result { GDALDatasetReleaseResultSet(handle, result) }
        if CPLGetLastErrorType() == CE_Failure { throw StoreError.gdal("cannot write the store's tables", message: GDAL.lastError(""), file: path) }
    }

    /// Runs a query and returns the rows' string values (`GDALDatasetExecuteSQL`, `OGR_F_GetFieldAsString`).
    func query(_ sql: String) throws -> [[String?]] {
        GDAL.reset()
        guard let result = GDALDatasetExecuteSQL(handle, sql, nil, nil) else {
            if CPLGetLastErrorType() == CE_Failure { throw StoreError.gdal("cannot read the store's tables", message: GDAL.lastError(""), file: path) }
            return []
        }
        defer { GDALDatasetReleaseResultSet(handle, result) }
        var rows: [[String?]] = []
        OGR_L_ResetReading(result)
        let fields = Int(OGR_FD_GetFieldCount(OGR_L_GetLayerDefn(result)))
        while let feature = OGRFeature.next(of: result) {
            rows.append((0 ..< fields).map { i in fieldString(feature.handle, Int32(i)) })
        }
        return rows
    }

    func startTransaction() throws {
        GDAL.reset()
        guard GDALDatasetStartTransaction(handle, 0) == OGRERR_NONE else {
            throw StoreError.gdal("cannot start a transaction", message: GDAL.lastError(""), file: path)
        }
    }

    func commit() throws {
        GDAL.reset()
        guard GDALDatasetCommitTransaction(handle) == OGRERR_NONE else {
            throw StoreError.gdal("cannot commit the write", message: GDAL.lastError(""), file: path)
        }
    }

    func rollback() { _ = GDALDatasetRollbackTransaction(handle) }
}

/// Reads a string field of a feature (`OGR_F_GetFieldAsString`), nil when unset or null.
@inline(__always) func fieldString(_ feature: OGRFeatureH, _ index: Int32) -> String? {
    guard index >= 0, index < OGR_F_GetFieldCount(feature), OGR_F_IsFieldSetAndNotNull(feature, index) != 0 else { return nil }
    return String(cString: OGR_F_GetFieldAsString(feature, index))
}

/// Reads an integer field (`OGR_F_GetFieldAsInteger64`), nil when unset or null.
@inline(__always) func fieldInt(_ feature: OGRFeatureH, _ index: Int32) -> Int64? {
    guard index >= 0, index < OGR_F_GetFieldCount(feature), OGR_F_IsFieldSetAndNotNull(feature, index) != 0 else { return nil }
    return OGR_F_GetFieldAsInteger64(feature, index)
}

/// Reads a real field (`OGR_F_GetFieldAsDouble`), nil when unset or null.
@inline(__always) func fieldDouble(_ feature: OGRFeatureH, _ index: Int32) -> Double? {
    guard index >= 0, index < OGR_F_GetFieldCount(feature), OGR_F_IsFieldSetAndNotNull(feature, index) != 0 else { return nil }
    return OGR_F_GetFieldAsDouble(feature, index)
}

/// The spatial reference of a layer as a definition string PROJ accepts ("EPSG:n" when identified, WKT
/// otherwise), nil when the layer has none (`OGR_L_GetSpatialRef`, `OSRAutoIdentifyEPSG`, `OSRExportToWkt`).
func layerCRSDefinition(_ layer: OGRLayerH) -> String? {
    guard let srs = OGR_L_GetSpatialRef(layer) else { return nil }
    if let name = OSRGetAuthorityName(srs, nil), String(cString: name) == "EPSG", let code = OSRGetAuthorityCode(srs, nil) {
        return "EPSG:\(String(cString: code))"
    }
    guard let clone = SpatialReference(cloning: srs) else { return nil }
    if OSRAutoIdentifyEPSG(clone.handle) == OGRERR_NONE, let code = OSRGetAuthorityCode(clone.handle, nil) {
        return "EPSG:\(String(cString: code))"
    }
    var wkt: UnsafeMutablePointer<CChar>?
    guard OSRExportToWkt(srs, &wkt) == OGRERR_NONE, let wkt else { return nil }
    defer { VSIFree(wkt) }
    return String(cString: wkt)
}
