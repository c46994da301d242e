import CIMAnalysis
import CIMGeometry
import CIMStore
import Foundation
import Testing

/// The Swift line clipper of AreaUnits against GEOS intersections on seeded random concave polygons (with
/// holes, overlapping each other) and random polylines; and polygon overlap areas against GEOS.
@Suite struct AreaUnitsClippingTests {
    static func randomUnits(seed: UInt64) -> AreaUnits {
        var rng = SeededRandom(seed: seed)
        var g = GeometryColumn()
        var ids: [String?] = [], kinds: [String?] = []
        for k in 0 ..< 8 {
            let cx = rng.uniform(0 ... 1000), cy = rng.uniform(0 ... 1000), r = rng.uniform(100 ... 400)
            var ring: [(Double, Double)] = (0 ..< 12).map { i in
                let a = Double(i) / 12 * 2 * .pi, radius = r * (i % 2 == 0 ? 1 : rng.uniform(0.3 ... 0.9))
                return (cx + radius * cos(a), cy + radius * sin(a))
            }
            ring.append(ring[0])
            g.beginFeature(.multiPolygon)
            g.addRing(ring)
            if k % 2 == 0 {  // a hole, clockwise
                let h = r * 0.15
                g.addRing([(cx - h, cy - h), (cx - h, cy + h), (cx + h, cy + h), (cx + h, cy - h), (cx - h, cy - h)])
            }
            g.endPart()
            g.endFeature()
            ids.append("u\(k)"); kinds.append("community")
        }
        let table = FeatureTable(name: "areas", geometryType: .multiPolygon, geometries: g,
                                 columns: [AttributeColumn("id", .text(ids)), AttributeColumn("kind", .text(kinds))])
        return AreaUnits.fromAreas(table, kind: "community")!
    }

    static func randomLines(seed: UInt64, count: Int) -> GeometryColumn {
        var rng = SeededRandom(seed: seed)
        var g = GeometryColumn()
        for _ in 0 ..< count {
            var x = rng.uniform(-100 ... 1100), y = rng.uniform(-100 ... 1100)
            var points = [(x, y)]
            for _ in 0 ..< rng.int(1 ..< 4) {
                x += rng.uniform(-300 ... 300); y += rng.uniform(-300 ... 300)
                points.append((x, y))
            }
            g.beginFeature(.lineString)
            g.addRing(points)
            g.endPart()
            g.endFeature()
        }
        return g
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func lineLengthsMatchGEOSIntersections(seed: UInt64) throws {
        let units = Self.randomUnits(seed: seed)
        let lines = Self.randomLines(seed: seed + 100, count: 400)
        let lengths = try units.lineLengths(of: lines)
        let context = GEOSContext()
        for u in 0 ..< units.count {
            let polygon = try units.geometries.geometry(u, context: context)
            var expected = 0.0
            for i in 0 ..< lines.count { expected += try lines.geometry(i, context: context).intersection(polygon).length() }
            #expect(expected > 0)
            #expect(abs(lengths[u] - expected) <= 1e-7 * expected, "unit \(u): \(lengths[u]) vs GEOS \(expected)")
        }
    }

    /// The sums do not depend on threads: they equal, bit for bit, the pieces added up one line after the
    /// other in line order (each line a single segment, so lineLengths of that line alone is its piece), and
    /// repeated runs give the same bits (the parallel version once summed per thread, in finishing order).
    @Test func lineLengthsAreTheSumsOfOneSequentialPass() throws {
        let units = Self.randomUnits(seed: 9)
        var rng = SeededRandom(seed: 77)
        var lines = GeometryColumn()
        for _ in 0 ..< 3000 {
            let x = rng.uniform(-100 ... 1100), y = rng.uniform(-100 ... 1100)
            lines.beginFeature(.lineString)
            lines.addRing([(x, y), (x + rng.uniform(-300 ... 300), y + rng.uniform(-300 ... 300))])
            lines.endPart()
            lines.endFeature()
        }
        var sequential = [Double](repeating: 0, count: units.count)
        for i in 0 ..< lines.count {
            var one = GeometryColumn()
            one.append(lines, feature: i)
            for (u, piece) in try units.lineLengths(of: one).enumerated() where piece > 0 { sequential[u] += piece }
        }
        for _ in 0 ..< 10 {
            #expect(try units.lineLengths(of: lines) == sequential)
        }
    }

    @Test func linesAlongASharedBoundaryCountOnBothSides() throws {
        var g = GeometryColumn()
        for (x0, x1) in [(0.0, 100.0), (100.0, 200.0)] {
            g.beginFeature(.multiPolygon)
            g.addRing([(x0, 0), (x1, 0), (x1, 100), (x0, 100), (x0, 0)])
            g.endPart()
            g.endFeature()
        }
        let table = FeatureTable(name: "areas", geometryType: .multiPolygon, geometries: g,
                                 columns: [AttributeColumn("id", .text(["a", "b"])), AttributeColumn("kind", .text(["k", "k"]))])
        let units = AreaUnits.fromAreas(table, kind: "k")!
        var lines = GeometryColumn()
        // Along x = 100, with a middle vertex a rounding error off the boundary; then across both.
        lines.beginFeature(.lineString)
        lines.addRing([(100, 10), (100 + 1e-12, 50), (100, 90)])
        lines.endPart()
        lines.endFeature()
        lines.beginFeature(.lineString)
        lines.addRing([(-50, 50), (250, 50)])
        lines.endPart()
        lines.endFeature()
        let lengths = try units.lineLengths(of: lines)
        #expect(abs(lengths[0] - 180) < 1e-6 && abs(lengths[1] - 180) < 1e-6)
    }

    @Test func intersectionAreasMatchGEOS() throws {
        let units = Self.randomUnits(seed: 7)
        let others = Self.randomUnits(seed: 8).geometries
        let areas = try units.intersectionAreas(of: others)
        let context = GEOSContext()
        for u in 0 ..< units.count {
            let polygon = try units.geometries.geometry(u, context: context)
            var expected = 0.0
            for i in 0 ..< others.count { expected += try others.geometry(i, context: context).intersection(polygon).area() }
            #expect(abs(areas[u] - expected) <= 1e-9 * max(1, expected))
        }
    }
}
