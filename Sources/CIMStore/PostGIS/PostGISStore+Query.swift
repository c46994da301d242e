import CIMTables
import CIMGeometry
import CIMIndex
import Foundation

extension PostGISStore {
    /// Answers a query through the layer's GiST index: a window is `ST_Intersects` with the box (exact, as
    /// OGR's rectangle filter on the GeoPackage); `near` takes the features whose box meets the point's box
    /// grown by the distance (`&&`), then keeps those within the distance by the exact GEOS distance the
    /// GeoPackage store computes, sorted by distance then fid; other queries come in fid order. Values of
    /// `equals` are bound parameters.
    public func query(_ layerName: String, _ query: LayerQuery) throws -> QueryResult {
        guard hasLayer(layerName) else {
            throw StoreError("no such layer", file: address, layer: layerName, hint: "layers here: \(layerNames.joined(separator: ", "))")
        }
        let specs = fields(layerName)
        let all = try columns(layerName)
        var clauses: [String] = []
        var parameters: [String?] = []
        func parameter(_ value: String) -> String {
            parameters.append(value)
            return "$\(parameters.count)"
        }
        for (field, value) in query.equals {
            guard let spec = specs.first(where: { $0.name == field }) else {
                throw StoreError("the layer has no field '\(field)'", file: address, layer: layerName,
                                 hint: "fields: \(specs.map(\.name).joined(separator: ", "))")
            }
            if spec.type == .text {
                clauses.append("\(PostgresConnection.quoted(field))::text = \(parameter(value))")
            } else {
                guard Double(value) != nil else { throw StoreError("'\(value)' is not a number for field '\(field)'", file: address, layer: layerName) }
                clauses.append("\(Self.readExpression(PostgresConnection.quoted(field), type: all.first { $0.name == field }?.type ?? ""))::float8 = \(parameter(value))::float8")
            }
        }
        if query.near != nil && query.within == nil {
            throw StoreError("--near needs --within METRES", file: address, layer: layerName)
        }
        // A table without geometry (cim_batch_summary) answers attribute queries; a place needs a geometry.
        let geometry = try geometryColumn(layerName)
        if geometry == nil && (query.bbox != nil || query.near != nil) {
            throw StoreError("the layer has no geometry to query by place", file: address, layer: layerName, hint: "query it with --where or --limit only")
        }
        let g = geometry.map { PostgresConnection.quoted($0.name) } ?? "NULL::geometry"
        func box(_ e: Envelope) -> String {
            "ST_MakeEnvelope(\(parameter("\(e.minX)"))::float8, \(parameter("\(e.minY)"))::float8, \(parameter("\(e.maxX)"))::float8, \(parameter("\(e.maxY)"))::float8, \(geometry?.srid ?? 0))"
        }
        if let bbox = query.bbox { clauses.append("ST_Intersects(\(g), \(box(bbox)))") }
        if let near = query.near, let d = query.within {
            clauses.append("\(g) && \(box(Envelope(minX: near.x - d, minY: near.y - d, maxX: near.x + d, maxY: near.y + d)))")
        }
        if clauses.isEmpty { clauses.append("true") }
        let key = try keyColumn(layerName).map(PostgresConnection.quoted) ?? "ctid"
        var sql = "SELECT \(key == "ctid" ? "0" : key + "::int8"), encode(ST_AsEWKB(\(g)), 'hex')"
        sql += specs.map { spec in ", " + Self.readExpression(PostgresConnection.quoted(spec.name), type: all.first { $0.name == spec.name }?.type ?? "") + "::text" }.joined()
        sql += " FROM \(table(layerName)) WHERE \(clauses.joined(separator: " AND ")) ORDER BY \(key)"
        if query.near == nil, let limit = query.limit { sql += " LIMIT \(parameter(String(limit)))" }
        let result = try connection.execute(sql, parameters, what: "cannot query the layer", layer: layerName)

        var geometries = GeometryColumn()
        var fids: [Int64] = []
        var distances: [Double] = []
        var rows: [Int] = []
        let context = GEOSContext.current
        let point = try query.near.map { try Geometry(x: $0.x, y: $0.y, context: context) }
        for r in 0 ..< result.rowCount {
            let fid = result.integer(row: r, column: 0) ?? 0
            var single = GeometryColumn()
            do {
                if let hex = result.text(row: r, column: 1) {
                    try single.appendWKB(Self.bytes(hex: hex))
                } else {
                    // A null geometry, as the GeoPackage store reads one (an empty collection).
                    single.beginFeature(.geometryCollection)
                    single.endFeature()
                }
            } catch {
                throw StoreError("bad geometry: \(error)", file: address, layer: layerName, feature: "fid \(fid)")
            }
            if let point, let limit = query.within {
                let d = try point.distance(to: single.geometry(0, context: context))
                guard d <= limit else { continue }
                distances.append(d)
            }
            geometries.append(single, feature: 0)
            fids.append(fid)
            rows.append(r)
        }
        var order = Array(fids.indices)
        if query.near != nil { order.sort { (distances[$0], fids[$0]) < (distances[$1], fids[$1]) } }
        if let limit = query.limit, order.count > limit { order = Array(order.prefix(limit)) }
        let columns = specs.enumerated().map { k, spec -> AttributeColumn in
            let picked = order.map { result.text(row: rows[$0], column: 2 + k) }
            switch spec.type {
            case .integer: return AttributeColumn(spec.name, .integer(picked.map { $0.flatMap { Int64($0) } }))
            case .real: return AttributeColumn(spec.name, .real(picked.map { $0.flatMap { Double($0) } }))
            case .text: return AttributeColumn(spec.name, .text(picked))
            }
        }
        let table = FeatureTable(name: layerName, geometryType: nil, geometries: geometries.subset(order), columns: columns, crs: crs,
                                 fids: order.map { fids[$0] })
        return QueryResult(table: table, distances: query.near == nil ? nil : order.map { distances[$0] })
    }

    /// The bytes of a hexadecimal string (PostgreSQL's `encode(…, 'hex')`).
    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case 48 ... 57: v = c - 48
            case 97 ... 102: v = c - 87
            case 65 ... 70: v = c - 55
            default: continue
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return out
    }
}
