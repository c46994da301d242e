import CIMTables
import CIMGeometry
import CIMIndex
import Foundation

/// The server ``LayerStore``: one schema of a PostgreSQL database with PostGIS holds a city's layers and
/// the store's own tables (`cim_metadata`, `cim_layers`, `cim_import_issues`, `cim_checks`,
/// `cim_check_values`, the same columns as in a GeoPackage store); one database holds many cities, one
/// schema each. Layers are tables with a `fid bigint` primary key, a `geom` column typed with the store's
/// SRID (`geometry(MultiPolygon, 4547)`, `geometry(Geometry, 4547)` for a mixed layer) under a GiST
/// index, and the attribute columns (bigint, double precision, text, smallint flags).
///
/// Bulk data moves with COPY BINARY through libpq (``PostgresConnection``): writes build each layer in a
/// new table and swap it in at the end of one transaction, so readers see the last committed layer the
/// whole time (MVCC); reads stream only the fields asked for. A store is used from one thread at a time.
public final class PostGISStore: LayerStore {
    /// The database and schema of the store.
    public let location: PostGISAddress
    /// The address as shown to users (no password).
    public var address: String { location.display }
    public var backend: StoreBackend { .postGIS }
    /// The store's CRS; nil until the first layer is imported.
    public internal(set) var crs: CoordinateReferenceSystem?
    let connection: PostgresConnection
    /// The schema holding the store.
    var schema: String { location.schema }

    private init(location: PostGISAddress, connection: PostgresConnection) throws {
        self.location = location
        self.connection = connection
        if let definition = try metadataValue("crs") { crs = try CoordinateReferenceSystem(definition) }
    }

    /// Opens the store in an existing schema. `update: false` makes the session read-only (a write would be
    /// refused by the server). A missing schema is "no such store"; a database without PostGIS is refused.
    public static func open(_ address: PostGISAddress, update: Bool = false) throws -> PostGISStore {
        let connection = try connect(address)
        guard try connection.scalar("SELECT 1 FROM pg_namespace WHERE nspname = $1", [address.schema], what: "cannot open the store") != nil else {
            throw StoreError("no such store: the database has no schema '\(address.schema)'", file: address.display,
                             hint: "import a layer first: cim import \(address.display) LAYER FILE")
        }
        if !update {
            try connection.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", what: "cannot open the store")
        }
        return try PostGISStore(location: address, connection: connection)
    }

    /// Opens the store for writing, creating its schema and its own tables when missing (as a missing
    /// `.gpkg` is created); a new store gets `crs` when given.
    public static func openOrCreate(_ address: PostGISAddress, crs: CoordinateReferenceSystem? = nil) throws -> PostGISStore {
        let connection = try connect(address)
        let created = try connection.transaction(what: "cannot create the store") { () -> Bool in
            try lockSchema(address.schema, on: connection)
            let exists = try connection.scalar("SELECT 1 FROM pg_namespace WHERE nspname = $1", [address.schema]) != nil
            if !exists { try connection.execute("CREATE SCHEMA \(PostgresConnection.quoted(address.schema))", what: "cannot create the store's schema") }
            return !exists
        }
        let store = try PostGISStore(location: address, connection: connection)
        let unformatted = try store.metadataValue("format") == nil
        if created || unformatted {
            try store.ensureStoreTables()
            try store.setMetadata("format", "cim-bundle")
            try store.setMetadata("version", "1")
            try store.setMetadata("created", ISO8601DateFormatter().string(from: Date()))
        }
        if store.crs == nil, let crs { try store.setCRS(crs) }
        return store
    }

    /// Connects and checks that the database has PostGIS (`pg_extension`).
    private static func connect(_ address: PostGISAddress) throws -> PostgresConnection {
        let connection = try PostgresConnection(parameters: address.parameters, display: address.display)
        guard try connection.scalar("SELECT extversion FROM pg_extension WHERE extname = 'postgis'", what: "cannot open the store") != nil else {
            throw StoreError("the database has no PostGIS extension", file: address.display,
                             hint: "run CREATE EXTENSION postgis; in it as its owner (Scripts/postgis.sh start runs a private server that has it)")
        }
        return connection
    }

    /// Serialises creating the store's schema and tables between sessions (an advisory lock held to the
    /// end of the transaction; waits up to the session's `lock_timeout`).
    static func lockSchema(_ schema: String, on connection: PostgresConnection) throws {
        try connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", ["cim schema " + schema], what: "cannot write")
    }

