import CIMGeometry
import Foundation
import Testing

/// The banded point-in-polygon locator against the plain walk over every edge (`distance(fromX:y:to:) == 0`):
/// seeded random polygons with holes and several parts, at Gauss-Krüger coordinate magnitudes, queried at
/// random points, at every vertex, on edges, one ulp off vertices and on the ordinates of vertices.
@Suite struct PolygonPointLocatorTests {
    /// A star-shaped ring of `n` vertices around (cx, cy) with radii in [r0, r1], closed, as WKT text.
    static func ring(_ g: inout SeededGenerator, cx: Double, cy: Double, r0: Double, r1: Double, n: Int, clockwise: Bool) -> String {
        var points: [(Double, Double)] = []
        for k in 0 ..< n {
            let angle = (clockwise ? -1.0 : 1.0) * 2 * Double.pi * Double(k) / Double(n)
            let r = g.uniform(r0, r1)
            // Some vertices snapped to a shared ordinate: horizontal edges and vertices at one y.
            var y = cy + r * sin(angle)
            if k % 7 == 3 { y = cy + (r0 * 0.5).rounded() }
            points.append((cx + r * cos(angle), y))
        }
        points.append(points[0])
        return "(" + points.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")"
    }

    static func column(seed: UInt64) throws -> GeometryColumn {
        var g = SeededGenerator(seed: seed)
        let cx = 39_500_000.0 + g.uniform(0, 1000), cy = 3_300_000.0 + g.uniform(0, 1000)
        var wkts: [String] = []
        // One large polygon with two holes (like a built-up outline), a three-part multipolygon, a small one.
        let outer = ring(&g, cx: cx, cy: cy, r0: 3000, r1: 5000, n: 1500, clockwise: false)
        let hole1 = ring(&g, cx: cx + 1000, cy: cy, r0: 300, r1: 600, n: 80, clockwise: true)
        let hole2 = ring(&g, cx: cx - 1200, cy: cy + 500, r0: 200, r1: 400, n: 40, clockwise: true)
        wkts.append("POLYGON (\(outer), \(hole1), \(hole2))")
        let parts = (0 ..< 3).map { k in "(" + ring(&g, cx: cx + Double(k) * 1500 - 1500, cy: cy - 1000, r0: 400, r1: 700, n: 200, clockwise: false) + ")" }
        wkts.append("MULTIPOLYGON (\(parts.joined(separator: ", ")))")
        wkts.append("POLYGON (\(ring(&g, cx: cx, cy: cy, r0: 50, r1: 80, n: 6, clockwise: false)))")
        // More than 64 parts: the plain walk.
        let many = (0 ..< 70).map { k in "((\(cx + Double(k) * 10) \(cy), \(cx + Double(k) * 10 + 5) \(cy), \(cx + Double(k) * 10 + 5) \(cy + 5), \(cx + Double(k) * 10) \(cy))) " }
        wkts.append("MULTIPOLYGON (\(many.joined(separator: ", ")))")
        var column = GeometryColumn()
        let context = GEOSContext()
        for wkt in wkts { try column.append(try Geometry(wkt: wkt, context: context)) }
        return column
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func sameAnswerAsTheWalkOverEveryEdge(seed: UInt64) throws {
        let column = try Self.column(seed: seed)
        var g = SeededGenerator(seed: seed &+ 100)
        var inside = 0, boundary = 0, outside = 0
        for i in 0 ..< column.count {
            let locator = PolygonPointLocator(column, feature: i)
            let e = column.envelope(i)
            var queries: [(Double, Double)] = []
            for _ in 0 ..< 4000 { queries.append((g.uniform(e.minX - 10, e.maxX + 10), g.uniform(e.minY - 10, e.maxY + 10))) }
            for p in column.parts(of: i) {
                column.forEachSegment(ofPart: p) { ax, ay, bx, by, _ in
                    queries.append((ax, ay))
                    queries.append((ax.nextUp, ay)); queries.append((ax, ay.nextDown))
                    queries.append(((ax + bx) / 2, (ay + by) / 2))
                    queries.append((g.uniform(e.minX, e.maxX), ay))
                }
            }
            for (x, y) in queries {
                let expected = column.distance(fromX: x, y: y, to: i) == 0
                #expect(locator.containsOrTouches(x: x, y: y) == expected, "feature \(i), point (\(x), \(y))")
                if expected {
                    if column.polygonContains(x: x, y: y, feature: i) { inside += 1 } else { boundary += 1 }
                } else {
                    outside += 1
                }
            }
        }
        // Every kind of answer was asked for.
        #expect(inside > 1000 && outside > 1000 && boundary > 100, "inside \(inside), boundary \(boundary), outside \(outside)")
    }

    @Test func pointsAndLinesUseThePlainWalk() throws {
        var column = GeometryColumn()
        try column.append(try Geometry(wkt: "LINESTRING (0 0, 10 0)"))
        try column.append(try Geometry(wkt: "POINT (3 4)"))
        for (x, y) in [(5.0, 0.0), (5.0, 1.0), (3.0, 4.0), (3.0, 4.5)] {
            for i in 0 ..< 2 {
                #expect(PolygonPointLocator(column, feature: i).containsOrTouches(x: x, y: y) == (column.distance(fromX: x, y: y, to: i) == 0))
            }
        }
        #expect(PolygonPointLocator(column, feature: 0).containsOrTouches(x: 5, y: 0))
    }
}
