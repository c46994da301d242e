@testable import CIMAnalysis
import CIMGeometry
import CIMIndex
import CIMStore
import Foundation
import Testing

/// An areas table of (id, kind, ring).
func areasTable(_ entries: [(String, String, [(Double, Double)])], crs: CoordinateReferenceSystem? = RandomCity.crs) -> FeatureTable {
    var g = GeometryColumn()
    for (_, _, ring) in entries {
        g.beginFeature(.multiPolygon)
        g.addRing(ring)
        g.endPart()
        g.endFeature()
    }
    return FeatureTable(name: "areas", geometryType: .multiPolygon, geometries: g, columns: [
        AttributeColumn("id", .text(entries.map { $0.0 })), AttributeColumn("kind", .text(entries.map { $0.1 })),
        AttributeColumn("name", .text(entries.map { "name of \($0.0)" })),
    ], crs: crs, fids: (0 ..< Int64(entries.count)).map { $0 + 1 })
}

/// Independent floors, floor area and residents from the raw columns (README "Semantics").
func independentStock(_ buildings: FeatureTable, perResident: Double, context: GEOSContext) throws -> (floorArea: [Double], residents: [Double]) {
    let floors = buildings.integers("floors")!, heights = buildings.reals("height")!, uses = buildings.text("use")!
    var floorArea: [Double] = [], residents: [Double] = []
    for b in 0 ..< buildings.count {
        var n = 1.0
        if let f = floors[b], f > 0 { n = Double(f) } else if let h = heights[b], h > 0 { n = max(1, (h / 3).rounded()) }
        let area = try buildings.geometries.geometry(b, context: context).area() * n
        floorArea.append(area)
        residents.append(uses[b] == "residential" || uses[b] == "mixed" ? area / perResident : 0)
    }
    return (floorArea, residents)
}

@Suite("Drainage: blank zones and blank areas")
struct DrainageZoneTests {
    /// Sewer p0 along y = 0 (x 0–300), storm p1 at x 1000–1100; five buildings.
    func tinyCity() -> (buildings: FeatureTable, pipes: FeatureTable, areas: FeatureTable) {
        let buildings = buildingsTable([
            [rectangle(100, 20, 120, 40)],     // b0: 20 m from the sewer, served
            [rectangle(100, 80, 120, 100)],    // b1: 80 m, unserved
            [rectangle(160, 80, 180, 100)],    // b2: 80 m, 40 m from b1: same zone
            [rectangle(1040, 60, 1060, 80)],   // b3: 60 m from the storm pipe only
            [rectangle(150, 300, 170, 320)],   // b4: 300 m, 200 m from b1/b2: own zone
        ], uses: ["residential", "residential", "commercial", "mixed", "unknown"], floors: [3, 2, nil, nil, 10],
           heights: [nil, nil, 12, nil, nil])
        let pipes = pipesTable([[(0, 0), (150, 0), (300, 0)], [(1000, 0), (1100, 0)]], kinds: ["sewer", "storm"])
        let areas = areasTable([
            ("B", "builtup", rectangle(-100, -100, 1200, 400)),
            ("west", "district", rectangle(-100, -100, 600, 400)),
            ("east", "district", rectangle(600, -100, 1200, 400)),
        ])
        return (buildings, pipes, areas)
    }

