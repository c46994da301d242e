import CSQLite

/// GDAL's own SQLite connection to an open GeoPackage (``OGRDataset/sqliteConnection``), on which the
/// store's bulk paths run inside GDAL's transactions: reading a feature table straight from SQLite
/// (GeoPackageConnection+Read) and writing rows and the R-tree of a new layer (GeoPackageConnection+Insert).
/// GDAL still creates the tables, the GeoPackage metadata rows and the R-tree virtual table.
struct GeoPackageConnection {
    let db: OpaquePointer
    /// The GeoPackage file, for error messages.
    let path: String

    /// GDAL's SQLite connection of a GeoPackage dataset, nil when the driver does not expose one.
    init?(dataset: OGRDataset) {
        guard let db = dataset.sqliteConnection else { return nil }
        self.db = db
        path = dataset.path
    }

    /// The error of a failed SQLite call on this connection, its cause translated (``StoreError/sqlite(_:detail:what:file:layer:feature:)``):
    /// reads `sqlite3_extended_errcode` and `sqlite3_errmsg` (before `statement`, when given, is reset).
    func failure(_ status: Int32, _ what: String, layer: String?, feature: String? = nil, statement: OpaquePointer? = nil) -> StoreError {
        let code = status == SQLITE_ERROR || status == SQLITE_OK ? sqlite3_extended_errcode(db) : status
        let detail = String(cString: sqlite3_errmsg(db))
        if let statement { sqlite3_reset(statement) }
        return StoreError.sqlite(code, detail: detail, what: what, file: path, layer: layer, feature: feature)
    }

    /// True while a transaction is open on the connection (`sqlite3_get_autocommit` is 0). SQLite rolls a
    /// transaction back by itself after some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM …); nothing
    /// may be written after that, or it would land in autocommit, outside the transaction.
    var inTransaction: Bool { sqlite3_get_autocommit(db) == 0 }
}
