@testable import CIMAnalysis
import CIMGeometry
import CIMNetwork
import CIMStore
import Foundation
import Testing

/// The service areas before issue 15, kept as the oracle: the same search, the reachable pieces as one
/// collection of two-point segments buffered at once by GEOS (`GEOSBuffer_r` on the MultiLineString).
func legacyServiceAreas(roads: FeatureTable, facilities: FeatureTable, category: String, limits: [Double], standard: Standard,
                        width: Double, context: GEOSContext) throws -> [Geometry?] {
    let graph = try WalkGraph(roads: roads)
    let members = try CategoryFacilities.byCategory(facilities, keys: [category], serving: standard.servingCategories)[category]!
    let points = try NetworkCoverage.entryPoints(members.geometries)
    let seeds = NetworkDistances.seeds(graph: graph, points: points, maxAccess: NetworkCoverage.defaultMaxAccess)
    var search = MultiSourceDijkstra(vertexCount: graph.vertexCount)
    search.run(graph: graph, sources: seeds.sources, bound: limits.max()!)
    var direct: [Int32: [(offset: Double, used: Double)]] = [:]
    for (edge, list) in seeds.onEdge { direct[edge] = list.map { ($0.offset, $0.access) } }
    return try limits.map { limit in
        let pieces = graph.reachablePieces(distance: search.distance, limit: limit, direct: direct)
        guard pieces.count > 0 else { return nil }
        let lines = try (0 ..< pieces.count).map { try pieces.geometry($0, context: context) }
        return try Geometry.collection(lines, context: context).buffer(width, quadrantSegments: Isochrones.quadrantSegments)
    }
}

/// The random grid streets of ``randomRoads(seed:size:spacing:)`` with a shape vertex every `step` metres
/// (nudged sideways up to 2 m), so streets between junctions have many vertices, as surveyed streets do.
func densifiedRoads(seed: UInt64, step: Double) -> FeatureTable {
    let roads = randomRoads(seed: seed, size: 1200, spacing: 160)
    var rng = SeededRandom(seed: seed &+ 99)
    var column = GeometryColumn()
    for f in 0 ..< roads.geometries.count {
        let cs = roads.geometries.coordinateRange(of: f)
        var line: [(Double, Double)] = []
        for i in cs.lowerBound ..< cs.upperBound - 1 {
            let (ax, ay) = (roads.geometries.xy[2 * i], roads.geometries.xy[2 * i + 1])
            let (bx, by) = (roads.geometries.xy[2 * i + 2], roads.geometries.xy[2 * i + 3])
            let n = max(1, Int(hypot(bx - ax, by - ay) / step))
            line.append((ax, ay))
            for k in 1 ..< n {
                let f = Double(k) / Double(n)
                line.append((ax + (bx - ax) * f + rng.uniform(-2 ... 2), ay + (by - ay) * f + rng.uniform(-2 ... 2)))
            }
        }
        line.append((roads.geometries.xy[2 * (cs.upperBound - 1)], roads.geometries.xy[2 * (cs.upperBound - 1) + 1]))
        column.beginFeature(.lineString); column.addRing(line); column.endPart(); column.endFeature()
    }
    return FeatureTable(name: "roads", geometryType: .lineString, geometries: column, columns: roads.columns, crs: RandomCity.crs, fids: roads.fids)
}

