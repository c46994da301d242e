import CGDAL
import CIMGeometry
import Foundation

extension GeoPackageStore {
    /// The GDAL driver for an output path, by extension.
    public static func driver(forOutput path: String) throws -> String {
        let lower = path.lowercased()
        let table: [(String, String)] = [(".gpkg", "GPKG"), (".geojson", "GeoJSON"), (".json", "GeoJSON"), (".shp", "ESRI Shapefile"),
                                         (".fgb", "FlatGeobuf"), (".csv", "CSV"), (".xlsx", "XLSX"), (".geojsonl", "GeoJSONSeq"), (".geojsons", "GeoJSONSeq")]
        guard let driver = table.first(where: { lower.hasSuffix($0.0) })?.1 else {
            throw StoreError("unknown output format", file: path, hint: "use .gpkg, .geojson, .shp, .fgb, .csv or .xlsx")
        }
        return driver
    }

    /// Exports a layer to a file whose driver is chosen by extension, never half-written: ``LayerExport``
    /// with the GeoPackage itself as the source.
    public func exportLayer(_ layer: String, to output: String, options: ExportOptions) throws {
        guard hasLayer(layer) else {
            throw StoreError("no such layer", file: path, layer: layer, hint: "layers here: \(layerNames.joined(separator: ", "))")
        }
        try LayerExport(source: dataset, crs: crs, layer: layer, geometryColumn: try geometryColumn(layer),
                        expected: try exportedCount(layer, options: options)).write(to: output, options: options)
    }

    /// How many features an export of `layer` with `options` writes: all of them, or those its --where
    /// selects (counted by SQLite, the dialect GDAL's GeoPackage driver filters in).
    private func exportedCount(_ layer: String, options: ExportOptions) throws -> Int {
        guard let clause = options.whereClause else { return featureCount(layer) ?? 0 }
        let sql = "SELECT COUNT(*) FROM \(ExportOptions.identifier(layer)) WHERE \(clause)"
        let rows: [[String?]]
        do {
            rows = try dataset.query(sql)
        } catch let error as StoreError where error.cause == nil {
            // A condition SQLite cannot use: say why in SQLite's words, without GDAL's SQL text around them.
            let after = error.message.components(separatedBy: sql + "):").dropFirst().joined(separator: sql + "):")
            let why = String(after.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
            throw StoreError("--where \"\(clause)\" cannot be used\(why.isEmpty ? "" : ": \(why)")", file: path, layer: layer,
                             hint: "a condition on the layer's fields, e.g. --where \"use = 'residential'\"")
        }
        return Int(rows.first?.first.flatMap { $0 } ?? "") ?? 0
    }

    /// Refuses an export onto a directory (it would never be replaced by a file, nor deleted) or into a
    /// folder that does not exist.
    static func checkExportTarget(_ target: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw StoreError("the target is a directory", file: target.path, hint: "give a file name, e.g. \(target.appendingPathComponent("layer.gpkg").path)")
        }
        let folder = target.deletingLastPathComponent()
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError("the folder does not exist", file: target.path)
        }
    }

    /// The CRS of an existing GeoPackage target when it is a cim store with one (`cim_metadata`), nil for
    /// any other GeoPackage. A file that is not a GeoPackage is refused (it would be overwritten).
    static func storeCRS(ofExportTarget output: String) throws -> CoordinateReferenceSystem? {
        let other: GeoPackageStore
        do {
            other = try GeoPackageStore.open(output)
        } catch let error as StoreError {
            throw StoreError("the target exists and is not a GeoPackage", file: output, hint: error.cause == nil ? "choose another name" : error.message)
        }
        return other.crs
    }
}
