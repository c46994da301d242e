import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// The kind of database behind a ``LayerStore``.
public enum StoreBackend: String, Sendable {
    /// One GeoPackage file (the embedded store).
    case geoPackage = "GeoPackage"
    /// One schema of a PostgreSQL database with PostGIS.
    case postGIS = "PostGIS"
}

/// A CIM store: the bundle layers (buildings, facilities, roads, pipes, pipe_nodes, areas, waterlogging),
/// result layers, and the store's own tables (`cim_metadata`, `cim_layers`, `cim_import_issues`,
/// `cim_checks`, `cim_check_values`), all in one projected metric CRS.
///
/// Two conformers: ``GeoPackageStore`` (a `.gpkg` file) and ``PostGISStore`` (a schema of a PostgreSQL
/// database). Commands get one from ``StoreAddress`` (``openStore(_:update:)``, ``openOrCreateStore(_:crs:)``)
/// and never see which; the analyses see only the ``FeatureTable``s a snapshot gives.
///
/// Guarantees every conformer keeps:
/// - ``writeLayers(_:provenance:establishing:progress:)`` and ``recordCheck(_:values:areas:provenance:)`` are
///   one transaction each: either everything lands or nothing and the previous contents stay;
/// - readers see the last committed state;
/// - ``snapshot(_:fields:progress:)`` returns features in a stable order (fid order) with the columns asked for.
///
/// A store is used from one thread at a time.
public protocol LayerStore: AnyObject {
    /// Where the store is, as shown to users: the GeoPackage path, or the PostgreSQL address with its
    /// schema (never a password).
    var address: String { get }
    /// The database behind the store.
    var backend: StoreBackend { get }
    /// The store's CRS; nil until the first layer is imported.
    var crs: CoordinateReferenceSystem? { get }
    /// Sets the store's CRS; only allowed while the store has none, and it must be projected.
    func setCRS(_ crs: CoordinateReferenceSystem) throws

    /// All layer names, the store's own tables excluded, sorted.
    var layerNames: [String] { get }
    /// True when the store has this layer.
    func hasLayer(_ name: String) -> Bool
    /// Number of features of a layer, nil when there is no such layer.
    func featureCount(_ layer: String) -> Int?
    /// The extent of a layer's geometries, nil when empty or missing.
    func extent(_ layer: String) -> Envelope?
    /// The attribute fields of a layer (name and type), in table order, fid and geometry excluded.
    func fields(_ layer: String) -> [FieldSpec]
    /// The geometry type name of a layer ("Multi Polygon", "Point", "Unknown (any)", "None"), nil when missing.
    func geometryTypeName(_ layer: String) -> String?

    /// Loads a layer into memory: geometries into a flat ``GeometryColumn``, attributes into typed columns,
    /// `fields` only (all when nil; a missing field is an error naming it), in fid order. Stored coordinates
    /// that are not finite are refused with the feature's fid.
    func snapshot(_ layer: String, fields: [String]?, progress: ((Int) -> Void)?) throws -> FeatureTable

    /// Writes several layers in one transaction, each replacing any layer of its name, each with a spatial
    /// index and a `cim_layers` record from `provenance` (and its import issues). `establishing` fixes the
    /// store's CRS in the same transaction (first import into a new store). `progress` gets the layer name
    /// and the features written so far.
    ///
    /// `pending` are layers still being computed when the write begins: after `tables` are written, the
    /// store calls ``PendingLayers/tables`` (which waits for them) and writes what it returns in the same
    /// transaction. When it throws, nothing of the write lands.
    func writeLayers(_ tables: [FeatureTable], then pending: PendingLayers?, provenance: LayerProvenance,
                     establishing newCRS: CoordinateReferenceSystem?, progress: ((String, Int) -> Void)?) throws

    /// A value of `cim_metadata`.
    func metadataValue(_ key: String) throws -> String?
    /// All of `cim_metadata`.
    func metadata() throws -> [String: String]
    /// Sets a value of `cim_metadata` (its own transaction).
    func setMetadata(_ key: String, _ value: String) throws
    /// The `cim_layers` records, by layer name.
    func layerRecords() throws -> [LayerRecord]
    /// The import issues recorded for a layer (`cim_import_issues`).
    func importIssues(layer: String) throws -> [ImportIssue]

    /// The fingerprint of a layer: feature count and a hash of its rows in fid order (changes whenever the
    /// layer's contents change).
    func fingerprint(_ layer: String) throws -> LayerFingerprint
    /// Records a check in one transaction: a `cim_checks` row (its id is the next free one), its
    /// `cim_check_values` rows, and `areas` written as the layer `check_areas` (replaced). Returns the id.
    @discardableResult
    func recordCheck(_ record: CheckRecord, values: [CheckValueRecord], areas: FeatureTable, provenance: LayerProvenance) throws -> Int
    /// The recorded checks, oldest first.
    func checkRecords() throws -> [CheckRecord]
    /// The values of one recorded check, in the order they were recorded.
    func checkValues(check id: Int) throws -> [CheckValueRecord]

