import CIMTables
import CIMGeometry

/// The largest coordinate an analysis accepts from a store, in the store's metres: 10⁹ (no projected
/// CRS comes near it; larger values are garbage from another tool).
let maximumSnapshotCoordinate = 1e9

/// Refuses a snapshot with a non-finite or absurd coordinate (a store written by another tool: cim's
/// import rejects such features), naming the feature, so that no analysis ever computes with it. Both
/// stores' snapshots end here; `store` is the store's address for the message.
func checkSnapshotCoordinates(_ geometries: GeometryColumn, fids: [Int64], layer: String, store: String) throws {
    let limit = maximumSnapshotCoordinate
    guard let k = geometries.xy.firstIndex(where: { !(abs($0) <= limit) }) else { return }
    let coordinate = k / 2
    let feature = (0 ..< geometries.count).first { i in
        geometries.parts(of: i).contains { p in geometries.rings(of: p).contains { geometries.coordinates(of: $0).contains(coordinate) } }
    }
    let value = geometries.xy[k]
    throw StoreError("a coordinate is \(value.isFinite ? "absurdly large (\(value))" : "\(value)"); analyses need finite coordinates within ±\(Int(limit)) m",
                     file: store, layer: layer, feature: feature.map { "fid \(fids[$0])" },
                     hint: "fix the feature, or re-import the layer with cim import (it rejects such features)")
}
