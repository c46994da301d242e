import CIMTables
import Foundation

extension PostGISStore {
    /// Exports a layer to a file whose driver is chosen by extension, never half-written: ``LayerExport``
    /// (the GeoPackage store's export) with GDAL's PostgreSQL driver on the store's schema as the source
    /// (``PostGISAddress/gdalConnectionString``, opened read-only). `--where` is counted by the server, in
    /// whose SQL GDAL's PG driver filters.
    public func exportLayer(_ layer: String, to output: String, options: ExportOptions) throws {
        guard hasLayer(layer) else {
            throw StoreError("no such layer", file: address, layer: layer, hint: "layers here: \(layerNames.joined(separator: ", "))")
        }
        let expected: Int
        if let clause = options.whereClause {
            expected = Int(try connection.scalar("SELECT count(*) FROM \(table(layer)) WHERE \(clause)", what: "--where cannot be used", layer: layer) ?? "0") ?? 0
        } else {
            expected = featureCount(layer) ?? 0
        }
        let source = try OGRDataset.openDatabase(location.gdalConnectionString, display: address)
        try LayerExport(source: source, crs: crs, layer: layer, geometryColumn: try geometryColumn(layer)?.name, expected: expected)
            .write(to: output, options: options)
    }
}
