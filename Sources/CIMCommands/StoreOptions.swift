import ArgumentParser
import CIMStore

/// The store a command works on: a GeoPackage file or a schema of a PostgreSQL database with PostGIS.
/// Every command that reads a store takes it through this group, so the address forms are the same
/// everywhere (see ``StoreAddress``).
struct StoreOptions: ParsableArguments {
    @Argument(help: "The store: a GeoPackage (.gpkg) or postgresql://USER@HOST:PORT/DB?schema=NAME (also PG:…).")
    var store: String

    func validate() throws {
        do { _ = try StoreAddress(store) } catch let error as StoreError { throw ValidationError(error.description) }
    }

    /// Opens the store (for writing when `update`).
    func open(update: Bool = false) throws -> any LayerStore {
        try openStore(store, update: update)
    }
}
