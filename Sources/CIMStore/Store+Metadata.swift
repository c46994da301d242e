import CGDAL
import Foundation

/// What the store records about one layer (a row of `cim_layers`).
public struct LayerRecord: Sendable, Codable, Equatable {
    public var layer: String
    public var source: String
    public var sourceLayer: String
    public var sourceCRS: String
    public var importedAt: String
    public var features: Int
    public var repaired: Int
    public var rejected: Int
}

extension Store {
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

    private func createAttributeTable(_ name: String, _ fields: [FieldSpec]) throws {
        GDAL.reset()
        guard let layer = GDAL.withStringList(["FID=fid"], { GDALDatasetCreateLayer(dataset.handle, name, nil, wkbNone, $0) }) else {
            throw StoreError.gdal("cannot create the table", message: GDAL.lastError(""), file: path, layer: name)
        }
        try createFields(layer, fields, layerName: name)
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

    /// A value of `cim_metadata`, nil when missing.
    public func metadataValue(_ key: String) throws -> String? {
        guard dataset.layer(named: StoreTables.metadata) != nil else { return nil }
        return try dataset.query("SELECT value FROM \(StoreTables.metadata) WHERE key = '\(sqlEscape(key))'").first?.first ?? nil
    }

    /// All of `cim_metadata`.
    public func metadata() throws -> [String: String] {
        guard dataset.layer(named: StoreTables.metadata) != nil else { return [:] }
        var result: [String: String] = [:]
        for row in try dataset.query("SELECT key, value FROM \(StoreTables.metadata)") {
            if let key = row[0] { result[key] = row[1] ?? "" }
        }
        return result
    }

    /// Sets a value of `cim_metadata`.
    public func setMetadata(_ key: String, _ value: String) throws {
        try ensureMetadataTables()
        try dataset.execute("DELETE FROM \(StoreTables.metadata) WHERE key = '\(sqlEscape(key))'")
        try dataset.execute("INSERT INTO \(StoreTables.metadata) (key, value) VALUES ('\(sqlEscape(key))', '\(sqlEscape(value))')")
    }

    /// The `cim_layers` rows.
    public func layerRecords() throws -> [LayerRecord] {
        guard dataset.layer(named: StoreTables.layers) != nil else { return [] }
        return try dataset.query("SELECT layer, source, source_layer, source_crs, imported_at, features, repaired, rejected FROM \(StoreTables.layers) ORDER BY fid").map {
            LayerRecord(layer: $0[0] ?? "", source: $0[1] ?? "", sourceLayer: $0[2] ?? "", sourceCRS: $0[3] ?? "",
                        importedAt: $0[4] ?? "", features: Int($0[5] ?? "") ?? 0, repaired: Int($0[6] ?? "") ?? 0,
                        rejected: Int($0[7] ?? "") ?? 0)
        }
    }

    /// Records a layer's provenance (inside the caller's transaction).
    func recordLayer(_ record: LayerRecord) throws {
        try ensureMetadataTables()
        let r = record
        try dataset.execute("DELETE FROM \(StoreTables.layers) WHERE layer = '\(sqlEscape(r.layer))'")
        try dataset.execute("""
            INSERT INTO \(StoreTables.layers) (layer, source, source_layer, source_crs, imported_at, features, repaired, rejected) \
            VALUES ('\(sqlEscape(r.layer))', '\(sqlEscape(r.source))', '\(sqlEscape(r.sourceLayer))', '\(sqlEscape(r.sourceCRS))', \
            '\(sqlEscape(r.importedAt))', \(r.features), \(r.repaired), \(r.rejected))
            """)
    }

    /// Replaces the recorded import issues (repairs, rejections) of a layer (inside the caller's transaction).
    func recordIssues(layer: String, _ issues: [ImportIssue]) throws {
        try ensureMetadataTables()
        try dataset.execute("DELETE FROM \(StoreTables.issues) WHERE layer = '\(sqlEscape(layer))'")
        guard let table = dataset.layer(named: StoreTables.issues) else { return }
        let definition = OGR_L_GetLayerDefn(table)
        for issue in issues {
            let feature = OGR_F_Create(definition)
            defer { OGR_F_Destroy(feature) }
            OGR_F_SetFieldString(feature, 0, layer)
            OGR_F_SetFieldString(feature, 1, issue.feature)
            OGR_F_SetFieldString(feature, 2, issue.action.rawValue)
            OGR_F_SetFieldString(feature, 3, issue.reason)
            guard OGR_L_CreateFeature(table, feature) == OGRERR_NONE else {
                throw StoreError.gdal("cannot record an import issue", message: GDAL.lastError(""), file: path, layer: StoreTables.issues)
            }
        }
    }

    /// The recorded import issues of a layer.
    public func importIssues(layer: String) throws -> [ImportIssue] {
        guard dataset.layer(named: StoreTables.issues) != nil else { return [] }
        return try dataset.query("SELECT feature, action, reason FROM \(StoreTables.issues) WHERE layer = '\(sqlEscape(layer))' ORDER BY fid").map {
            ImportIssue(feature: $0[0] ?? "", action: ImportIssue.Action(rawValue: $0[1] ?? "") ?? .rejected, reason: $0[2] ?? "")
        }
    }
}

/// Escapes a string for a single-quoted SQL literal.
func sqlEscape(_ s: String) -> String { s.replacingOccurrences(of: "'", with: "''") }
