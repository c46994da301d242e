import CIMGeometry
import Foundation

/// The ogr2ogr-style options of `cim export`: a row filter (`--where`, OGR SQL as in `ogr2ogr -where`), a
/// field selection (`--fields a,b`, as `-select`), a target CRS (`--t-srs`, as `-t_srs`) and `lon`/`lat`
/// columns (`--lonlat`: WGS 84 degrees of the point, or of a polygon's or line's PointOnSurface).
public struct ExportOptions: Sendable, Equatable {
    public var whereClause: String?
    public var fields: [String]?
    public var targetCRS: String?
    public var lonLat: Bool

    public init(whereClause: String? = nil, fields: [String]? = nil, targetCRS: String? = nil, lonLat: Bool = false) {
        self.whereClause = whereClause
        self.fields = fields
        self.targetCRS = targetCRS
        self.lonLat = lonLat
    }

    /// Parses `--fields a,b` (trimmed, no empty names, no duplicates).
    public static func parseFields(_ text: String) throws -> [String] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.contains(where: \.isEmpty) else { throw StoreError("--fields must be field names separated by commas, got '\(text)'") }
        guard Set(names).count == names.count else { throw StoreError("--fields names a field twice: '\(text)'") }
        return names
    }

    /// Checks the options against the layer and the output driver before anything is written: every
    /// selected field exists in the layer, the target CRS is one PROJ knows, and GeoJSON (RFC 7946: lon/lat)
    /// is not asked for another CRS.
    public func validate(store: any LayerStore, layer: String, driver: String) throws {
        if let fields {
            let have = store.fields(layer).map(\.name)
            let unknown = fields.filter { !have.contains($0) }
            guard unknown.isEmpty else {
                throw StoreError("--fields: no field \(unknown.joined(separator: ", ")) in the layer", file: store.address, layer: layer,
                                 hint: "fields: \(have.joined(separator: ", "))")
            }
        }
        if let whereClause, whereClause.trimmingCharacters(in: .whitespaces).isEmpty {
            throw StoreError("--where is empty", file: store.address, layer: layer, hint: "an OGR SQL condition, e.g. --where \"use = 'residential'\"")
        }
        if let whereClause, let mark = Self.statementMark(in: whereClause) {
            throw StoreError("--where must be one condition: '\(mark)' outside quotes would end it or comment out the rest",
                             file: store.address, layer: layer, hint: "an OGR SQL condition, e.g. --where \"use = 'residential'\"")
        }
        if let targetCRS {
            let crs: CoordinateReferenceSystem
            do { crs = try CoordinateReferenceSystem(targetCRS) } catch {
                throw StoreError("--t-srs: PROJ does not know '\(targetCRS)'", hint: "give an EPSG code such as EPSG:4326 or EPSG:4547")
            }
            if driver.hasPrefix("GeoJSON") && crs.epsgCode != 4326 {
                throw StoreError("--t-srs \(targetCRS): GeoJSON is written in lon/lat (EPSG:4326, RFC 7946)",
                                 hint: "use .gpkg, .fgb, .shp or .csv for other coordinate systems")
            }
        }
    }

    /// The GDALVectorTranslate (ogr2ogr) arguments of the options. With `lonLat` the rows come from one
    /// query in GDAL's SQLite dialect (SpatiaLite's ST_Transform and ST_PointOnSurface add `lon`, `lat`),
    /// which then also carries the field selection and the condition.
    public func translateArguments(layer: String, geometryColumn: String?) -> [String] {
        var arguments: [String] = []
        if lonLat, let geometryColumn {
            let g = Self.identifier(geometryColumn)
            let selected = fields.map { [g] + $0.map(Self.identifier) }?.joined(separator: ", ") ?? "*"
            let point = "ST_Transform(ST_PointOnSurface(\(g)), 4326)"
            var sql = "SELECT \(selected), ST_X(\(point)) AS lon, ST_Y(\(point)) AS lat FROM \(Self.identifier(layer))"
            if let whereClause { sql += " WHERE \(whereClause)" }
            arguments += ["-dialect", "SQLite", "-sql", sql]
        } else {
            if let whereClause { arguments += ["-where", whereClause] }
            if let fields { arguments += ["-select", fields.joined(separator: ",")] }
        }
        if let targetCRS { arguments += ["-t_srs", targetCRS] }
        return arguments
    }

    /// The first `;`, `--` or `/*` outside quoted strings ('…') and identifiers ("…") of a condition, nil when
    /// there is none: such a mark ends the statement or comments out the rest, so SQLite would silently run
    /// only part of what was written (and GDAL's SQLite dialect the part before it).
    static func statementMark(in condition: String) -> String? {
        var quote: Character?
        let characters = Array(condition)
        for (k, c) in characters.enumerated() {
            if let open = quote {
                if c == open { quote = nil }  // a doubled quote closes and reopens: still inside
                continue
            }
            switch c {
            case "'", "\"": quote = c
            case ";": return ";"
            case "-" where k + 1 < characters.count && characters[k + 1] == "-": return "--"
            case "/" where k + 1 < characters.count && characters[k + 1] == "*": return "/*"
            default: break
            }
        }
        return nil
    }

    /// A quoted SQL identifier.
    static func identifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

extension GeoPackageStore {
    /// The geometry column of a layer (gpkg_geometry_columns), nil for a table without geometry.
    func geometryColumn(_ layer: String) throws -> String? {
        try dataset.query("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = \(Self.quote(layer))").first?.first ?? nil
    }
}
