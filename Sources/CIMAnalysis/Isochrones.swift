import CIMGeometry
import CIMNetwork
import CIMTables
import Foundation

/// Service areas along the walk network: the street pieces reachable within a walking distance from a
/// category's facilities (partial edges included), buffered by a width and dissolved into polygons.
public enum Isochrones {
    /// Default buffer width around reachable street pieces, in metres: about half a residential block's
    /// building depth, so buildings fronting a reachable street fall inside.
    public static let defaultWidth = 25.0

    /// Walking metres for a number of minutes: the standard's level with those minutes (5 → 300 m,
    /// 10 → 500 m, 15 → 1000 m in GB 50180-2018), else minutes × `metresPerMinute`.
    public static func metres(forMinutes minutes: Double, standard: Standard, metresPerMinute: Double) -> Double {
        if let level = standard.levels.first(where: { $0.minutes == minutes }), let walk = level.walkMetres { return walk }
        return minutes * metresPerMinute
    }

    /// One service-area row.
    public struct Area: Sendable {
        public var facilityId: String?
        /// The facility's `name` (per facility, when the facilities layer has names).
        public var facilityName: String?
        public var minutes: Double
        public var metres: Double
        public var facilities: Int
        public var geometry: GeometryColumn
        public var areaM2: Double
    }

    /// Computes service areas for `category` at each of `minutes`, for all its facilities together or one
    /// per facility.
    public static func run(roads: FeatureTable, facilities: FeatureTable, category: String, minutes: [Double], standard: Standard,
                           perFacility: Bool, width: Double = defaultWidth, metresPerMinute: Double = 60,
                           snapTolerance: Double = 0, maxAccess: Double = NetworkCoverage.defaultMaxAccess,
                           progress: ((Int, Int) -> Void)? = nil) throws -> (areas: [Area], graph: WalkGraphReport, offNetwork: Int) {
        guard standard.category(category) != nil else {
            throw AnalysisError("unknown category '\(category)'", hint: "categories: \(standard.categories.map(\.key).joined(separator: ", "))")
        }
        guard !minutes.isEmpty, minutes.allSatisfy({ $0 > 0 }) else { throw AnalysisError("minutes must be positive") }
        guard width > 0 else { throw AnalysisError("the width must be positive") }
        let graph: WalkGraph
        do { graph = try WalkGraph(roads: roads, snapTolerance: snapTolerance) } catch let error as NetworkError {
            throw AnalysisError(error.message, hint: error.hint)
        }
        let byCategory = try CategoryFacilities.byCategory(facilities, keys: [category], serving: standard.servingCategories)
        let members = byCategory[category]!
        guard members.count > 0 else { throw AnalysisError("no facility of category '\(category)'") }
        let ids = facilities.text("id") ?? []
        let names = facilities.text("name") ?? []
        let points = try NetworkCoverage.entryPoints(members.geometries, contexts: [GEOSContext()])
        let limits = minutes.map { metres(forMinutes: $0, standard: standard, metresPerMinute: metresPerMinute) }
        let groups: [[Int]] = perFacility ? (0 ..< members.count).map { [$0] } : [Array(0 ..< members.count)]
        var search = MultiSourceDijkstra(vertexCount: graph.vertexCount)
        let context = GEOSContext()
        var areas: [Area] = []
        var offNetwork = 0
        for (g, group) in groups.enumerated() {
            let groupPoints = group.flatMap { [points[2 * $0], points[2 * $0 + 1]] }
            let seeds = NetworkDistances.seeds(graph: graph, points: groupPoints, maxAccess: maxAccess)
            offNetwork += seeds.offNetwork
            if seeds.sources.isEmpty { continue }
            search.run(graph: graph, sources: seeds.sources, bound: limits.max()!)
            var direct: [Int32: [(offset: Double, used: Double)]] = [:]
            for (edge, list) in seeds.onEdge { direct[edge] = list.map { ($0.offset, $0.access) } }
            for (k, limit) in limits.enumerated() {
                let pieces = graph.reachablePieces(distance: search.distance, limit: limit, direct: direct)
                var polygon = GeometryColumn()
                var area = 0.0
                if pieces.count > 0 {
                    var lines: [Geometry] = []
                    for i in 0 ..< pieces.count { lines.append(try pieces.geometry(i, context: context)) }
                    let merged = try Geometry.collection(lines, context: context).buffer(width, quadrantSegments: 4)
                    try polygon.append(merged)
                    if polygon.types[0] == .polygon { polygon.setType(.multiPolygon, at: 0) }
                    area = try merged.area()
                }
                let facilityId = perFacility ? ids[members.rows[group[0]]] ?? "#\(members.rows[group[0]])" : nil
                let facilityName = perFacility && !names.isEmpty ? names[members.rows[group[0]]] : nil
                areas.append(Area(facilityId: facilityId, facilityName: facilityName, minutes: minutes[k], metres: limit, facilities: group.count, geometry: polygon, areaM2: area))
            }
            progress?(g + 1, groups.count)
        }
        return (areas, graph.report, offNetwork)
    }

    /// The service areas as a layer: category, facility_id and facility_name (null for all together), minutes, metres,
    /// facilities, area_m2, and the MultiPolygon.
    public static func layer(_ areas: [Area], category: String, name: String) -> FeatureTable {
        var geometries = GeometryColumn()
        for a in areas {
            if a.geometry.count > 0 { geometries.append(a.geometry, feature: 0) } else {
                geometries.beginFeature(.multiPolygon); geometries.endFeature()
            }
        }
        return FeatureTable(name: name, geometryType: .multiPolygon, geometries: geometries, columns: [
            AttributeColumn("category", .text(areas.map { _ in category })),
            AttributeColumn("facility_id", .text(areas.map(\.facilityId))),
            AttributeColumn("facility_name", .text(areas.map(\.facilityName))),
            AttributeColumn("minutes", .real(areas.map(\.minutes))),
            AttributeColumn("metres", .real(areas.map(\.metres))),
            AttributeColumn("facilities", .integer(areas.map { Int64($0.facilities) })),
            AttributeColumn("area_m2", .real(areas.map(\.areaM2))),
        ])
    }
}
