import CIMIndex
import Testing

@Suite("Window queries")
struct WindowQueryTests {
    @Test("search == brute-force filter", arguments: Kind.allCases, [2, 4, 16, 64])
    func matchesBruteForce(kind: Kind, nodeSize: Int) {
        let data = Dataset.make(kind, count: 2_500, seed: 0xA11CE &+ UInt64(nodeSize))
        let tree = PackedRTree(envelopes: data.envelopes, nodeSize: nodeSize)
        #expect(tree.count == data.count)
        #expect(tree.indexedCount == data.count)
        var rng = SplitMix64(seed: 42 &+ UInt64(nodeSize))
        var results: [Int32] = []
        var nonEmpty = 0
        for _ in 0 ..< 300 {
            let box = randomBox(&rng)
            results.removeAll(keepingCapacity: true)
            tree.search(box, into: &results)
            let expected = bruteWindow(data.envelopes, box)
            let got = Set(results.map(Int.init))
            #expect(got.count == results.count, "duplicates in window result")
            #expect(got == expected)
            var visited: [Int] = []
            tree.forEach(intersecting: box) { visited.append($0) }
            #expect(visited == results.map(Int.init))
            if !expected.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 60, "a good share of the random boxes should hit something")
    }

    @Test("every small tree shape (n = 0...70) agrees with brute force", arguments: [2, 3, 4, 16])
    func smallTreeShapes(nodeSize: Int) {
        var rng = SplitMix64(seed: 7 &+ UInt64(nodeSize))
        for n in 0 ... 70 {
            let data = Dataset.make(.segments, count: n, seed: UInt64(n) &* 31 &+ UInt64(nodeSize))
            let tree = PackedRTree(envelopes: data.envelopes, nodeSize: nodeSize)
            var all: [Int32] = []
            tree.search(Envelope(minX: -.infinity, minY: -.infinity, maxX: .infinity, maxY: .infinity), into: &all)
            #expect(all.sorted() == (0 ..< Int32(n)).map { $0 })
            for _ in 0 ..< 20 {
                let box = randomBox(&rng)
                var results: [Int32] = []
                tree.search(box, into: &results)
                #expect(Set(results.map(Int.init)) == bruteWindow(data.envelopes, box))
            }
        }
    }

    @Test("closed boxes: touching edges and corners count")
    func touchingCounts() {
        // item 0: [0,1]², item 1: point (2, 2), item 2: [3,4]x[0,1]
        let tree = PackedRTree(envelopes: [0, 0, 1, 1, 2, 2, 2, 2, 3, 0, 4, 1], nodeSize: 2)
        func hits(_ b: Envelope) -> [Int32] {
            var r: [Int32] = []
            tree.search(b, into: &r)
            return r.sorted()
        }
        #expect(hits(Envelope(minX: 1, minY: 1, maxX: 2, maxY: 2)) == [0, 1])  // corner + point
        #expect(hits(Envelope(minX: 1, minY: 0.5, maxX: 3, maxY: 0.5)) == [0, 2])  // line touching both edges
        #expect(hits(Envelope(x: 2, y: 2)) == [1])  // point on point
        #expect(hits(Envelope(minX: 1.0000001, minY: 0, maxX: 1.9999999, maxY: 1.9999999)) == [])
    }

    @Test("results are appended, never cleared; degenerate query boxes match nothing")
    func appendsAndDegenerateBoxes() {
        let data = Dataset.make(.points, count: 500, seed: 3)
        let tree = PackedRTree(envelopes: data.envelopes)
        var results: [Int32] = [-7, -8]
        tree.search(Envelope(minX: 0, minY: 0, maxX: 1000, maxY: 1000), into: &results)
        #expect(results.prefix(2) == [-7, -8])
        #expect(results.count == 502)

        for bad in [
            Envelope(minX: 10, minY: 0, maxX: 5, maxY: 1000),  // inverted x
            Envelope(minX: 0, minY: 10, maxX: 1000, maxY: 5),  // inverted y
            Envelope(minX: .nan, minY: 0, maxX: 1000, maxY: 1000),
            Envelope(minX: 0, minY: 0, maxX: 1000, maxY: .nan),
        ] {
            var r: [Int32] = []
            tree.search(bad, into: &r)
            #expect(r.isEmpty)
            var called = false
            tree.forEach(intersecting: bad) { _ in called = true }
            #expect(!called)
        }
        // Half-plane with infinite bounds.
        var r: [Int32] = []
        let half = Envelope(minX: 500, minY: -.infinity, maxX: .infinity, maxY: .infinity)
        tree.search(half, into: &r)
        #expect(Set(r.map(Int.init)) == bruteWindow(data.envelopes, half))
        #expect(!r.isEmpty)
    }

    @Test("build and window order are deterministic")
    func deterministic() {
        let data = Dataset.make(.polygons, count: 1_000, seed: 99)
        let a = PackedRTree(envelopes: data.envelopes)
        let b = PackedRTree(envelopes: data.envelopes)
        var rng = SplitMix64(seed: 5)
        for _ in 0 ..< 50 {
            let box = randomBox(&rng)
            var ra: [Int32] = [], rb: [Int32] = []
            a.search(box, into: &ra)
            b.search(box, into: &rb)
            #expect(ra == rb)
        }
        #expect(a.bounds == b.bounds)
    }
}
