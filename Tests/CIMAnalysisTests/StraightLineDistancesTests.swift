@testable import CIMAnalysis
import CIMGeometry
import CIMIndex
import CIMStore
import Foundation
import Testing

/// The block search of ``StraightLineDistances`` (one window of candidates per block of buildings) against
/// GEOS brute force, with the buildings in a compact order (blocks take the candidate path) and shuffled
/// (blocks fall back to per-building searches), on dense, sparse and polygon-only categories.
@Suite("Straight-line distances: block search against brute force")
struct StraightLineDistancesTests {
    /// Facilities: a dense point category with duplicated locations, a sparse one, and polygons with holes.
    static func facilities(seed: UInt64) -> FeatureTable {
        var rng = SeededRandom(seed: seed)
        var geometries = GeometryColumn()
        var categories: [String?] = []
        func point(_ x: Double, _ y: Double, _ category: String) {
            geometries.beginFeature(.point); geometries.addRing([(x, y)]); geometries.endPart(); geometries.endFeature()
            categories.append(category)
        }
        for _ in 0 ..< 300 {
            let x = rng.uniform(-300 ... 4300), y = rng.uniform(-300 ... 4300)
            point(x, y, "dense")
            if rng.int(0 ..< 5) == 0 { point(x, y, "dense") }  // the same place twice
        }
        for _ in 0 ..< 4 { point(rng.uniform(0 ... 4000), rng.uniform(0 ... 4000), "sparse") }
        for _ in 0 ..< 40 {
            let x = rng.uniform(0 ... 4000), y = rng.uniform(0 ... 4000), r = rng.uniform(20 ... 150)
            geometries.beginFeature(.polygon)
            geometries.addRing([(x - r, y - r), (x + r, y - r), (x + r, y + r * 0.4), (x, y + r), (x - r, y + r), (x - r, y - r)])
            geometries.addRing([(x - r / 3, y - r / 3), (x - r / 3, y + r / 3), (x + r / 3, y + r / 3), (x + r / 3, y - r / 3), (x - r / 3, y - r / 3)])
            geometries.endPart(); geometries.endFeature()
            categories.append("park")
        }
        return FeatureTable(name: "facilities", geometryType: .geometryCollection, geometries: geometries,
                            columns: [AttributeColumn("category", .text(categories))], crs: RandomCity.crs)
    }

    /// Points stored tile by tile over a 4 km square, as city blocks are (consecutive points are close):
    /// 120 m tiles with 10–40 points each, some inside parks.
    static func compactPoints(seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        var points: [Double] = []
        let tile = 120.0
        for row in 0 ..< Int(4000 / tile) {
            for column in 0 ..< Int(4000 / tile) {
                for _ in 0 ..< rng.int(10 ..< 40) {
                    points.append(Double(column) * tile + rng.uniform(0 ... tile))
                    points.append(Double(row) * tile + rng.uniform(0 ... tile))
                }
            }
        }
        return points
    }

