@testable import CIMAnalysis
import CIMGeometry
import CIMIndex
import CIMStore
import Foundation
import Testing

// MARK: - Helpers shared by the drainage tests

/// A pipes table in the bundle schema (RandomCity's CRS).
func pipesTable(_ lines: [[(Double, Double)]], kinds: [String?]? = nil, diameters: [Double?]? = nil, up: [Double?]? = nil,
                down: [Double?]? = nil, ids: [String]? = nil, crs: CoordinateReferenceSystem? = RandomCity.crs) -> FeatureTable {
    var g = GeometryColumn()
    for line in lines {
        g.beginFeature(.lineString)
        g.addRing(line)
        g.endPart()
        g.endFeature()
    }
    let n = lines.count
    return FeatureTable(name: "pipes", geometryType: .lineString, geometries: g, columns: [
        AttributeColumn("id", .text(ids ?? (0 ..< n).map { "p\($0)" })),
        AttributeColumn("kind", .text(kinds ?? Array(repeating: "sewer", count: n))),
        AttributeColumn("diameter_mm", .real(diameters ?? Array(repeating: 300, count: n))),
        AttributeColumn("up_invert", .real(up ?? Array(repeating: nil, count: n))),
        AttributeColumn("down_invert", .real(down ?? Array(repeating: nil, count: n))),
    ], crs: crs, fids: (0 ..< Int64(n)).map { $0 + 1 })
}

/// A pipe_nodes table.
func nodesTable(_ points: [(Double, Double)], kinds: [String?], ids: [String]? = nil, inverts: [Double?]? = nil,
                crs: CoordinateReferenceSystem? = RandomCity.crs) -> FeatureTable {
    var g = GeometryColumn()
    for p in points {
        g.beginFeature(.point)
        g.addRing([p])
        g.endPart()
        g.endFeature()
    }
    let n = points.count
    return FeatureTable(name: "pipe_nodes", geometryType: .point, geometries: g, columns: [
        AttributeColumn("id", .text(ids ?? (0 ..< n).map { "n\($0)" })),
        AttributeColumn("kind", .text(kinds)),
        AttributeColumn("ground_z", .real(Array(repeating: nil, count: n))),
        AttributeColumn("invert_z", .real(inverts ?? Array(repeating: nil, count: n))),
    ], crs: crs, fids: (0 ..< Int64(n)).map { $0 + 1 })
}

/// A buildings table from rings (one polygon each, optional holes).
func buildingsTable(_ polygons: [[[(Double, Double)]]], uses: [String?], floors: [Int64?], heights: [Double?]? = nil,
                    crs: CoordinateReferenceSystem? = RandomCity.crs) -> FeatureTable {
    var g = GeometryColumn()
    for rings in polygons {
        g.beginFeature(.multiPolygon)
        for ring in rings { g.addRing(ring) }
        g.endPart()
        g.endFeature()
    }
    let n = polygons.count
    return FeatureTable(name: "buildings", geometryType: .multiPolygon, geometries: g, columns: [
        AttributeColumn("id", .text((0 ..< n).map { "b\($0)" })), AttributeColumn("floors", .integer(floors)),
        AttributeColumn("height", .real(heights ?? Array(repeating: nil, count: n))), AttributeColumn("use", .text(uses)),
    ], crs: crs, fids: (0 ..< Int64(n)).map { $0 + 1 })
}

