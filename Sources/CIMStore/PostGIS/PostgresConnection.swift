import CPostgres
import Foundation

/// One connection to a PostgreSQL server through libpq, owned: `PQconnectdb` on creation, `PQfinish` in
/// `deinit`. Synchronous, like the rest of the store; used from one thread at a time.
///
/// Every statement goes through `PQexecParams` with its values bound as parameters (never interpolated
/// into the SQL text); identifiers are quoted by ``quoted(_:)`` alone. Bulk data moves with COPY BINARY
/// (``PostgresConnection+Copy``). Failures become ``StoreError``s that name the address (never the
/// password) and translate the SQLSTATE (``StoreError/postgres(_:message:what:address:layer:)``).
final class PostgresConnection {
    /// libpq's connection handle (`PGconn *`), owned.
    let handle: OpaquePointer
    /// The address as shown to users (no password), for error messages.
    let display: String

    /// How long a statement waits for a lock another session holds before it fails with lock_not_available
    /// (55P03, "the store is busy"): 5 s, as the GeoPackage store waits for SQLite's lock.
    static let lockTimeoutMilliseconds = 5_000

    /// Connects with libpq's connection parameters (`PQconnectdbParams`: `host`, `port`, `dbname`, `user`,
    /// `password` …; a `dbname` that is itself a `postgresql://` URL is expanded), client encoding UTF-8,
    /// then sets the session's `lock_timeout` (``lockTimeoutMilliseconds``) so that a writer never waits
    /// forever. A failure is "cannot connect to DISPLAY: libpq's reason" (`display` never holds a password).
    init(parameters: [String: String], display: String) throws {
        self.display = display
        var all = parameters
        all["client_encoding"] = "UTF8"
        all["application_name"] = all["application_name"] ?? "cim"
        let pairs = all.sorted { $0.key < $1.key }
        let keys: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0.key) } + [nil]
        let values: [UnsafeMutablePointer<CChar>?] = pairs.map { strdup($0.value) } + [nil]
        defer { (keys + values).forEach { free($0) } }
        let connection = PQconnectdbParams(keys.map { $0.map { UnsafePointer($0) } }, values.map { $0.map { UnsafePointer($0) } }, 1)
        guard let connection else {
            throw StoreError("cannot connect to \(display): out of memory", file: display)
        }
        handle = connection
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = Self.message(PQerrorMessage(connection))
            // deinit (which runs for an initialised object that throws) calls PQfinish.
            throw StoreError("cannot connect to \(display): \(reason)", file: display,
                             hint: "is the server running (Scripts/postgis.sh start for the private one) and the address right?")
        }
        // The server's notices ("table … does not exist, skipping") are not for users (`PQsetNoticeProcessor`).
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        try execute("SELECT set_config('lock_timeout', $1, false)", ["\(Self.lockTimeoutMilliseconds)ms"], what: "cannot configure the session")
    }

    deinit { PQfinish(handle) }

    /// Runs one statement (`PQexecParams`) with `parameters` bound as text (nil is NULL; the server
    /// converts them to the column's type) and returns its result. A failure throws the SQLSTATE's
    /// ``StoreError`` with `what` and `layer`.
    @discardableResult
    func execute(_ sql: String, _ parameters: [String?] = [], what: String = "cannot run a statement", layer: String? = nil) throws -> PostgresResult {
        let result = withParameters(parameters) { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
        }
        try check(result, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK], what: what, layer: layer)
        return result
    }

    /// Runs a statement with one bytea parameter sent in binary (`PQexecParams` with format 1), for blobs.
    @discardableResult
    func execute(_ sql: String, bytes: [UInt8], what: String, layer: String? = nil) throws -> PostgresResult {
        let storage = bytes.isEmpty ? [0] : bytes  // a valid pointer even for no bytes
        let raw = storage.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var value: UnsafePointer<CChar>? = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var length = Int32(bytes.count)
            var format: Int32 = 1
            return PQexecParams(handle, sql, 1, nil, &value, &length, &format, 0)
        }
        let result = PostgresResult(raw)
        try check(result, expecting: [PGRES_COMMAND_OK, PGRES_TUPLES_OK], what: what, layer: layer)
        return result
    }

    /// The first column of the first row as text, nil when there is no row or it is NULL.
    func scalar(_ sql: String, _ parameters: [String?] = [], what: String = "cannot read", layer: String? = nil) throws -> String? {
        let result = try execute(sql, parameters, what: what, layer: layer)
        return result.rowCount > 0 ? result.text(row: 0, column: 0) : nil
    }

    /// Runs `body` inside a transaction (`BEGIN` … `COMMIT`); any error rolls it back and is rethrown.
    func transaction<T>(what: String = "cannot write", layer: String? = nil, _ body: () throws -> T) throws -> T {
        try execute("BEGIN", what: what, layer: layer)
        do {
            let value = try body()
            try execute("COMMIT", what: what, layer: layer)
            return value
        } catch {
            rollback()
            throw error
        }
    }

    /// Rolls back the open transaction, if any (`ROLLBACK`; errors ignored: the connection may be gone).
    func rollback() {
        if PQtransactionStatus(handle) != PQTRANS_IDLE {
            PQclear(PQexec(handle, "ROLLBACK"))
        }
    }

    /// True while a transaction is open on the connection (`PQtransactionStatus`).
    var inTransaction: Bool { PQtransactionStatus(handle) != PQTRANS_IDLE }

    /// An identifier quoted for SQL: in double quotes, inner quotes doubled. The one place where names
    /// (schemas, tables, columns) enter SQL text.
    static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A schema-qualified name, both parts quoted.
    static func quoted(_ schema: String, _ name: String) -> String { quoted(schema) + "." + quoted(name) }

    /// Throws the error of `result` unless its status is one of `expecting` (`PQresultStatus`,
    /// `PQresultErrorField` for the SQLSTATE, `PQresultErrorMessage`).
    func check(_ result: PostgresResult, expecting: [ExecStatusType], what: String, layer: String?) throws {
        guard let raw = result.handle else {
            throw StoreError.postgres(nil, message: Self.message(PQerrorMessage(handle)), what: what, address: display, layer: layer)
        }
        let status = PQresultStatus(raw)
        guard !expecting.contains(status) else { return }
        let state = PQresultErrorField(raw, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
        let detail = PQresultErrorField(raw, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? Self.message(PQresultErrorMessage(raw))
        throw StoreError.postgres(state, message: detail, what: what, address: display, layer: layer)
    }

    /// The connection's last error (`PQerrorMessage`), for failures that have no result.
    var lastError: String { Self.message(PQerrorMessage(handle)) }

    /// libpq's message without its trailing newline and "ERROR:" prefix.
    static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown error" }
        var message = String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        if message.hasPrefix("ERROR:") { message = String(message.dropFirst(6)).trimmingCharacters(in: .whitespaces) }
        if let newline = message.firstIndex(of: "\n") { message = String(message[..<newline]) }
        return message.isEmpty ? "unknown error" : message
    }

    /// Calls `body` with the parameters as C strings (NULL for nil), copied with `strdup` and freed after.
    private func withParameters(_ parameters: [String?], _ body: ([UnsafePointer<CChar>?]) -> OpaquePointer?) -> PostgresResult {
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        return PostgresResult(body(copies.map { $0.map { UnsafePointer($0) } }))
    }
}
