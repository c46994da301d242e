import CIMGeometry
import CIMIndex
import CIMNetwork
import CIMTables
import Foundation

/// What the network metric adds to a coverage result.
public struct NetworkFacts: Sendable {
    public var graph: WalkGraphReport
    /// Maximum access leg; buildings and facilities farther from every walkable road are off-network.
    public var maxAccess: Double
    /// Per building: the straight access leg to the network (NaN when off-network).
    public var access: [Double]
    /// Per building: farther than `maxAccess` from every walkable road (its network distances are null).
    public var offNetwork: [Bool]
    /// Per building: its road piece belongs to a small component (not the largest, under 5 % of the length).
    public var smallComponent: [Bool]
    /// Per building: detour ratio = Σ network distance ÷ Σ straight-line distance over the categories where
    /// both are known (NaN when none).
    public var detour: [Double]
    /// Per area (unit index): the same ratio over all its buildings.
    public var areaDetour: [Double]
    /// Per category: facilities left out because they are off-network.
    public var facilitiesOffNetwork: [Int]
    /// Straight-line distances of the same run, distances[c][b] (NaN beyond the cutoff).
    public var straightLine: [[Double]]

    /// The warning a run gives when buildings reach only a small piece of the network (nil when none do).
    public var smallComponentWarning: String? {
        let count = smallComponent.filter { $0 }.count
        return count == 0 ? nil : "\(count) residential building(s) reach only a small piece of the network (not the largest component)"
    }
}

/// Distances along the walk network: buildings and facilities enter the network at the nearest point of
/// the nearest edge (plus the straight access leg); one bounded multi-source Dijkstra per category, seeded
/// from both ends of every facility's edge with the partial lengths; a building's distance comes from the
/// two ends of its own edge, or directly from a facility on the very same edge.
public enum NetworkDistances {
    /// The snap of every facility of a category: edge, offset and access leg, and the facilities per edge.
    public struct CategorySeeds: Sendable {
        public var sources: [(vertex: Int32, distance: Double)]
        /// Facilities on each edge: (offset along the edge, access leg).
        public var onEdge: [Int32: [(offset: Double, access: Double)]]
        public var offNetwork: Int
    }

    /// Seeds of one category from the facilities' entry points (interleaved x,y).
    public static func seeds(graph: WalkGraph, points: [Double], maxAccess: Double) -> CategorySeeds {
        let snapped = graph.snap(points: points, maxAccess: maxAccess)
        var sources: [(vertex: Int32, distance: Double)] = []
        var onEdge: [Int32: [(offset: Double, access: Double)]] = [:]
        for f in 0 ..< snapped.count where snapped.edge[f] >= 0 {
            let e = Int(snapped.edge[f])
            sources.append((graph.edgeFrom[e], snapped.access[f] + snapped.offset[f]))
            sources.append((graph.edgeTo[e], snapped.access[f] + graph.edgeLength[e] - snapped.offset[f]))
            onEdge[Int32(e), default: []].append((snapped.offset[f], snapped.access[f]))
        }
        return CategorySeeds(sources: sources, onEdge: onEdge, offNetwork: snapped.offNetwork)
    }

    /// The network distance of snapped building `b` (on the network) once `search` ran from `seeds`: the
    /// better of its edge's two ends plus the offsets, or a facility on the very same edge, plus its access
    /// leg; infinity when unreached. The one formula of every network distance (coverage, plan, explain).
    @inline(__always)
    public static func distance(graph: WalkGraph, search: MultiSourceDijkstra, seeds: CategorySeeds, buildings: SnappedPoints, _ b: Int) -> Double {
        let e = Int(buildings.edge[b])
        let offset = buildings.offset[b], access = buildings.access[b]
        var best = min(search.distance[Int(graph.edgeFrom[e])] + offset,
                       search.distance[Int(graph.edgeTo[e])] + graph.edgeLength[e] - offset)
        if let here = seeds.onEdge[Int32(e)] {
            for f in here { best = min(best, abs(offset - f.offset) + f.access) }
        }
        return best + access
    }

