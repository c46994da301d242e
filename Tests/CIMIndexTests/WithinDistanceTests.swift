import CIMIndex
import Testing

@Suite("Within-distance queries")
struct WithinDistanceTests {
    @Test("withinDistance == brute force", arguments: Kind.allCases, [2, 4, 16, 64])
    func matchesBruteForce(kind: Kind, nodeSize: Int) {
        let data = Dataset.make(kind, count: 2_000, seed: 0xD15 &+ UInt64(nodeSize))
        let tree = PackedRTree(envelopes: data.envelopes, nodeSize: nodeSize)
        var rng = SplitMix64(seed: 11 &+ UInt64(nodeSize))
        var nonEmpty = 0
        var calls = [Int](repeating: 0, count: data.count)
        for q in 0 ..< 150 {
            let (x, y) = randomQueryPoint(&rng)
            let r = q % 10 == 0 ? 0 : rng.uniform(0, 120)
            for i in calls.indices { calls[i] = 0 }
            var results: [Int32] = []
            tree.withinDistance(x: x, y: y, maxDistance: r, exactDistance: { i in
                calls[i] += 1
                return data.exact(i, x, y)
            }, into: &results)
            let expected = Set(bruteSorted(data, x, y, maxDistance: r).map(\.index))
            #expect(Set(results.map(Int.init)) == expected)
            #expect(results.count == expected.count, "duplicates")
            // Each item refined at most once, and only if its envelope passes the filter.
            for i in calls.indices where calls[i] > 0 {
                #expect(calls[i] == 1)
                #expect(data.envelope(i).distance(toX: x, y: y) <= r)
            }
            // Callback form agrees and reports the exact distance.
            var viaCallback: [Int: Double] = [:]
            tree.forEach(withinDistanceOfX: x, y: y, maxDistance: r, exactDistance: { data.exact($0, x, y) }) {
                viaCallback[$0] = $1
            }
            #expect(Set(viaCallback.keys) == expected)
            for (i, d) in viaCallback { #expect(d == data.exact(i, x, y)) }
            if !expected.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 50)
    }

    @Test("infinite radius returns everything; bad parameters return nothing")
    func extremes() {
        let data = Dataset.make(.segments, count: 300, seed: 8)
        let tree = PackedRTree(envelopes: data.envelopes, nodeSize: 4)
        var all: [Int32] = []
        tree.withinDistance(x: 1e9, y: -1e9, maxDistance: .infinity, exactDistance: { data.exact($0, 1e9, -1e9) }, into: &all)
        #expect(all.count == 300 && Set(all).count == 300)
        for (x, y, r) in [(Double.nan, 0.0, 10.0), (0, .infinity, 10), (500, 500, -1), (500, 500, .nan)] {
            var out: [Int32] = []
            var called = false
            tree.withinDistance(x: x, y: y, maxDistance: r, exactDistance: { _ in called = true; return 0 }, into: &out)
            #expect(out.isEmpty && !called)
        }
        // Items whose exact distance is NaN are never returned.
        var none: [Int32] = []
        tree.withinDistance(x: 500, y: 500, maxDistance: .infinity, exactDistance: { _ in .nan }, into: &none)
        #expect(none.isEmpty)
    }

    @Test("boundary is inclusive and exact: one ulp beyond maxDistance is neither returned nor refined")
    func ulpBoundary() {
        // Points at distance exactly 3, 5 (3-4-5 triangle) and 7 from the origin.
        let tree = PackedRTree(envelopes: [3, 0, 3, 0, 3, 4, 3, 4, 0, -7, 0, -7], nodeSize: 2)
        let pts: [(Double, Double)] = [(3, 0), (3, 4), (0, -7)]
        var refined: [Int] = []
        let exact: (Int) -> Double = { refined.append($0); return pointDistance(pts[$0].0, pts[$0].1, 0, 0) }
        var r: [Int32] = []
        tree.withinDistance(x: 0, y: 0, maxDistance: 5, exactDistance: exact, into: &r)
        #expect(r.sorted() == [0, 1])
        #expect(refined.sorted() == [0, 1])
        for radius in [Double(5).nextDown, Double(7).nextDown] {
            r.removeAll()
            refined.removeAll()
            tree.withinDistance(x: 0, y: 0, maxDistance: radius, exactDistance: exact, into: &r)
            #expect(r.count == (radius < 5 ? 1 : 2))
            #expect(refined.count == r.count, "items one ulp beyond the radius must not be refined")
        }
        var workspace = NearestWorkspace()
        refined.removeAll()
        #expect(tree.nearest(x: 0, y: 0, maxDistance: Double(3).nextDown, workspace: &workspace, exactDistance: exact) == nil)
        #expect(refined.isEmpty)
        #expect(tree.nearest(x: 0, y: 0, maxDistance: 3, workspace: &workspace, exactDistance: exact)?.index == 0)
        var k: [(index: Int, distance: Double)] = []
        refined.removeAll()
        tree.nearest(x: 0, y: 0, k: 3, maxDistance: Double(7).nextDown, workspace: &workspace, exactDistance: exact, into: &k)
        #expect(k.map(\.index) == [0, 1])
        #expect(refined.sorted() == [0, 1])
    }
}
