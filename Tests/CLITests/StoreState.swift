import CSQLite
import Foundation

/// What a store holds, read straight with SQLite (independently of cim): `PRAGMA integrity_check`, every
/// table and index in `sqlite_master`, the rows of `gpkg_contents`, `cim_layers` and `cim_metadata`, and
/// the row count of every feature table and the QGIS aliases and styles of each layer. Two equal states mean the store was left exactly as it was.
struct StoreState: Equatable, CustomStringConvertible {
    var lines: [String]

    init(_ path: String) throws {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else {
            throw StoreStateError(message: "cannot open \(path)")
        }
        defer { sqlite3_close(db) }
        func rows(_ sql: String) throws -> [String] {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
                throw StoreStateError(message: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
            }
            defer { sqlite3_finalize(statement) }
            var result: [String] = []
            while sqlite3_step(statement) == SQLITE_ROW {
                result.append((0 ..< sqlite3_column_count(statement)).map { i in
                    sqlite3_column_text(statement, i).map { String(cString: $0) } ?? "NULL"
                }.joined(separator: "|"))
            }
            return result
        }
        lines = try rows("PRAGMA integrity_check")
        let schema = try rows("SELECT type, name FROM sqlite_master ORDER BY type, name")
        lines += schema
        lines += try rows("SELECT * FROM gpkg_contents ORDER BY table_name")
        for table in ["cim_layers", "cim_metadata"] { lines += try rows("SELECT * FROM \(table) ORDER BY fid") }
        var counts: [String] = []
        for table in try rows("SELECT table_name FROM gpkg_contents ORDER BY table_name") {
            counts += try rows("SELECT '\(table)', COUNT(*) FROM \"\(table)\"")
        }
        // The QGIS metadata of each layer (aliases and styles), when the store has those tables.
        if schema.contains("table|layer_styles") {
            counts += try rows("SELECT 'layer_styles', f_table_name, COUNT(*) FROM layer_styles GROUP BY f_table_name ORDER BY f_table_name")
        }
        if schema.contains("table|gpkg_data_columns") {
            counts += try rows("SELECT 'gpkg_data_columns', table_name, COUNT(*) FROM gpkg_data_columns GROUP BY table_name ORDER BY table_name")
        }
        lines += counts
        shape = [lines[0]] + schema + counts
    }

    /// Integrity, tables and row counts, without the times a write records (`gpkg_contents.last_change`,
    /// `cim_layers`): equal for two runs of the same write.
    var shape: [String] = []

    var integrityOK: Bool { lines.first == "ok" }
    var description: String { lines.joined(separator: "\n") }
}

struct StoreStateError: Error { var message: String }