    /// Sets the store's CRS; only allowed while the store has none, and it must be projected.
    public func setCRS(_ crs: CoordinateReferenceSystem) throws {
        if let existing = self.crs, existing != crs {
            throw StoreError("the store's CRS is \(existing.identifier), not \(crs.identifier)", file: address,
                             hint: "every layer of a store shares one CRS; layers are reprojected on import")
        }
        guard !crs.isGeographic else {
            throw StoreError("the store's CRS must be projected (metres), \(crs.identifier) is lon/lat", file: address)
        }
        _ = try srid(for: crs)
        try setMetadata("crs", crs.identifier)
        try setMetadata("crs_name", crs.name)
        self.crs = crs
    }

    /// The store's own tables and PostGIS's, never listed as layers.
    static let reservedTables: Set<String> = ["spatial_ref_sys", "layer_styles"]

    /// The layers cim writes under a name starting `cim_` (the cross-city table of `cim batch`); every
    /// other `cim_` name is the store's own (cim_metadata, cim_checks …, cim_stage_… while writing).
    static let cimNamedLayers: Set<String> = ["cim_batch_summary"]

    /// True for a table that is never a layer: the store's own tables and PostGIS's and QGIS's.
    static func isOwnTable(_ name: String) -> Bool {
        (name.hasPrefix("cim_") && !cimNamedLayers.contains(name)) || reservedTables.contains(name)
    }

    /// All layer names (the tables of the schema), the store's own tables excluded, sorted.
    public var layerNames: [String] {
        let result = try? connection.execute("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY c.relname COLLATE "C"
            """, [schema], what: "cannot list the layers")
        return (result?.texts(column: 0) ?? []).compactMap { $0 }
            .filter { !Self.isOwnTable($0) }
    }

    /// True when the store has this layer.
    public func hasLayer(_ name: String) -> Bool {
        !Self.isOwnTable(name) && (try? tableExists(name)) == true
    }

    /// True when the schema has a table of this name (`to_regclass`).
    func tableExists(_ name: String) throws -> Bool {
        try connection.scalar("SELECT to_regclass($1) IS NOT NULL", [PostgresConnection.quoted(schema, name)], what: "cannot read the store") == "t"
    }

    /// The schema-qualified, quoted name of a table of the store.
    func table(_ name: String) -> String { PostgresConnection.quoted(schema, name) }

    /// Number of features of a layer (`count(*)`), nil when there is no such layer.
    public func featureCount(_ layer: String) -> Int? {
        guard hasLayer(layer) else { return nil }
        return (try? connection.scalar("SELECT count(*) FROM \(table(layer))", what: "cannot count the features", layer: layer)).flatMap { $0.flatMap { Int($0) } }
    }

    /// The extent of a layer's geometries (`ST_XMin` … of every geometry's exact box, not the index's
    /// float-rounded one), nil when empty or missing.
    public func extent(_ layer: String) -> Envelope? {
        guard hasLayer(layer), let column = try? geometryColumn(layer) else { return nil }
        let g = PostgresConnection.quoted(column.name)
        guard let result = try? connection.execute("""
            SELECT min(ST_XMin(\(g)::box3d)), min(ST_YMin(\(g)::box3d)), max(ST_XMax(\(g)::box3d)), max(ST_YMax(\(g)::box3d))
            FROM \(table(layer)) WHERE NOT ST_IsEmpty(\(g))
            """, what: "cannot read the extent", layer: layer),
            let minX = result.real(row: 0, column: 0), let minY = result.real(row: 0, column: 1),
            let maxX = result.real(row: 0, column: 2), let maxY = result.real(row: 0, column: 3) else { return nil }
        return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    /// A table's columns with their PostgreSQL types (`pg_attribute`, `format_type`), in table order.
    func columns(_ layer: String) throws -> [(name: String, type: String)] {
        let result = try connection.execute("""
            SELECT a.attname, t.typname FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
            WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, [table(layer)], what: "cannot read the layer's fields", layer: layer)
        return (0 ..< result.rowCount).map { (result.text(row: $0, column: 0) ?? "", result.text(row: $0, column: 1) ?? "") }
    }

