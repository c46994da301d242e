import CIMGeometry
import Foundation
import Testing

/// ``GeometryColumn/interiorPoint(ofPolygonal:crossings:)`` against GEOS's own `GEOSPointOnSurface_r`, bit
/// for bit: seeded random building-like polygons at Gauss-Krüger magnitudes (rectangles, rotated and
/// L-shaped footprints, star polygons with holes, multipolygons, vertices snapped to the scan line's
/// ordinate and to shared x), and the cases it leaves to GEOS.
@Suite struct InteriorPointTests {
    /// A closed ring of points as WKT text.
    static func ring(_ points: [(Double, Double)]) -> String {
        "(" + (points + [points[0]]).map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ")"
    }

    /// A random footprint-like polygon near (cx, cy).
    static func footprint(_ g: inout SeededGenerator, cx: Double, cy: Double) -> String {
        let w = g.uniform(4, 60), h = g.uniform(4, 60)
        switch Int(g.next() % 5) {
        case 0:  // axis-aligned rectangle: the scan line is the half-way of two horizontal edges
            return "POLYGON (\(ring([(cx, cy), (cx + w, cy), (cx + w, cy + h), (cx, cy + h)])))"
        case 1:  // rotated rectangle
            let a = g.uniform(0, Double.pi)
            let (c, s) = (cos(a), sin(a))
            let pts = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)].map { (cx + $0.0 * c - $0.1 * s, cy + $0.0 * s + $0.1 * c) }
            return "POLYGON (\(ring(pts)))"
        case 2:  // L shape with a vertex exactly at the envelope's centre ordinate
            return "POLYGON (\(ring([(cx, cy), (cx + w, cy), (cx + w, cy + h / 2), (cx + w / 2, cy + h / 2), (cx + w / 2, cy + h), (cx, cy + h)])))"
        case 3:  // star with a hole, some vertices on shared ordinates
            var outer: [(Double, Double)] = [], inner: [(Double, Double)] = []
            let n = 5 + Int(g.next() % 20)
            for k in 0 ..< n {
                let t = 2 * Double.pi * Double(k) / Double(n)
                let r = g.uniform(w / 2, w)
                outer.append((cx + r * cos(t), k % 4 == 1 ? cy : cy + r * sin(t)))
            }
            for k in 0 ..< 6 {
                let t = -2 * Double.pi * Double(k) / 6
                inner.append((cx + w / 6 * cos(t), cy + w / 6 * sin(t)))
            }
            return "POLYGON (\(ring(outer)), \(ring(inner)))"
        default:  // multipolygon of two or three parts, one sometimes exactly as wide as another
            let parts = (0 ..< 2 + Int(g.next() % 2)).map { k -> String in
                let x = cx + Double(k) * 100, ww = k == 1 && g.next() % 2 == 0 ? w : g.uniform(4, 60)
                return "(\(ring([(x, cy), (x + ww, cy), (x + ww, cy + h), (x, cy + h)])))"
            }
            return "MULTIPOLYGON (\(parts.joined(separator: ", ")))"
        }
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func equalsGEOSBitForBit(seed: UInt64) throws {
        var g = SeededGenerator(seed: seed)
        let context = GEOSContext()
        var column = GeometryColumn()
        for _ in 0 ..< 4000 {
            let cx = 39_500_000 + g.uniform(0, 20_000), cy = 3_300_000 + g.uniform(0, 20_000)
            try column.append(try Geometry(wkt: Self.footprint(&g, cx: cx, cy: cy), context: context))
        }
        var crossings: [Double] = []
        var fast = 0
        for i in 0 ..< column.count {
            let geos = try column.geometry(i, context: context).pointOnSurface()
            let expected = (try geos.x(), try geos.y())
            if let p = column.interiorPoint(ofPolygonal: i, crossings: &crossings) {
                fast += 1
                #expect(p.x.bitPattern == expected.0.bitPattern && p.y.bitPattern == expected.1.bitPattern, "feature \(i): \(p) vs GEOS \(expected)")
            }
            let any = try column.pointOnSurface(i, context: context, crossings: &crossings)
            #expect(any.x.bitPattern == expected.0.bitPattern && any.y.bitPattern == expected.1.bitPattern, "feature \(i)")
        }
        #expect(fast == column.count, "every valid footprint takes the direct path: \(fast) of \(column.count)")
    }

    @Test func casesLeftToGEOS() throws {
        let context = GEOSContext()
        var column = GeometryColumn()
        for wkt in ["POINT (1 2)", "LINESTRING (0 0, 1 1)", "POLYGON EMPTY",
                    "POLYGON ((0 0, 10 0, 10 0, 0 0))",                       // zero area: no section wider than zero
                    "MULTIPOLYGON (((0 0, 1 0, 1 0, 0 0)), ((5 5, 6 5, 6 6, 5 6, 5 5)))"] {
            try column.append(try Geometry(wkt: wkt, context: context))
        }
        var crossings: [Double] = []
        for i in 0 ..< column.count {
            #expect(column.interiorPoint(ofPolygonal: i, crossings: &crossings) == nil, "feature \(i) goes to GEOS")
        }
        // The fallback still gives GEOS's answer where GEOS has one.
        for i in [0, 1, 3, 4] {
            let geos = try column.geometry(i, context: context).pointOnSurface()
            let p = try column.pointOnSurface(i, context: context, crossings: &crossings)
            let (x, y) = (try geos.x(), try geos.y())
            #expect(p.x == x && p.y == y, "feature \(i)")
        }
    }
}
