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
        if StoreError.Cause(sqliteCode: code) == nil && !inTransaction {
            // SQLite rolled the write back during an earlier call (GDAL's, which did not report it): its
            // cause is GDAL's last error message.
            return StoreError.gdal(what, message: GDAL.lastError(detail), file: path, layer: layer, feature: feature)
        }
        return StoreError.sqlite(code, detail: detail, what: what, file: path, layer: layer, feature: feature)
    }

    /// True while a transaction is open on the connection (`sqlite3_get_autocommit` is 0). SQLite rolls a
    /// transaction back by itself after some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM …); nothing
    /// may be written after that, or it would land in autocommit, outside the transaction.
    var inTransaction: Bool { sqlite3_get_autocommit(db) == 0 }
}

/// Which commits SQLite may make on GDAL's connection during and after a store write
/// (``GeoPackageConnection/install(_:)``, `sqlite3_commit_hook`). SQLite rolls a transaction back by
/// itself after some errors (SQLITE_FULL, SQLITE_IOERR …) and GDAL does not notice: its next statements
/// (the rest of a layer deletion, a deferred R-tree, cached counts written at close) would run in
/// autocommit, outside any transaction, and change the store half-way. While a write is open only its own
/// COMMIT passes; after such a failure nothing does.
final class CommitGate {
    enum Mode {
        /// Every commit passes (no write in progress).
        case open
        /// A write's transaction is open: any other commit (an autocommit statement) is turned into a rollback.
        case writing
        /// The write's own COMMIT is under way.
        case committing
        /// A write failed after SQLite rolled it back: every commit is turned into a rollback, for good.
        case sealed
    }
    var mode = Mode.open
}

extension GeoPackageConnection {
    /// Makes `gate` decide every commit on this connection (`sqlite3_commit_hook`; a non-zero return turns
    /// the commit into a rollback). The gate must live as long as the connection (the dataset keeps it).
    func install(_ gate: CommitGate) {
        sqlite3_commit_hook(db, { context in
            guard let context else { return 0 }
            switch Unmanaged<CommitGate>.fromOpaque(context).takeUnretainedValue().mode {
            case .open, .committing: return 0
            case .writing, .sealed: return 1
            }
        }, Unmanaged.passUnretained(gate).toOpaque())
    }
}

extension GeoPackageConnection {
    /// How long a statement waits for another process's lock on the store before it fails with
    /// SQLITE_BUSY ("the store is busy: another process is writing it"): 5 s.
    static let busyTimeoutMilliseconds: Int32 = 5_000

    /// Makes statements wait up to ``busyTimeoutMilliseconds`` for a lock (`sqlite3_busy_timeout`).
    func waitForLocks() { sqlite3_busy_timeout(db, Self.busyTimeoutMilliseconds) }
}
