import CGDAL
import CIMGeometry
import CIMIndex
import CSQLite
import Foundation

/// Bulk inserts into a new GeoPackage feature table on GDAL's own SQLite connection
/// (`GDALGetInternalHandle(ds, "SQLITE_HANDLE")`), inside the transaction GDAL opened: rows in batches of
/// one multi-row prepared `INSERT` (`sqlite3_prepare_v2`, `sqlite3_bind_*`, `sqlite3_step`) with the
/// geometry encoded as a GeoPackage blob (header, envelope, ISO WKB). The layer itself (table,
/// gpkg_contents, gpkg_geometry_columns, R-tree virtual table) is created by GDAL; afterwards the R-tree is
/// packed in one go (``SQLiteRTreeBulkLoad``) and the extent and feature count are set, so the result is
/// what GDAL would have written, several times faster than one OGR feature per row.
extension GeoPackageConnection {

    /// Runs one statement of the write; `what` names it in the error (never the SQL text).
    private func execute(_ sql: String, layer: String, what: String = "cannot write the layer's metadata") throws {
        guard inTransaction else { throw StoreError("the transaction was rolled back by SQLite; nothing more is written", file: path, layer: layer) }
        let status = sqlite3_exec(db, sql, nil, nil, nil)
        guard status == SQLITE_OK else { throw failure(status, what, layer: layer) }
    }

    /// The first column of the first row of a query with bound parameters, as an integer (nil for none or null).
    private func scalar(_ sql: String, _ values: [SQLiteValue], layer: String) throws -> Int64? {
        guard let value = try rows(sql, values, what: "cannot read the layer's metadata", layer: layer).first?.first ?? nil else { return nil }
        return Int64(value)
    }

    /// The first column of the first row of a query with bound parameters, as text.
    private func text(_ sql: String, _ values: [SQLiteValue], layer: String) throws -> String? {
        try rows(sql, values, what: "cannot read the layer's metadata", layer: layer).first?.first ?? nil
    }

