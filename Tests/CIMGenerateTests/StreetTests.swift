@testable import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("Streets")
struct StreetTests {
    @Test("walkable roads form one connected walk graph over shared vertices, with dead ends")
    func walkGraphConnected() throws {
        let roads = Cities.small["roads"]
        let walkable = integers(roads, "walkable")
        var index: [Key: Int] = [:]
        var sets = DisjointSets(0)
        func vertex(_ x: Double, _ y: Double) -> Int {
            let key = Key(x, y)
            if let v = index[key] { return v }
            index[key] = sets.parent.count
            sets.parent.append(sets.parent.count)
            return sets.parent.count - 1
        }
        var degree: [Int: Int] = [:]
        for r in 0 ..< roads.count where walkable[r] == 1 {
            let c = coordinates(roads.geometries, r)
            let vs = c.map { vertex($0.0, $0.1) }
            for k in 1 ..< vs.count { sets.union(vs[k - 1], vs[k]) }
            degree[vs.first!, default: 0] += 1
            degree[vs.last!, default: 0] += 1
        }
        let components = Set((0 ..< sets.parent.count).map { sets.find($0) })
        #expect(components.count == 1, "the walk graph has \(components.count) components")
        let deadEnds = degree.values.filter { $0 == 1 }.count
        #expect(deadEnds >= 10, "only \(deadEnds) dead ends")
    }

    @Test("roads are split at every intersection: two roads meet only at a shared end vertex")
    func splitAtIntersections() throws {
        let roads = Cities.small["roads"]
        let g = roads.geometries
        let ends = (0 ..< roads.count).map { lineEnds(g, $0) }
        for i in 0 ..< roads.count {
            #expect(coordinates(g, i).count == 2)
            #expect(ends[i].sx != ends[i].ex || ends[i].sy != ends[i].ey, "road \(i) has zero length")
        }
        let order = (0 ..< roads.count).sorted { g.envelopes[4 * $0] < g.envelopes[4 * $1] }
        for (k, i) in order.enumerated() {
            let ei = g.envelope(i)
            for j in order[(k + 1)...] {
                let ej = g.envelope(j)
                if ej.minX > ei.maxX { break }
                guard ej.minY <= ei.maxY, ej.maxY >= ei.minY else { continue }
                let a = ends[i], b = ends[j]
                let shared = [(a.sx, a.sy), (a.ex, a.ey)].contains { p in [(b.sx, b.sy), (b.ex, b.ey)].contains { $0 == p } }
                if shared { continue }
                // Not sharing an end: they must be apart.
                let d = min(segmentDistance(a.sx, a.sy, b.sx, b.sy, b.ex, b.ey), segmentDistance(a.ex, a.ey, b.sx, b.sy, b.ex, b.ey),
                            segmentDistance(b.sx, b.sy, a.sx, a.sy, a.ex, a.ey), segmentDistance(b.ex, b.ey, a.sx, a.sy, a.ex, a.ey))
                let crosses = segmentsCross(a, b)
                #expect(!crosses && d > 1, "roads \(i) and \(j) meet without a shared vertex (distance \(d))")
            }
        }
    }

    @Test("road classes include arterials, residential streets, lanes, footways and a non-walkable motorway")
    func classes() throws {
        let city = try GeneratedCity.make(buildings: 6000, seed: 4)
        let roads = city["roads"]
        let classes = texts(roads, "class").map { $0 ?? "" }
        let walkable = integers(roads, "walkable")
        #expect(Set(classes) == ["primary", "secondary", "residential", "service", "footway", "motorway"])
        for (k, c) in classes.enumerated() { #expect((walkable[k] == 0) == (c == "motorway")) }
        // Blocks of 80–250 m: grid edges between junctions of the main street lines.
        let lengths = (0 ..< roads.count).filter { classes[$0] != "service" && classes[$0] != "footway" }.map { k -> Double in
            let e = lineEnds(roads.geometries, k)
            return ((e.ex - e.sx) * (e.ex - e.sx) + (e.ey - e.sy) * (e.ey - e.sy)).squareRoot()
        }
        #expect(lengths.max()! <= 360, "a street piece of \(lengths.max()!) m")
    }
}

func segmentsCross(_ a: (sx: Double, sy: Double, ex: Double, ey: Double), _ b: (sx: Double, sy: Double, ex: Double, ey: Double)) -> Bool {
    func orient(_ px: Double, _ py: Double, _ qx: Double, _ qy: Double, _ rx: Double, _ ry: Double) -> Double {
        (qx - px) * (ry - py) - (qy - py) * (rx - px)
    }
    let d1 = orient(b.sx, b.sy, b.ex, b.ey, a.sx, a.sy), d2 = orient(b.sx, b.sy, b.ex, b.ey, a.ex, a.ey)
    let d3 = orient(a.sx, a.sy, a.ex, a.ey, b.sx, b.sy), d4 = orient(a.sx, a.sy, a.ex, a.ey, b.ex, b.ey)
    return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0
}
