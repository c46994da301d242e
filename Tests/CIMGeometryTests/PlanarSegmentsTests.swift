import CIMGeometry
import Testing

/// The planar kernel (PlanarSegments.swift) against GEOS on seeded random segments: integer coordinates
/// on a small grid so that touching ends, collinear overlaps and crossings at vertices are frequent, and
/// random real coordinates for the general case.
@Suite("Planar kernel: segment predicates and distances against GEOS")
struct PlanarSegmentsTests {
    /// Eight coordinates of two segments: one of four shapes (random, touching at an end, collinear
    /// overlap, crossing through a shared vertex).
    static func segmentPair(_ rng: inout SeededGenerator, case i: Int, grid: Bool) -> [Double] {
        var s = (0 ..< 8).map { _ in grid ? rng.uniform(0 ... 20).rounded() : rng.uniform(0 ... 100) }
        switch i % 4 {
        case 1: s[4] = s[0]; s[5] = s[1]                                                  // touching at an end
        case 2: s[4] = s[0] + 2 * (s[2] - s[0]); s[5] = s[1] + 2 * (s[3] - s[1])          // collinear, overlapping
                s[6] = s[0] + 0.5 * (s[2] - s[0]); s[7] = s[1] + 0.5 * (s[3] - s[1])
        case 3: s[4] = (s[0] + s[2]) / 2; s[5] = (s[1] + s[3]) / 2                        // an end at AB's midpoint
        default: break
        }
        return s
    }

    /// The segment as a GEOS LineString, or a Point when its ends coincide (GEOS's predicates do not take a
    /// zero-length LineString as its point).
    static func line(_ s: ArraySlice<Double>, _ context: GEOSContext) throws -> Geometry {
        let v = Array(s)
        if v[0] == v[2] && v[1] == v[3] { return try Geometry(wkt: "POINT (\(v[0]) \(v[1]))", context: context) }
        return try Geometry(wkt: "LINESTRING (\(v[0]) \(v[1]), \(v[2]) \(v[3]))", context: context)
    }

    @Test("segmentsIntersect and segmentDistance equal GEOS intersects and distance", arguments: [false, true])
    func intersectionAndDistance(grid: Bool) throws {
        var rng = SeededGenerator(seed: grid ? 7 : 8)
        let context = GEOSContext()
        var intersecting = 0, apart = 0
        for i in 0 ..< 4000 {
            let s = Self.segmentPair(&rng, case: i, grid: grid)
            let a = try Self.line(s[0 ..< 4], context), b = try Self.line(s[4 ..< 8], context)
            let expectedMeet = try a.intersects(b)
            let meets = segmentsIntersect(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
            let swapped = segmentsIntersect(s[4], s[5], s[6], s[7], s[0], s[1], s[2], s[3])
            let reversed = segmentsIntersect(s[2], s[3], s[0], s[1], s[6], s[7], s[4], s[5])
            let expectedDistance = try a.distance(to: b)
            let d = segmentDistance(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7])
            #expect(abs(d - expectedDistance) <= 1e-9, "case \(i): \(s): ours \(d), GEOS \(expectedDistance)")
            if grid || expectedDistance > 1e-9 {
                // Small integers make every orientation exact, and segments apart by more than a rounding
                // error are apart whatever the rounding: the predicate must agree with GEOS exactly, and be
                // symmetric in the two segments and in their directions.
                #expect(meets == expectedMeet && swapped == meets && reversed == meets, "case \(i): \(s)")
            }
            // Real coordinates near a collinear or touching configuration may round either way; then the
            // segments are within a rounding error of each other (the distance above is 0 or ~1e-15).
            if meets { intersecting += 1 } else { apart += 1 }
        }
        // Both outcomes are exercised in earnest.
        #expect(intersecting > 500 && apart > 500, "\(intersecting) intersecting, \(apart) apart")
    }