    /// Inserts every row of `table` into the new, empty layer `tableName` GDAL created for it (the table's
    /// own name, or the staging name it is written under before it replaces a layer of that name).
    func insert(_ table: FeatureTable, into tableName: String, progress: ((Int) -> Void)?) throws {
        let name = tableName
        let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let hasGeometry = table.geometryType != nil
        let srsID = hasGeometry ? Int32(try scalar("SELECT srs_id FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)", [.text(name)], layer: table.name) ?? 0) : 0
        var columns = table.columns.map { "\"" + $0.name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        if hasGeometry { columns.insert("\"geom\"", at: 0) }
        // Rows go in batches of one multi-row INSERT each: per-statement work (and AUTOINCREMENT's
        // sqlite_sequence update) once per batch instead of once per row. The fids are given (1, 2, …: the
        // layer is new), so the R-tree entries need no last_insert_rowid — unless the table brings its own
        // "fid" column (GDAL makes it the primary key), which is then written row by row.
        let givenFIDs = !table.columns.contains { $0.name.lowercased() == "fid" }
        if givenFIDs { columns.insert("\"fid\"", at: 0) }
        let perRow = columns.count
        let batch = givenFIDs ? Swift.max(1, Swift.min(64, 30_000 / perRow)) : 1
        /// The insert of `rows` rows (``SQLiteStatement``, finalized when released).
        func prepare(rows: Int) throws -> SQLiteStatement {
            let row = "(" + Array(repeating: "?", count: perRow).joined(separator: ", ") + ")"
            let sql = "INSERT INTO \(quoted) (\(columns.joined(separator: ", "))) VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
            return try SQLiteStatement(self, sql, what: "cannot prepare the insert", layer: table.name)
        }
        let batchInsert = try prepare(rows: batch)
        let singleInsert = batch == 1 ? batchInsert : try prepare(rows: 1)
        let statement = batchInsert.handle, single = singleInsert.handle
        // GDAL's per-row insert triggers are set aside while the rows go in and restored afterwards: the
        // R-tree's (it would decode every blob again, ST_MinX … per row, and insert row by row: the envelopes
        // computed here are packed into the R-tree in one go instead, ``SQLiteRTreeBulkLoad``) and the
        // feature count's (one UPDATE of gpkg_ogr_contents per row: the count is set once at the end).
        let rtree = "rtree_\(name)_geom"
        var setAside: [String] = []
        for trigger in ["\(rtree)_insert", "trigger_insert_feature_count_\(name)"] {
            if let sql = try text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", [.text(trigger)], layer: table.name) {
                try execute("DROP TRIGGER \"\(trigger.replacingOccurrences(of: "\"", with: "\"\""))\"", layer: table.name)
                setAside.append(sql)
            }
        }
        var rtreeEntries: [RTreeEntry]?
        if hasGeometry, try scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?", [.text(rtree)], layer: table.name) == 1 {
            rtreeEntries = []
            rtreeEntries?.reserveCapacity(table.count)
        }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        let binders = table.columns.map { ColumnBinder($0.values) }
        let geometries = table.geometries
        var blob: [UInt8] = []
        var extent: Envelope?
        /// Binds row `i` at parameters `first ..< first + perRow`.
        func bind(_ statement: OpaquePointer?, row i: Int, first: Int32) {
            var next = first
            if givenFIDs {
                sqlite3_bind_int64(statement, next, Int64(i + 1))
                next += 1
            }
            if hasGeometry {
                let envelope = geometries.parts(of: i).isEmpty ? nil : geometries.envelope(i)
                blob.removeAll(keepingCapacity: true)
                encodeBlobHeader(&blob, envelope: envelope, srsID: srsID)
                geometries.appendWKB(of: i, to: &blob)
                _ = blob.withUnsafeBytes { sqlite3_bind_blob(statement, next, $0.baseAddress, Int32($0.count), transient) }
                next += 1
            }
            for k in binders.indices { binders[k].bind(statement, next + Int32(k), row: i) }
        }
        // The fid of each row (the R-tree's ids).
        var rowIDs: [Int64] = []
        rowIDs.reserveCapacity(table.count)
        /// Writes row `i` alone (the last rows of a table, and tables that bring their own fid).
        func insertOne(_ i: Int) throws {
            bind(single, row: i, first: 1)
            let status = sqlite3_step(single)
            guard status == SQLITE_DONE else { throw failure(status, "cannot write", layer: table.name, feature: "#\(i + 1)", statement: single) }
            sqlite3_reset(single)
            rowIDs.append(givenFIDs ? Int64(i + 1) : sqlite3_last_insert_rowid(db))
        }
        var start = 0
        while start < table.count {
            let end = Swift.min(start + batch, table.count)
            let target = end - start == batch ? statement : single
            if end - start == batch {
                for i in start ..< end { bind(target, row: i, first: Int32((i - start) * perRow + 1)) }
                let status = sqlite3_step(target)
                // No retry row by row after a failure: SQLite may have rolled the whole transaction back
                // (SQLITE_FULL, SQLITE_IOERR …), and any further statement would run in autocommit.
                guard status == SQLITE_DONE else {
                    throw failure(status, "cannot write", layer: table.name, feature: end - start == 1 ? "#\(end)" : "#\(start + 1)–#\(end)", statement: target)
                }
                sqlite3_reset(target)
                rowIDs.append(contentsOf: (start ..< end).map { Int64($0 + 1) })
            } else {
                for i in start ..< end { try insertOne(i) }
            }
            for i in start ..< end where hasGeometry && !geometries.parts(of: i).isEmpty {
                let e = geometries.envelope(i)
                extent = extent.map { $0.union(e) } ?? e
                rtreeEntries?.append(RTreeEntry(id: rowIDs[i], minX: e.minX, maxX: e.maxX, minY: e.minY, maxY: e.maxY))
            }
            if let progress, start / 8192 != end / 8192 { progress(end) }
            start = end
        }
        withExtendedLifetime((batchInsert, singleInsert)) {}
        if let rtreeEntries {
            try SQLiteRTreeBulkLoad(connection: self, table: rtree, path: path, layer: table.name).fill(rtreeEntries)
        }
        progress?(table.count)
        for sql in setAside { try execute(sql, layer: table.name) }
        if let e = extent {
            let statement = try SQLiteStatement(self, "UPDATE gpkg_contents SET min_x = ?, min_y = ?, max_x = ?, max_y = ? WHERE lower(table_name) = lower(?)",
                                                what: "cannot write the layer's extent", layer: table.name)
            for (k, v) in [e.minX, e.minY, e.maxX, e.maxY].enumerated() { sqlite3_bind_double(statement.handle, Int32(k + 1), v) }
            statement.bind(5, name)
            try statement.run()
        }
        if try scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'gpkg_ogr_contents'", [], layer: table.name) == 1 {
            try run("UPDATE gpkg_ogr_contents SET feature_count = ? WHERE lower(table_name) = lower(?)", [.integer(Int64(table.count)), .text(name)],
                    what: "cannot write the layer's feature count", layer: table.name)
        }
    }

    /// The header of a GeoPackage geometry blob, to be followed by the ISO WKB: "GP", version 0, flags
    /// (little-endian, envelope [minx, maxx, miny, maxy] or the empty flag), srs_id, envelope.
    private func encodeBlobHeader(_ out: inout [UInt8], envelope: Envelope?, srsID: Int32) {
        out.append(0x47); out.append(0x50); out.append(0)
        out.append(envelope == nil ? 0x11 : 0x03)
        withUnsafeBytes(of: srsID.littleEndian) { out.append(contentsOf: $0) }
        if let e = envelope {
            appendDouble(&out, e.minX); appendDouble(&out, e.maxX)
            appendDouble(&out, e.minY); appendDouble(&out, e.maxY)
        }
    }

    @inline(__always) private func appendDouble(_ out: inout [UInt8], _ v: Double) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
    }
}

/// Binds one attribute column's value of a row to an insert parameter, switching on the column's kind
/// once per column instead of building an ``AttributeValue`` per cell (`sqlite3_bind_int64`,
/// `sqlite3_bind_double`, `sqlite3_bind_text`, `sqlite3_bind_null`).
private struct ColumnBinder {
    let values: AttributeValues
    init(_ values: AttributeValues) { self.values = values }

    @inline(__always)
    func bind(_ statement: OpaquePointer?, _ index: Int32, row i: Int) {
        switch values {
        case let .realOrNaN(v):
            let x = v[i]
            if x.isFinite { sqlite3_bind_double(statement, index, x) } else { sqlite3_bind_null(statement, index) }
        case let .flag(v):
            sqlite3_bind_int64(statement, index, v[i] ? 1 : 0)
        case let .real(v):
            if let x = v[i], x.isFinite { sqlite3_bind_double(statement, index, x) } else { sqlite3_bind_null(statement, index) }
        case let .integer(v):
            if let x = v[i] { sqlite3_bind_int64(statement, index, x) } else { sqlite3_bind_null(statement, index) }
        case let .text(v):
            if let x = v[i] {
                var x = x
                x.withUTF8 { utf8 in
                    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
                    if let base = utf8.baseAddress, utf8.count > 0 {
                        _ = sqlite3_bind_text(statement, index, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(utf8.count), transient)
                    } else {
                        _ = sqlite3_bind_text(statement, index, "", 0, transient)
                    }
                }
            } else {
                sqlite3_bind_null(statement, index)
            }
        }
    }
}
