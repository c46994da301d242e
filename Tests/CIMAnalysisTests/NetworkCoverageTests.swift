import CIMAnalysis
import CIMGeometry
import CIMNetwork
import CIMStore
import Foundation
import Testing

/// A seeded street network over the RandomCity extent: a perturbed grid whose lines share their
/// intersection vertices, dead-end stubs, a disconnected square and a non-walkable road.
func randomRoads(seed: UInt64, size: Double = 3000, spacing: Double = 150) -> FeatureTable {
    var rng = SeededRandom(seed: seed)
    let origin = (x: 500_000.0, y: 3_290_000.0)
    let n = Int(size / spacing) + 1
    var grid = [[(Double, Double)]](repeating: [], count: n)
    for i in 0 ..< n {
        for j in 0 ..< n {
            grid[i].append((origin.x + Double(i) * spacing + rng.uniform(-30 ... 30), origin.y + Double(j) * spacing + rng.uniform(-30 ... 30)))
        }
    }
    var lines: [[(Double, Double)]] = []
    for i in 0 ..< n { lines.append(grid[i]) }                       // north-south streets
    for j in 0 ..< n { lines.append((0 ..< n).map { grid[$0][j] }) } // east-west streets
    for _ in 0 ..< n {                                                // dead ends from random vertices
        let p = grid[rng.int(0 ..< n)][rng.int(0 ..< n)]
        lines.append([p, (p.0 + rng.uniform(-60 ... 60), p.1 + rng.uniform(-60 ... 60))])
    }
    let island = (origin.x + size + 400, origin.y + 200.0)                // disconnected square
    lines.append([island, (island.0 + 80, island.1), (island.0 + 80, island.1 + 80), (island.0, island.1 + 80), island])
    var column = GeometryColumn()
    for line in lines {
        column.beginFeature(.lineString)
        column.addRing(line)
        column.endPart()
        column.endFeature()
    }
    // One extra road that is not walkable (a motorway across the city).
    column.beginFeature(.lineString)
    column.addRing([(origin.x - 50, origin.y + size / 2 + 7), (origin.x + size + 50, origin.y + size / 2 + 7)])
    column.endPart()
    column.endFeature()
    let count = lines.count + 1
    return FeatureTable(name: "roads", geometryType: .lineString, geometries: column, columns: [
        AttributeColumn("id", .text((0 ..< count).map { "r\($0)" })),
        AttributeColumn("walkable", .integer((0 ..< count).map { $0 == count - 1 ? 0 : 1 })),
    ], crs: RandomCity.crs, fids: (0 ..< Int64(count)).map { $0 + 1 })
}

