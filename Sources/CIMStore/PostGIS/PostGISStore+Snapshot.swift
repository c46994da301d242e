import CIMTables
import CIMGeometry
import Foundation

extension PostGISStore {
    /// Loads a layer into memory through one `COPY (SELECT fid, ST_AsEWKB(geom), fields… ORDER BY fid) TO
    /// STDOUT (FORMAT binary)`: only the fields asked for (all when nil; a missing field is an error naming
    /// it), the EWKB parsed in Swift into the flat ``GeometryColumn``, attributes into the column types the
    /// GeoPackage store gives (integer, real, text). Coordinates that are not finite or absurd are refused
    /// with the feature's fid.
    public func snapshot(_ layerName: String, fields wanted: [String]?, progress: ((Int) -> Void)?) throws -> FeatureTable {
        guard hasLayer(layerName) else {
            throw StoreError("no such layer", file: address, layer: layerName, hint: "layers here: \(layerNames.joined(separator: ", "))")
        }
        let all = try columns(layerName)
        let key = try keyColumn(layerName)
        let geometry = try geometryColumn(layerName)
        let specs = fields(layerName).filter { spec in wanted.map { $0.contains(spec.name) } ?? true }
        if let wanted {
            for name in wanted where !specs.contains(where: { $0.name == name }) {
                throw StoreError("the layer has no field '\(name)'", file: address, layer: layerName)
            }
        }
        var selected = [key.map { PostgresConnection.quoted($0) + "::int8" } ?? "row_number() OVER ()"]
        if let geometry { selected.append("ST_AsEWKB(\(PostgresConnection.quoted(geometry.name)))") }
        for spec in specs {
            let type = all.first { $0.name == spec.name }?.type ?? "text"
            selected.append(Self.readExpression(PostgresConnection.quoted(spec.name), type: type))
        }
        let order = key.map { " ORDER BY \(PostgresConnection.quoted($0))" } ?? ""
        let expected = Int(try connection.scalar("SELECT greatest(reltuples, 0)::int8 FROM pg_class WHERE oid = to_regclass($1)", [table(layerName)]) ?? "0") ?? 0
        var reader = FeatureTableCopyCodec.Reader(fields: specs, hasGeometry: geometry != nil, expected: expected, layer: layerName, address: address)
        try connection.copyOut("COPY (SELECT \(selected.joined(separator: ", ")) FROM \(table(layerName))\(order)) TO STDOUT (FORMAT binary)",
                               what: "cannot read the layer", layer: layerName) { row in
            try reader.add(row)
            if let progress, reader.fids.count % 65_536 == 0 { progress(reader.fids.count) }
        }
        progress?(reader.fids.count)
        try checkSnapshotCoordinates(reader.geometries, fids: reader.fids, layer: layerName, store: address)
        return FeatureTable(name: layerName, geometryType: geometry?.type, geometries: reader.geometries, columns: reader.columns, crs: crs,
                            fids: reader.fids)
    }

    /// The SELECT expression that reads a column of PostgreSQL type `type` in the binary form the codec
    /// decodes: integers and reals as they are (any width), booleans as int4, numerics as float8, text
    /// types as they are, anything else as its text.
    static func readExpression(_ column: String, type: String) -> String {
        switch type {
        case "int2", "int4", "int8", "float4", "float8", "text", "varchar", "bpchar", "name": return column
        case "bool": return "\(column)::int4"
        case "numeric": return "\(column)::float8"
        default: return "\(column)::text"
        }
    }
}