    static func shuffled(_ points: [Double], seed: UInt64) -> [Double] {
        var rng = SeededRandom(seed: seed)
        var order = Array(0 ..< points.count / 2)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, rng.int(0 ..< i + 1)) }
        return order.flatMap { [points[2 * $0], points[2 * $0 + 1]] }
    }

    /// The nearest distance to every facility of the category by GEOS, nil beyond the cutoff.
    static func bruteForce(points: [Double], facilities: FeatureTable, category: String, cutoff: Double) throws -> [Double?] {
        let context = GEOSContext()
        let categories = facilities.text("category")!
        let members = try (0 ..< facilities.count).filter { categories[$0] == category }.map { try facilities.geometries.geometry($0, context: context) }
        return try (0 ..< points.count / 2).map { b in
            let p = try Geometry(x: points[2 * b], y: points[2 * b + 1], context: context)
            let d = try members.map { try p.distance(to: $0) }.min()
            return d.flatMap { $0 <= cutoff ? $0 : nil }
        }
    }

    @Test("distances equal GEOS brute force in compact and shuffled order", arguments: [1, 2] as [UInt64])
    func blockSearchMatchesBruteForce(seed: UInt64) throws {
        let table = Self.facilities(seed: seed)
        let keys = ["dense", "sparse", "park"]
        let byKey = try CategoryFacilities.byCategory(table, keys: keys)
        let categories = keys.map { byKey[$0]! }
        let cutoff = 600.0
        let compact = Self.compactPoints(seed: seed)
        let orders = [("compact", compact), ("shuffled", Self.shuffled(compact, seed: seed))]
        for (name, points) in orders {
            let ours = StraightLineDistances.compute(points: points, categories: categories, cutoff: cutoff)
            for (c, key) in keys.enumerated() {
                let expected = try Self.bruteForce(points: points, facilities: table, category: key, cutoff: cutoff)
                var compared = 0, nulls = 0, zeros = 0
                for b in expected.indices {
                    if let e = expected[b] {
                        #expect(abs(ours[c][b] - e) <= 1e-9 * max(1, e), "\(name) \(key) point \(b): \(ours[c][b]) vs \(e)")
                        compared += 1
                        if e == 0 { zeros += 1 }
                    } else {
                        #expect(ours[c][b].isNaN, "\(name) \(key) point \(b): expected none within \(cutoff), got \(ours[c][b])")
                        nulls += 1
                    }
                }
                #expect(compared > 100, "\(name) \(key)")
                if key == "sparse" { #expect(nulls > 100, "\(name) \(key): the cut-off is exercised") }
                if key == "park" { #expect(zeros > 10, "\(name) \(key): points inside polygons are exercised") }
            }
        }
    }

    @Test("compact order takes the candidate path for most blocks, shuffled order falls back")
    func pathsAreExercised() throws {
        let table = Self.facilities(seed: 3)
        let dense = try CategoryFacilities.byCategory(table, keys: ["dense"])["dense"]!
        func blocks(_ points: [Double]) -> (candidate: Int, fallback: Int) {
            var search = StraightLineDistances.BlockSearch(facilities: dense, cutoff: 600)
            var out = [Double](repeating: .nan, count: points.count / 2)
            var start = 0
            points.withUnsafeBufferPointer { p in
                out.withUnsafeMutableBufferPointer { o in
                    while start < o.count {
                        let end = min(start + StraightLineDistances.blockSize, o.count)
                        search.run(points: p, start ..< end, into: o)
                        start = end
                    }
                }
            }
            return (search.candidateBlocks, search.fallbackBlocks)
        }
        let compact = Self.compactPoints(seed: 3)
        let a = blocks(compact), b = blocks(Self.shuffled(compact, seed: 3))
        #expect(a.candidate > 4 * a.fallback, "compact: \(a)")
        #expect(b.fallback > 4 * b.candidate, "shuffled: \(b)")
    }

    @Test("the cut-off is inclusive on both paths, and nothing beyond it is reported")
    func cutoffIsInclusive() throws {
        var geometries = GeometryColumn()
        for (x, y) in [(1000.0, 0.0), (1000.0, 5000.0)] {
            geometries.beginFeature(.point); geometries.addRing([(x, y)]); geometries.endPart(); geometries.endFeature()
        }
        let table = FeatureTable(name: "f", geometryType: .point, geometries: geometries,
                                 columns: [AttributeColumn("category", .text(["k", "k"]))], crs: RandomCity.crs)
        let facilities = try CategoryFacilities.byCategory(table, keys: ["k"])["k"]!
        // 40 points along the x axis: the first exactly 400 m from the facility, the rest farther.
        var points: [Double] = []
        for i in 0 ..< 40 { points.append(600 - Double(i) * 0.5); points.append(0) }
        // The candidate path (what compute takes for 40 points within 20 m) and the per-building path.
        var fallback = [Double](repeating: .nan, count: 40)
        var search = StraightLineDistances.BlockSearch(facilities: facilities, cutoff: 400)
        points.withUnsafeBufferPointer { p in fallback.withUnsafeMutableBufferPointer { search.perBuilding(p, 0 ..< 40, $0) } }
        let blocks = StraightLineDistances.compute(points: points, categories: [facilities], cutoff: 400)[0]
        for d in [blocks, fallback] {
            for b in 0 ..< 40 {
                let expected = 1000 - points[2 * b]
                if expected <= 400 { #expect(d[b] == expected) } else { #expect(d[b].isNaN, "\(expected) m is beyond the cut-off") }
            }
            #expect(d.filter { !$0.isNaN }.count == 1)
        }
    }
}
