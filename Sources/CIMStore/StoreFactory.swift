import CIMGeometry
import Foundation

/// Opens the store at an address (a `.gpkg` path or a PostgreSQL address, see ``StoreAddress``).
///
/// `update` opens it for writing. A missing GeoPackage, or a schema that does not exist, is an error
/// here: ``openOrCreateStore(_:crs:)`` creates them.
public func openStore(_ address: String, update: Bool = false) throws -> any LayerStore {
    switch try StoreAddress(address) {
    case let .geoPackage(path):
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError("no such store", file: path, hint: "import a layer first: cim import \(path) LAYER FILE")
        }
        return try GeoPackageStore.open(path, update: update)
    case let .postGIS(database):
        throw StoreError("this build of cim cannot open PostgreSQL stores yet", file: database.display)
    }
}

/// Opens the store at an address for writing, creating it when missing (a new GeoPackage file, or a new
/// schema in an existing database); a new store gets `crs` when given.
public func openOrCreateStore(_ address: String, crs: CoordinateReferenceSystem? = nil) throws -> any LayerStore {
    switch try StoreAddress(address) {
    case let .geoPackage(path):
        return try GeoPackageStore.openOrCreate(path, crs: crs)
    case let .postGIS(database):
        throw StoreError("this build of cim cannot open PostgreSQL stores yet", file: database.display)
    }
}
