import CIMGeometry
import CIMIndex
import CIMNetwork
import CIMTables
import Foundation

/// One category of a building's story.
public struct CategoryExplanation: Sendable {
    public var category: Standard.Category
    /// The nearest facility within the cutoff (nil when none): its id and name in the facilities layer.
    public var facilityId: String?
    public var facilityName: String?
    /// The coverage engine's distance (nil beyond the cutoff or off-network).
    public var distance: Double?
    public var inReach: Bool
    /// How many metres beyond the threshold the nearest facility is (nil when in reach or none found).
    public var shortBy: Double? { inReach ? nil : distance.map { $0 - category.thresholdMetres } }
    /// With the network metric: the walking path building → snap point → streets → facility (x, y pairs).
    public var path: [Double]?
}

/// Why one residential building is, or is not, complete, and how its area fares.
public struct BuildingExplanation: Sendable {
    public var buildingId: String
    public var metric: DistanceMetric
    public var cutoff: Double
    public var residents: Double
    public var categories: [CategoryExplanation]
    /// Every required category in reach.
    public var complete: Bool
    /// Required categories out of reach.
    public var missing: [CategoryExplanation] { categories.filter { $0.category.required && !$0.inReach } }
    /// The building's area (nil when outside every area), with the coverage aggregation's judgement.
    public var area: AreaCoverage?
    /// The kind of the areas (community …, or "grid 500 m").
    public var areaKind: String
    public var offNetwork: Bool
}

/// `cim explain`: one building's distances, from the very coverage run `cim coverage` makes (so the numbers
/// are the same), with the nearest facility of each category named and, along the network, its path.
public enum BuildingExplainer {
    public static func run(buildingId: String, buildings: FeatureTable, facilities: FeatureTable, roads: FeatureTable?, areas: FeatureTable?,
                           standard: Standard, metric: DistanceMetric, options: CoverageOptions = CoverageOptions(),
                           snapTolerance: Double = 0, maxAccess: Double = NetworkCoverage.defaultMaxAccess) throws -> BuildingExplanation {
        guard let ids = buildings.text("id"), let row = ids.firstIndex(of: buildingId) else {
            throw AnalysisError("no building with id '\(buildingId)' in the buildings layer")
        }
        var timings = StageTimings()
        let coverage: CoverageResult
        switch metric {
        case .euclidean:
            coverage = try StraightLineCoverage.run(buildings: buildings, facilities: facilities, areas: areas, standard: standard, options: options, timings: &timings)
        case .network:
            guard let roads else { throw AnalysisError("--metric network needs a roads layer") }
            coverage = try NetworkCoverage.run(buildings: buildings, facilities: facilities, roads: roads, areas: areas, standard: standard,
                                               options: options, snapTolerance: snapTolerance, maxAccess: maxAccess, timings: &timings)
        }
        guard let b = coverage.buildings.rows.firstIndex(of: row) else {
            let use = buildings.text("use")?[row] ?? nil
            throw AnalysisError("building '\(buildingId)' is not residential (use \(use ?? "null")): coverage judges residential buildings only",
                                hint: use == "unknown" || use == nil ? "pass --unknown-residential to count buildings of unknown use" : nil)
        }
        let x = coverage.buildings.points[2 * b], y = coverage.buildings.points[2 * b + 1]
        let facilityIds = facilities.text("id"), facilityNames = facilities.text("name")
        let byCategory = try CategoryFacilities.byCategory(facilities, keys: standard.categories.map(\.key), serving: standard.servingCategories)
        var network: NetworkNearest?
        if metric == .network, let roads {
            network = try NetworkNearest(roads: roads, x: x, y: y, snapTolerance: snapTolerance, maxAccess: maxAccess, cutoff: coverage.cutoff)
        }
        var explained: [CategoryExplanation] = []
        for (c, category) in coverage.categories.enumerated() {
            let d = coverage.distances[c][b]
            let facilitiesOfCategory = byCategory[category.key]!
            var nearest: Int?
            var path: [Double]?
            if !d.isNaN {
                if let network {
                    if let hit = try network.nearest(facilitiesOfCategory) { nearest = hit.index; path = hit.path }
                } else {
                    var workspace = NearestWorkspace()
                    nearest = facilitiesOfCategory.nearest(x: x, y: y, cutoff: coverage.cutoff, workspace: &workspace)?.index
                }
            }
            let facilityRow = nearest.map { facilitiesOfCategory.rows[$0] }
            explained.append(CategoryExplanation(category: category, facilityId: facilityRow.map { facilityIds?[$0] ?? "fid \(facilities.fids.isEmpty ? $0 + 1 : Int(facilities.fids[$0]))" },
                                                 facilityName: facilityRow.flatMap { facilityNames?[$0] ?? nil },
                                                 distance: d.isNaN ? nil : d, inReach: coverage.inReach(c, b), path: path))
        }
        let unit = Int(coverage.unitOfBuilding[b])
        return BuildingExplanation(buildingId: buildingId, metric: metric, cutoff: coverage.cutoff, residents: coverage.buildings.residents[b],
                                   categories: explained, complete: coverage.complete[b], area: unit >= 0 ? coverage.areas[unit] : nil,
                                   areaKind: coverage.units.kind,
                                   offNetwork: coverage.network?.offNetwork[b] ?? false)
    }
}

