import CIMTables
import CGDAL
import Foundation

extension GeoPackageStore {
    /// Creates `cim_metadata` and `cim_layers` as GeoPackage attribute tables when missing.
    func ensureMetadataTables() throws {
        if dataset.layer(named: StoreTables.metadata) == nil {
            try createAttributeTable(StoreTables.metadata, [FieldSpec("key", .text), FieldSpec("value", .text)])
        }
        if dataset.layer(named: StoreTables.layers) == nil {
            try createAttributeTable(StoreTables.layers, [
                FieldSpec("layer", .text), FieldSpec("source", .text), FieldSpec("source_layer", .text),
                FieldSpec("source_crs", .text), FieldSpec("imported_at", .text), FieldSpec("features", .integer),
                FieldSpec("repaired", .integer), FieldSpec("rejected", .integer),
            ])
        }
        if dataset.layer(named: StoreTables.issues) == nil {
            try createAttributeTable(StoreTables.issues, [
                FieldSpec("layer", .text), FieldSpec("feature", .text), FieldSpec("action", .text), FieldSpec("reason", .text),
            ])
        }
    }

    func createAttributeTable(_ name: String, _ fields: [FieldSpec]) throws {
        GDAL.reset()
        guard let layer = GDAL.withStringList(["FID=fid"], { GDALDatasetCreateLayer(dataset.handle, name, nil, wkbNone, $0) }) else {
            throw StoreError.gdal("cannot create the table", message: GDAL.lastError(""), file: path, layer: name)
        }
        try createFields(layer, fields, layerName: name)
        // GDAL creates the table itself lazily; the store writes it on GDAL's SQLite connection at once.
        GDAL.reset()
        guard OGR_L_SyncToDisk(layer) == OGRERR_NONE else {
            throw StoreError.gdal("cannot create the table", message: GDAL.lastError(""), file: path, layer: name)
        }
    }

    func createFields(_ layer: OGRLayerH, _ fields: [FieldSpec], layerName: String) throws {
        for spec in fields {
            let type: OGRFieldType = spec.type == .integer ? OFTInteger64 : spec.type == .real ? OFTReal : OFTString
            let definition = OGR_Fld_Create(spec.name, type)
            defer { OGR_Fld_Destroy(definition) }
            guard OGR_L_CreateField(layer, definition, 1) == OGRERR_NONE else {
                throw StoreError.gdal("cannot create the field '\(spec.name)'", message: GDAL.lastError(""), file: path, layer: layerName)
            }
        }
    }

    /// GDAL's SQLite connection of the store, on which the store's own tables are read and written with
    /// bound parameters (``SQLiteStatement``).
    var connection: GeoPackageConnection {
        get throws {
            guard let connection = GeoPackageConnection(dataset: dataset) else {
                throw StoreError("the store is not a GeoPackage", file: path)
            }
            return connection
        }
    }

    /// A value of `cim_metadata`, nil when missing.
    public func metadataValue(_ key: String) throws -> String? {
        guard dataset.layer(named: StoreTables.metadata) != nil else { return nil }
        return try connection.rows("SELECT value FROM \(StoreTables.metadata) WHERE key = ?", [.text(key)],
                                   what: "cannot read the store's metadata").first?.first ?? nil
    }

    /// All of `cim_metadata`.
    public func metadata() throws -> [String: String] {
        guard dataset.layer(named: StoreTables.metadata) != nil else { return [:] }
        var result: [String: String] = [:]
        for row in try connection.rows("SELECT key, value FROM \(StoreTables.metadata)", what: "cannot read the store's metadata") {
            if let key = row[0] { result[key] = row[1] ?? "" }
        }
        return result
    }

    /// Sets a value of `cim_metadata`.
    public func setMetadata(_ key: String, _ value: String) throws {
        try ensureMetadataTables()
        let connection = try connection
        try connection.run("DELETE FROM \(StoreTables.metadata) WHERE key = ?", [.text(key)], what: "cannot write the store's metadata")
        try connection.run("INSERT INTO \(StoreTables.metadata) (key, value) VALUES (?, ?)", [.text(key), .text(value)],
                           what: "cannot write the store's metadata")
    }

    /// The `cim_layers` rows.
    public func layerRecords() throws -> [LayerRecord] {
        guard dataset.layer(named: StoreTables.layers) != nil else { return [] }
        return try connection.rows("SELECT layer, source, source_layer, source_crs, imported_at, features, repaired, rejected FROM \(StoreTables.layers) ORDER BY fid",
                                   what: "cannot read the store's layer records").map {
            LayerRecord(layer: $0[0] ?? "", source: $0[1] ?? "", sourceLayer: $0[2] ?? "", sourceCRS: $0[3] ?? "",
                        importedAt: $0[4] ?? "", features: Int($0[5] ?? "") ?? 0, repaired: Int($0[6] ?? "") ?? 0,
                        rejected: Int($0[7] ?? "") ?? 0)
        }
    }

    /// Records a layer's provenance (inside the caller's transaction).
    func recordLayer(_ record: LayerRecord) throws {
        try ensureMetadataTables()
        let r = record
        let connection = try connection
        try connection.run("DELETE FROM \(StoreTables.layers) WHERE layer = ?", [.text(r.layer)], what: "cannot record the layer", layer: r.layer)
        try connection.run("""
            INSERT INTO \(StoreTables.layers) (layer, source, source_layer, source_crs, imported_at, features, repaired, rejected) \
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(r.layer), .text(r.source), .text(r.sourceLayer), .text(r.sourceCRS), .text(r.importedAt),
                  .integer(Int64(r.features)), .integer(Int64(r.repaired)), .integer(Int64(r.rejected))],
            what: "cannot record the layer", layer: r.layer)
    }

    /// Replaces the recorded import issues (repairs, rejections) of a layer (inside the caller's transaction).
    func recordIssues(layer: String, _ issues: [ImportIssue]) throws {
        try ensureMetadataTables()
        let connection = try connection
        try connection.run("DELETE FROM \(StoreTables.issues) WHERE layer = ?", [.text(layer)], what: "cannot record the import issues", layer: layer)
        let insert = try SQLiteStatement(connection, "INSERT INTO \(StoreTables.issues) (layer, feature, action, reason) VALUES (?, ?, ?, ?)",
                                         what: "cannot record an import issue", layer: layer)
        for issue in issues {
            insert.bind([.text(layer), .text(issue.feature), .text(issue.action.rawValue), .text(issue.reason)])
            try insert.run()
        }
    }

    /// The recorded import issues of a layer.
    public func importIssues(layer: String) throws -> [ImportIssue] {
        guard dataset.layer(named: StoreTables.issues) != nil else { return [] }
        return try connection.rows("SELECT feature, action, reason FROM \(StoreTables.issues) WHERE layer = ? ORDER BY fid", [.text(layer)],
                                   what: "cannot read the import issues", layer: layer).map {
            ImportIssue(feature: $0[0] ?? "", action: ImportIssue.Action(rawValue: $0[1] ?? "") ?? .rejected, reason: $0[2] ?? "")
        }
    }
}

/// Escapes a string for a single-quoted SQL literal.
func sqlEscape(_ s: String) -> String { s.replacingOccurrences(of: "'", with: "''") }
