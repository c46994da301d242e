import CGDAL

/// An OGR feature (`OGRFeatureH`) owned by this object and destroyed with `OGR_F_Destroy` when released.
final class OGRFeature {
    let handle: OGRFeatureH

    /// Takes ownership of a feature GDAL returned (e.g. from `OGR_L_GetNextFeature`).
    init(taking handle: OGRFeatureH) { self.handle = handle }

    /// A new, empty feature of a layer definition (`OGR_F_Create`), nil when GDAL cannot make one.
    convenience init?(definition: OGRFeatureDefnH?) {
        guard let handle = OGR_F_Create(definition) else { return nil }
        self.init(taking: handle)
    }

    /// The next feature of a layer's reading (`OGR_L_GetNextFeature`), nil at the end.
    static func next(of layer: OGRLayerH) -> OGRFeature? {
        OGR_L_GetNextFeature(layer).map { OGRFeature(taking: $0) }
    }

    deinit { OGR_F_Destroy(handle) }
}

/// An OGR spatial reference (`OGRSpatialReferenceH`) owned by this object and destroyed with
/// `OSRDestroySpatialReference` when released.
final class SpatialReference {
    let handle: OGRSpatialReferenceH

    private init(handle: OGRSpatialReferenceH) { self.handle = handle }

    /// The spatial reference of a definition ("EPSG:4548", WKT, PROJ string) with x = easting or longitude
    /// (`OSRNewSpatialReference`, `OSRSetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER)`,
    /// `OSRSetFromUserInput`); nil when GDAL does not know it.
    convenience init?(definition: String) {
        guard let handle = OSRNewSpatialReference(nil) else { return nil }
        self.init(handle: handle)
        OSRSetAxisMappingStrategy(handle, OAMS_TRADITIONAL_GIS_ORDER)
        guard OSRSetFromUserInput(handle, definition) == OGRERR_NONE else { return nil }
    }

    /// A copy of a spatial reference GDAL owns (`OSRClone`).
    convenience init?(cloning other: OGRSpatialReferenceH) {
        guard let handle = OSRClone(other) else { return nil }
        self.init(handle: handle)
    }

    deinit { OSRDestroySpatialReference(handle) }
}
