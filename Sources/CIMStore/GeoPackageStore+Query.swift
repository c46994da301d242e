import CIMTables
import CGDAL
import CIMGeometry
import CIMIndex
import Foundation

extension GeoPackageStore {
    /// Answers a query through GeoPackage's R-tree (`OGR_L_SetSpatialFilterRect` on the window, or on the
    /// point's box grown by the distance), an attribute filter (`OGR_L_SetAttributeFilter`), then exact
    /// GEOS distances for `near`; `near` results are sorted by distance, others by fid.
    public func query(_ layerName: String, _ query: LayerQuery) throws -> QueryResult {
        guard let layer = dataset.layer(named: layerName) else {
            throw StoreError("no such layer", file: path, layer: layerName, hint: "layers here: \(layerNames.joined(separator: ", "))")
        }
        let specs = fields(layerName)
        var clauses: [String] = []
        for (field, value) in query.equals {
            guard let spec = specs.first(where: { $0.name == field }) else {
                throw StoreError("the layer has no field '\(field)'", file: path, layer: layerName,
                                 hint: "fields: \(specs.map(\.name).joined(separator: ", "))")
            }
            if spec.type == .text { clauses.append("\"\(field)\" = '\(sqlEscape(value))'") }
            else {
                guard Double(value) != nil else { throw StoreError("'\(value)' is not a number for field '\(field)'", file: path, layer: layerName) }
                clauses.append("\"\(field)\" = \(value)")
            }
        }
        if query.near != nil && query.within == nil {
            throw StoreError("--near needs --within METRES", file: path, layer: layerName)
        }
        // A table without geometry (cim_batch_summary) answers attribute queries; a place needs a geometry.
        let attributeOnly = OGR_L_GetGeomType(layer) == wkbNone
        if attributeOnly && (query.bbox != nil || query.near != nil) {
            throw StoreError("the layer has no geometry to query by place", file: path, layer: layerName, hint: "query it with --where or --limit only")
        }
        var window = query.bbox
        if let near = query.near, let d = query.within {
            let box = Envelope(minX: near.x - d, minY: near.y - d, maxX: near.x + d, maxY: near.y + d)
            window = window.map { Envelope(minX: max($0.minX, box.minX), minY: max($0.minY, box.minY), maxX: min($0.maxX, box.maxX), maxY: min($0.maxY, box.maxY)) } ?? box
        }
        GDAL.reset()
        if let w = window { OGR_L_SetSpatialFilterRect(layer, w.minX, w.minY, w.maxX, w.maxY) } else { OGR_L_SetSpatialFilter(layer, nil) }
        guard OGR_L_SetAttributeFilter(layer, clauses.isEmpty ? nil : clauses.joined(separator: " AND ")) == OGRERR_NONE else {
            throw StoreError("bad filter: \(GDAL.lastError("OGR_L_SetAttributeFilter"))", file: path, layer: layerName)
        }
        defer { OGR_L_SetSpatialFilter(layer, nil); OGR_L_SetAttributeFilter(layer, nil) }

        var geometries = GeometryColumn()
        // Read typed (OGR_F_GetFieldAsInteger64 / _AsDouble), never through text: reals come back exactly.
        var values = [[AttributeValue]](repeating: [], count: specs.count)
        var fids: [Int64] = []
        var distances: [Double] = []
        let context = GEOSContext.current
        let point = try query.near.map { try Geometry(x: $0.x, y: $0.y, context: context) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        OGR_L_ResetReading(layer)
        let unordered = query.near == nil
        // Only an unfiltered scan comes in fid order (a window comes in R-tree order), so only it can stop early.
        let fidOrdered = unordered && window == nil && clauses.isEmpty
        while let owned = OGRFeature.next(of: layer) {
            let feature = owned.handle
            var single = GeometryColumn()
            if attributeOnly {
                // No geometry: an empty collection keeps the rows and the geometry column aligned.
                single.beginFeature(.geometryCollection)
                single.endFeature()
            } else {
                guard let geometry = OGR_F_GetGeometryRef(feature) else { continue }
                let size = Int(OGR_G_WkbSizeEx(geometry))
                if buffer.count < size { buffer = [UInt8](repeating: 0, count: size * 2) }
                _ = buffer.withUnsafeMutableBytes { OGR_G_ExportToIsoWkb(geometry, wkbNDR, $0.baseAddress) }
                try buffer.withUnsafeBytes { try single.appendWKB(UnsafeRawBufferPointer(rebasing: $0[0 ..< size])) }
            }
            if let point, let limit = query.within {
                let d = try point.distance(to: single.geometry(0, context: context))
                guard d <= limit else { continue }
                distances.append(d)
            }
            geometries.append(single, feature: 0)
            fids.append(OGR_F_GetFID(feature))
            for (k, spec) in specs.enumerated() {
                let f = Int32(k)
                switch spec.type {
                case .integer: values[k].append(fieldInt(feature, f).map { .integer($0) } ?? .null)
                case .real: values[k].append(fieldDouble(feature, f).map { .real($0) } ?? .null)
                case .text: values[k].append(fieldString(feature, f).map { .text($0) } ?? .null)
                }
            }
            if fidOrdered, let limit = query.limit, fids.count >= limit { break }
        }
        var order = Array(fids.indices)
        if unordered { order.sort { fids[$0] < fids[$1] } } else { order.sort { (distances[$0], fids[$0]) < (distances[$1], fids[$1]) } }
        if let limit = query.limit, order.count > limit { order = Array(order.prefix(limit)) }
        let columns = specs.enumerated().map { k, spec -> AttributeColumn in
            let picked = order.map { values[k][$0] }
            switch spec.type {
            case .integer: return AttributeColumn(spec.name, .integer(picked.map { if case let .integer(x) = $0 { return x } else { return nil } }))
            case .real: return AttributeColumn(spec.name, .real(picked.map { if case let .real(x) = $0 { return x } else { return nil } }))
            case .text: return AttributeColumn(spec.name, .text(picked.map { if case let .text(x) = $0 { return x } else { return nil } }))
            }
        }
        let table = FeatureTable(name: layerName, geometryType: nil, geometries: geometries.subset(order), columns: columns, crs: crs,
                                 fids: order.map { fids[$0] })
        return QueryResult(table: table, distances: unordered ? nil : order.map { distances[$0] })
    }
}
