@_exported import CIMTables
import CGDAL
import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// The embedded ``LayerStore``: one GeoPackage holding the bundle layers (buildings, facilities, roads, pipes, pipe_nodes,
/// areas, waterlogging), result layers, and the tables `cim_metadata` (key/value: format, version, CRS)
/// and `cim_layers` (per layer: source, source CRS, import time, counts). All layers share one projected
/// metric CRS, recorded in `cim_metadata`. Every spatial layer carries GeoPackage's R-tree index.
///
/// A store is used from one thread at a time (GDAL datasets are not thread-safe).
public final class GeoPackageStore: LayerStore {
    /// The GeoPackage file.
    public let path: String
    /// The GeoPackage file (``LayerStore/address``).
    public var address: String { path }
    public var backend: StoreBackend { .geoPackage }
    let dataset: OGRDataset
    /// The store's CRS; nil until the first layer is imported.
    public internal(set) var crs: CoordinateReferenceSystem?

    private init(path: String, dataset: OGRDataset) throws {
        self.path = path
        self.dataset = dataset
        GeoPackageConnection(dataset: dataset)?.waitForLocks()
        if let definition = try metadataValue("crs") { self.crs = try CoordinateReferenceSystem(definition) }
    }

    /// Opens an existing store. It must be a GeoPackage; a GeoPackage not made by cim is accepted (its
    /// metadata tables are created on first write).
    ///
    /// A store whose last write was interrupted (a hot `-journal` beside it) is opened for writing even when
    /// only reading was asked, so that SQLite can roll the interrupted transaction back first.
    public static func open(_ path: String, update: Bool = false) throws -> GeoPackageStore {
        let interrupted = FileManager.default.fileExists(atPath: path + "-journal")
        let dataset = try OGRDataset.open(path, update: update || interrupted, allowedDrivers: ["GPKG"])
        return try GeoPackageStore(path: path, dataset: dataset)
    }

    /// Opens a store for writing, creating an empty one when the file does not exist.
    public static func openOrCreate(_ path: String, crs: CoordinateReferenceSystem? = nil) throws -> GeoPackageStore {
        if FileManager.default.fileExists(atPath: path) {
            let store = try open(path, update: true)
            if store.crs == nil, let crs { try store.setCRS(crs) }
            return store
        }
        guard path.lowercased().hasSuffix(".gpkg") else {
            throw StoreError("a store is a GeoPackage and its name must end in .gpkg", file: path)
        }
        let dataset = try OGRDataset.create(path, driver: "GPKG")
        let store = try GeoPackageStore(path: path, dataset: dataset)
        try store.ensureMetadataTables()
        try store.setMetadata("format", "cim-bundle")
        try store.setMetadata("version", "1")
        try store.setMetadata("created", ISO8601DateFormatter().string(from: Date()))
        if let crs { try store.setCRS(crs) }
        return store
    }

    /// Sets the store's CRS; only allowed while the store has none, and it must be projected.
    public func setCRS(_ crs: CoordinateReferenceSystem) throws {
        if let existing = self.crs, existing != crs {
            throw StoreError("the store's CRS is \(existing.identifier), not \(crs.identifier)", file: path,
                             hint: "every layer of a store shares one CRS; layers are reprojected on import")
        }
        guard !crs.isGeographic else {
            throw StoreError("the store's CRS must be projected (metres), \(crs.identifier) is lon/lat", file: path)
        }
        try setMetadata("crs", crs.identifier)
        try setMetadata("crs_name", crs.name)
        self.crs = crs
    }

    /// All layer names, the store's own tables excluded.
    public var layerNames: [String] {
        dataset.layerNames.filter { !StoreTables.isOwn($0) }.sorted()
    }

    /// True when the store has this layer.
    public func hasLayer(_ name: String) -> Bool { dataset.layer(named: name) != nil }

    /// Number of features of a layer, nil when there is no such layer: counted in its GeoPackage table
    /// (`SELECT COUNT(*)` on GDAL's connection: GDAL's cached count does not see the store's own bulk
    /// writes), else `OGR_L_GetFeatureCount`.
    public func featureCount(_ layer: String) -> Int? {
        guard let handle = dataset.layer(named: layer) else { return nil }
        if let connection = GeoPackageConnection(dataset: dataset),
           let count = try? connection.rows("SELECT COUNT(*) FROM \"\(layer.replacingOccurrences(of: "\"", with: "\"\""))\"", what: "cannot count the features", layer: layer).first?.first ?? nil,
           let value = Int(count) {
            return value
        }
        return Int(OGR_L_GetFeatureCount(handle, 1))
    }

    /// The extent of a layer (`OGR_L_GetExtent`), nil when empty or missing.
    public func extent(_ layer: String) -> Envelope? {
        guard let handle = dataset.layer(named: layer) else { return nil }
        var e = OGREnvelope()
        guard OGR_L_GetExtent(handle, &e, 1) == OGRERR_NONE, OGR_L_GetFeatureCount(handle, 1) > 0 else { return nil }
        return Envelope(minX: e.MinX, minY: e.MinY, maxX: e.MaxX, maxY: e.MaxY)
    }

    /// The fields of a layer (name and type).
    public func fields(_ layer: String) -> [FieldSpec] {
        guard let handle = dataset.layer(named: layer) else { return [] }
        let definition = OGR_L_GetLayerDefn(handle)
        return (0 ..< OGR_FD_GetFieldCount(definition)).map { i in
            let field = OGR_FD_GetFieldDefn(definition, i)
            let name = String(cString: OGR_Fld_GetNameRef(field))
            let type: FieldType
            switch OGR_Fld_GetType(field) {
            case OFTInteger, OFTInteger64: type = .integer
            case OFTReal: type = .real
            default: type = .text
            }
            return FieldSpec(name, type)
        }
    }

    /// The geometry type name of a layer (`OGR_L_GetGeomType`, `OGRGeometryTypeToName`).
    public func geometryTypeName(_ layer: String) -> String? {
        guard let handle = dataset.layer(named: layer) else { return nil }
        return String(cString: OGRGeometryTypeToName(OGR_L_GetGeomType(handle)))
    }

    /// The GDAL release the store runs on.
    public static var gdalVersion: String { GDAL.version }
}
