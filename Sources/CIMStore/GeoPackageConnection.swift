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
}
