import CIMGeometry
import CIMIndex

/// The two CRSs of an import.
struct ImportCRS {
    var source: CoordinateReferenceSystem
    var target: CoordinateReferenceSystem
    var warning: String?
}

extension LayerStore {
    /// Decides an import's CRSs. The source CRS is the one given (`--source-crs`), else the one the source
    /// declares, else EPSG:4326 with a warning when the coordinates look like lon/lat, else an error asking
    /// for `--source-crs`. The target is the store's CRS; a new store takes `--crs`, else the source's own
    /// when it is projected, else the metric CRS for the data's lon/lat bounds.
    /// `missing` says what the source lacks, e.g. "the source has no CRS".
    func importCRS(given: CoordinateReferenceSystem?, declared: CoordinateReferenceSystem?, extent: Envelope?, featureCount: Int,
                   storeWanted: CoordinateReferenceSystem?, missing: String, file: String, layer: String?,
                   example: String) throws -> ImportCRS {
        var warning: String?
        let source: CoordinateReferenceSystem
        if let known = given ?? declared {
            source = known
        } else if let extent, !CoordinateReferenceSystem.looksLikeLonLat(extent) {
            throw StoreError("\(missing) and its coordinates are not lon/lat", file: file, layer: layer,
                             hint: "pass --source-crs, e.g. --source-crs \(example)")
        } else {
            source = .wgs84
            if featureCount > 0 {
                warning = "\(missing); its coordinates look like lon/lat, so EPSG:4326 is assumed (pass --source-crs to override)"
            }
        }
        let target: CoordinateReferenceSystem
        if let existing = crs {
            target = existing
        } else if let wanted = storeWanted {
            target = wanted
        } else if source.isGeographic {
            guard let extent else { throw StoreError("the source has no features to choose a CRS from", file: file, hint: "pass --crs") }
            target = try CoordinateReferenceSystem.metricCRS(forLonLatBounds: extent)
        } else {
            target = source
        }
        return ImportCRS(source: source, target: target, warning: warning)
    }
}
