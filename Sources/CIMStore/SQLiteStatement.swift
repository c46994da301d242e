import CSQLite

/// A prepared SQLite statement on GDAL's connection of a store (``GeoPackageConnection``), owned by this
/// object: prepared with `sqlite3_prepare_v2`, finalized with `sqlite3_finalize` when released. Values
/// are always bound (`sqlite3_bind_*`), never spliced into the SQL text; failures become ``StoreError``s
/// with their cause (``GeoPackageConnection/failure(_:_:layer:feature:statement:)``).
final class SQLiteStatement {
    let handle: OpaquePointer
    let connection: GeoPackageConnection
    /// What the statement does, for error messages ("cannot record the layer"); never the SQL text.
    let what: String
    let layer: String?

    /// Prepares `sql` (`sqlite3_prepare_v2`).
    init(_ connection: GeoPackageConnection, _ sql: String, what: String, layer: String? = nil) throws {
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v2(connection.db, sql, -1, &statement, nil)
        guard status == SQLITE_OK, let statement else {
            sqlite3_finalize(statement)
            throw connection.failure(status, what, layer: layer)
        }
        handle = statement
        self.connection = connection
        self.what = what
        self.layer = layer
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds a text (`sqlite3_bind_text`, copied by SQLite), an integer (`sqlite3_bind_int64`) or null to
    /// parameter `index` (from 1).
    func bind(_ index: Int32, _ value: String?) {
        guard let value else { sqlite3_bind_null(handle, index); return }
        sqlite3_bind_text(handle, index, value, -1, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
    }

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }

    /// Binds `values` to parameters 1, 2, … (strings, integers or nil).
    func bind(_ values: [SQLiteValue]) {
        for (k, value) in values.enumerated() {
            switch value {
            case let .text(text): bind(Int32(k + 1), text)
            case let .integer(number): bind(Int32(k + 1), number)
            case .null: sqlite3_bind_null(handle, Int32(k + 1))
            }
        }
    }

    /// Steps once (`sqlite3_step`): true on a row, false when done; throws on an error.
    func step() throws -> Bool {
        let status = sqlite3_step(handle)
        if status == SQLITE_ROW { return true }
        guard status == SQLITE_DONE else { throw connection.failure(status, what, layer: layer, statement: handle) }
        return false
    }

    /// Runs the statement to its end and resets it for another use (`sqlite3_reset`).
    func run() throws {
        while try step() {}
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// The rows' columns as text (`sqlite3_column_text`), nil for null. With `exactReals`, a REAL value is
    /// read as a double (`sqlite3_column_double`) and written in Swift's shortest form that reads back to
    /// the same double (SQLite's own text has 15 significant digits).
    func rows(exactReals: Bool = false) throws -> [[String?]] {
        var rows: [[String?]] = []
        let columns = sqlite3_column_count(handle)
        while try step() {
            rows.append((0 ..< columns).map { i in
                if exactReals && sqlite3_column_type(handle, i) == SQLITE_FLOAT { return String(sqlite3_column_double(handle, i)) }
                return sqlite3_column_text(handle, i).map { String(cString: $0) }
            })
        }
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        return rows
    }
}

/// A value bound to an SQL parameter.
enum SQLiteValue: ExpressibleByStringLiteral {
    case text(String), integer(Int64), null
    init(stringLiteral value: String) { self = .text(value) }
}

extension GeoPackageConnection {
    /// Runs one statement with bound parameters (``SQLiteStatement``).
    func run(_ sql: String, _ values: [SQLiteValue] = [], what: String, layer: String? = nil) throws {
        let statement = try SQLiteStatement(self, sql, what: what, layer: layer)
        statement.bind(values)
        try statement.run()
    }

    /// The rows of a query with bound parameters, as text (``SQLiteStatement/rows(exactReals:)``).
    func rows(_ sql: String, _ values: [SQLiteValue] = [], what: String, layer: String? = nil, exactReals: Bool = false) throws -> [[String?]] {
        let statement = try SQLiteStatement(self, sql, what: what, layer: layer)
        statement.bind(values)
        return try statement.rows(exactReals: exactReals)
    }
}
