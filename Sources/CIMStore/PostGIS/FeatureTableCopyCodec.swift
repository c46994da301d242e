import CIMGeometry
import CIMTables
import Foundation

/// A ``FeatureTable`` in PostgreSQL's binary COPY format, both ways.
///
/// Rows are `fid, geom, fields…`: fid int8 (1 … n, the table's order), the geometry as EWKB with the
/// store's SRID (``GeometryColumn/appendWKB(of:to:)`` with the SRID flag and value spliced in; PostGIS's
/// `geometry_recv` reads it), integers as int8, reals as float8 (non-finite values as NULL, as the
/// GeoPackage store writes them), text as text, 0/1 flags as int2, NULLs as NULL. Reading takes the
/// geometry as `ST_AsEWKB` (bytea) and integers and reals of any width, into the column types the
/// GeoPackage store's snapshots have (integer, real, text).
enum FeatureTableCopyCodec {
    /// The SQL type of an attribute column.
    static func sqlType(_ values: AttributeValues) -> String {
        switch values {
        case .integer: return "bigint"
        case .flag: return "smallint"
        case .real, .realOrNaN: return "double precision"
        case .text: return "text"
        }
    }

    /// The PostGIS type of a layer's geometry column: `geometry(MultiPolygon, 4547)` for a layer of one
    /// type, `geometry(Geometry, 4547)` for a mixed one (facilities: points and polygons).
    static func geometrySQLType(_ type: GeometryType, srid: Int32) -> String {
        "geometry(\(postGISTypeName(type)), \(srid))"
    }

    /// PostGIS's name of a geometry type (`Geometry` for collections and mixed layers).
    static func postGISTypeName(_ type: GeometryType) -> String {
        switch type {
        case .point, .lineString, .polygon, .multiPoint, .multiLineString, .multiPolygon: return type.description
        case .geometryCollection, .linearRing: return "Geometry"
        }
    }

    /// The geometry type of a layer from PostGIS's type name (`geometry_columns.type`); nil for none.
    static func geometryType(postGISName name: String) -> GeometryType {
        switch name.uppercased() {
        case "POINT": return .point
        case "LINESTRING": return .lineString
        case "POLYGON": return .polygon
        case "MULTIPOINT": return .multiPoint
        case "MULTILINESTRING": return .multiLineString
        case "MULTIPOLYGON": return .multiPolygon
        default: return .geometryCollection
        }
    }

    /// The column list of the COPY of `table`: fid, the geometry column (when the table has geometries),
    /// the attribute columns, each quoted.
    static func copyColumns(_ table: FeatureTable, geometryColumn: String) -> String {
        var names = ["fid"]
        if table.geometryType != nil { names.append(geometryColumn) }
        names += table.columns.map(\.name)
        return names.map(PostgresConnection.quoted).joined(separator: ", ")
    }

    /// Writes every row of `table` into `writer`: fid = row + 1, the geometry as EWKB with `srid`
    /// (a feature with no parts whose type is not the layer's, i.e. a null geometry, as NULL), the
    /// attributes by their column kind. `progress` gets the rows written so far.
    static func write(_ table: FeatureTable, srid: Int32, into writer: PostgresCopyIn, progress: ((Int) -> Void)?) throws {
        let hasGeometry = table.geometryType != nil
        let fieldCount = 1 + (hasGeometry ? 1 : 0) + table.columns.count
        let geometries = table.geometries
        let layerType = table.geometryType
        let sridBytes = withUnsafeBytes(of: UInt32(bitPattern: srid).littleEndian) { Array($0) }
        for i in 0 ..< table.count {
            try writer.beginRow(fields: fieldCount)
            writer.append(int64: Int64(i + 1))
            if hasGeometry {
                if geometries.parts(of: i).isEmpty && geometries.types[i] != layerType && postGISTypeName(layerType!) != "Geometry" {
                    writer.appendNull()
                } else {
                    writer.appendField { out in appendEWKB(geometries, i, sridBytes: sridBytes, to: &out) }
                }
            }
            for column in table.columns {
                switch column.values {
                case let .integer(v): if let x = v[i] { writer.append(int64: x) } else { writer.appendNull() }
                case let .flag(v): writer.append(int16: v[i] ? 1 : 0)
                case let .real(v): if let x = v[i], x.isFinite { writer.append(float64: x) } else { writer.appendNull() }
                case let .realOrNaN(v): if v[i].isFinite { writer.append(float64: v[i]) } else { writer.appendNull() }
                case let .text(v): if let x = v[i] { writer.append(text: x) } else { writer.appendNull() }
                }
            }
            if let progress, (i + 1) % 65_536 == 0 { progress(i + 1) }
        }
        progress?(table.count)
    }

    /// Appends feature `i` as little-endian EWKB with an SRID: the ISO WKB of
    /// ``GeometryColumn/appendWKB(of:to:)`` (2D type codes are EWKB's) with the SRID flag (0x20000000) set
    /// on the outer type and the SRID inserted after it.
    static func appendEWKB(_ geometries: GeometryColumn, _ i: Int, sridBytes: [UInt8], to out: inout [UInt8]) {
        let start = out.count
        geometries.appendWKB(of: i, to: &out)
        out[start + 4] |= 0x20  // the type's high byte (little-endian): the SRID flag
        out.insert(contentsOf: sridBytes, at: start + 5)
    }

    /// Collects the rows of `COPY (SELECT fid, ST_AsEWKB(geom), fields… ORDER BY fid) TO STDOUT (FORMAT
    /// binary)` into a table's parts: fids, geometries (NULL as an empty geometry collection, as the
    /// GeoPackage store reads a null geometry) and the `fields` as typed columns.
    struct Reader {
        let fields: [FieldSpec]
        let hasGeometry: Bool
        let layer: String
        let address: String
        private(set) var fids: [Int64] = []
        private(set) var geometries = GeometryColumn()
        private var values: ColumnAccumulator

        init(fields: [FieldSpec], hasGeometry: Bool, expected: Int, layer: String, address: String) {
            self.fields = fields
            self.hasGeometry = hasGeometry
            self.layer = layer
            self.address = address
            values = ColumnAccumulator(fields, expected: expected)
            fids.reserveCapacity(expected)
            if hasGeometry { geometries.reserve(features: expected, coordinates: expected * 6) }
        }

        /// Adds one row (fid, geometry when the layer has one, then the fields in order).
        mutating func add(_ row: PostgresCopyRow) throws {
            let first = hasGeometry ? 2 : 1
            guard row.count == first + fields.count else {
                throw StoreError("a row of \(row.count) fields where \(first + fields.count) were asked for", file: address, layer: layer)
            }
            guard let fid = try row.integer(0) else { throw StoreError("a row without a fid", file: address, layer: layer) }
            fids.append(fid)
            if hasGeometry {
                if let wkb = row.bytes(1) {
                    do {
                        try geometries.appendWKB(wkb)
                    } catch {
                        throw StoreError("bad geometry: \(error)", file: address, layer: layer, feature: "fid \(fid)")
                    }
                } else {
                    geometries.beginFeature(.geometryCollection)
                    geometries.endFeature()
                }
            }
            do {
                for (k, spec) in fields.enumerated() {
                    switch spec.type {
                    case .integer: values.append(k, integer: try row.integer(first + k))
                    case .real: values.append(k, real: try row.real(first + k))
                    case .text: values.append(k, text: row.text(first + k))
                    }
                }
            } catch {
                throw StoreError("cannot read the row: \(error)", file: address, layer: layer, feature: "fid \(fid)")
            }
        }

        /// The attribute columns read so far.
        var columns: [AttributeColumn] { values.columns }
    }
}