    /// The single-column primary key of a table (its fid), nil when it has none.
    func keyColumn(_ layer: String) throws -> String? {
        let result = try connection.execute("""
            SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
            WHERE i.indrelid = to_regclass($1) AND i.indisprimary AND array_length(i.indkey, 1) = 1
            """, [table(layer)], what: "cannot read the layer's key", layer: layer)
        return result.rowCount == 1 ? result.text(row: 0, column: 0) : nil
    }

    /// The attribute fields of a layer (integers: int2, int4, int8, bool; reals: float4, float8, numeric;
    /// the rest text), fid and geometry excluded.
    public func fields(_ layer: String) -> [FieldSpec] {
        guard hasLayer(layer), let all = try? columns(layer) else { return [] }
        let key = try? keyColumn(layer)
        return all.filter { $0.name != key && $0.type != "geometry" && $0.type != "geography" }.map { FieldSpec($0.name, Self.fieldType($0.type)) }
    }

    /// The store's field type of a PostgreSQL type name.
    static func fieldType(_ typeName: String) -> FieldType {
        switch typeName {
        case "int2", "int4", "int8", "bool": return .integer
        case "float4", "float8", "numeric": return .real
        default: return .text
        }
    }

    /// A layer's geometry column (`geometry_columns`): name, type and SRID; nil for a table without one.
    func geometryColumn(_ layer: String) throws -> (name: String, type: GeometryType, srid: Int32)? {
        let result = try connection.execute("""
            SELECT f_geometry_column, type, srid FROM geometry_columns WHERE f_table_schema = $1 AND f_table_name = $2 ORDER BY f_geometry_column LIMIT 1
            """, [schema, layer], what: "cannot read the layer's geometry column", layer: layer)
        guard result.rowCount == 1, let name = result.text(row: 0, column: 0) else { return nil }
        return (name, FeatureTableCopyCodec.geometryType(postGISName: result.text(row: 0, column: 1) ?? ""),
                Int32(result.integer(row: 0, column: 2) ?? 0))
    }

    /// The geometry type name of a layer in OGR's words ("Multi Polygon", "Point", "Unknown (any)", "None"),
    /// as the GeoPackage store gives it; nil when missing.
    public func geometryTypeName(_ layer: String) -> String? {
        guard hasLayer(layer) else { return nil }
        guard let column = try? geometryColumn(layer) else { return "None" }
        switch column.type {
        case .point: return "Point"
        case .lineString: return "Line String"
        case .polygon: return "Polygon"
        case .multiPoint: return "Multi Point"
        case .multiLineString: return "Multi Line String"
        case .multiPolygon: return "Multi Polygon"
        default: return "Unknown (any)"
        }
    }

    /// The PostGIS SRID of a CRS: the `spatial_ref_sys` row of its EPSG code, or of its WKT; a CRS PostGIS
    /// does not know is added (auth_name `cim`, an SRID from 910000 up, its WKT as `srtext`, which PostGIS
    /// hands to PROJ). Refused clearly when the server does not allow adding it.
    func srid(for crs: CoordinateReferenceSystem) throws -> Int32 {
        if let code = crs.epsgCode,
           let known = try connection.scalar("SELECT srid FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = $1", [String(code)],
                                             what: "cannot read PostGIS's coordinate systems") {
            return Int32(known) ?? 0
        }
        if let known = try connection.scalar("SELECT srid FROM spatial_ref_sys WHERE srtext = $1", [crs.wkt], what: "cannot read PostGIS's coordinate systems") {
            return Int32(known) ?? 0
        }
        do {
            return try connection.transaction(what: "cannot add the CRS \(crs.identifier) to PostGIS") {
                try connection.execute("SELECT pg_advisory_xact_lock(hashtext('cim spatial_ref_sys'))", what: "cannot add the CRS")
                let next = try connection.scalar("SELECT coalesce(max(srid), 909999) + 1 FROM spatial_ref_sys WHERE srid BETWEEN 910000 AND 998999") ?? "910000"
                try connection.execute("INSERT INTO spatial_ref_sys (srid, auth_name, auth_srid, srtext, proj4text) VALUES ($1, 'cim', $1, $2, '')",
                                       [next, crs.wkt], what: "cannot add the CRS \(crs.identifier) to PostGIS")
                return Int32(next) ?? 0
            }
        } catch let error as StoreError {
            throw StoreError("PostGIS does not know the CRS \(crs.identifier) and it cannot be added: \(error.message)", file: address,
                             hint: "ask the database's owner to add it to spatial_ref_sys, or import with a CRS PostGIS knows (--crs EPSG:…)")
        }
    }
}
