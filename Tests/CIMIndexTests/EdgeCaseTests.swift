import CIMIndex
import Testing

@Suite("Edge cases")
struct EdgeCaseTests {
    static let everything = Envelope(minX: -.infinity, minY: -.infinity, maxX: .infinity, maxY: .infinity)

    @Test("empty tree: all queries empty / nil, closures never called")
    func emptyTree() {
        let tree = PackedRTree(envelopes: [])
        #expect(tree.count == 0)
        #expect(tree.indexedCount == 0)
        #expect(tree.bounds == nil)
        #expect(tree.nodeSize == 16)
        var r: [Int32] = []
        tree.search(Self.everything, into: &r)
        #expect(r.isEmpty)
        var visited = 0
        tree.forEach(intersecting: Self.everything) { _ in visited += 1 }
        #expect(visited == 0)
        var called = false
        tree.withinDistance(x: 0, y: 0, maxDistance: .infinity, exactDistance: { _ in called = true; return 0 }, into: &r)
        #expect(r.isEmpty)
        var workspace = NearestWorkspace()
        #expect(tree.nearest(x: 0, y: 0, workspace: &workspace) { _ in called = true; return 0 } == nil)
        var k: [(index: Int, distance: Double)] = []
        tree.nearest(x: 0, y: 0, k: 5, workspace: &workspace, exactDistance: { _ in called = true; return 0 }, into: &k)
        #expect(k.isEmpty)
        #expect(!called)
    }

    @Test("one-item tree", arguments: [2, 16])
    func oneItem(nodeSize: Int) {
        let tree = PackedRTree(envelopes: [10, 20, 30, 40], nodeSize: nodeSize)
        #expect(tree.count == 1 && tree.indexedCount == 1)
        #expect(tree.bounds == Envelope(minX: 10, minY: 20, maxX: 30, maxY: 40))
        var r: [Int32] = []
        tree.search(Envelope(x: 30, y: 40), into: &r)
        #expect(r == [0])
        r.removeAll()
        tree.search(Envelope(minX: 31, minY: 0, maxX: 50, maxY: 50), into: &r)
        #expect(r.isEmpty)

        let exact: (Int) -> Double = { _ in Envelope(minX: 10, minY: 20, maxX: 30, maxY: 40).distance(toX: 0, y: 20) }
        var workspace = NearestWorkspace()
        let n = tree.nearest(x: 0, y: 20, workspace: &workspace, exactDistance: exact)
        #expect(n?.index == 0 && n?.distance == 10)
        #expect(tree.nearest(x: 0, y: 20, maxDistance: 10, workspace: &workspace, exactDistance: exact)?.index == 0)  // inclusive
        #expect(tree.nearest(x: 0, y: 20, maxDistance: 9.999, workspace: &workspace, exactDistance: exact) == nil)
        var k: [(index: Int, distance: Double)] = []
        tree.nearest(x: 0, y: 20, k: 3, workspace: &workspace, exactDistance: exact, into: &k)
        #expect(k.count == 1 && k[0].index == 0 && k[0].distance == 10)
        r.removeAll()
        tree.withinDistance(x: 0, y: 20, maxDistance: 10, exactDistance: exact, into: &r)
        #expect(r == [0])
        r.removeAll()
        tree.withinDistance(x: 0, y: 20, maxDistance: 9, exactDistance: exact, into: &r)
        #expect(r.isEmpty)
    }

    @Test("all items identical", arguments: [2, 16, 64])
    func allIdentical(nodeSize: Int) {
        let n = 777
        var envelopes: [Double] = []
        for _ in 0 ..< n { envelopes += [1, 3, 2, 4] }
        let env = Envelope(minX: 1, minY: 3, maxX: 2, maxY: 4)
        let tree = PackedRTree(envelopes: envelopes, nodeSize: nodeSize)
        #expect(tree.bounds == env)
        var r: [Int32] = []
        tree.search(Envelope(x: 1.5, y: 3.5), into: &r)
        #expect(r.sorted() == (0 ..< Int32(n)).map { $0 })
        r.removeAll()
        tree.search(Envelope(x: 0, y: 0), into: &r)
        #expect(r.isEmpty)

        var workspace = NearestWorkspace()
        var calls = [Int](repeating: 0, count: n)
        let got = tree.nearest(x: 10, y: 10, workspace: &workspace) { i in
            calls[i] += 1
            return env.distance(toX: 10, y: 10)
        }
        #expect(got?.index == 0)
        #expect(got?.distance == env.distance(toX: 10, y: 10))
        #expect(calls.allSatisfy { $0 <= 1 })
        var k: [(index: Int, distance: Double)] = []
        tree.nearest(x: 10, y: 10, k: 10, workspace: &workspace, exactDistance: { _ in env.distance(toX: 10, y: 10) }, into: &k)
        #expect(k.map(\.index) == Array(0 ..< 10))
        r.removeAll()
        tree.withinDistance(x: 0, y: 0, maxDistance: 5, exactDistance: { _ in env.distance(toX: 0, y: 0) }, into: &r)
        #expect(r.count == n)
    }