/// Compares new service areas with the legacy oracle: Hausdorff distance (vertices densified to a tenth of
/// each segment) within ``Isochrones/tolerance(width:)``, symmetric difference under 0.5 % of the area.
func expectWithinTolerance(_ areas: [Isochrones.Area], _ legacy: [Geometry?], width: Double, context: GEOSContext,
                           sourceLocation: SourceLocation = #_sourceLocation) throws -> (hausdorff: Double, share: Double) {
    #expect(areas.count == legacy.count, sourceLocation: sourceLocation)
    var worstHausdorff = 0.0, worstShare = 0.0
    for (area, old) in zip(areas, legacy) {
        guard let old else { #expect(area.geometry.count == 0 || area.areaM2 == 0, sourceLocation: sourceLocation); continue }
        let new = try area.geometry.geometry(0, context: context)
        let hausdorff = try new.hausdorffDistance(to: old, densify: 0.1)
        let share = try new.symmetricDifference(old).area() / old.area()
        worstHausdorff = max(worstHausdorff, hausdorff)
        worstShare = max(worstShare, share)
        #expect(hausdorff <= Isochrones.tolerance(width: width), "Hausdorff \(hausdorff) m at \(area.metres) m", sourceLocation: sourceLocation)
        #expect(share < 0.005, "symmetric difference \(share * 100) % at \(area.metres) m", sourceLocation: sourceLocation)
        #expect(abs(area.areaM2 - (try old.area())) / (try old.area()) < 0.005, sourceLocation: sourceLocation)
    }
    return (worstHausdorff, worstShare)
}

@Suite("Isochrones: polylines and the tolerance against the segment-buffer oracle")
struct IsochroneToleranceTests {
    @Test("the polylines hold exactly the reachable pieces, joined only where two pieces meet", arguments: [5 as UInt64, 6])
    func polylinesAreThePieces(seed: UInt64) throws {
        let roads = densifiedRoads(seed: seed, step: 20)
        let graph = try WalkGraph(roads: roads)
        // Sources: three vertices, and one start inside an edge.
        var search = MultiSourceDijkstra(vertexCount: graph.vertexCount)
        var rng = SeededRandom(seed: seed)
        let sources = (0 ..< 3).map { _ in (vertex: Int32(rng.int(0 ..< graph.vertexCount)), distance: rng.uniform(0 ... 50)) }
        search.run(graph: graph, sources: sources, bound: 700)
        let e = Int32(rng.int(0 ..< graph.edgeCount))
        let direct: [Int32: [(offset: Double, used: Double)]] = [e: [(graph.edgeLength[Int(e)] / 2, 10)]]
        for limit in [150.0, 400, 700] {
            let pieces = graph.reachableEdgePieces(distance: search.distance, limit: limit, direct: direct)
            // Looking only at the reached vertices' edges finds the same pieces as scanning every edge.
            #expect(graph.reachableEdgePieces(distance: search.distance, limit: limit, direct: direct, reached: search.reachedVertices) == pieces)
            let polylines = graph.reachablePolylines(distance: search.distance, limit: limit, direct: direct, reached: search.reachedVertices)
            // Same segments (as unordered coordinate pairs) in the polylines as in the pieces.
            func key(_ a: (Double, Double), _ b: (Double, Double)) -> [Double] { a < b ? [a.0, a.1, b.0, b.1] : [b.0, b.1, a.0, a.1] }
            let columns = graph.reachablePieces(distance: search.distance, limit: limit, direct: direct)
            var expected: [[Double]] = []
            for i in 0 ..< columns.count {
                let cs = columns.coordinateRange(of: i)
                expected.append(key((columns.xy[2 * cs.lowerBound], columns.xy[2 * cs.lowerBound + 1]),
                                    (columns.xy[2 * cs.lowerBound + 2], columns.xy[2 * cs.lowerBound + 3])))
            }
            var found: [[Double]] = []
            for i in 0 ..< polylines.count {
                let cs = polylines.coordinateRange(of: i)
                for k in cs.lowerBound ..< cs.upperBound - 1 {
                    found.append(key((polylines.xy[2 * k], polylines.xy[2 * k + 1]), (polylines.xy[2 * k + 2], polylines.xy[2 * k + 3])))
                }
            }
            #expect(found.sorted { $0.lexicographicallyPrecedes($1) } == expected.sorted { $0.lexicographicallyPrecedes($1) })
            #expect(pieces.count == expected.count)
            // Shape vertices are joined: far fewer polylines than pieces.
            #expect(polylines.count * 3 < pieces.count, "\(polylines.count) polylines for \(pieces.count) pieces")
        }
    }

    @Test("service areas stay within the stated tolerance of the segment-buffer oracle on seeded cities", arguments: [11 as UInt64, 12])
    func seededCities(seed: UInt64) throws {
        let city = try RandomCity(seed: seed, buildings: 50, facilities: 40, categories: ["kindergarten", "clinic"], size: 1200)
        let roads = densifiedRoads(seed: seed, step: 25)
        let standard = try testStandard()
        let context = GEOSContext()
        for width in [25.0, 10] {
            let result = try Isochrones.run(roads: roads, facilities: city.facilities, category: "kindergarten", minutes: [5, 10, 15],
                                            standard: standard, perFacility: false, width: width)
            let legacy = try legacyServiceAreas(roads: roads, facilities: city.facilities, category: "kindergarten",
                                                limits: result.areas.map(\.metres), standard: standard, width: width, context: context)
            _ = try expectWithinTolerance(result.areas, legacy, width: width, context: context)
        }
    }

    @Test("Porto's kindergarten 5- and 10-minute service areas stay within the stated tolerance of the segment-buffer oracle")
    func porto() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try GeoPackageStore.openOrCreate(folder.appendingPathComponent("porto.gpkg").path)
        _ = try store.importOSM(source: dataDirectory.appendingPathComponent("porto.osm.pbf").path, preset: OSMPreset.shipped())
        let standard = try Standard.load(dataDirectory.appendingPathComponent("standards/gb50180-2018.json"))
        let roads = try store.snapshot("roads", fields: ["walkable"])
        let facilities = try store.snapshot("facilities", fields: ["id", "category", "name"])
        let context = GEOSContext()
        // The 5- and 10-minute levels (the oracle's one GEOS buffer of every piece takes minutes at 15).
        let result = try Isochrones.run(roads: roads, facilities: facilities, category: "kindergarten", minutes: [5, 10],
                                        standard: standard, perFacility: false)
        let legacy = try legacyServiceAreas(roads: roads, facilities: facilities, category: "kindergarten",
                                            limits: result.areas.map(\.metres), standard: standard, width: Isochrones.defaultWidth, context: context)
        #expect(legacy.allSatisfy { $0 != nil })
        let worst = try expectWithinTolerance(result.areas, legacy, width: Isochrones.defaultWidth, context: context)
        print("Porto isochrones against the oracle: Hausdorff \(worst.hausdorff) m, symmetric difference \(worst.share * 100) %")
    }
}