    @Test("tiny city: distances, zones, totals and districts by hand")
    func tinyCityByHand() throws {
        let (buildings, pipes, areas) = tinyCity()
        let standard = try drainageStandard()
        var timings = StageTimings()
        let r = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: areas, standard: standard, options: GapsOptions(), timings: &timings)
        #expect(r.service.distances[0] == 20 && r.service.distances[1] == 80 && r.service.distances[2] == 80 && r.service.distances[4] == 300)
        #expect(abs(r.service.distances[3] - (740.0 * 740 + 60 * 60).squareRoot()) < 1e-9)
        #expect(r.isServed(0) && !r.isServed(1) && !r.isServed(3))
        #expect(r.zones.map(\.members) == [[4], [1, 2], [3]])
        #expect(r.zones.map(\.id) == ["Z1", "Z2", "Z3"])
        let z2 = r.zones[1]
        #expect(z2.buildings == 2 && z2.residentialBuildings == 1)
        #expect(abs(z2.floorArea - (400 * 2 + 400 * 4)) < 1e-9)               // b2: height 12 m → 4 floors
        #expect(abs(z2.residents - 800 / 36.5) < 1e-9)                        // only b1 is residential
        #expect(z2.nearestPipeDistance == 80 && r.pipes.ids[z2.nearestPipe] == "p0")
        #expect(r.districts!.ids[z2.district] == "west" && r.districts!.ids[r.zones[2].district] == "east")
        #expect(abs(r.zones[0].floorArea - 4000) < 1e-9 && r.zones[0].residents == 0)   // unknown use: no residents
        #expect(abs(r.zones[2].residents - 400 / 36.5) < 1e-9)                // mixed, no floors: 1 floor
        // The zone of b1 and b2 bridges the 40 m between them.
        let context = GEOSContext()
        let zone = try r.zonePolygons.geometry(1, context: context)
        #expect(try zone.intersects(Geometry(x: 140, y: 90, context: context)))
        #expect(r.byDistrict.map(\.unserved) == [3, 1])
        // With storm pipes and a 70 m radius b3 is served; b1 and b2 are not.
        let wider = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: areas, standard: standard,
                                     options: GapsOptions(kinds: PipeKinds.parse("sewer,combined,storm"), radius: 70), timings: &timings)
        #expect(wider.isServed(3) && !wider.isServed(1))
        #expect(wider.zones.map(\.members) == [[4], [1, 2]])
        // Merge distance 0: b1 and b2 are separate zones.
        let apart = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: areas, standard: standard,
                                     options: GapsOptions(merge: 0), timings: &timings)
        #expect(apart.zones.count == 4)
        // Blank area: the built-up rectangle minus the sewer's 50 m buffer (independently with GEOS).
        let builtUp = try Geometry(wkt: "POLYGON ((-100 -100, 1200 -100, 1200 400, -100 400, -100 -100))", context: context)
        let buffer = try pipes.geometries.geometry(0, context: context).buffer(50)
        let expected = try builtUp.difference(buffer).area()
        #expect(abs(r.blankAreas.totalArea - expected) < 1e-6 * expected)
        #expect(r.blankAreas.count == 1)
        #expect(abs(r.builtUpArea - 1300 * 500) < 1e-6)
    }

    @Test("zones equal brute-force GEOS single linkage; totals recomputed independently", arguments: [5, 6, 7] as [UInt64])
    func zonesMatchBruteForce(seed: UInt64) throws {
        let city = try RandomCity(seed: seed, buildings: 600, facilities: 0, categories: [])
        let pipes = randomPipes(seed: seed &+ 7, count: 50, city: city)
        let o = (x: 500_000.0, y: 3_290_000.0)
        let areas = areasTable([
            ("B1", "builtup", rectangle(o.x - 100, o.y - 100, o.x + 3100, o.y + 1500)),
            ("B2", "builtup", rectangle(o.x - 100, o.y + 1500, o.x + 1500, o.y + 3100)),
            ("W", "district", rectangle(o.x - 200, o.y - 200, o.x + 1500, o.y + 3200)),
            ("E", "district", rectangle(o.x + 1500, o.y - 200, o.x + 3200, o.y + 3200)),
        ])
        let standard = try drainageStandard()
        let options = GapsOptions(radius: 60, merge: 80)
        var timings = StageTimings()
        let r = try PipeGaps.run(buildings: city.buildings, pipes: pipes, areas: areas, standard: standard, options: options, timings: &timings)
        let context = GEOSContext()

        // Unserved: GEOS distance beyond the radius, PointOnSurface in the built-up land.
        let distances = try bruteForceServiceDistances(buildings: city.buildings, pipes: pipes, kinds: .wastewater)
        let builtUp = try Geometry.unaryUnion(of: [0, 1].map { try areas.geometries.geometry($0, context: context) }, context: context)
        let footprints = try (0 ..< city.buildings.count).map { try city.buildings.geometries.geometry($0, context: context) }
        var unserved: [Int] = []
        for b in 0 ..< city.buildings.count where distances[b] > options.radius {
            if try builtUp.intersects(footprints[b].pointOnSurface()) { unserved.append(b) }
        }
        #expect(r.unservedBuildings == unserved)
        #expect(unserved.count > 50)
        #expect(r.inScope.contains(false))

        // Single linkage with GEOS distances.
        var parent = Array(0 ..< unserved.count)
        func find(_ x: Int) -> Int { var x = x; while parent[x] != x { x = parent[x] }; return x }
        for i in 0 ..< unserved.count {
            for j in (i + 1) ..< unserved.count where try footprints[unserved[i]].distance(to: footprints[unserved[j]]) <= options.merge {
                parent[find(i)] = find(j)
            }
        }
        var groups: [Int: [Int]] = [:]
        for i in 0 ..< unserved.count { groups[find(i), default: []].append(unserved[i]) }
        let expected = Set(groups.values.map { $0.sorted() })
        #expect(Set(r.zones.map(\.members)) == expected)
        #expect(r.zones.contains { $0.buildings > 1 })

        // Totals, recomputed from the raw columns.
        let stock = try independentStock(city.buildings, perResident: standard.parameters.floorAreaPerResident, context: context)
        for zone in r.zones {
            let floor = zone.members.reduce(0.0) { $0 + stock.floorArea[$1] }
            let residents = zone.members.reduce(0.0) { $0 + stock.residents[$1] }
            #expect(abs(zone.floorArea - floor) <= 1e-6 * max(1, floor))
            #expect(abs(zone.residents - residents) <= 1e-6 * max(1, residents))
            #expect(abs(zone.nearestPipeDistance - zone.members.map { distances[$0] }.min()!) <= 1e-6)
        }
        let totalFloor = unserved.reduce(0.0) { $0 + stock.floorArea[$1] }
        #expect(abs(r.zones.reduce(0) { $0 + $1.floorArea } - totalFloor) <= 1e-6 * totalFloor)
        #expect(r.zones.reduce(0) { $0 + $1.buildings } == unserved.count)
        // Ranked by floor area.
        #expect(zip(r.zones, r.zones.dropFirst()).allSatisfy { $0.floorArea >= $1.floorArea })

        // Zone polygons cover their footprints and stay within half the merge distance of them.
        for (z, zone) in r.zones.enumerated() {
            let polygon = try r.zonePolygons.geometry(z, context: context)
            let union = try Geometry.unaryUnion(of: zone.members.map { footprints[$0] }, context: context)
            #expect(try union.difference(polygon).area() < 1e-6)
            #expect(try polygon.difference(union.buffer(options.merge / 2 + 0.01)).area() < 1e-6)
            #expect(abs(zone.area - (try polygon.area())) < 1e-6)
        }

        // Blank areas: built-up land minus the buffer of all wastewater pipes, and every unserved building's
        // reference point lies in one.
        let kinds = pipes.text("kind")!
        let lines = try (0 ..< pipes.count).filter { PipeKinds.wastewater.contains(kinds[$0]) }.map { try pipes.geometries.geometry($0, context: context) }
        let blank = try builtUp.difference(Geometry.collection(lines, context: context).buffer(options.radius))
        #expect(abs(r.blankAreas.totalArea - (try blank.area())) <= 1e-6 * (try blank.area()))
        let ours = try Geometry.unaryUnion(of: (0 ..< r.blankAreas.count).map { try r.blankAreas.geometries.geometry($0, context: context) }, context: context)
        for b in unserved {
            #expect(try ours.intersects(Geometry(x: r.buildings.points[2 * b], y: r.buildings.points[2 * b + 1], context: context)))
        }
        // District totals add up to the unserved buildings in districts.
        #expect(r.byDistrict.reduce(0) { $0 + $1.unserved } == unserved.count)
        #expect(abs(r.byDistrict.reduce(0) { $0 + $1.blankArea } - r.blankAreas.totalArea) <= 1e-6 * r.blankAreas.totalArea)
    }

    @Test("without built-up areas the built-up land is derived from the buildings and every building is in scope")
    func derivedBuiltUp() throws {
        let (buildings, pipes, _) = tinyCity()
        var timings = StageTimings()
        let r = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: nil, standard: try drainageStandard(), options: GapsOptions(), timings: &timings)
        #expect(r.inScope.allSatisfy { $0 })
        #expect(!r.builtUp.fromAreas)
        #expect(r.warnings.contains { $0.contains("derived from the buildings") })
        #expect(r.warnings.contains { $0.contains("district") })
        // b0..b2 and b4 are within 100 m of each other? b4 is 200 m from b1/b2: three groups of land.
        #expect(r.builtUp.geometries.count == 3)
        let context = GEOSContext()
        for b in 0 ..< buildings.count {
            let footprint = try buildings.geometries.geometry(b, context: context)
            // Round buffers may cut convex corners by up to h·(1 − cos(π/32)) ≈ 0.96 m.
            let covered = try (0 ..< r.builtUp.geometries.count).contains { try r.builtUp.geometries.geometry($0, context: context).buffer(1).contains(footprint) }
            #expect(covered)
        }
        // --within with a kind the store lacks is an error.
        #expect {
            _ = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: nil, standard: try drainageStandard(),
                                 options: GapsOptions(builtUpKind: "urban"), timings: &timings)
        } throws: { "\($0)".contains("no areas of kind 'urban'") }
    }

    @Test("the closing of a whole city in tiles equals the closing in one piece within 0.01 h (GEOS's buffer simplification near tile edges)",
          arguments: [(11, 400.0), (12, 250.0)] as [(UInt64, Double)])
    func tiledClosingEqualsOneClosing(seed: UInt64, tileSize: Double) throws {
        // Clusters of footprints over 2 km, with gaps wider than 2h between some: land with holes and several parts.
        var g = SplitMix64(seed: seed)
        var footprints = GeometryColumn()
        let context = GEOSContext()
        for _ in 0 ..< 1800 {
            let cluster = Double(g.next() % 9)
            let cx = 39_500_000 + (cluster.truncatingRemainder(dividingBy: 3)) * 700 + g.uniform(0, 450)
            let cy = 3_300_000 + (cluster / 3).rounded(.down) * 700 + g.uniform(0, 450)
            let w = g.uniform(6, 30), h = g.uniform(6, 30), a = g.uniform(0, Double.pi)
            let (c, s) = (cos(a), sin(a))
            let corners = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h), (0.0, 0.0)].map { "\(cx + $0.0 * c - $0.1 * s) \(cy + $0.0 * s + $0.1 * c)" }
            try footprints.append(try Geometry(wkt: "POLYGON ((\(corners.joined(separator: ", "))))", context: context))
        }
        let members = Array(0 ..< footprints.count)
        let half = 50.0
        let one = try BlankZones.closing(members, footprints: footprints, merge: 2 * half, quadrantSegments: 8, includeFootprints: false,
                                         context: context, parallel: false).geometry(0, context: context)
        let tiled = try BlankZones.tiledClosing(members, footprints: footprints, half: half, quadrantSegments: 8, tileSize: tileSize, context: context)
        let area = try one.area()
        #expect(area > 1e6)
        let tiledArea = try tiled.area()
        #expect(abs(tiledArea - area) <= 1e-6 * area, "areas \(tiledArea) vs \(area)")
        #expect(try one.symmetricDifference(tiled).area() <= 1e-6 * area)
        let hausdorff = try one.hausdorffDistance(to: tiled, densify: 0.1)
        #expect(hausdorff <= 0.01 * half, "Hausdorff \(hausdorff) m")
        #expect(try tiled.isValid())
        // More than one tile was used.
        #expect(tileSize * 3 < 2100)
    }

    @Test("layers: written through the store and read back")
    func layersRoundTrip() throws {
        let (buildings, pipes, areas) = tinyCity()
        var timings = StageTimings()
        let r = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: areas, standard: try drainageStandard(), options: GapsOptions(), timings: &timings)
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try GeoPackageStore.openOrCreate(folder.appendingPathComponent("t.gpkg").path, crs: RandomCity.crs)
        for layer in [r.serviceLayer(), r.zoneLayer(), r.blankAreaLayer()] { try store.writeLayer(layer, provenance: LayerProvenance(source: "test")) }
        let service = try store.snapshot("pipe_service")
        #expect(service.count == 5)
        #expect(service.integers("served")! == [1, 0, 0, 0, 0])
        #expect(service.text("zone_id")! == [nil, "Z2", "Z2", "Z3", "Z1"])
        #expect(service.reals("pipe_m")![1] == 80)
        #expect(service.text("nearest_pipe")![0] == "p0")
        let zones = try store.snapshot("blank_zones")
        #expect(zones.text("id")! == ["Z1", "Z2", "Z3"])
        #expect(zones.integers("buildings")! == [1, 2, 1])
        #expect(zones.text("district")! == ["west", "west", "east"])
        let blank = try store.snapshot("blank_areas")
        #expect(blank.count == 1)
        #expect(blank.integers("unserved_buildings")! == [4])
    }

    @Test("a zone polygon is the closing of its footprints united with every footprint (the oracle unites them all)",
          arguments: [31 as UInt64, 32])
    func closingAgainstEveryFootprint(seed: UInt64) throws {
        let city = try RandomCity(seed: seed, buildings: 1400, facilities: 0, categories: [], size: 1100)
        let footprints = city.buildings.geometries
        let all = BlankZones.cluster(footprints: footprints, members: Array(0 ..< footprints.count), merge: 100)
        let context = GEOSContext()
        // Groups of several sizes: the biggest (parallel path when over the threshold) and closings at 12 m.
        var cases = [(all.max { $0.count < $1.count }!, 100.0)]
        for members in BlankZones.cluster(footprints: footprints, members: Array(0 ..< footprints.count), merge: 12)
            .sorted(by: { $0.count > $1.count }).prefix(10) where members.count >= 2 {
            cases.append((members, 12))
        }
        #expect(cases.count >= 6)
        var outside = 0
        for (members, merge) in cases {
            let own = try members.map { try footprints.geometry($0, context: context) }
            let closed = try Geometry.unaryUnion(of: own.map { try $0.buffer(merge / 2) }, context: context).buffer(-merge / 2)
            let oracle = try closed.union(try Geometry.unaryUnion(of: own, context: context))
            outside += try own.filter { try $0.difference(closed).area() >= 1e-6 }.count
            for parallel in [false, true] {
                let zone = try BlankZones.closing(members, footprints: footprints, merge: merge, quadrantSegments: 8, context: context, parallel: parallel)
                let polygon = try zone.geometry(0, context: context)
                // Every footprint is in it, whole.
                #expect(try own.allSatisfy { try $0.difference(polygon).area() < 1e-6 }, "\(members.count) buildings, merge \(merge), parallel \(parallel)")
                // The same set as the oracle's; the sequential path unites in the oracle's order, the parallel one
                // in chunks (floating-point noding differs).
                let tolerance = parallel ? 1e-6 : 1e-9
                #expect(try polygon.symmetricDifference(oracle).area() <= tolerance * oracle.area(), "\(members.count) buildings, merge \(merge), parallel \(parallel)")
            }
        }
        #expect(outside > 0) // corners the closing cuts: the footprints do change the union
    }

    @Test("large groups and many pipes take the parallel paths and agree with the sequential ones")
    func parallelPaths() throws {
        let city = try RandomCity(seed: 8, buildings: 1400, facilities: 0, categories: [], size: 1100)
        let all = Array(0 ..< city.buildings.count)
        let groups = BlankZones.cluster(footprints: city.buildings.geometries, members: all, merge: 100)
        let big = try #require(groups.max { $0.count < $1.count })
        #expect(big.count >= BlankZones.largeGroup)
        let context = GEOSContext()
        let parallel = try BlankZones.closing(big, footprints: city.buildings.geometries, merge: 100, quadrantSegments: 8, context: context, parallel: true)
        let sequential = try BlankZones.closing(big, footprints: city.buildings.geometries, merge: 100, quadrantSegments: 8, context: context, parallel: false)
        let a = try parallel.geometry(0, context: context), b = try sequential.geometry(0, context: context)
        #expect(try a.difference(b).area() + b.difference(a).area() < 1e-6 * (try a.area()))
        let viaPolygons = try BlankZones.polygons(footprints: city.buildings.geometries, groups: [big], merge: 100)
        #expect(abs(viaPolygons.area(0) - (try a.area())) < 1e-6 * (try a.area()))

        // Over a thousand pipes near one built-up polygon.
        var rng = SeededRandom(seed: 9)
        let o = (x: 500_000.0, y: 3_290_000.0)
        var lines: [[(Double, Double)]] = []
        for _ in 0 ..< 1200 {
            let x = o.x + rng.uniform(0 ... 3000), y = o.y + rng.uniform(0 ... 3000)
            lines.append([(x, y), (x + rng.uniform(-30 ... 30), y + rng.uniform(-30 ... 30))])
        }
        let pipes = pipesTable(lines)
        var warnings: [String] = []
        let set = try PipeSet(pipes: pipes, kinds: .wastewater, warnings: &warnings)
        let square = areasTable([("B", "builtup", rectangle(o.x, o.y, o.x + 3000, o.y + 3000))])
        let builtUp = try BuiltUpArea.fromAreas(try #require(AreaUnits.fromAreas(square, kind: "builtup")), kind: "builtup")
        let blank = try BlankAreas.compute(builtUp: builtUp, pipes: set, radius: 40)
        let polygon = try square.geometries.geometry(0, context: context)
        let buffers = try Geometry.collection(try (0 ..< pipes.count).map { try pipes.geometries.geometry($0, context: context) }, context: context).buffer(40)
        let expected = try polygon.difference(buffers).area()
        #expect(abs(blank.totalArea - expected) < 1e-6 * expected)
        #expect(blank.count > 1)
    }
}