    /// distances[c][b] along the network (NaN beyond `cutoff` or off-network), categories in parallel.
    public static func compute(graph: WalkGraph, buildings: SnappedPoints, categories: [CategorySeeds], cutoff: Double,
                               progress: (@Sendable (Int) -> Void)? = nil) -> [[Double]] {
        let outputs = (0 ..< categories.count).map { _ in SharedBuffer(repeating: Double.nan, count: buildings.count) }
        let done = SharedBuffer(repeating: 0, count: 1)
        let lock = NSLock()
        parallelChunks(categories.count, minimumChunk: 1) { range, _ in
            var search = MultiSourceDijkstra(vertexCount: graph.vertexCount)
            for c in range {
                let seeds = categories[c]
                guard !seeds.sources.isEmpty else { continue }
                search.run(graph: graph, sources: seeds.sources, bound: cutoff)
                outputs[c].withPointer { out in
                    for b in 0 ..< buildings.count where buildings.edge[b] >= 0 {
                        let total = distance(graph: graph, search: search, seeds: seeds, buildings: buildings, b)
                        if total <= cutoff { out[b] = total }
                    }
                }
                lock.lock()
                let count = done.withPointer { p -> Int in p[0] += 1; return p[0] }
                lock.unlock()
                progress?(count)
            }
        }
        return outputs.map(\.storage)
    }
}

/// Coverage with distances along the walk network.
public enum NetworkCoverage {
    /// Default maximum access leg (m): a building farther than this from every walkable road is off-network.
    public static let defaultMaxAccess = 300.0

    /// Runs the analysis: walk graph, snapping, per-category searches, then the same aggregation as the
    /// straight-line metric, plus detour ratios and network flags.
    public static func run(buildings buildingTable: FeatureTable, facilities: FeatureTable, roads: FeatureTable, areas: FeatureTable?,
                           standard: Standard, options: CoverageOptions, snapTolerance: Double = 0, maxAccess: Double = defaultMaxAccess,
                           timings: inout StageTimings, progress: (@Sendable (String, Int, Int) -> Void)? = nil) throws -> CoverageResult {
        guard maxAccess > 0 else { throw AnalysisError("the maximum access distance must be positive") }
        var prepared = try CoveragePreparation(buildings: buildingTable, facilities: facilities, areas: areas, standard: standard,
                                               options: options, timings: &timings)
        let (graph, snapped, seeds) = try snapToNetwork(&prepared, roads: roads, standard: standard, snapTolerance: snapTolerance,
                                                        maxAccess: maxAccess, timings: &timings)
        timings.lap("snap")
        let distances = NetworkDistances.compute(graph: graph, buildings: snapped, categories: seeds, cutoff: prepared.cutoff) {
            progress?("network search", $0, seeds.count)
        }
        timings.lap("search")
        let straight = StraightLineDistances.compute(points: prepared.buildings.points, categories: prepared.categories, cutoff: prepared.cutoff)
        timings.lap("straight-line")

        var result = CoverageAggregation.aggregate(standard: standard, metric: .network, cutoff: prepared.cutoff, buildings: prepared.buildings,
                                                   distances: distances, facilityCounts: prepared.categories.map(\.count),
                                                   units: prepared.units, unitOfBuilding: prepared.unitOfBuilding, warnings: prepared.warnings)
        let facts = networkFacts(graph: graph, snapped: snapped, distances: distances, straight: straight, units: prepared.units,
                                 unitOfBuilding: prepared.unitOfBuilding, maxAccess: maxAccess, facilitiesOffNetwork: seeds.map(\.offNetwork))
        if let warning = facts.smallComponentWarning { result.warnings.append(warning) }
        result.network = facts
        timings.lap("aggregate")
        return result
    }

    /// The walk graph of `roads`, the prepared buildings snapped to it and the seeds of every category's
    /// facilities, with the warnings of each step added to `prepared` (timed as "graph").
    static func snapToNetwork(_ prepared: inout CoveragePreparation, roads: FeatureTable, standard: Standard, snapTolerance: Double,
                              maxAccess: Double, timings: inout StageTimings) throws
        -> (graph: WalkGraph, snapped: SnappedPoints, seeds: [NetworkDistances.CategorySeeds]) {
        let graph: WalkGraph
        do { graph = try WalkGraph(roads: roads, snapTolerance: snapTolerance) } catch let error as NetworkError {
            throw AnalysisError(error.message, hint: error.hint)
        }
        prepared.warnings += graph.report.warnings
        timings.lap("graph")
        let snapped = graph.snap(points: prepared.buildings.points, maxAccess: maxAccess)
        var seeds: [NetworkDistances.CategorySeeds] = []
        for category in prepared.categories {
            let points = try entryPoints(category.geometries)
            seeds.append(NetworkDistances.seeds(graph: graph, points: points, maxAccess: maxAccess))
        }
        for (c, s) in seeds.enumerated() where s.offNetwork > 0 {
            prepared.warnings.append("\(s.offNetwork) facility(ies) of '\(standard.categories[c].key)' are over \(Int(maxAccess)) m from any walkable road and were left out")
        }
        if snapped.offNetwork > 0 {
            prepared.warnings.append("\(snapped.offNetwork) residential building(s) are over \(Int(maxAccess)) m from any walkable road: off-network, their network distances are null")
        }
        return (graph, snapped, seeds)
    }