/// An axis-aligned rectangle ring.
func rectangle(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [(Double, Double)] {
    [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
}

/// A rectangle ring in clockwise order (for holes).
func hole(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) -> [(Double, Double)] {
    Array(rectangle(x0, y0, x1, y1).reversed())
}

/// Random pipes over a RandomCity: polylines of 2–6 vertices (long mains and short laterals), kinds mixed,
/// plus short pipes that start inside a building footprint and pipes that cross one.
func randomPipes(seed: UInt64, count: Int, city: RandomCity, size: Double = 3000) -> FeatureTable {
    var rng = SeededRandom(seed: seed)
    let origin = (x: 500_000.0, y: 3_290_000.0)
    var lines: [[(Double, Double)]] = []
    var kinds: [String?] = []
    let kindValues: [String?] = ["sewer", "sewer", "combined", "storm", "water", nil]
    for i in 0 ..< count {
        var line: [(Double, Double)] = []
        if i % 7 == 0 && city.buildings.count > 0 {
            // Starts inside (or crosses) a random building.
            let b = rng.int(0 ..< city.buildings.count)
            let e = city.buildings.geometries.envelope(b)
            let x = (e.minX + e.maxX) / 2, y = (e.minY + e.maxY) / 2
            line = [(x, y), (x + rng.uniform(-60 ... 60), y + rng.uniform(-60 ... 60))]
        } else {
            var x = origin.x + rng.uniform(-100 ... size + 100), y = origin.y + rng.uniform(-100 ... size + 100)
            line.append((x, y))
            let long = rng.int(0 ..< 3) == 0
            for _ in 0 ..< rng.int(1 ..< 6) {
                x += rng.uniform(long ? -400 ... 400 : -40 ... 40)
                y += rng.uniform(long ? -400 ... 400 : -40 ... 40)
                line.append((x, y))
            }
        }
        lines.append(line)
        kinds.append(kindValues[rng.int(0 ..< kindValues.count)])
    }
    return pipesTable(lines, kinds: kinds)
}

/// Brute force: per building, the minimum GEOS distance from the footprint to every pipe of the kinds.
func bruteForceServiceDistances(buildings: FeatureTable, pipes: FeatureTable, kinds: PipeKinds) throws -> [Double] {
    let context = GEOSContext()
    let kindValues = pipes.text("kind")!
    let lines = try (0 ..< pipes.count).filter { kinds.contains(kindValues[$0]) }.map { try pipes.geometries.geometry($0, context: context) }
    return try (0 ..< buildings.count).map { b in
        let footprint = try buildings.geometries.geometry(b, context: context)
        return try lines.reduce(Double.infinity) { min($0, try footprint.distance(to: $1)) }
    }
}

func drainageStandard() throws -> Standard {
    try Standard.load(dataDirectory.appendingPathComponent("standards/gb50180-2018.json"))
}

// MARK: - Tests

@Suite("Drainage: polygon distances and pipe service distances against GEOS")
struct DrainageServiceTests {
    @Test("polygon-to-polygon distance equals GEOS (disjoint, overlapping, nested, in a courtyard)")
    func polygonDistances() throws {
        var rng = SeededRandom(seed: 42)
        let context = GEOSContext()
        var polygons: [[[(Double, Double)]]] = []
        for _ in 0 ..< 80 {
            let x = rng.uniform(0 ... 300), y = rng.uniform(0 ... 300), w = rng.uniform(5 ... 80), h = rng.uniform(5 ... 80)
            if rng.int(0 ..< 4) == 0 {
                polygons.append([rectangle(x, y, x + w, y + h), hole(x + w * 0.25, y + h * 0.25, x + w * 0.75, y + h * 0.75)])
            } else {
                polygons.append([[(x, y), (x + w, y + h * 0.2), (x + w * 0.7, y + h), (x - w * 0.1, y + h * 0.6), (x, y)]])
            }
        }
        // A small building inside the first courtyard.
        let e = polygons[0][0]
        let cx = (e[0].0 + e[2].0) / 2, cy = (e[0].1 + e[2].1) / 2
        polygons.append([rectangle(cx - 0.5, cy - 0.5, cx + 0.5, cy + 0.5)])
        let table = buildingsTable(polygons, uses: Array(repeating: "residential", count: polygons.count), floors: Array(repeating: 1, count: polygons.count))
        let g = table.geometries
        let geos = try (0 ..< g.count).map { try g.geometry($0, context: context) }
        var compared = 0
        for i in 0 ..< g.count {
            for j in 0 ..< g.count where i != j {
                let ours = g.distance(polygon: i, to: g, polygon: j)
                let expected = try geos[i].distance(to: geos[j])
                #expect(abs(ours - expected) <= 1e-9, "\(i)–\(j): ours \(ours) GEOS \(expected)")
                // The early-exit form answers "within d" exactly.
                for d in [0.0, 10, 50] {
                    #expect((g.distance(polygon: i, to: g, polygon: j, stopBelow: d) <= d) == (expected <= d))
                }
                compared += 1
            }
        }
        #expect(compared > 6000)
    }

    @Test("pipe service distances equal brute-force GEOS polygon-to-line distances within 1e-6 m", arguments: [1, 2, 3, 4] as [UInt64])
    func serviceMatchesBruteForce(seed: UInt64) throws {
        let city = try RandomCity(seed: seed, buildings: 500, facilities: 0, categories: [])
        let pipes = randomPipes(seed: seed &+ 100, count: 120, city: city)
        for kinds in [PipeKinds.wastewater, PipeKinds.all] {
            var warnings: [String] = []
            let set = try PipeSet(pipes: pipes, kinds: kinds, warnings: &warnings)
            let service = PipeService.compute(footprints: city.buildings.geometries, pipes: set)
            let brute = try bruteForceServiceDistances(buildings: city.buildings, pipes: pipes, kinds: kinds)
            var zeros = 0
            for b in 0 ..< city.buildings.count {
                #expect(abs(service.distances[b] - brute[b]) <= 1e-6, "seed \(seed) building \(b): \(service.distances[b]) vs \(brute[b])")
                // The nearest pipe is one at that distance.
                let p = Int(service.nearestPipe[b])
                #expect(p >= 0)
                let line = try set.geometries.geometry(p)
                let footprint = try city.buildings.geometries.geometry(b)
                #expect(abs((try footprint.distance(to: line)) - brute[b]) <= 1e-6)
                if brute[b] == 0 { zeros += 1 }
            }
            #expect(zeros > 10, "some pipes start inside or cross buildings")
        }
    }

    @Test("a pipe in a courtyard is measured to the inner ring; touching and inside are 0")
    func courtyardAndTouching() throws {
        let buildings = buildingsTable([
            [rectangle(0, 0, 100, 100), hole(30, 30, 70, 70)],  // courtyard building
            [rectangle(200, 0, 220, 20)],                                        // a pipe touches its edge
            [rectangle(300, 0, 340, 40)],                                        // a pipe lies wholly inside
            [rectangle(400, 0, 410, 10)],                                        // 25 m from the nearest pipe
        ], uses: ["residential", "commercial", "mixed", "residential"], floors: [6, 2, nil, nil])
        let pipes = pipesTable([
            [(45, 50), (55, 50)],                // in the courtyard: 15 m from the inner ring
            [(220, 5), (240, 5)],                // touches building 1
            [(310, 10), (320, 30)],              // inside building 2
            [(405, 35), (500, 35)],              // 25 m above building 3
        ])
        var warnings: [String] = []
        let set = try PipeSet(pipes: pipes, kinds: .wastewater, warnings: &warnings)
        let service = PipeService.compute(footprints: buildings.geometries, pipes: set)
        #expect(service.distances[0] == 15)
        #expect(service.nearestPipe[0] == 0)
        #expect(service.distances[1] == 0)
        #expect(service.distances[2] == 0)
        #expect(service.nearestPipe[2] == 2)
        #expect(service.distances[3] == 25)
        #expect(service.nearestPipe[3] == 3)
        let brute = try bruteForceServiceDistances(buildings: buildings, pipes: pipes, kinds: .wastewater)
        for b in 0 ..< 4 { #expect(abs(service.distances[b] - brute[b]) <= 1e-9) }
    }

    @Test("no pipe of the kinds, pipes without a kind, bad kind lists: clear errors")
    func kindErrors() throws {
        var warnings: [String] = []
        let storm = pipesTable([[(0, 0), (10, 0)], [(0, 5), (10, 5)]], kinds: ["storm", "water"])
        #expect {
            _ = try PipeSet(pipes: storm, kinds: .wastewater, warnings: &warnings)
        } throws: { error in
            let text = "\(error)"
            return text.contains("no pipe of kind sewer,combined") && text.contains("storm 1") && text.contains("--kinds")
        }
        let noKind = pipesTable([[(0, 0), (10, 0)], [(0, 5), (10, 5)]], kinds: [nil, nil])
        #expect {
            _ = try PipeSet(pipes: noKind, kinds: .wastewater, warnings: &warnings)
        } throws: { error in "\(error)".contains("none of the 2 pipes has a kind") && "\(error)".contains("--map kind=") }
        let some = pipesTable([[(0, 0), (10, 0)], [(0, 5), (10, 5)]], kinds: ["sewer", nil])
        let set = try PipeSet(pipes: some, kinds: .wastewater, warnings: &warnings)
        #expect(set.count == 1)
        #expect(warnings.contains { $0.contains("1 pipe(s) have no kind") })
        #expect(try PipeSet(pipes: noKind, kinds: PipeKinds.parse("unknown"), warnings: &warnings).count == 2)
        #expect(throws: AnalysisError.self) { try PipeKinds.parse("sewage") }
        #expect(try PipeKinds.parse("sewer, combined") == .wastewater)
        #expect(try PipeKinds.parse("all") == .all)
        let empty = pipesTable([])
        #expect { _ = try PipeSet(pipes: empty, kinds: .wastewater, warnings: &warnings) } throws: { "\($0)".contains("empty") }
    }
}