/// The nearest facility of a category along the walk network from one building, and the path: one
/// search from the building's snap point (recording the path), each facility's network distance by the
/// same formula as coverage's (``NetworkDistances/distance(graph:search:seeds:buildings:_:)``, searched
/// from the other end).
struct NetworkNearest {
    let graph: WalkGraph
    let x: Double, y: Double
    let building: SnappedPoints
    var search: MultiSourceDijkstra
    let maxAccess: Double

    init(roads: FeatureTable, x: Double, y: Double, snapTolerance: Double, maxAccess: Double, cutoff: Double) throws {
        do { graph = try WalkGraph(roads: roads, snapTolerance: snapTolerance) } catch let error as NetworkError {
            throw AnalysisError(error.message, hint: error.hint)
        }
        self.x = x
        self.y = y
        self.maxAccess = maxAccess
        building = graph.snap(points: [x, y], maxAccess: maxAccess)
        search = MultiSourceDijkstra(vertexCount: graph.vertexCount, recordingPaths: true)
        let seeds = NetworkDistances.seeds(graph: graph, points: [x, y], maxAccess: maxAccess)
        search.run(graph: graph, sources: seeds.sources, bound: cutoff)
        buildingSeeds = seeds
    }
    let buildingSeeds: NetworkDistances.CategorySeeds

    /// The point at `offset` along edge e from its first vertex.
    func point(edge e: Int, offset: Double) -> (Double, Double) {
        let a = Int(graph.edgeFrom[e]), b = Int(graph.edgeTo[e])
        let t = graph.edgeLength[e] > 0 ? offset / graph.edgeLength[e] : 0
        return (graph.vertices[2 * a] + t * (graph.vertices[2 * b] - graph.vertices[2 * a]),
                graph.vertices[2 * a + 1] + t * (graph.vertices[2 * b + 1] - graph.vertices[2 * a + 1]))
    }

    /// The facility with the shortest network distance (ties: the smallest index) and its path.
    func nearest(_ facilities: CategoryFacilities) throws -> (index: Int, distance: Double, path: [Double])? {
        guard building.edge[0] >= 0, facilities.count > 0 else { return nil }
        let entries = try NetworkCoverage.entryPoints(facilities.geometries)
        let snapped = graph.snap(points: entries, maxAccess: maxAccess)
        var best = Double.infinity, bestIndex = -1
        for f in 0 ..< snapped.count where snapped.edge[f] >= 0 {
            let d = NetworkDistances.distance(graph: graph, search: search, seeds: buildingSeeds, buildings: snapped, f)
            if d < best { best = d; bestIndex = f }
        }
        guard bestIndex >= 0, best.isFinite else { return nil }
        let be = Int(building.edge[0]), fe = Int(snapped.edge[bestIndex])
        let bSnap = point(edge: be, offset: building.offset[0]), fSnap = point(edge: fe, offset: snapped.offset[bestIndex])
        var path = [x, y, bSnap.0, bSnap.1]
        let fOffset = snapped.offset[bestIndex]
        let viaFrom = search.distance[Int(graph.edgeFrom[fe])] + fOffset
        let viaTo = search.distance[Int(graph.edgeTo[fe])] + graph.edgeLength[fe] - fOffset
        let direct = be == fe ? abs(building.offset[0] - fOffset) + building.access[0] : Double.infinity
        if direct > min(viaFrom, viaTo) {
            for v in search.pathVertices(to: viaFrom <= viaTo ? graph.edgeFrom[fe] : graph.edgeTo[fe], graph: graph) {
                path += [graph.vertices[2 * Int(v)], graph.vertices[2 * Int(v) + 1]]
            }
        }
        path += [fSnap.0, fSnap.1, entries[2 * bestIndex], entries[2 * bestIndex + 1]]
        return (bestIndex, best, path)
    }
}