    /// The network facts of a run from its network and straight-line distances: access legs and off-network
    /// flags of the snapped buildings, the small-component flag (the building's edge is not in the largest
    /// component and its component has under 5 % of the network's length), the detour ratio per building and
    /// per area (Σ network ÷ Σ straight-line over the categories where both are known). Shared by
    /// ``run(buildings:facilities:roads:areas:standard:options:snapTolerance:maxAccess:timings:progress:)`` and the
    /// merge of tiles (``TileMerge``), which recomputes them on the whole city's graph.
    static func networkFacts(graph: WalkGraph, snapped: SnappedPoints, distances: [[Double]], straight: [[Double]], units: AreaUnits,
                             unitOfBuilding: [Int32], maxAccess: Double, facilitiesOffNetwork: [Int]) -> NetworkFacts {
        let components = graph.components()
        let total = components.length.reduce(0, +)
        let smallComponent = snapped.edge.map { e -> Bool in
            guard e >= 0 else { return false }
            let c = Int(components.ofVertex[Int(graph.edgeFrom[Int(e)])])
            return c != 0 && components.length[c] < 0.05 * total
        }
        let n = snapped.edge.count
        var networkSum = [Double](repeating: 0, count: n), straightSum = [Double](repeating: 0, count: n)
        for c in distances.indices {
            for b in 0 ..< n where !distances[c][b].isNaN && !straight[c][b].isNaN {
                networkSum[b] += distances[c][b]
                straightSum[b] += straight[c][b]
            }
        }
        let detour = (0 ..< n).map { straightSum[$0] > 0 ? networkSum[$0] / straightSum[$0] : .nan }
        var areaNetwork = [Double](repeating: 0, count: units.count), areaStraight = areaNetwork
        for b in 0 ..< n where unitOfBuilding[b] >= 0 {
            areaNetwork[Int(unitOfBuilding[b])] += networkSum[b]
            areaStraight[Int(unitOfBuilding[b])] += straightSum[b]
        }
        return NetworkFacts(graph: graph.report, maxAccess: maxAccess, access: snapped.access,
                            offNetwork: snapped.edge.map { $0 < 0 }, smallComponent: smallComponent, detour: detour,
                            areaDetour: zip(areaNetwork, areaStraight).map { $1 > 0 ? $0 / $1 : .nan },
                            facilitiesOffNetwork: facilitiesOffNetwork, straightLine: straight)
    }

    /// Where each facility enters the network: the point itself, or GEOS `PointOnSurface` of a polygon.
    static func entryPoints(_ geometries: GeometryColumn) throws -> [Double] {
        let n = geometries.count
        let output = SharedBuffer(repeating: Double.nan, count: 2 * n)
        let failure = SharedBuffer<String?>(repeating: nil, count: 1)
        parallelGEOSChunks(n) { range, context in
            for i in range {
                if geometries.types[i] == .point || geometries.types[i] == .multiPoint {
                    let p = geometries.firstCoordinate(of: i)
                    output.withPointer { $0[2 * i] = p.x; $0[2 * i + 1] = p.y }
                    continue
                }
                do {
                    let point = try geometries.geometry(i, context: context).pointOnSurface()
                    let x = try point.x(), y = try point.y()
                    output.withPointer { $0[2 * i] = x; $0[2 * i + 1] = y }
                } catch {
                    failure.withPointer { $0[0] = "\(error)" }
                }
            }
        }
        if let message = failure.storage[0] { throw AnalysisError("cannot place a facility on the network: \(message)") }
        return output.storage
    }
}
