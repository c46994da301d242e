import CGDAL
import CIMGeometry
import CIMIndex
import CSQLite
import Foundation

/// Bulk inserts into a GeoPackage feature table on GDAL's own SQLite connection
/// (`GDALGetInternalHandle(ds, "SQLITE_HANDLE")`), inside the transaction GDAL opened: one prepared
/// `INSERT` (`sqlite3_prepare_v2`, `sqlite3_bind_*`, `sqlite3_step`) per row with the geometry encoded as a
/// GeoPackage blob (header, envelope, ISO WKB). The layer itself (table, gpkg_contents,
/// gpkg_geometry_columns, R-tree) is created by GDAL; afterwards its extent and feature count are set and
/// the R-tree is filled from the table, so the result is exactly what GDAL would have written, several
/// times faster than one OGR feature per row.
struct GeoPackageBulkInsert {
    let db: OpaquePointer
    let path: String

    /// GDAL's SQLite connection of a GeoPackage dataset, nil when the driver does not expose it.
    init?(dataset: OGRDataset) {
        guard let raw = GDALGetInternalHandle(dataset.handle, "SQLITE_HANDLE") else { return nil }
        db = OpaquePointer(raw)
        path = dataset.path
    }

    private func fail(_ what: String, layer: String) -> StoreError {
        StoreError("\(what): \(String(cString: sqlite3_errmsg(db)))", file: path, layer: layer)
    }

    private func execute(_ sql: String, layer: String) throws {
        guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw fail("SQL failed (\(sql.prefix(60)))", layer: layer) }
    }

    private func scalar(_ sql: String, layer: String) throws -> Int64? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { throw fail("SQL failed", layer: layer) }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, sqlite3_column_type(statement, 0) != SQLITE_NULL else { return nil }
        return sqlite3_column_int64(statement, 0)
    }

    private func text(_ sql: String, layer: String) throws -> String? {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else { throw fail("SQL failed", layer: layer) }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else { return nil }
        return String(cString: text)
    }

    /// Inserts every row of `table` into the (new, empty) layer GDAL created for it.
    func insert(_ table: FeatureTable, progress: ((Int) -> Void)?) throws {
        let name = table.name
        let quoted = "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        let hasGeometry = table.geometryType != nil
        let srsID = hasGeometry ? Int32(try scalar("SELECT srs_id FROM gpkg_geometry_columns WHERE lower(table_name) = lower('\(sqlEscape(name))')", layer: name) ?? 0) : 0
        var columns = table.columns.map { "\"" + $0.name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        if hasGeometry { columns.insert("\"geom\"", at: 0) }
        let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "INSERT INTO \(quoted) (\(columns.joined(separator: ", "))) VALUES (\(placeholders))", -1, &statement, nil) == SQLITE_OK else {
            throw fail("cannot prepare the insert", layer: name)
        }
        defer { sqlite3_finalize(statement) }
        // The R-tree: GDAL's insert trigger would decode every blob again (ST_MinX … per row); it is set
        // aside and the envelopes computed here go straight into the R-tree, then the trigger is restored.
        let rtree = "rtree_\(name)_geom"
        var rtreeInsert: OpaquePointer?
        var triggerSQL: String?
        if hasGeometry, try scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '\(sqlEscape(rtree))'", layer: name) == 1 {
            triggerSQL = try text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = '\(sqlEscape(rtree))_insert'", layer: name)
            if triggerSQL != nil { try execute("DROP TRIGGER \"\(rtree)_insert\"", layer: name) }
            guard sqlite3_prepare_v2(db, "INSERT INTO \"\(rtree)\" VALUES (?, ?, ?, ?, ?)", -1, &rtreeInsert, nil) == SQLITE_OK else {
                throw fail("cannot prepare the R-tree insert", layer: name)
            }
        }
        defer { sqlite3_finalize(rtreeInsert) }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        var blob: [UInt8] = []
        var extent: Envelope?
        let offset: Int32 = hasGeometry ? 2 : 1
        for i in 0 ..< table.count {
            if hasGeometry {
                blob.removeAll(keepingCapacity: true)
                let e = table.geometries.parts(of: i).isEmpty ? nil : table.geometries.envelope(i)
                encodeBlob(&blob, wkb: table.geometries.wkb(i), envelope: e, srsID: srsID)
                if let e { extent = extent.map { $0.union(e) } ?? e }
                _ = blob.withUnsafeBytes { sqlite3_bind_blob(statement, 1, $0.baseAddress, Int32($0.count), transient) }
            }
            for (k, column) in table.columns.enumerated() {
                let index = Int32(k) + offset
                switch column.values[i] {
                case let .integer(x): sqlite3_bind_int64(statement, index, x)
                case let .real(x): sqlite3_bind_double(statement, index, x)
                case let .text(x): sqlite3_bind_text(statement, index, x, -1, transient)
                case .null: sqlite3_bind_null(statement, index)
                }
            }
            guard sqlite3_step(statement) == SQLITE_DONE else { throw StoreError("cannot write: \(String(cString: sqlite3_errmsg(db)))", file: path, layer: name, feature: "#\(i + 1)") }
            sqlite3_reset(statement)
            if let rtreeInsert, !table.geometries.parts(of: i).isEmpty {
                let e = table.geometries.envelope(i)
                sqlite3_bind_int64(rtreeInsert, 1, sqlite3_last_insert_rowid(db))
                sqlite3_bind_double(rtreeInsert, 2, e.minX); sqlite3_bind_double(rtreeInsert, 3, e.maxX)
                sqlite3_bind_double(rtreeInsert, 4, e.minY); sqlite3_bind_double(rtreeInsert, 5, e.maxY)
                guard sqlite3_step(rtreeInsert) == SQLITE_DONE else { throw fail("cannot index feature #\(i + 1)", layer: name) }
                sqlite3_reset(rtreeInsert)
            }
            if let progress, i % 8192 == 8191 { progress(i + 1) }
        }
        progress?(table.count)
        if let triggerSQL { try execute(triggerSQL, layer: name) }
        let escaped = sqlEscape(name)
        if let e = extent {
            try execute("UPDATE gpkg_contents SET min_x = \(e.minX), min_y = \(e.minY), max_x = \(e.maxX), max_y = \(e.maxY) WHERE lower(table_name) = lower('\(escaped)')", layer: name)
        }
        if try scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'gpkg_ogr_contents'", layer: name) == 1 {
            try execute("UPDATE gpkg_ogr_contents SET feature_count = \(table.count) WHERE lower(table_name) = lower('\(escaped)')", layer: name)
        }
    }

    /// A GeoPackage geometry blob: "GP", version 0, flags (little-endian, envelope [minx, maxx, miny, maxy]
    /// or the empty flag), srs_id, envelope, ISO WKB.
    private func encodeBlob(_ out: inout [UInt8], wkb: [UInt8], envelope: Envelope?, srsID: Int32) {
        out.append(0x47); out.append(0x50); out.append(0)
        out.append(envelope == nil ? 0x11 : 0x03)
        withUnsafeBytes(of: srsID.littleEndian) { out.append(contentsOf: $0) }
        if let e = envelope {
            for v in [e.minX, e.maxX, e.minY, e.maxY] { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        out.append(contentsOf: wkb)
    }
}
