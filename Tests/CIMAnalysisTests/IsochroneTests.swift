import CIMAnalysis
import CIMGeometry
import CIMNetwork
import CIMStore
import Foundation
import Testing

@Suite("Isochrones along the walk network")
struct IsochroneTests {
    func line(_ points: [(Double, Double)]) -> FeatureTable {
        var column = GeometryColumn()
        column.beginFeature(.lineString); column.addRing(points); column.endPart(); column.endFeature()
        return FeatureTable(name: "roads", geometryType: .lineString, geometries: column, columns: [], crs: RandomCity.crs)
    }

    @Test("reachable pieces include partial edges from vertices and from a facility inside an edge")
    func partialPieces() throws {
        // A straight street 0 → 1000 with a middle vertex at 600, a facility at x = 100 with a 10 m access leg.
        let graph = try WalkGraph(roads: line([(0, 0), (600, 0), (1000, 0)]))
        let seeds = NetworkDistances.seeds(graph: graph, points: [100, 10], maxAccess: 50)
        var search = MultiSourceDijkstra(vertexCount: graph.vertexCount)
        search.run(graph: graph, sources: seeds.sources, bound: 1000)
        var direct: [Int32: [(offset: Double, used: Double)]] = [:]
        for (edge, list) in seeds.onEdge { direct[edge] = list.map { ($0.offset, $0.access) } }
        // 300 m: 10 m access, then 290 m either way along the street: [0, 390].
        let pieces = graph.reachablePieces(distance: search.distance, limit: 300, direct: direct)
        var total = 0.0
        for i in 0 ..< pieces.count {
            let cs = pieces.coordinates(of: pieces.rings(of: pieces.parts(of: i).lowerBound).lowerBound)
            total += abs(pieces.xy[2 * (cs.upperBound - 1)] - pieces.xy[2 * cs.lowerBound])
        }
        #expect(abs(total - 390) < 1e-9)
        // 700 m: [0, 790]: the whole first edge and 190 m of the second.
        let longer = graph.reachablePieces(distance: search.distance, limit: 700, direct: direct)
        var total2 = 0.0
        for i in 0 ..< longer.count {
            let cs = longer.coordinates(of: longer.rings(of: longer.parts(of: i).lowerBound).lowerBound)
            total2 += abs(longer.xy[2 * (cs.upperBound - 1)] - longer.xy[2 * cs.lowerBound])
        }
        #expect(abs(total2 - 790) < 1e-9)
    }

    @Test("every building whose network entry is within the walk lies inside the service area")
    func buildingsInside() throws {
        let city = try RandomCity(seed: 51, buildings: 200, facilities: 30, categories: ["kindergarten", "clinic"], size: 1500)
        let roads = randomRoads(seed: 51, size: 1500, spacing: 120)
        let standard = try testStandard()
        let result = try Isochrones.run(roads: roads, facilities: city.facilities, category: "kindergarten", minutes: [5],
                                        standard: standard, perFacility: false, width: 25)
        #expect(result.areas.count == 1)
        #expect(result.areas[0].metres == 300) // the 5-minute level of the standard
        let context = GEOSContext()
        let polygon = try PreparedGeometry(try result.areas[0].geometry.geometry(0, context: context))
        var timings = StageTimings()
        let coverage = try NetworkCoverage.run(buildings: city.buildings, facilities: city.facilities, roads: roads, areas: nil,
                                               standard: standard, options: CoverageOptions(unknownIsResidential: true), timings: &timings)
        let facts = try #require(coverage.network)
        let graph = try WalkGraph(roads: roads)
        let snapped = graph.snap(points: coverage.buildings.points, maxAccess: NetworkCoverage.defaultMaxAccess)
        let k = standard.categories.firstIndex { $0.key == "kindergarten" }!
        var inside = 0
        for b in 0 ..< coverage.buildings.count where !coverage.distances[k][b].isNaN && coverage.distances[k][b] - facts.access[b] < 300 - 1e-6 {
            let e = Int(snapped.edge[b])
            let a = Int(graph.edgeFrom[e]), z = Int(graph.edgeTo[e])
            let f = graph.edgeLength[e] > 0 ? snapped.offset[b] / graph.edgeLength[e] : 0
            let x = graph.vertices[2 * a] + (graph.vertices[2 * z] - graph.vertices[2 * a]) * f
            let y = graph.vertices[2 * a + 1] + (graph.vertices[2 * z + 1] - graph.vertices[2 * a + 1]) * f
            #expect(try polygon.covers(x: x, y: y), "building \(b) enters the network inside the walk but outside the polygon")
            inside += 1
        }
        #expect(inside > 10)
        // A larger walk gives a larger area.
        let two = try Isochrones.run(roads: roads, facilities: city.facilities, category: "kindergarten", minutes: [5, 10],
                                     standard: standard, perFacility: false)
        #expect(two.areas[1].areaM2 > two.areas[0].areaM2)
        #expect(throws: AnalysisError.self) {
            try Isochrones.run(roads: roads, facilities: city.facilities, category: "no_such", minutes: [5], standard: standard, perFacility: false)
        }
    }

    @Test("per-facility service areas carry the facility's name beside its id; together they name none")
    func facilityNames() throws {
        // Two kindergartens on one street, named; a third facility of another category.
        var points = GeometryColumn()
        for x in [100.0, 800, 400] { points.beginFeature(.point); points.addRing([(x, 5)]); points.endPart(); points.endFeature() }
        let facilities = FeatureTable(name: "facilities", geometryType: .point, geometries: points, columns: [
            AttributeColumn("id", .text(["K1", "K2", "C1"])), AttributeColumn("category", .text(["kindergarten", "kindergarten", "clinic"])),
            AttributeColumn("name", .text(["阳光幼儿园", nil, "Clinic"])),
        ], crs: RandomCity.crs)
        let roads = line([(0, 0), (1000, 0)])
        let standard = try testStandard()
        let each = try Isochrones.run(roads: roads, facilities: facilities, category: "kindergarten", minutes: [5], standard: standard, perFacility: true)
        #expect(each.areas.map(\.facilityId) == ["K1", "K2"])
        #expect(each.areas.map(\.facilityName) == ["阳光幼儿园", nil])
        let layer = Isochrones.layer(each.areas, category: "kindergarten", name: "isochrones_kindergarten")
        #expect(layer.text("facility_name") == ["阳光幼儿园", nil])
        let together = try Isochrones.run(roads: roads, facilities: facilities, category: "kindergarten", minutes: [5], standard: standard, perFacility: false)
        #expect(together.areas.map(\.facilityName) == [nil])
    }
}
