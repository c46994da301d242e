import Foundation

extension LayerStore {
    /// The layers with one row per building, which CityJSON export (LoD1 buildings) accepts: the buildings
    /// themselves and the per-building results of `cim coverage` and `cim gaps`.
    public static var buildingLayers: [String] { ["buildings", "coverage_buildings", "pipe_service"] }

    /// Refuses a CityJSON export of a layer that is not buildings (areas, zones, facilities … are not
    /// city objects of type Building).
    public func requireBuildingLayer(_ layer: String) throws {
        guard hasLayer(layer) else {
            throw StoreError("no such layer", file: address, layer: layer, hint: "layers here: \(layerNames.joined(separator: ", "))")
        }
        guard Self.buildingLayers.contains(layer) else {
            throw StoreError("CityJSON export writes buildings; '\(layer)' is not a building layer", file: address, layer: layer,
                             hint: "export one of \(Self.buildingLayers.filter(hasLayer).joined(separator: ", ")), or this layer as .gpkg, .geojson, .fgb or .shp")
        }
    }
}
