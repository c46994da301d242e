import ArgumentParser
import CIMGeometry
import CIMIndex
import CIMStore
import Foundation

/// `cim query STORE LAYER`: features in a window, near a point, or with a field value, through the index.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Find features of a layer by window, distance from a point, or field value (answered through the R-tree).",
        discussion: """
        Coordinates are in the store's CRS unless --coords-crs says otherwise (e.g. EPSG:4326 for lon,lat).
          cim query city.gpkg facilities --near -8.61,41.15 --coords-crs EPSG:4326 --within 500 --where category=kindergarten
          cim query jiujiang.gpkg facilities --near 116.0061,29.7007 --coords-crs GCJ-02 --within 300
        """
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @Argument(help: "The layer.") var layer: String
    @Option(name: .long, help: "Window minx,miny,maxx,maxy.") var bbox: String?
    @Option(name: .long, help: "A point x,y; use with --within.") var near: String?
    @Option(name: .long, help: "Distance in metres from --near.") var within: Double?
    @Option(name: .long, help: "field=value (repeatable; all must hold).") var `where`: [String] = []
    @Option(name: .long, help: "At most N features.") var limit: Int?
    @Option(name: .long, help: "CRS of --bbox/--near coordinates (default: the store's), e.g. EPSG:4326, or GCJ-02 / BD-09 for Chinese web maps.") var coordsCrs: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionValidation.distance(within, "--within", zeroAllowed: true)
        try OptionValidation.integer(limit, "--limit", in: 1 ... OptionValidation.maximumCount)
        if let bbox { _ = try CoordinateParsing.numbers(bbox, count: 4, what: "--bbox") }
        if let near { _ = try CoordinateParsing.numbers(near, count: 2, what: "--near") }
    }

    func run() throws {
        let store = try openStore(self.store)
        var query = LayerQuery(limit: limit)
        var transform: CoordinateTransform?
        // GCJ-02 / BD-09 (Chinese web maps) are undone to WGS 84 first, then PROJ takes them on.
        let datum = coordsCrs.flatMap { ChineseMapDatum(name: $0) }
        if let coordsCrs, let storeCRS = store.crs {
            transform = try CoordinateTransform(from: datum != nil ? .wgs84 : try CoordinateParsing.crs(coordsCrs, option: "--coords-crs"), to: storeCRS)
        }
        if let bbox {
            let v = try CoordinateParsing.numbers(bbox, count: 4, what: "--bbox")
            var corners = [v[0], v[1], v[2], v[3], v[0], v[3], v[2], v[1]]
            datum?.toWGS84(&corners)
            try transform?.transform(&corners)
            query.bbox = Envelope(minX: min(corners[0], corners[2], corners[4], corners[6]), minY: min(corners[1], corners[3], corners[5], corners[7]),
                                  maxX: max(corners[0], corners[2], corners[4], corners[6]), maxY: max(corners[1], corners[3], corners[5], corners[7]))
        }
        if let near {
            let v = try CoordinateParsing.numbers(near, count: 2, what: "--near")
            var xy = v
            datum?.toWGS84(&xy)
            try transform?.transform(&xy)
            query.near = (xy[0], xy[1])
            guard let within, within >= 0 else { throw ValidationError("--near needs --within METRES (>= 0)") }
            query.within = within
        } else if within != nil {
            throw ValidationError("--within needs --near x,y")
        }
        for clause in `where` {
            let parts = clause.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--where takes field=value, got '\(clause)'") }
            query.equals.append((parts[0], parts[1]))
        }
        let result = try store.query(layer, query)
        let t = result.table
        var headers = ["fid"] + t.columns.map(\.name)
        if result.distances != nil { headers.append("distance_m") }
        var table = SummaryTable(title: "\(layer): \(t.count) feature(s)", key: "features", headers: headers)
        for i in 0 ..< t.count {
            var row: [Cell] = [.int(Int(t.fids[i]))]
            for column in t.columns {
                switch column.values[i] {
                case let .integer(x): row.append(.int(Int(x)))
                case let .real(x): row.append(.real(x, digits: 2))
                case let .text(x): row.append(.text(x))
                case .null: row.append(.null)
                }
            }
            if let d = result.distances { row.append(.real(d[i], digits: 2)) }
            table.rows.append(row)
        }
        try output.emit([table])
    }
}
