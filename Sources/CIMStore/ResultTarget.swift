import CIMGeometry
import Foundation

/// Checks, before any work, that the results of an analysis of `source` can go to `address` (`--out`: a
/// GeoPackage path or a PostgreSQL address). A new GeoPackage needs an existing folder and a .gpkg name; an
/// existing file must be a GeoPackage; an existing store whose CRS is set must have the source store's — results
/// are never written in one CRS under another's name.
public func checkResultTarget(_ address: String, for source: any LayerStore) throws {
    let target: any LayerStore
    switch try StoreAddress(address) {
    case let .geoPackage(path):
        try GeoPackageStore.checkExportTarget(URL(fileURLWithPath: path))
        guard FileManager.default.fileExists(atPath: path) else {
            guard path.lowercased().hasSuffix(".gpkg") else {
                throw StoreError("a store is a GeoPackage and its name must end in .gpkg", file: path)
            }
            return
        }
        do { target = try GeoPackageStore.open(path) } catch let error as StoreError where error.cause == nil {
            throw StoreError("the target exists and is not a GeoPackage", file: path, hint: "choose another name")
        }
    case .postGIS:
        guard let existing = try? openStore(address) else { return }
        target = existing
    }
    if let theirs = target.crs, let ours = source.crs, theirs != ours {
        throw StoreError("the store's CRS is \(theirs.identifier), the results are in \(ours.identifier)", file: target.address,
                         hint: "write them to a new store, or to a store in \(ours.identifier)")
    }
}

/// Opens (or creates) the store at `address` for the results of an analysis of `source`, after
/// ``checkResultTarget(_:for:)``; a new store gets the source's CRS.
public func openResultTarget(_ address: String, for source: any LayerStore) throws -> any LayerStore {
    try checkResultTarget(address, for: source)
    return try openOrCreateStore(address, crs: source.crs)
}
