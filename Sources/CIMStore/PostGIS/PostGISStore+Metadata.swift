import CIMTables
import Foundation

extension PostGISStore {
    /// The store's own tables in the city's schema, with the columns of the GeoPackage store's (each with a
    /// `fid` serial key, as GeoPackage attribute tables have).
    static let storeTables: [(name: String, fields: [FieldSpec])] = [
        (StoreTables.metadata, [FieldSpec("key", .text), FieldSpec("value", .text)]),
        (StoreTables.layers, [FieldSpec("layer", .text), FieldSpec("source", .text), FieldSpec("source_layer", .text), FieldSpec("source_crs", .text),
                              FieldSpec("imported_at", .text), FieldSpec("features", .integer), FieldSpec("repaired", .integer), FieldSpec("rejected", .integer)]),
        (StoreTables.issues, [FieldSpec("layer", .text), FieldSpec("feature", .text), FieldSpec("action", .text), FieldSpec("reason", .text)]),
        (StoreTables.checks, GeoPackageStore.checkFields),
        (StoreTables.checkValues, GeoPackageStore.checkValueFields),
    ]

    /// The SQL type of a store field.
    static func sqlType(_ type: FieldType) -> String {
        switch type {
        case .integer: return "bigint"
        case .real: return "double precision"
        case .text: return "text"
        }
    }

    /// Creates the store's own tables when missing, in one transaction (or the caller's) under the
    /// schema's advisory lock, so that two sessions creating them at once do not collide.
    func ensureStoreTables() throws {
        let missing = try Self.storeTables.filter { try !tableExists($0.name) }
        guard !missing.isEmpty else { return }
        let create = {
            try Self.lockSchema(self.schema, on: self.connection)
            for (name, fields) in missing {
                let columns = ["fid bigserial PRIMARY KEY"] + fields.map { "\(PostgresConnection.quoted($0.name)) \(Self.sqlType($0.type))" }
                try self.connection.execute("CREATE TABLE IF NOT EXISTS \(self.table(name)) (\(columns.joined(separator: ", ")))",
                                            what: "cannot create the store's tables", layer: name)
            }
        }
        if connection.inTransaction { try create() } else { try connection.transaction(what: "cannot create the store's tables", create) }
    }

    /// A value of `cim_metadata`, nil when missing.
    public func metadataValue(_ key: String) throws -> String? {
        guard try tableExists(StoreTables.metadata) else { return nil }
        return try connection.scalar("SELECT value FROM \(table(StoreTables.metadata)) WHERE key = $1 ORDER BY fid DESC LIMIT 1", [key],
                                     what: "cannot read the store's metadata")
    }

    /// All of `cim_metadata`.
    public func metadata() throws -> [String: String] {
        guard try tableExists(StoreTables.metadata) else { return [:] }
        let result = try connection.execute("SELECT key, value FROM \(table(StoreTables.metadata)) ORDER BY fid", what: "cannot read the store's metadata")
        var values: [String: String] = [:]
        for row in 0 ..< result.rowCount {
            if let key = result.text(row: row, column: 0) { values[key] = result.text(row: row, column: 1) ?? "" }
        }
        return values
    }

    /// Sets a value of `cim_metadata` (its own transaction, or the caller's).
    public func setMetadata(_ key: String, _ value: String) throws {
        let write = {
            try self.ensureStoreTables()
            try self.connection.execute("DELETE FROM \(self.table(StoreTables.metadata)) WHERE key = $1", [key], what: "cannot write the store's metadata")
            try self.connection.execute("INSERT INTO \(self.table(StoreTables.metadata)) (key, value) VALUES ($1, $2)", [key, value],
                                        what: "cannot write the store's metadata")
        }
        if connection.inTransaction { try write() } else { try connection.transaction(what: "cannot write the store's metadata", write) }
    }

    /// The `cim_layers` rows, in the order they were written.
    public func layerRecords() throws -> [LayerRecord] {
        guard try tableExists(StoreTables.layers) else { return [] }
        let result = try connection.execute("""
            SELECT layer, source, source_layer, source_crs, imported_at, features, repaired, rejected FROM \(table(StoreTables.layers)) ORDER BY fid
            """, what: "cannot read the store's layer records")
        return (0 ..< result.rowCount).map { r in
            LayerRecord(layer: result.text(row: r, column: 0) ?? "", source: result.text(row: r, column: 1) ?? "",
                        sourceLayer: result.text(row: r, column: 2) ?? "", sourceCRS: result.text(row: r, column: 3) ?? "",
                        importedAt: result.text(row: r, column: 4) ?? "", features: Int(result.integer(row: r, column: 5) ?? 0),
                        repaired: Int(result.integer(row: r, column: 6) ?? 0), rejected: Int(result.integer(row: r, column: 7) ?? 0))
        }
    }

    /// Records a layer's provenance (inside the caller's transaction).
    func recordLayer(_ r: LayerRecord) throws {
        try connection.execute("DELETE FROM \(table(StoreTables.layers)) WHERE layer = $1", [r.layer], what: "cannot record the layer", layer: r.layer)
        try connection.execute("""
            INSERT INTO \(table(StoreTables.layers)) (layer, source, source_layer, source_crs, imported_at, features, repaired, rejected)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [r.layer, r.source, r.sourceLayer, r.sourceCRS, r.importedAt, String(r.features), String(r.repaired), String(r.rejected)],
            what: "cannot record the layer", layer: r.layer)
    }

    /// Replaces the recorded import issues of a layer (inside the caller's transaction), the new ones in
    /// one COPY.
    func recordIssues(layer: String, _ issues: [ImportIssue]) throws {
        try connection.execute("DELETE FROM \(table(StoreTables.issues)) WHERE layer = $1", [layer], what: "cannot record the import issues", layer: layer)
        guard !issues.isEmpty else { return }
        try connection.copyIn("COPY \(table(StoreTables.issues)) (layer, feature, action, reason) FROM STDIN (FORMAT binary)",
                              what: "cannot record the import issues", layer: layer) { writer in
            for issue in issues {
                try writer.beginRow(fields: 4)
                writer.append(text: layer)
                writer.append(text: issue.feature)
                writer.append(text: issue.action.rawValue)
                writer.append(text: issue.reason)
            }
        }
    }

    /// The recorded import issues of a layer.
    public func importIssues(layer: String) throws -> [ImportIssue] {
        guard try tableExists(StoreTables.issues) else { return [] }
        let result = try connection.execute("SELECT feature, action, reason FROM \(table(StoreTables.issues)) WHERE layer = $1 ORDER BY fid", [layer],
                                            what: "cannot read the import issues", layer: layer)
        return (0 ..< result.rowCount).map { r in
            ImportIssue(feature: result.text(row: r, column: 0) ?? "", action: ImportIssue.Action(rawValue: result.text(row: r, column: 1) ?? "") ?? .rejected,
                        reason: result.text(row: r, column: 2) ?? "")
        }
    }
}
