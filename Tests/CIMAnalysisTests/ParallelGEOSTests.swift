@testable import CIMAnalysis
import CIMGeometry
import Foundation
import Testing

/// The one helper that spreads GEOS work over threads (`parallelGEOSChunks`): a context per worker,
/// results identical to a single-threaded run, geometries handed back only as clones in the caller's
/// context.
@Suite struct ParallelGEOSTests {
    /// `n` random triangles and L-shapes (some concave, so PointOnSurface is not the centroid).
    static func polygons(_ n: Int, seed: UInt64) throws -> GeometryColumn {
        var rng = SeededRandom(seed: seed)
        var column = GeometryColumn()
        let context = GEOSContext()
        for _ in 0 ..< n {
            let x = rng.uniform(0 ... 5000), y = rng.uniform(0 ... 5000), w = rng.uniform(5 ... 40), h = rng.uniform(5 ... 40)
            let wkt = rng.int(0 ..< 2) == 0
                ? "POLYGON ((\(x) \(y), \(x + w) \(y), \(x) \(y + h), \(x) \(y)))"
                : "POLYGON ((\(x) \(y), \(x + w) \(y), \(x + w) \(y + h / 3), \(x + w / 3) \(y + h / 3), \(x + w / 3) \(y + h), \(x) \(y + h), \(x) \(y)))"
            try column.append(Geometry(wkt: wkt, context: context))
        }
        return column
    }

    @Test func workersGetTheirOwnContextAndSingleThreadResults() throws {
        let n = 5000
        let column = try Self.polygons(n, seed: 16)
        let context = GEOSContext()
        let expected = try (0 ..< n).map { i -> [Double] in
            let point = try column.geometry(i, context: context).pointOnSurface()
            return [try point.x(), try point.y(), try column.geometry(i, context: context).buffer(2).area()]
        }
        let values = SharedBuffer<[Double]>(repeating: [], count: n)
        let seen = ChunkCollector<ObjectIdentifier>()
        parallelGEOSChunks(n, minimumChunk: 64) { range, worker in
            seen.append(contentsOf: [ObjectIdentifier(worker)])
            for i in range {
                let geometry = try! column.geometry(i, context: worker)
                #expect(geometry.context === worker, "a worker's geometry is made in the worker's context")
                let point = try! geometry.pointOnSurface()
                let result = [try! point.x(), try! point.y(), try! geometry.buffer(2).area()]
                values.withPointer { $0[i] = result }
            }
        }
        #expect(values.storage == expected)
        #expect(Set(seen.all).count <= workerCount, "one context per worker slot, not per chunk")
    }

    @Test func geometriesComeBackClonedIntoTheCallersContext() throws {
        let n = 3000
        let column = try Self.polygons(n, seed: 17)
        let caller = GEOSContext()
        let pieces = try parallelGEOSChunks(n, minimumChunk: 100, into: caller) { range, worker in
            try Geometry.unaryUnion(of: range.map { try column.geometry($0, context: worker).buffer(1) }, context: worker)
        }
        #expect(pieces.count > 1, "several chunks")
        #expect(pieces.allSatisfy { $0.context === caller }, "every piece lives in the caller's context")
        // Brute force: the union of the pieces equals the union of every buffer, made on this thread.
        let serial = try Geometry.unaryUnion(of: (0 ..< n).map { try column.geometry($0, context: caller).buffer(1) }, context: caller)
        let parallel = try Geometry.unaryUnion(of: pieces, context: caller)
        let serialArea = try serial.area(), parallelArea = try parallel.area()
        let difference = try parallel.symmetricDifference(serial).area()
        #expect(abs(parallelArea - serialArea) <= 1e-6 * serialArea)
        #expect(difference <= 1e-6 * serialArea)
    }

    @Test func aFailingChunkThrowsAndTheOthersStillRun() throws {
        struct Planted: Error {}
        let ran = ChunkCollector<Int>()
        #expect(throws: Planted.self) {
            _ = try parallelGEOSChunks(1000, minimumChunk: 10, into: GEOSContext()) { range, worker in
                ran.append(contentsOf: Array(range))
                if range.contains(500) { throw Planted() }
                return try Geometry(x: Double(range.lowerBound), y: 0, context: worker)
            }
        }
        #expect(ran.all.sorted() == Array(0 ..< 1000))
    }

    /// Isochrones and the building explanation used to pass a single context to `entryPoints`, which
    /// indexes contexts by worker slot: more than one chunk at a time could index past it. Now the helper
    /// makes the contexts; thousands of polygon facilities give every worker several chunks.
    @Test func entryPointsOfManyPolygonsEqualPointOnSurface() throws {
        let n = 4000
        let column = try Self.polygons(n, seed: 18)
        let points = try NetworkCoverage.entryPoints(column)
        let context = GEOSContext()
        for i in 0 ..< n {
            let point = try column.geometry(i, context: context).pointOnSurface()
            let x = try point.x(), y = try point.y()
            #expect(points[2 * i] == x && points[2 * i + 1] == y, "polygon \(i)")
        }
    }
}