    @Test("invalid envelopes (NaN, infinite, inverted) are skipped and never returned")
    func invalidEnvelopesSkipped() {
        let nan = Double.nan, inf = Double.infinity
        let envelopes: [Double] = [
            0, 0, 1, 1,  // 0 ok
            nan, 0, 1, 1,  // 1 NaN
            5, 5, 5, 5,  // 2 ok (point)
            0, 0, inf, 1,  // 3 infinite
            3, 0, 2, 1,  // 4 inverted x
            2, 2, 3, nan,  // 5 NaN
            -4, -4, -3, -3,  // 6 ok
            0, 1, 1, 0,  // 7 inverted y
        ]
        let valid: Set<Int> = [0, 2, 6]
        for nodeSize in [2, 16] {
            let tree = PackedRTree(envelopes: envelopes, nodeSize: nodeSize)
            #expect(tree.count == 8)
            #expect(tree.indexedCount == 3)
            #expect(tree.bounds == Envelope(minX: -4, minY: -4, maxX: 5, maxY: 5))
            var r: [Int32] = []
            tree.search(Self.everything, into: &r)
            #expect(Set(r.map(Int.init)) == valid)
            var refined = Set<Int>()
            r.removeAll()
            tree.withinDistance(x: 0, y: 0, maxDistance: .infinity, exactDistance: { refined.insert($0); return 0 }, into: &r)
            #expect(Set(r.map(Int.init)) == valid)
            var workspace = NearestWorkspace()
            var k: [(index: Int, distance: Double)] = []
            tree.nearest(x: 0, y: 0, k: 100, workspace: &workspace, exactDistance: { refined.insert($0); return 0 }, into: &k)
            #expect(k.map(\.index) == [0, 2, 6])  // all tied at 0 => index order
            #expect(tree.nearest(x: 2.5, y: 0.5, workspace: &workspace) { refined.insert($0); return Double($0) }?.index == 0)
            #expect(refined.isSubset(of: valid))
        }
        let allBad = PackedRTree(envelopes: [nan, nan, nan, nan, 1, 1, 0, 0])
        #expect(allBad.count == 2 && allBad.indexedCount == 0 && allBad.bounds == nil)
        var r: [Int32] = []
        allBad.search(Self.everything, into: &r)
        #expect(r.isEmpty)
        var workspace = NearestWorkspace()
        #expect(allBad.nearest(x: 0, y: 0, workspace: &workspace) { _ in 0 } == nil)
    }

    @Test("huge and tiny coordinates build and query correctly")
    func extremeCoordinates() {
        var rng = SplitMix64(seed: 1234)
        var envelopes: [Double] = []
        for i in 0 ..< 400 {
            let scale = i % 2 == 0 ? 1e300 : 1e-300
            let x = rng.uniform(-1, 1) * scale, y = rng.uniform(-1, 1) * scale
            envelopes += [x, y, x, y]
        }
        envelopes += [-1.7e308, -1.7e308, 1.7e308, 1.7e308]  // spans (almost) the whole double range
        let tree = PackedRTree(envelopes: envelopes, nodeSize: 4)
        #expect(tree.indexedCount == 401)
        for _ in 0 ..< 50 {
            let s = rng.int(2) == 0 ? 1e300 : 1e-300
            let box = Envelope(minX: rng.uniform(-1, 0) * s, minY: rng.uniform(-1, 0) * s, maxX: rng.uniform(0, 1) * s, maxY: rng.uniform(0, 1) * s)
            var r: [Int32] = []
            tree.search(box, into: &r)
            #expect(Set(r.map(Int.init)) == bruteWindow(envelopes, box))
            #expect(r.contains(400))
        }
    }

    @Test("Envelope helpers")
    func envelopeHelpers() {
        let a = Envelope(minX: 0, minY: 0, maxX: 2, maxY: 1)
        let b = Envelope(minX: 2, minY: 1, maxX: 3, maxY: 3)
        let c = Envelope(minX: 2.5, minY: -1, maxX: 4, maxY: 0.5)
        #expect(a.intersects(b) && b.intersects(a))  // corner touch
        #expect(!a.intersects(c) && !c.intersects(a))
        #expect(b.intersects(c) == false)
        #expect(!a.intersects(Envelope(minX: .nan, minY: 0, maxX: 1, maxY: 1)))
        #expect(a.union(c) == Envelope(minX: 0, minY: -1, maxX: 4, maxY: 1))
        #expect(a.distanceSquared(toX: 1, y: 0.5) == 0)  // inside
        #expect(a.distanceSquared(toX: 2, y: 1) == 0)  // on the corner
        #expect(a.distanceSquared(toX: 5, y: 5) == 9 + 16)
        #expect(a.distance(toX: 5, y: 5) == 5)
        #expect(a.distanceSquared(toX: -3, y: 0.5) == 9)
        #expect(a.distanceSquared(toX: 1, y: -2) == 4)
        #expect(a.isValid && Envelope(x: 1, y: 1).isValid)
        #expect(!Envelope(minX: 1, minY: 0, maxX: 0, maxY: 1).isValid)
        #expect(!Envelope(minX: 0, minY: 0, maxX: .infinity, maxY: 1).isValid)
        #expect(a.contains(x: 2, y: 1) && !a.contains(x: 2.1, y: 1))
        #expect(a.width == 2 && a.height == 1)
        #expect(Set([a, a, b]).count == 2)
    }
}
