import CPostgres

/// The result of one statement (`PGresult *`), owned: freed with `PQclear` in `deinit`. Values are read
/// as text (the statements run in text result format).
final class PostgresResult {
    /// libpq's result, nil when libpq could not even allocate one (the connection's error says why).
    let handle: OpaquePointer?

    init(_ handle: OpaquePointer?) { self.handle = handle }
    deinit { if let handle { PQclear(handle) } }

    /// Number of rows (`PQntuples`).
    var rowCount: Int { handle.map { Int(PQntuples($0)) } ?? 0 }
    /// Number of columns (`PQnfields`).
    var columnCount: Int { handle.map { Int(PQnfields($0)) } ?? 0 }
    /// Rows affected by an INSERT, UPDATE, DELETE … (`PQcmdTuples`), 0 when not given.
    var affectedRows: Int { handle.flatMap { Int(String(cString: PQcmdTuples($0))) } ?? 0 }

    /// The value at (`row`, `column`) as text, nil when NULL (`PQgetisnull`, `PQgetvalue`, `PQgetlength`).
    func text(row: Int, column: Int) -> String? {
        guard let handle, PQgetisnull(handle, Int32(row), Int32(column)) == 0, let value = PQgetvalue(handle, Int32(row), Int32(column)) else {
            return nil
        }
        let length = Int(PQgetlength(handle, Int32(row), Int32(column)))
        return value.withMemoryRebound(to: UInt8.self, capacity: length) { String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self) }
    }

    /// The value as an integer, nil when NULL or not a number.
    func integer(row: Int, column: Int) -> Int64? { text(row: row, column: column).flatMap { Int64($0) } }
    /// The value as a real, nil when NULL or not a number.
    func real(row: Int, column: Int) -> Double? { text(row: row, column: column).flatMap { Double($0) } }

    /// Every row's value of one column.
    func texts(column: Int) -> [String?] { (0 ..< rowCount).map { text(row: $0, column: column) } }
}
