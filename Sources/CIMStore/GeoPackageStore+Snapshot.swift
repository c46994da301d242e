import CGDAL
import CIMGeometry
import Foundation

extension GeoPackageStore {
    /// Loads a layer into memory: geometries into a flat ``GeometryColumn`` (WKB parsed in Swift),
    /// attributes into typed columns. `fields` limits the attribute columns (all when nil). Features come
    /// in fid order.
    ///
    /// A GeoPackage layer whose fields are plain integers, reals and strings is read straight from its
    /// SQLite table (``GeoPackageConnection/read(table:layer:fidColumn:geometryColumn:fields:expected:progress:)``); anything else through OGR (`OGR_L_GetNextFeature`, the geometry
    /// exported with `OGR_G_ExportToIsoWkb`). Both give the same table.
    public func snapshot(_ layerName: String, fields wanted: [String]?, progress: ((Int) -> Void)?) throws -> FeatureTable {
        try snapshot(layerName, fields: wanted, via: .automatic, progress: progress)
    }

    /// How ``snapshot(_:fields:progress:)`` reads: the direct GeoPackage read where it can (automatic),
    /// only that (an error where it cannot), or only OGR. The tests compare the last two.
    enum SnapshotReadPath { case automatic, directOnly, ogrOnly }

    func snapshot(_ layerName: String, fields wanted: [String]?, via readPath: SnapshotReadPath, progress: ((Int) -> Void)?) throws -> FeatureTable {
        guard let layer = dataset.layer(named: layerName) else {
            throw StoreError("no such layer", file: path, layer: layerName,
                             hint: "layers here: \(layerNames.joined(separator: ", "))")
        }
        let specs = fields(layerName).filter { spec in wanted.map { $0.contains(spec.name) } ?? true }
        if let wanted {
            for name in wanted where !specs.contains(where: { $0.name == name }) {
                throw StoreError("the layer has no field '\(name)'", file: path, layer: layerName)
            }
        }
        let definition = OGR_L_GetLayerDefn(layer)
        let indices = specs.map { OGR_FD_GetFieldIndex(definition, $0.name) }
        let hasGeometry = OGR_L_GetGeomType(layer) != wkbNone
        let expected = Int(OGR_L_GetFeatureCount(layer, 1))
        let type: GeometryType?
        switch OGR_GT_Flatten(OGR_L_GetGeomType(layer)) {
        case wkbNone: type = nil
        case wkbPoint: type = .point
        case wkbLineString: type = .lineString
        case wkbPolygon: type = .polygon
        case wkbMultiPoint: type = .multiPoint
        case wkbMultiLineString: type = .multiLineString
        case wkbMultiPolygon: type = .multiPolygon
        default: type = .geometryCollection
        }
        // A GeoPackage not made by cim has no store CRS: take the layer's own.
        let layerCRS = crs ?? layerCRSDefinition(layer).flatMap { try? CoordinateReferenceSystem($0) }

        let plainFields = indices.allSatisfy { [OFTInteger, OFTInteger64, OFTReal, OFTString].contains(OGR_Fld_GetType(OGR_FD_GetFieldDefn(definition, $0))) }
        let driver = GDALGetDatasetDriver(dataset.handle).flatMap { GDALGetDriverShortName($0) }.map { String(cString: $0) }
        if readPath != .ogrOnly, plainFields, driver == "GPKG", let reader = GeoPackageConnection(dataset: dataset),
           let fidColumn = OGR_L_GetFIDColumn(layer).map({ String(cString: $0) }), !fidColumn.isEmpty {
            let geometryColumn = hasGeometry ? OGR_L_GetGeometryColumn(layer).map { String(cString: $0) } : nil
            if !hasGeometry || (geometryColumn.map { !$0.isEmpty } ?? false) {
                do {
                    let rows = try reader.read(table: layerName, layer: layerName, fidColumn: fidColumn, geometryColumn: geometryColumn,
                                               fields: specs, expected: expected, progress: progress)
                    progress?(rows.fids.count)
                    try checkCoordinates(rows.geometries, fids: rows.fids, layer: layerName)
                    return FeatureTable(name: layerName, geometryType: type, geometries: rows.geometries, columns: rows.columns, crs: layerCRS, fids: rows.fids)
                } catch is GeoPackageConnection.Unsupported {
                    // Read through OGR below.
                }
            }
        }
        if readPath == .directOnly { throw StoreError("the layer cannot be read directly from its GeoPackage table", file: path, layer: layerName) }

        var geometries = GeometryColumn()
        geometries.reserve(features: expected, coordinates: expected * 6)
        var values = ColumnAccumulator(specs, expected: expected)
        var fids: [Int64] = []
        fids.reserveCapacity(expected)
        var buffer = [UInt8](repeating: 0, count: 1024)
        OGR_L_SetSpatialFilter(layer, nil)
        OGR_L_SetAttributeFilter(layer, nil)
        OGR_L_ResetReading(layer)
        GDAL.reset()
        while let owned = OGRFeature.next(of: layer) {
            let feature = owned.handle
            let fid = OGR_F_GetFID(feature)
            fids.append(fid)
            if hasGeometry {
                if let geometry = OGR_F_GetGeometryRef(feature) {
                    let size = Int(OGR_G_WkbSizeEx(geometry))
                    if buffer.count < size { buffer = [UInt8](repeating: 0, count: size * 2) }
                    try buffer.withUnsafeMutableBytes { raw in
                        guard OGR_G_ExportToIsoWkb(geometry, wkbNDR, raw.baseAddress) == OGRERR_NONE else {
                            throw StoreError("cannot read geometry", file: path, layer: layerName, feature: "fid \(fid)")
                        }
                        do {
                            try geometries.appendWKB(UnsafeRawBufferPointer(rebasing: raw[0 ..< size]))
                        } catch {
                            throw StoreError("bad geometry: \(error)", file: path, layer: layerName, feature: "fid \(fid)")
                        }
                    }
                } else {
                    geometries.beginFeature(.geometryCollection)
                    geometries.endFeature()
                }
            }
            for (k, spec) in specs.enumerated() {
                switch spec.type {
                case .integer: values.append(k, integer: fieldInt(feature, indices[k]))
                case .real: values.append(k, real: fieldDouble(feature, indices[k]))
                case .text: values.append(k, text: fieldString(feature, indices[k]))
                }
            }
            if let progress, fids.count % 8192 == 0 { progress(fids.count) }
        }
        progress?(fids.count)
        try checkCoordinates(geometries, fids: fids, layer: layerName)
        return FeatureTable(name: layerName, geometryType: type, geometries: geometries, columns: values.columns, crs: layerCRS, fids: fids)
    }

    /// The largest coordinate an analysis accepts from a store, in the store's metres: 10⁹ (no projected
    /// CRS comes near it; larger values are garbage from another tool).
    public static let maximumCoordinate = 1e9

    /// Refuses a snapshot with a non-finite or absurd coordinate (a store written by another tool: cim's
    /// import rejects such features), naming the feature, so that no analysis ever computes with it.
    func checkCoordinates(_ geometries: GeometryColumn, fids: [Int64], layer: String) throws {
        let limit = Self.maximumCoordinate
        guard let k = geometries.xy.firstIndex(where: { !(abs($0) <= limit) }) else { return }
        let coordinate = k / 2
        let feature = (0 ..< geometries.count).first { i in
            geometries.parts(of: i).contains { p in geometries.rings(of: p).contains { geometries.coordinates(of: $0).contains(coordinate) } }
        }
        let value = geometries.xy[k]
        throw StoreError("a coordinate is \(value.isFinite ? "absurdly large (\(value))" : "\(value)"); analyses need finite coordinates within ±\(Int(limit)) m",
                         file: path, layer: layer, feature: feature.map { "fid \(fids[$0])" },
                         hint: "fix the feature, or re-import the layer with cim import (it rejects such features)")
    }
}
