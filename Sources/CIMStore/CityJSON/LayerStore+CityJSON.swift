import CIMGeometry
import Foundation

extension LayerStore {
    /// Imports the buildings of a CityJSON file or CityJSON Sequence into the bundle layer `buildings`
    /// (``CityJSONReader/readBuildings(_:sourceCRS:fieldMap:values:progress:)``, then
    /// ``importCityJSON(_:options:)``). The whole file is read and checked before the store is touched:
    /// a malformed file throws and leaves the store as it was.
    public func importCityJSON(_ options: ImportOptions, progress: ((String, Int) -> Void)? = nil) throws -> ImportReport {
        try Self.checkCityJSONLayer(options)
        let buildings = try CityJSONReader.readBuildings(options.source, sourceCRS: options.sourceCRS, fieldMap: options.fieldMap,
                                                         values: options.values) { progress?("reading \(options.source)", $0) }
        return try importCityJSON(buildings, options: options, progress: progress)
    }

    /// Writes buildings read from CityJSON as the layer `buildings`, replacing it in one transaction.
    /// Footprints are reprojected to the store's CRS (set from the data on a new store: the file's
    /// horizontal CRS when projected, else the metric CRS for its lon/lat bounds). `options` gives the
    /// layer (must be `buildings`), the source path and the store CRS for a new store.
    public func importCityJSON(_ buildings: CityJSONBuildings, options: ImportOptions,
                               progress: ((String, Int) -> Void)? = nil) throws -> ImportReport {
        let started = Date()
        try Self.checkCityJSONLayer(options)
        guard buildings.count > 0 else {
            let skipped = buildings.skipped.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
            throw StoreError("the file has no buildings with a footprint (\(buildings.objectsRead) city objects\(skipped.isEmpty ? "" : ": " + skipped))",
                             file: buildings.source, hint: "the layer buildings was left as it was")
        }
        var warnings = buildings.warnings
        var table = buildings.table(crs: nil)
        let crsChoice = try importCRS(given: options.sourceCRS, declared: buildings.crs, extent: table.extent, featureCount: table.count,
                                      storeWanted: options.storeCRS, missing: "the CityJSON has no metadata.referenceSystem",
                                      file: buildings.source, layer: nil, example: "EPSG:28992")
        let sourceCRS = crsChoice.source, targetCRS = crsChoice.target
        if let warning = crsChoice.warning { warnings.append(warning) }
        if sourceCRS != targetCRS {
            do {
                try CoordinateTransform(from: sourceCRS, to: targetCRS).transform(&table.geometries)
            } catch {
                throw StoreError("reprojection from \(sourceCRS.identifier) to \(targetCRS.identifier) failed: \(error)", file: buildings.source,
                                 hint: "check --source-crs")
            }
        }
        table.crs = targetCRS
        let kind = buildings.isSequence ? "CityJSONSeq \(buildings.version)" : "CityJSON \(buildings.version)"
        let provenance = LayerProvenance(source: buildings.source, sourceLayer: kind, sourceCRS: sourceCRS.identifier,
                                         repaired: buildings.repaired, rejected: buildings.rejected, issues: buildings.issues)
        try writeLayer(table, provenance: provenance, establishing: targetCRS) { progress?("writing buildings", $0) }
        return ImportReport(layer: BundleLayer.buildings.name, source: buildings.source, sourceLayers: [kind],
                            read: buildings.objectsRead, selected: buildings.count + buildings.rejected, imported: table.count,
                            repaired: buildings.repaired, rejected: buildings.rejected, split: 0, sourceCRS: sourceCRS.identifier,
                            storeCRS: targetCRS.identifier, warnings: warnings, issues: buildings.issues,
                            seconds: buildings.seconds + Date().timeIntervalSince(started))
    }

    private static func checkCityJSONLayer(_ options: ImportOptions) throws {
        guard options.layer == BundleLayer.buildings.name else {
            throw StoreError("a CityJSON source imports into the layer buildings, not \(options.layer)", file: options.source,
                             hint: "cim import STORE buildings \(options.source)")
        }
    }

    /// Exports a polygonal layer as a CityJSON 2.0 file of LoD1 buildings (see ``CityJSONWriter``), with
    /// the store's CRS as `metadata.referenceSystem`. The file is written beside the target and moved into
    /// place only when complete.
    @discardableResult
    public func exportCityJSON(_ layer: String, to output: String, options: CityJSONExportOptions = CityJSONExportOptions()) throws -> CityJSONExportReport {
        guard hasLayer(layer) else {
            throw StoreError("no such layer", file: address, layer: layer, hint: "layers here: \(layerNames.joined(separator: ", "))")
        }
        let table = try snapshot(layer)
        guard table.geometryType != nil else {
            throw StoreError("the layer has no geometry to export as 3D buildings", file: address, layer: layer)
        }
        return try CityJSONWriter.write(table, crs: crs, to: output, options: options)
    }
}
