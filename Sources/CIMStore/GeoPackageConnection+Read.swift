import CGDAL
import CIMGeometry
import CSQLite
import Foundation

/// Reads a GeoPackage feature table straight from its SQLite table on GDAL's own connection
/// (`GDALGetInternalHandle(ds, "SQLITE_HANDLE")`): one `SELECT fid, geom, fields… ORDER BY fid`
/// (`sqlite3_prepare_v2`, `sqlite3_step`, `sqlite3_column_*`), the geometry blobs' GeoPackage header
/// skipped and their WKB parsed in Swift into the flat ``GeometryColumn``. Several times faster than
/// one OGR feature, one OGR geometry and one WKB export per row, with the same result
/// (``GeoPackageStore/snapshot(_:fields:progress:)`` checks this against the OGR path in the tests).
///
/// Only plain integer, real and string fields are read this way; a layer with other field types (dates,
/// binary), an extended GeoPackage geometry or a driver without the handle is read through OGR instead.
extension GeoPackageConnection {

    /// Why the direct read cannot be used for a layer (the caller then reads through OGR).
    struct Unsupported: Error {}

    /// The rows of `table` in fid order: fids, geometries (when `geometryColumn` is given) and the
    /// `fields` as typed columns. Throws ``Unsupported`` for blobs it does not read (extended GeoPackage
    /// geometries); a StoreError naming the feature for a malformed blob.
    func read(table: String, layer: String, fidColumn: String, geometryColumn: String?, fields: [FieldSpec], expected: Int,
              progress: ((Int) -> Void)?) throws -> (fids: [Int64], geometries: GeometryColumn, columns: [AttributeColumn]) {
        func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var selected = [quote(fidColumn)]
        if let geometryColumn { selected.append(quote(geometryColumn)) }
        selected += fields.map { quote($0.name) }
        let sql = "SELECT \(selected.joined(separator: ", ")) FROM \(quote(table)) ORDER BY \(quote(fidColumn))"
        let prepared = try SQLiteStatement(self, sql, what: "cannot read the layer", layer: layer)
        let statement = prepared.handle
        defer { withExtendedLifetime(prepared) {} }

        var fids: [Int64] = []
        fids.reserveCapacity(expected)
        var geometries = GeometryColumn()
        if geometryColumn != nil { geometries.reserve(features: expected, coordinates: expected * 6) }
        var values = ColumnAccumulator(fields, expected: expected)
        let firstField: Int32 = geometryColumn == nil ? 1 : 2
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { break }
            guard status == SQLITE_ROW else {
                throw failure(status, "cannot read the layer", layer: layer, feature: "after fid \(fids.last ?? 0)")
            }
            let fid = sqlite3_column_int64(statement, 0)
            fids.append(fid)
            if geometryColumn != nil {
                if sqlite3_column_type(statement, 1) == SQLITE_NULL {
                    geometries.beginFeature(.geometryCollection)
                    geometries.endFeature()
                } else {
                    let count = Int(sqlite3_column_bytes(statement, 1))
                    guard let base = sqlite3_column_blob(statement, 1) else {
                        throw StoreError("bad geometry: an empty blob", file: path, layer: layer, feature: "fid \(fid)")
                    }
                    let blob = UnsafeRawBufferPointer(start: base, count: count)
                    let wkb = try GeoPackageConnection.wkb(in: blob, layer: layer, fid: fid, path: path)
                    do {
                        try geometries.appendWKB(wkb)
                    } catch {
                        throw StoreError("bad geometry: \(error)", file: path, layer: layer, feature: "fid \(fid)")
                    }
                }
            }
            for (k, spec) in fields.enumerated() {
                let column = firstField + Int32(k)
                let isNull = sqlite3_column_type(statement, column) == SQLITE_NULL
                switch spec.type {
                case .integer: values.append(k, integer: isNull ? nil : sqlite3_column_int64(statement, column))
                case .real: values.append(k, real: isNull ? nil : sqlite3_column_double(statement, column))
                case .text:
                    if isNull {
                        values.append(k, text: nil)
                    } else {
                        let bytes = Int(sqlite3_column_bytes(statement, column))
                        let text = sqlite3_column_text(statement, column)
                        values.append(k, text: text.map { String(decoding: UnsafeBufferPointer(start: $0, count: bytes), as: UTF8.self) } ?? "")
                    }
                }
            }
            if let progress, fids.count % 8192 == 0 { progress(fids.count) }
        }
        return (fids, geometries, values.columns)
    }

    /// The WKB inside a GeoPackage geometry blob: after "GP", the version, the flags byte and the srs_id,
    /// an envelope whose size the flags give (none, 32, 48 or 64 bytes).
    static func wkb(in blob: UnsafeRawBufferPointer, layer: String, fid: Int64, path: String) throws -> UnsafeRawBufferPointer {
        guard blob.count >= 8, blob[0] == 0x47, blob[1] == 0x50 else {
            throw StoreError("bad geometry: not a GeoPackage geometry blob", file: path, layer: layer, feature: "fid \(fid)")
        }
        let flags = blob[3]
        if flags & 0x20 != 0 { throw Unsupported() }  // extended GeoPackage geometry
        let envelopeBytes: Int
        switch (flags >> 1) & 0x07 {
        case 0: envelopeBytes = 0
        case 1: envelopeBytes = 32
        case 2, 3: envelopeBytes = 48
        case 4: envelopeBytes = 64
        default:
            throw StoreError("bad geometry: invalid envelope code in the GeoPackage blob header", file: path, layer: layer, feature: "fid \(fid)")
        }
        let start = 8 + envelopeBytes
        guard blob.count > start else {
            throw StoreError("bad geometry: the GeoPackage blob ends in its header", file: path, layer: layer, feature: "fid \(fid)")
        }
        return UnsafeRawBufferPointer(rebasing: blob[start...])
    }
}