    /// Answers a query of one layer through its spatial index (see ``LayerQuery``).
    func query(_ layer: String, _ query: LayerQuery) throws -> QueryResult
    /// Non-null counts of every field of a layer.
    func completeness(_ layer: String) throws -> [FieldCompleteness]
    /// Counts of each value of a field, most frequent first.
    func valueCounts(_ layer: String, field: String, limit: Int) throws -> [(value: String?, count: Int)]
    /// Field aliases and styles for QGIS (GeoPackage: `gpkg_data_columns`, `layer_styles`; PostGIS: the
    /// column comments and the `layer_styles` table QGIS reads from the database).
    func writeQGISMetadata(layer: String, aliases: [FieldAlias], styles: [LayerStyle]) throws
    /// Exports a layer to a file whose driver is chosen by extension, never half-written (see
    /// ``ExportOptions``); into another cim store the layer is reprojected to that store's CRS.
    func exportLayer(_ layer: String, to output: String, options: ExportOptions) throws
}

extension LayerStore {
    /// Loads a whole layer (every field).
    public func snapshot(_ layer: String, fields: [String]? = nil) throws -> FeatureTable {
        try snapshot(layer, fields: fields, progress: nil)
    }

    /// Writes one layer in one transaction (see ``writeLayers(_:provenance:establishing:progress:)``).
    public func writeLayer(_ table: FeatureTable, provenance: LayerProvenance, establishing newCRS: CoordinateReferenceSystem? = nil,
                           progress: ((Int) -> Void)? = nil) throws {
        try writeLayers([table], provenance: provenance, establishing: newCRS) { _, count in progress?(count) }
    }

    /// Writes several layers in one transaction without fixing a CRS.
    public func writeLayers(_ tables: [FeatureTable], provenance: LayerProvenance, progress: ((String, Int) -> Void)? = nil) throws {
        try writeLayers(tables, then: nil, provenance: provenance, establishing: nil, progress: progress)
    }

    /// Writes several layers in one transaction, all known up front (see ``writeLayers(_:then:provenance:establishing:progress:)``).
    public func writeLayers(_ tables: [FeatureTable], provenance: LayerProvenance, establishing newCRS: CoordinateReferenceSystem?,
                            progress: ((String, Int) -> Void)?) throws {
        try writeLayers(tables, then: nil, provenance: provenance, establishing: newCRS, progress: progress)
    }

    /// Exports with the default options.
    public func exportLayer(_ layer: String, to output: String) throws {
        try exportLayer(layer, to: output, options: ExportOptions())
    }

    /// Counts of each value of a field, the 30 most frequent.
    public func valueCounts(_ layer: String, field: String) throws -> [(value: String?, count: Int)] {
        try valueCounts(layer, field: field, limit: 30)
    }

    /// The fields of `layer` among `wanted` (for optional bundle fields).
    public func existingFields(_ layer: String, _ wanted: [String]) -> [String] {
        let have = Set(fields(layer).map(\.name))
        return wanted.filter { have.contains($0) }
    }
}

extension FeatureTable {
    /// Refuses, before anything is written, tables that cannot be written into a store at `address`: a
    /// geometry column while the store has no CRS (`hasCRS`: the store's or the one being established), a
    /// column whose value count is not the feature count.
    static func checkWritable(_ tables: [FeatureTable], hasCRS: Bool, address: String) throws {
        for table in tables {
            guard table.geometryType == nil || hasCRS else {
                throw StoreError("the store has no CRS yet", file: address, layer: table.name)
            }
            for column in table.columns where column.values.count != table.count {
                throw StoreError("column '\(column.name)' has \(column.values.count) values for \(table.count) features", file: address, layer: table.name)
            }
        }
    }
}

/// Layers of a write that are still being computed when it begins (``LayerStore/writeLayers(_:then:provenance:establishing:progress:)``):
/// a command writes its finished layers while the last one is computed on the other core, and that one
/// joins the same transaction.
public struct PendingLayers {
    /// Their names, known up front (a store takes their write locks with the others').
    public var names: [String]
    /// Waits for the layers and returns them (each named as in ``names``); an error rolls the whole write back.
    public var tables: () throws -> [FeatureTable]

    public init(names: [String], tables: @escaping () throws -> [FeatureTable]) {
        self.names = names
        self.tables = tables
    }

    /// The tables, checked to be exactly the layers announced.
    func resolve(store: String) throws -> [FeatureTable] {
        let resolved = try tables()
        guard resolved.map(\.name) == names else {
            throw StoreError("the layers computed during the write (\(resolved.map(\.name).joined(separator: ", "))) are not those announced (\(names.joined(separator: ", ")))",
                             file: store)
        }
        return resolved
    }
}
