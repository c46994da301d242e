import CIMTables
import CGDAL
import CSQLite
import Foundation

extension GeoPackageStore {
    static let checkFields = [
        FieldSpec("check_id", .integer), FieldSpec("year", .integer), FieldSpec("time", .text), FieldSpec("indicator_file", .text),
        FieldSpec("indicator_hash", .text), FieldSpec("inputs", .text), FieldSpec("cim_version", .text), FieldSpec("metric", .text),
        FieldSpec("health_index", .real), FieldSpec("dimension_index", .text),
    ]
    static let checkValueFields = [
        FieldSpec("check_id", .integer), FieldSpec("indicator", .text), FieldSpec("area_kind", .text), FieldSpec("area_id", .text),
        FieldSpec("area_name", .text), FieldSpec("value", .real), FieldSpec("numerator", .real), FieldSpec("denominator", .real),
        FieldSpec("score", .real), FieldSpec("grade", .text), FieldSpec("warning", .text), FieldSpec("computable", .integer),
    ]

    /// The fingerprint of a layer: feature count and FNV-1a 64 of its rows read in fid order straight from
    /// the GeoPackage table (`sqlite3_prepare_v2`, `sqlite3_step`, `sqlite3_column_blob`/`_text`/`_int64`/`_double`).
    public func fingerprint(_ layer: String) throws -> LayerFingerprint {
        guard let handle = dataset.layer(named: layer) else { throw StoreError("no such layer", file: path, layer: layer) }
        guard let connection = GeoPackageConnection(dataset: dataset) else {
            throw StoreError("cannot read the layer's table to fingerprint it", file: path, layer: layer)
        }
        let fid = OGR_L_GetFIDColumn(handle).map { String(cString: $0) } ?? "fid"
        let quoted = "\"" + layer.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection.db, "SELECT * FROM \(quoted) ORDER BY \"\(fid.isEmpty ? "rowid" : fid)\"", -1, &statement, nil) == SQLITE_OK else {
            throw StoreError("cannot read the table: \(String(cString: sqlite3_errmsg(connection.db)))", file: path, layer: layer)
        }
        defer { sqlite3_finalize(statement) }
        var hash = ContentHash()
        var rows = 0
        let columns = sqlite3_column_count(statement)
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else {
                throw StoreError("cannot read the table: \(String(cString: sqlite3_errmsg(connection.db)))", file: path, layer: layer)
            }
            rows += 1
            for c in 0 ..< columns {
                let type = sqlite3_column_type(statement, c)
                hash.add(CollectionOfOne(UInt8(truncatingIfNeeded: type)))
                switch type {
                case SQLITE_INTEGER:
                    withUnsafeBytes(of: sqlite3_column_int64(statement, c).littleEndian) { hash.add($0) }
                case SQLITE_FLOAT:
                    withUnsafeBytes(of: sqlite3_column_double(statement, c).bitPattern.littleEndian) { hash.add($0) }
                case SQLITE_NULL:
                    break
                default:
                    let bytes = sqlite3_column_blob(statement, c)
                    let count = Int(sqlite3_column_bytes(statement, c))
                    if let bytes, count > 0 { hash.add(UnsafeRawBufferPointer(start: bytes, count: count)) }
                    withUnsafeBytes(of: Int64(count).littleEndian) { hash.add($0) }
                }
            }
        }
        return LayerFingerprint(layer: layer, features: rows, hash: hash.hex)
    }

    /// Records a check in one transaction: a `cim_checks` row (its id is the next free one), its
    /// `cim_check_values` rows, and `areas` (the layer `check_areas`, replaced) with its `cim_layers`
    /// record. Either all of it lands, or nothing and the previous contents stay. Returns the check's id.
    @discardableResult
    public func recordCheck(_ record: CheckRecord, values: [CheckValueRecord], areas: FeatureTable, provenance: LayerProvenance) throws -> Int {
        try ensureMetadataTables()
        try dataset.startTransaction()
        do {
            if dataset.layer(named: StoreTables.checks) == nil { try createAttributeTable(StoreTables.checks, Self.checkFields) }
            if dataset.layer(named: StoreTables.checkValues) == nil { try createAttributeTable(StoreTables.checkValues, Self.checkValueFields) }
            let last = try dataset.query("SELECT MAX(check_id) FROM \(StoreTables.checks)").first?.first ?? nil
            let id = (last.flatMap { Int($0) } ?? 0) + 1
            let inputs = String(decoding: try JSONEncoder().encode(record.inputs), as: UTF8.self)
            try insertRow(StoreTables.checks, [
                .integer(Int64(id)), .integer(Int64(record.year)), .text(record.time), .text(record.indicatorFile), .text(record.indicatorHash),
                .text(inputs), .text(record.cimVersion), .text(record.metric), record.index.map { .real($0) } ?? .null, .text(record.dimensionIndex),
            ])
            try insertValues(values, check: id)
            try writeLayerInTransaction(areas, progress: nil)
            try recordLayer(LayerRecord(layer: areas.name, source: provenance.source, sourceLayer: provenance.sourceLayer,
                                        sourceCRS: provenance.sourceCRS, importedAt: record.time, features: areas.count,
                                        repaired: 0, rejected: 0))
            try dataset.commit()
            return id
        } catch {
            dataset.rollback()
            throw error
        }
    }

    /// Appends one row to an attribute table (`OGR_L_CreateFeature`), values in the table's field order.
    private func insertRow(_ table: String, _ values: [AttributeValue]) throws {
        guard let layer = dataset.layer(named: table) else { throw StoreError("no such table", file: path, layer: table) }
        guard let owned = OGRFeature(definition: OGR_L_GetLayerDefn(layer)) else { throw StoreError("out of memory", file: path, layer: table) }
        let feature = owned.handle
        for (k, value) in values.enumerated() {
            let f = Int32(k)
            switch value {
            case let .integer(x): OGR_F_SetFieldInteger64(feature, f, x)
            case let .real(x): if x.isFinite { OGR_F_SetFieldDouble(feature, f, x) } else { OGR_F_SetFieldNull(feature, f) }
            case let .text(x): OGR_F_SetFieldString(feature, f, x)
            case .null: OGR_F_SetFieldNull(feature, f)
            }
        }
        GDAL.reset()
        guard OGR_L_CreateFeature(layer, feature) == OGRERR_NONE else {
            throw StoreError("cannot record: \(GDAL.lastError("OGR_L_CreateFeature"))", file: path, layer: table)
        }
    }

    /// Appends the value rows of check `id` to `cim_check_values` with one prepared statement on GDAL's
    /// SQLite connection (`sqlite3_prepare_v2`, `sqlite3_bind_*`, `sqlite3_step`), inside the caller's
    /// transaction; through OGR when the connection is not available.
    private func insertValues(_ values: [CheckValueRecord], check id: Int) throws {
        guard let layer = dataset.layer(named: StoreTables.checkValues) else { throw StoreError("no such table", file: path, layer: StoreTables.checkValues) }
        func attributes(_ v: CheckValueRecord) -> [AttributeValue] {
            [.integer(Int64(id)), .text(v.indicator), .text(v.areaKind), .text(v.areaId), v.areaName.map { .text($0) } ?? .null,
             v.value.map { .real($0) } ?? .null, v.numerator.map { .real($0) } ?? .null, v.denominator.map { .real($0) } ?? .null,
             v.score.map { .real($0) } ?? .null, v.grade.map { .text($0) } ?? .null, v.warning.map { .text($0) } ?? .null,
             .integer(v.computable ? 1 : 0)]
        }
        guard let connection = GeoPackageConnection(dataset: dataset) else {
            for v in values { try insertRow(StoreTables.checkValues, attributes(v)) }
            return
        }
        // GDAL may defer creating the table: make it exist before writing to it directly.
        OGR_L_SyncToDisk(layer)
        let columns = Self.checkValueFields.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let marks = Array(repeating: "?", count: Self.checkValueFields.count).joined(separator: ", ")
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(connection.db, "INSERT INTO \(StoreTables.checkValues) (\(columns)) VALUES (\(marks))", -1, &statement, nil) == SQLITE_OK else {
            throw StoreError("cannot record the check values: \(String(cString: sqlite3_errmsg(connection.db)))", file: path, layer: StoreTables.checkValues)
        }
        defer { sqlite3_finalize(statement) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for v in values {
            sqlite3_reset(statement)
            for (k, value) in attributes(v).enumerated() {
                let i = Int32(k + 1)
                switch value {
                case let .integer(x): sqlite3_bind_int64(statement, i, x)
                case let .real(x): if x.isFinite { sqlite3_bind_double(statement, i, x) } else { sqlite3_bind_null(statement, i) }
                case let .text(x): sqlite3_bind_text(statement, i, x, -1, transient)
                case .null: sqlite3_bind_null(statement, i)
                }
            }
            guard sqlite3_step(statement) == SQLITE_DONE else {
                throw StoreError("cannot record the check values: \(String(cString: sqlite3_errmsg(connection.db)))", file: path, layer: StoreTables.checkValues)
            }
        }
    }

    /// The rows of a query of the store's own tables as text, reals exact: on GDAL's SQLite connection
    /// (``GeoPackageConnection/rows(_:_:what:layer:exactReals:)``); through OGR (`GDALDatasetExecuteSQL`,
    /// reals with 15 significant digits) only when the driver exposes no connection.
    private func exactRows(_ sql: String, what: String, table: String) throws -> [[String?]] {
        guard let connection = GeoPackageConnection(dataset: dataset) else { return try dataset.query(sql) }
        return try connection.rows(sql, what: what, layer: table, exactReals: true)
    }

    /// The recorded checks, oldest first.
    public func checkRecords() throws -> [CheckRecord] {
        guard dataset.layer(named: StoreTables.checks) != nil else { return [] }
        return try exactRows("""
            SELECT check_id, year, time, indicator_file, indicator_hash, inputs, cim_version, metric, health_index, dimension_index \
            FROM \(StoreTables.checks) ORDER BY check_id
            """, what: "cannot read the recorded checks", table: StoreTables.checks).map { row in
            let inputs = (try? JSONDecoder().decode([LayerFingerprint].self, from: Data((row[5] ?? "[]").utf8))) ?? []
            return CheckRecord(id: Int(row[0] ?? "") ?? 0, year: Int(row[1] ?? "") ?? 0, time: row[2] ?? "", indicatorFile: row[3] ?? "",
                               indicatorHash: row[4] ?? "", inputs: inputs, cimVersion: row[6] ?? "", metric: row[7] ?? "",
                               index: row[8].flatMap { Double($0) }, dimensionIndex: row[9] ?? "{}")
        }
    }

    /// The values of one recorded check.
    public func checkValues(check id: Int) throws -> [CheckValueRecord] {
        guard dataset.layer(named: StoreTables.checkValues) != nil else { return [] }
        return try exactRows("""
            SELECT indicator, area_kind, area_id, area_name, value, numerator, denominator, score, grade, warning, computable \
            FROM \(StoreTables.checkValues) WHERE check_id = \(id) ORDER BY fid
            """, what: "cannot read the recorded check values", table: StoreTables.checkValues).map { row in
            CheckValueRecord(check: id, indicator: row[0] ?? "", areaKind: row[1] ?? "", areaId: row[2] ?? "", areaName: row[3],
                             value: row[4].flatMap { Double($0) }, numerator: row[5].flatMap { Double($0) },
                             denominator: row[6].flatMap { Double($0) }, score: row[7].flatMap { Double($0) }, grade: row[8],
                             warning: row[9], computable: row[10] == "1")
        }
    }
}