/// Independent network distances: brute-force snapping (scan every edge, smallest distance, ties to the
/// smallest edge id), an explicitly split graph with a vertex at every snap point, and one plain Dijkstra
/// per building.
func bruteForceNetworkDistances(graph: WalkGraph, buildingPoints: [Double], facilityPoints: [Double], cutoff: Double, maxAccess: Double) -> [Double] {
    func snap(_ x: Double, _ y: Double) -> (edge: Int, t: Double, access: Double)? {
        var best: (Int, Double)?
        for e in 0 ..< graph.edgeCount {
            let a = Int(graph.edgeFrom[e]), b = Int(graph.edgeTo[e])
            let d = pointSegmentDistance(x, y, graph.vertices[2 * a], graph.vertices[2 * a + 1], graph.vertices[2 * b], graph.vertices[2 * b + 1])
            if best == nil || d < best!.1 { best = (e, d) }
        }
        guard let (e, d) = best, d <= maxAccess else { return nil }
        let a = Int(graph.edgeFrom[e]), b = Int(graph.edgeTo[e])
        let ax = graph.vertices[2 * a], ay = graph.vertices[2 * a + 1], bx = graph.vertices[2 * b], by = graph.vertices[2 * b + 1]
        let len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
        let t = len2 > 0 ? min(max(((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / len2, 0), 1) : 0
        return (e, t * graph.edgeLength[e], d)
    }
    // Split graph: original vertices, then one vertex per snapped point.
    let facilities = stride(from: 0, to: facilityPoints.count, by: 2).map { snap(facilityPoints[$0], facilityPoints[$0 + 1]) }
    let buildings = stride(from: 0, to: buildingPoints.count, by: 2).map { snap(buildingPoints[$0], buildingPoints[$0 + 1]) }
    var pointsOnEdge: [Int: [(offset: Double, vertex: Int)]] = [:]
    var next = graph.vertexCount
    var facilityVertex: [Int?] = [], buildingVertex: [Int?] = []
    for f in facilities {
        guard let f else { facilityVertex.append(nil); continue }
        pointsOnEdge[f.edge, default: []].append((f.t, next)); facilityVertex.append(next); next += 1
    }
    for b in buildings {
        guard let b else { buildingVertex.append(nil); continue }
        pointsOnEdge[b.edge, default: []].append((b.t, next)); buildingVertex.append(next); next += 1
    }
    var adjacency = [[(Int, Double)]](repeating: [], count: next)
    for e in 0 ..< graph.edgeCount {
        let a = Int(graph.edgeFrom[e]), b = Int(graph.edgeTo[e])
        let stops = [(0.0, a)] + (pointsOnEdge[e] ?? []).sorted { $0.offset < $1.offset }.map { ($0.offset, $0.vertex) } + [(graph.edgeLength[e], b)]
        for k in 1 ..< stops.count {
            let w = stops[k].0 - stops[k - 1].0
            adjacency[stops[k - 1].1].append((stops[k].1, w))
            adjacency[stops[k].1].append((stops[k - 1].1, w))
        }
    }
    var result: [Double] = []
    for (k, source) in buildingVertex.enumerated() {
        guard let source else { result.append(.nan); continue }
        var dist = [Double](repeating: .infinity, count: next)
        dist[source] = 0
        var frontier: [(Double, Int)] = [(0, source)]
        while !frontier.isEmpty {
            let i = frontier.indices.min { frontier[$0].0 < frontier[$1].0 }!
            let (d, v) = frontier.remove(at: i)
            if d > dist[v] { continue }
            for (w, len) in adjacency[v] where d + len < dist[w] { dist[w] = d + len; frontier.append((d + len, w)) }
        }
        var best = Double.infinity
        for (f, vertex) in facilityVertex.enumerated() {
            if let vertex { best = min(best, dist[vertex] + facilities[f]!.access) }
        }
        let total = best + buildings[k]!.access
        result.append(total <= cutoff ? total : .nan)
    }
    return result
}

@Suite("Network coverage against brute force")
struct NetworkCoverageTests {
    @Test("walk graph: one vertex per distinct coordinate, one edge per consecutive pair, shared vertices connect")
    func graphStructure() throws {
        // Two lines crossing at a shared vertex (5,0) and one crossing without a shared vertex.
        var column = GeometryColumn()
        for line in [[(0.0, 0.0), (5, 0), (10, 0)], [(5, -5), (5, 0), (5, 5)], [(2, -3), (2, 3)], [(20, 0), (20, 0), (23, 4)]] {
            column.beginFeature(.lineString); column.addRing(line); column.endPart(); column.endFeature()
        }
        let roads = FeatureTable(name: "roads", geometryType: .lineString, geometries: column,
                                 columns: [AttributeColumn("walkable", .integer([1, 1, 1, 1]))], crs: RandomCity.crs)
        let graph = try WalkGraph(roads: roads)
        #expect(graph.vertexCount == 9)
        #expect(graph.edgeCount == 6)
        #expect(graph.report.repeatedCoordinates == 1)
        let totalLength = graph.edgeLength.reduce(0, +)
        let expectedLength = 31.0 // 10 + 10 + 6 + 5
        #expect(abs(totalLength - expectedLength) < 1e-12)
        let components = graph.components()
        #expect(components.count == 3)
        #expect(components.length[0] == 20)
    }

    @Test("snap tolerance merges near-coincident ends and reports the count")
    func snapTolerance() throws {
        var column = GeometryColumn()
        for line in [[(0.0, 0.0), (10, 0)], [(10.3, 0.2), (20, 0)]] {
            column.beginFeature(.lineString); column.addRing(line); column.endPart(); column.endFeature()
        }
        let roads = FeatureTable(name: "roads", geometryType: .lineString, geometries: column, columns: [], crs: RandomCity.crs)
        #expect(try WalkGraph(roads: roads).components().count == 2)
        let merged = try WalkGraph(roads: roads, snapTolerance: 0.5)
        #expect(merged.components().count == 1)
        #expect(merged.report.snappedVertices == 1)
        #expect(merged.vertexCount == 3)
    }

    @Test("multi-source network distances equal a per-building Dijkstra on the split graph", arguments: [21, 22] as [UInt64])
    func matchesBruteForce(seed: UInt64) throws {
        let city = try RandomCity(seed: seed, buildings: 150, facilities: 40, categories: ["kindergarten", "clinic", "market"], size: 1500)
        let roads = randomRoads(seed: seed, size: 1500, spacing: 120)
        let standard = try testStandard()
        var timings = StageTimings()
        let result = try NetworkCoverage.run(buildings: city.buildings, facilities: city.facilities, roads: roads, areas: city.areas,
                                             standard: standard, options: CoverageOptions(cutoff: 1500), maxAccess: 200, timings: &timings)
        let graph = try WalkGraph(roads: roads)
        let categories = city.facilities.text("category")!
        let context = GEOSContext()
        var compared = 0
        for (c, category) in standard.categories.enumerated() {
            let serving = Set(standard.servingCategories(category.key))
            var facilityPoints: [Double] = []
            for f in 0 ..< city.facilities.count where categories[f].map(serving.contains) ?? false {
                let g = try city.facilities.geometries.geometry(f, context: context)
                let p = g.type == .point ? g : try g.pointOnSurface()
                facilityPoints += [try p.x(), try p.y()]
            }
            let expected = bruteForceNetworkDistances(graph: graph, buildingPoints: result.buildings.points, facilityPoints: facilityPoints,
                                                      cutoff: 1500, maxAccess: 200)
            for b in 0 ..< result.buildings.count {
                let ours = result.distances[c][b]
                if expected[b].isNaN { #expect(ours.isNaN, "\(category.key) building \(b)") } else {
                    #expect(abs(ours - expected[b]) <= 1e-6, "\(category.key) building \(b): \(ours) vs \(expected[b])")
                    compared += 1
                }
            }
        }
        #expect(compared > 200)
    }

    @Test("network distance is never shorter than the straight-line distance", arguments: [31, 32, 33] as [UInt64])
    func networkAtLeastStraightLine(seed: UInt64) throws {
        let city = try RandomCity(seed: seed, buildings: 300, facilities: 60, categories: ["kindergarten", "clinic", "market", "supermarket", "school"], size: 2000)
        let roads = randomRoads(seed: seed, size: 2000, spacing: 140)
        var timings = StageTimings()
        let result = try NetworkCoverage.run(buildings: city.buildings, facilities: city.facilities, roads: roads, areas: nil,
                                             standard: try testStandard(), options: CoverageOptions(cutoff: 3000), timings: &timings)
        let straight = try #require(result.network).straightLine
        var checked = 0
        for c in result.distances.indices {
            for b in result.distances[c].indices where !result.distances[c][b].isNaN {
                #expect(!straight[c][b].isNaN)
                #expect(result.distances[c][b] >= straight[c][b] - 1e-9)
                checked += 1
            }
        }
        #expect(checked > 500)
        #expect(result.network!.detour.filter { !$0.isNaN }.allSatisfy { $0 >= 1 - 1e-12 })
    }

    @Test("bad road input: empty, nothing walkable, NaN and repeated coordinates, far facilities, tiny components")
    func badInput() throws {
        let city = try RandomCity(seed: 41, buildings: 50, facilities: 20, categories: ["kindergarten", "clinic"], size: 800)
        let standard = try testStandard()
        var timings = StageTimings()
        let empty = FeatureTable(name: "roads", geometryType: .lineString, crs: RandomCity.crs)
        #expect(throws: AnalysisError.self) {
            try NetworkCoverage.run(buildings: city.buildings, facilities: city.facilities, roads: empty, areas: nil, standard: standard,
                                    options: CoverageOptions(), timings: &timings)
        }
        var roads = randomRoads(seed: 41, size: 800, spacing: 100)
        let n = roads.count
        roads.columns = [AttributeColumn("walkable", .integer(Array(repeating: 0, count: n)))]
        do {
            _ = try NetworkCoverage.run(buildings: city.buildings, facilities: city.facilities, roads: roads, areas: nil, standard: standard,
                                        options: CoverageOptions(), timings: &timings)
            Issue.record("expected an error for a network with no walkable road")
        } catch let error as AnalysisError {
            #expect(error.message.contains("walkable"))
        }
        // NaN coordinates and repeated points are left out / skipped, not a crash.
        var column = GeometryColumn()
        column.beginFeature(.lineString); column.addRing([(500_000.0, 3_290_000.0), (500_000, 3_290_000), (500_800, 3_290_000)]); column.endPart(); column.endFeature()
        column.beginFeature(.lineString); column.addRing([(500_000.0, 3_290_100.0), (Double.nan, 3_290_100)]); column.endPart(); column.endFeature()
        let odd = FeatureTable(name: "roads", geometryType: .lineString, geometries: column, columns: [], crs: RandomCity.crs)
        let graph = try WalkGraph(roads: odd)
        #expect(graph.report.degenerateRoads == 1)
        #expect(graph.report.repeatedCoordinates == 1)
        #expect(graph.edgeCount == 1)
        // Many tiny components (segments that never share a vertex): a warning that asks whether the roads are noded.
        var pieces = GeometryColumn()
        for k in 0 ..< 40 {
            let x = 500_000.0 + Double(k) * 30
            pieces.beginFeature(.lineString); pieces.addRing([(x, 3_290_000.0), (x + 20, 3_290_000.0)]); pieces.endPart(); pieces.endFeature()
        }
        let scattered = try WalkGraph(roads: FeatureTable(name: "roads", geometryType: .lineString, geometries: pieces, columns: [], crs: RandomCity.crs))
        #expect(scattered.report.components == 40)
        #expect(scattered.report.warnings.contains { $0.contains("components") && $0.contains("--snap-tolerance") })
        // A facility far from every road is left out with a warning; buildings far away are off-network.
        let result = try NetworkCoverage.run(buildings: city.buildings, facilities: city.facilities, roads: odd, areas: nil, standard: standard,
                                             options: CoverageOptions(), maxAccess: 50, timings: &timings)
        let facts = try #require(result.network)
        #expect(facts.offNetwork.contains(true))
        for b in facts.offNetwork.indices where facts.offNetwork[b] {
            #expect(result.distances.allSatisfy { $0[b].isNaN })
        }
        #expect(result.warnings.contains { $0.contains("off-network") })
        #expect(facts.facilitiesOffNetwork.reduce(0, +) > 0)
    }
}
