import CIMGeometry
import Foundation
import Testing

/// `forEachSegment` and the polygon distances built on it, against GEOS: the walk's segments are GEOS's
/// own (their total length is `GEOSLength_r`; their union with the points is the geometry), and the
/// point-, segment- and polygon-to-polygon distances equal `GEOSDistance_r` on seeded random features.
@Suite("GeometryColumn: forEachSegment and exact distances against GEOS")
struct GeometryColumnSegmentsTests {
    /// A random star-shaped polygon (optionally with a hole) around (cx, cy), as WKT.
    static func randomPolygon(_ rng: inout SeededGenerator, cx: Double, cy: Double, hole: Bool) -> String {
        let n = rng.int(3 ..< 9)
        var ring: [(Double, Double)] = []
        for k in 0 ..< n {
            let angle = Double(k) / Double(n) * 2 * Double.pi
            let r = rng.uniform(6 ... 20)
            ring.append((cx + r * cos(angle), cy + r * sin(angle)))
        }
        ring.append(ring[0])
        func text(_ points: [(Double, Double)]) -> String { "(" + points.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")" }
        var rings = [text(ring)]
        if hole { rings.append(text([(cx - 2, cy - 2), (cx - 2, cy + 2), (cx + 2, cy + 2), (cx + 2, cy - 2), (cx - 2, cy - 2)])) }
        return "POLYGON (" + rings.joined(separator: ", ") + ")"
    }

    @Test("forEachSegment walks every segment of every ring: lengths equal GEOS, points give zero-length segments, stop ends the walk")
    func walk() throws {
        var rng = SeededGenerator(seed: 21)
        let context = GEOSContext()
        var column = GeometryColumn()
        var geometries: [Geometry] = []
        for k in 0 ..< 60 {
            let wkt: String
            switch k % 4 {
            case 0: wkt = Self.randomPolygon(&rng, cx: rng.uniform(0 ... 500), cy: rng.uniform(0 ... 500), hole: k % 8 == 0)
            case 1: wkt = "MULTILINESTRING ((\(k) 0, \(k) 5, \(k + 3) 9), (0 \(k), 7 \(k)))"
            case 2: wkt = "POINT (\(rng.uniform(0 ... 9)) \(rng.uniform(0 ... 9)))"
            default: wkt = "MULTIPOLYGON (((0 0, 4 0, 4 4, 0 0)), ((10 10, 14 10, 14 14, 10 10)))"
            }
            let g = try Geometry(wkt: wkt, context: context)
            geometries.append(g)
            try column.append(g)
        }
        for i in 0 ..< column.count {
            var length = 0.0, segments = 0
            column.forEachSegment(of: i) { ax, ay, bx, by, _ in
                length += ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).squareRoot()
                segments += 1
            }
            let g = geometries[i]
            let expectedLength = try g.length()  // GEOSLength_r: a polygon's perimeter, rings included
            #expect(abs(length - expectedLength) <= 1e-9, "feature \(i)")
            // Coordinates minus one per ring; a point's one coordinate is one zero-length segment.
            var rings = 0
            for p in column.parts(of: i) { rings += column.rings(of: p).count }
            let coordinates = column.coordinateRange(of: i).count
            #expect(segments == (g.type == .point ? 1 : coordinates - rings), "feature \(i)")
            // Stopping after the third segment visits three.
            var visited = 0
            column.forEachSegment(of: i) { _, _, _, _, stop in
                visited += 1
                if visited == 3 { stop = true }
            }
            #expect(visited == min(3, segments))
        }
    }

    @Test("point, segment and polygon distances equal GEOS distances on random polygons with holes", arguments: [31, 32] as [UInt64])
    func distances(seed: UInt64) throws {
        var rng = SeededGenerator(seed: seed)
        let context = GEOSContext()
        var column = GeometryColumn()
        var polygons: [Geometry] = []
        for k in 0 ..< 40 {
            let g = try Geometry(wkt: Self.randomPolygon(&rng, cx: rng.uniform(0 ... 150), cy: rng.uniform(0 ... 150), hole: k % 3 == 0),
                                 context: context)
            polygons.append(g)
            try column.append(g)
        }
        var zeros = 0, positive = 0
        for i in 0 ..< column.count {
            // Points: inside, in the hole, outside.
            for _ in 0 ..< 10 {
                let x = rng.uniform(-20 ... 170), y = rng.uniform(-20 ... 170)
                let expected = try polygons[i].distance(to: Geometry(wkt: "POINT (\(x) \(y))", context: context))
                #expect(abs(column.distance(fromX: x, y: y, to: i) - expected) <= 1e-9)
                #expect(column.polygonContains(x: x, y: y, feature: i) == (expected == 0))
            }
            // Segments.
            for _ in 0 ..< 10 {
                let s = (0 ..< 4).map { _ in rng.uniform(-20 ... 170) }
                let line = try Geometry(wkt: "LINESTRING (\(s[0]) \(s[1]), \(s[2]) \(s[3]))", context: context)
                let expected = try polygons[i].distance(to: line)
                #expect(abs(column.distance(polygon: i, toSegment: s[0], s[1], s[2], s[3]) - expected) <= 1e-9)
            }
            // Polygons, and the early-exit form for "within d".
            for j in 0 ..< column.count where j != i {
                let expected = try polygons[i].distance(to: polygons[j])
                #expect(abs(column.distance(polygon: i, to: column, polygon: j) - expected) <= 1e-9, "\(i)–\(j)")
                for d in [0.0, 5, 25] {
                    #expect((column.distance(polygon: i, to: column, polygon: j, stopBelow: d) <= d) == (expected <= d))
                }
                if expected == 0 { zeros += 1 } else { positive += 1 }
            }
        }
        #expect(zeros > 50 && positive > 500, "\(zeros) touching or overlapping pairs, \(positive) apart")
    }
}
