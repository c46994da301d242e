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

    /// Corner roundness of the buffers (segments per quarter circle).
    public static let quadrantSegments = 4

    /// How far the polygons may lie from the buffer of the reachable pieces taken as one collection of
    /// two-point segments (the algorithm before issue 15, kept as the tests' oracle), in metres, for a
    /// buffer `width` w: the polylines' round joins and the segments' round caps are both polygons inscribed
    /// in the same circles; GEOS rounds the number of segments of a join's arc to the nearest whole number,
    /// so one chord may span up to 1.5 × π/2q, and the outlines differ by at most its sagitta
    /// w·(1 − cos(3π/8q)) (1.08 m at 25 m, q = 4); and GEOS simplifies a buffered polyline's input by 1 % of
    /// the width on its concave side (0.25 m), which it cannot do to a lone segment. 1.33 m at the default
    /// width. Symmetric-difference area ÷ area stays under 0.5 % (tested; 0.02 % on Porto, Hausdorff 0.90 m).
    public static func tolerance(width: Double) -> Double {
        width * (1 - cos(3 * Double.pi / Double(8 * quadrantSegments))) + 0.01 * width
    }

    /// Computes service areas for `category` at each of `minutes`, for all its facilities together or one
    /// per facility.
    ///
    /// All facilities together: one bounded multi-source Dijkstra (from every facility at once, to the
    /// longest walk) serves every level. Per level, the reachable street pieces are joined into polylines
    /// (``WalkGraph/reachablePolylines(distance:limit:direct:reached:)``), each polyline is buffered on its
    /// own (`GEOSBuffer_r`, round joins and caps) and the buffers are dissolved once by parallel cascaded
    /// unions of Morton-ordered chunks (``BatchUnion``). Per facility: one search per facility, the same
    /// steps. `progress` gets (polylines buffered, polylines in all) together, (areas done, areas) per facility.
    public static func run(roads: FeatureTable, facilities: FeatureTable, category: String, minutes: [Double], standard: Standard,
                           perFacility: Bool, width: Double = defaultWidth, metresPerMinute: Double = 60,
                           snapTolerance: Double = 0, maxAccess: Double = NetworkCoverage.defaultMaxAccess,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> (areas: [Area], graph: WalkGraphReport, offNetwork: Int) {
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
        let points = try NetworkCoverage.entryPoints(members.geometries)
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
            // Streets between junctions, then run on through junctions straightest first (``LineChains``).
            let polylines = limits.map {
                let streets = graph.reachablePolylines(distance: search.distance, limit: $0, direct: direct, reached: search.reachedVertices)
                return LineChains.join(streets, features: Array(0 ..< streets.count))
            }
            let total = polylines.reduce(0) { $0 + $1.count }
            let report: (@Sendable (Int) -> Void)? = progress.map { report in { @Sendable in report($0, total) } }
            let counter = perFacility ? nil : ProgressCounter(report)
            for (k, limit) in limits.enumerated() {
                let (polygon, area) = try serviceArea(polylines[k], width: width, context: context, done: counter)
                let facilityId = perFacility ? ids[members.rows[group[0]]] ?? "#\(members.rows[group[0]])" : nil
                let facilityName = perFacility && !names.isEmpty ? names[members.rows[group[0]]] : nil
                areas.append(Area(facilityId: facilityId, facilityName: facilityName, minutes: minutes[k], metres: limit, facilities: group.count, geometry: polygon, areaM2: area))
                if perFacility { progress?(g * limits.count + k + 1, groups.count * limits.count) }
            }
        }
        return (areas, graph.report, offNetwork)
    }

    /// The dissolved buffer of `polylines` by `width` as one MultiPolygon feature (empty for none), and its
    /// area: each polyline buffered on its own, the buffers united by ``BatchUnion``.
    static func serviceArea(_ polylines: GeometryColumn, width: Double, context: GEOSContext,
                            done: ProgressCounter? = nil) throws -> (GeometryColumn, Double) {
        var polygon = GeometryColumn()
        guard polylines.count > 0 else { return (polygon, 0) }
        let union = try BatchUnion.union(Array(0 ..< polylines.count), envelopes: { polylines.envelope($0) }, context: context,
                                         minimumChunk: 256, done: done) { i, c in
            try polylines.geometry(i, context: c).buffer(width, quadrantSegments: quadrantSegments)
        }
        try polygon.append(union)
        if polygon.types[0] == .polygon { polygon.setType(.multiPolygon, at: 0) }
        return (polygon, try union.area())
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
