import ArgumentParser
import CIMStore

/// `cim export`'s ogr2ogr-style options: --where, --fields, --t-srs, and --lonlat (see ``ExportOptions``).
struct ExportFilterOptions: ParsableArguments {
    @Option(name: .customLong("where"), help: "Only rows matching this OGR SQL condition, as ogr2ogr -where (e.g. \"complete = 0\").") var whereClause: String?
    @Option(name: .long, help: "Only these fields, comma-separated, as ogr2ogr -select (e.g. id,residents,complete).") var fields: String?
    @Option(name: .customLong("t-srs"), help: "Reproject to this CRS, as ogr2ogr -t_srs (e.g. EPSG:4326); GeoJSON is always EPSG:4326.") var targetCRS: String?

    @Flag(name: .long, help: "Add lon and lat columns (WGS 84 degrees of the point, or of a polygon's PointOnSurface), e.g. for Excel.") var lonlat = false

    var isEmpty: Bool { whereClause == nil && fields == nil && targetCRS == nil && !lonlat }

    func validate() throws {
        if let fields { do { _ = try ExportOptions.parseFields(fields) } catch let error as StoreError { throw ValidationError(error.message) } }
        if let whereClause, whereClause.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--where must not be empty") }
        if let targetCRS, targetCRS.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--t-srs must name a CRS, e.g. EPSG:4326") }
    }

    /// The options for the store's export.
    func resolved() throws -> ExportOptions {
        ExportOptions(whereClause: whereClause, fields: try fields.map(ExportOptions.parseFields), targetCRS: targetCRS, lonLat: lonlat)
    }
}
