import CGDAL
import Foundation

extension Store {
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

    /// Exports a layer to a file whose driver is chosen by extension (`GDALVectorTranslate`, like ogr2ogr).
    /// GeoJSON is written in lon/lat (EPSG:4326, as RFC 7946 asks); CSV carries the geometry as WKT.
    /// The file is written in a temporary folder beside the target and moved into place only when
    /// complete; an existing GeoPackage gets the layer added or replaced, other formats are overwritten.
    /// `options` (``ExportOptions``) add ogr2ogr's -where, -select and -t_srs, and lon/lat columns.
    public func exportLayer(_ layer: String, to output: String, options: ExportOptions = ExportOptions()) throws {
        guard hasLayer(layer) else {
            throw StoreError("no such layer", file: path, layer: layer, hint: "layers here: \(layerNames.joined(separator: ", "))")
        }
        let driver = try Self.driver(forOutput: output)
        let target = URL(fileURLWithPath: output)
        let folder = target.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".cim-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temporary) }
        let staged = temporary.appendingPathComponent(target.lastPathComponent)
        let fm = FileManager.default
        let appendToGeoPackage = driver == "GPKG" && fm.fileExists(atPath: output)
        if appendToGeoPackage { try fm.copyItem(at: target, to: staged) }

        var arguments = ["-f", driver, "-nln", layer]
        if appendToGeoPackage { arguments += ["-update", "-overwrite"] }
        switch driver {
        case "GeoJSON", "GeoJSONSeq": arguments += ["-t_srs", "EPSG:4326", "-lco", "RFC7946=YES"]
        case "CSV": arguments += ["-lco", "GEOMETRY=AS_WKT"]
        case "ESRI Shapefile": arguments += ["-lco", "ENCODING=UTF-8"]
        default: break
        }
        arguments += options.translateArguments(layer: layer, geometryColumn: try geometryColumn(layer))
        arguments.append(layer)
        GDAL.reset()
        let ok = GDAL.withStringList(arguments) { list -> Bool in
            guard let options = GDALVectorTranslateOptionsNew(list, nil) else { return false }
            defer { GDALVectorTranslateOptionsFree(options) }
            var sources: [GDALDatasetH?] = [dataset.handle]
            var failed: Int32 = 0
            let result = sources.withUnsafeMutableBufferPointer {
                GDALVectorTranslate(appendToGeoPackage ? nil : staged.path, appendToGeoPackage ? GDALOpenEx(staged.path, UInt32(GDAL_OF_VECTOR | GDAL_OF_UPDATE), nil, nil, nil) : nil,
                                    1, $0.baseAddress, options, &failed)
            }
            guard let result else { return false }
            GDALClose(result)
            return failed == 0
        }
        guard ok else { throw StoreError("export failed: \(GDAL.lastError("GDALVectorTranslate"))", file: output, layer: layer) }
        // Move every file the driver wrote (a Shapefile is several) into place.
        for name in try fm.contentsOfDirectory(atPath: temporary.path) {
            let destination = folder.appendingPathComponent(name)
            if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
            try fm.moveItem(at: temporary.appendingPathComponent(name), to: destination)
        }
    }
}