    @Test("pointSegmentDistance equals GEOS point-to-line distance, zero-length segments included")
    func pointToSegment() throws {
        var rng = SeededGenerator(seed: 9)
        let context = GEOSContext()
        for i in 0 ..< 3000 {
            let px = rng.uniform(0 ... 50), py = rng.uniform(0 ... 50)
            var s = (0 ..< 4).map { _ in rng.uniform(0 ... 50) }
            if i % 5 == 0 { s[2] = s[0]; s[3] = s[1] }
            let expected: Double
            let point = try Geometry(wkt: "POINT (\(px) \(py))", context: context)
            if s[2] == s[0] && s[3] == s[1] {
                expected = try point.distance(to: Geometry(wkt: "POINT (\(s[0]) \(s[1]))", context: context))
            } else {
                expected = try point.distance(to: Self.line(s[0 ..< 4], context))
            }
            #expect(abs(pointSegmentDistance(px, py, s[0], s[1], s[2], s[3]) - expected) <= 1e-9, "case \(i)")
        }
    }

    @Test("lineIntersection's parameters give the GEOS intersection point of crossing segments")
    func lineIntersectionPoint() throws {
        var rng = SeededGenerator(seed: 10)
        let context = GEOSContext()
        var crossings = 0
        for _ in 0 ..< 3000 {
            let s = (0 ..< 8).map { _ in rng.uniform(0 ... 100) }
            let hit = lineIntersection(s[0], s[1], s[2] - s[0], s[3] - s[1], s[4], s[5], s[6] - s[4], s[7] - s[5])
            let a = try Self.line(s[0 ..< 4], context), b = try Self.line(s[4 ..< 8], context)
            guard let hit, hit.t >= 0, hit.t <= 1, hit.s >= 0, hit.s <= 1 else {
                // Outside either segment (or parallel): the segments do not meet, except within rounding.
                #expect(try !a.intersects(b) || a.distance(to: b) <= 1e-9 || hit == nil)
                continue
            }
            crossings += 1
            let x = s[0] + hit.t * (s[2] - s[0]), y = s[1] + hit.t * (s[3] - s[1])
            let x2 = s[4] + hit.s * (s[6] - s[4]), y2 = s[5] + hit.s * (s[7] - s[5])
            #expect(abs(x - x2) <= 1e-8 && abs(y - y2) <= 1e-8)
            // The point lies on both segments (GEOS distance).
            let p = try Geometry(wkt: "POINT (\(x) \(y))", context: context)
            #expect(try p.distance(to: a) <= 1e-8 && p.distance(to: b) <= 1e-8)
        }
        #expect(crossings > 300)
        // Parallel lines have no intersection, below the tolerance too.
        #expect(lineIntersection(0, 0, 1, 1, 5, 0, 2, 2) == nil)
        #expect(lineIntersection(0, 0, 1, 0, 0, 1, 1, 1e-13, parallelTolerance: 1e-12) == nil)
    }

    @Test("collinearOverlap's length equals the length of the GEOS intersection of collinear segments")
    func collinearOverlapLength() throws {
        var rng = SeededGenerator(seed: 11)
        let context = GEOSContext()
        var overlapping = 0
        for _ in 0 ..< 2000 {
            // Segments on one horizontal, vertical or diagonal line, integer ends.
            let (ux, uy) = [(1.0, 0.0), (0.0, 1.0), (1.0, 1.0)][rng.int(0 ..< 3)]
            let ox = rng.uniform(0 ... 20).rounded(), oy = rng.uniform(0 ... 20).rounded()
            let t = (0 ..< 4).map { _ in rng.uniform(0 ... 30).rounded() }
            let s = [ox + ux * t[0], oy + uy * t[0], ox + ux * t[1], oy + uy * t[1], ox + ux * t[2], oy + uy * t[2], ox + ux * t[3], oy + uy * t[3]]
            let found = collinearOverlap(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], tolerance: 1e-9)
            let a = try Self.line(s[0 ..< 4], context), b = try Self.line(s[4 ..< 8], context)
            let expected = t[0] == t[1] ? 0 : try a.intersection(b).length()
            #expect(abs((found?.length ?? 0) - expected) <= 1e-9, "\(s)")
            if let found {
                overlapping += 1
                let mid = try Geometry(wkt: "POINT (\(found.x) \(found.y))", context: context)
                #expect(try mid.distance(to: a) <= 1e-9 && mid.distance(to: b) <= 1e-9)
            }
        }
        #expect(overlapping > 400)
        // Beyond the tolerance across, no overlap.
        #expect(collinearOverlap(0, 0, 10, 0, 2, 0.5, 8, 0.5, tolerance: 0.1) == nil)
        #expect(collinearOverlap(0, 0, 10, 0, 2, 0.05, 8, 0.05, tolerance: 0.1)?.length == 6)
    }
}
