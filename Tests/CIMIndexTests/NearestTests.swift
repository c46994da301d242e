import CIMIndex
import Testing

@Suite("Nearest-neighbour queries")
struct NearestTests {
    @Test("nearest == brute-force argmin (ties by smallest index)", arguments: Kind.allCases, [2, 4, 16, 64])
    func matchesBruteForce(kind: Kind, nodeSize: Int) {
        let data = Dataset.make(kind, count: 2_000, seed: 0xBEEF &+ UInt64(nodeSize))
        let tree = PackedRTree(envelopes: data.envelopes, nodeSize: nodeSize)
        var rng = SplitMix64(seed: 77 &+ UInt64(nodeSize))
        var workspace = NearestWorkspace()
        var nilCount = 0, hitCount = 0
        for q in 0 ..< 200 {
            let (x, y) = randomQueryPoint(&rng)
            // Every third query has a cut-off, some of them tiny.
            let maxD: Double = q % 3 == 0 ? (q % 2 == 0 ? rng.uniform(0, 30) : rng.uniform(0, 2)) : .infinity
            let got = tree.nearest(x: x, y: y, maxDistance: maxD, workspace: &workspace) { data.exact($0, x, y) }
            let expected = bruteNearest(data, x, y, maxDistance: maxD)
            #expect(got?.index == expected?.index)
            #expect(got?.distance == expected?.distance)
            if got == nil { nilCount += 1 } else { hitCount += 1 }
        }
        #expect(nilCount > 5, "the cut-offs should sometimes exclude everything")
        #expect(hitCount > 100)
    }

    @Test("k-nearest == brute-force sorted prefix", arguments: Kind.allCases, [2, 4, 16, 64])
    func kNearestMatchesBruteForce(kind: Kind, nodeSize: Int) {
        let data = Dataset.make(kind, count: 1_500, seed: 0xCAFE &+ UInt64(nodeSize))
        let tree = PackedRTree(envelopes: data.envelopes, nodeSize: nodeSize)
        var rng = SplitMix64(seed: 123 &+ UInt64(nodeSize))
        var workspace = NearestWorkspace()
        let ks = [1, 2, 3, 7, 16, 50, 200]
        for q in 0 ..< 120 {
            let (x, y) = randomQueryPoint(&rng)
            let k = ks[q % ks.count]
            let maxD: Double = q % 4 == 0 ? rng.uniform(0, 60) : .infinity
            var results: [(index: Int, distance: Double)] = []
            tree.nearest(x: x, y: y, k: k, maxDistance: maxD, workspace: &workspace,
                         exactDistance: { data.exact($0, x, y) }, into: &results)
            let expected = Array(bruteSorted(data, x, y, maxDistance: maxD).prefix(k))
            #expect(sameList(results, expected), "k=\(k) maxD=\(maxD)")
            // k = 1 agrees with the single nearest.
            if k == 1 {
                let one = tree.nearest(x: x, y: y, maxDistance: maxD, workspace: &workspace) { data.exact($0, x, y) }
                #expect(one?.index == results.first?.index)
            }
        }
    }

    @Test("heavy ties: duplicate points on a small integer grid", arguments: [2, 4, 16, 64])
    func heavyTies(nodeSize: Int) {
        var rng = SplitMix64(seed: 2024 &+ UInt64(nodeSize))
        var envelopes: [Double] = []
        var pts: [(Double, Double)] = []
        for _ in 0 ..< 3_000 {  // ~47 copies of each of the 64 grid points
            let p = (Double(rng.int(8)), Double(rng.int(8)))
            pts.append(p)
            envelopes += [p.0, p.1, p.0, p.1]
        }
        let data = Dataset(envelopes: envelopes) { i, x, y in pointDistance(pts[i].0, pts[i].1, x, y) }
        let tree = PackedRTree(envelopes: envelopes, nodeSize: nodeSize)
        var workspace = NearestWorkspace()
        let cutoffs: [Double] = [.infinity, 0, 0.4, 0.5, 1, 2.0.squareRoot(), 3]
        for q in 0 ..< 150 {
            // Integer and half-integer query points: exact ties on many items.
            let x = Double(rng.int(22)) / 2 - 1.5, y = Double(rng.int(22)) / 2 - 1.5
            let maxD = cutoffs[q % cutoffs.count]
            let got = tree.nearest(x: x, y: y, maxDistance: maxD, workspace: &workspace) { data.exact($0, x, y) }
            let expected = bruteNearest(data, x, y, maxDistance: maxD)
            #expect(got?.index == expected?.index, "(\(x), \(y)) maxD=\(maxD)")
            #expect(got?.distance == expected?.distance)

            let k = [1, 5, 40, 100, 5_000][q % 5]
            var results: [(index: Int, distance: Double)] = []
            tree.nearest(x: x, y: y, k: k, maxDistance: maxD, workspace: &workspace,
                         exactDistance: { data.exact($0, x, y) }, into: &results)
            #expect(sameList(results, Array(bruteSorted(data, x, y, maxDistance: maxD).prefix(k))))
        }
    }

    @Test("query points far outside the data")
    func farQueries() {
        let data = Dataset.make(.polygons, count: 1_000, seed: 31)
        let tree = PackedRTree(envelopes: data.envelopes, nodeSize: 8)
        var workspace = NearestWorkspace()
        for (x, y) in [(-1e6, -1e6), (1e7, 500), (500, -3e5), (1e12, 1e12)] {
            let got = tree.nearest(x: x, y: y, workspace: &workspace) { data.exact($0, x, y) }
            let expected = bruteNearest(data, x, y)
            #expect(got != nil)
            #expect(got?.index == expected?.index)
            #expect(tree.nearest(x: x, y: y, maxDistance: 1_000, workspace: &workspace) { data.exact($0, x, y) } == nil)
        }
    }

    /// Checks, call by call, that each refined item could still enter the k
    /// best of the items refined before it (envelope distance strictly smaller
    /// than the current k-th best, or equal with a smaller index; or within
    /// `maxDistance` while fewer than k are known) and was not refined before.
    static func checkCouldBeat(
        _ calls: [Int], _ data: Dataset, _ x: Double, _ y: Double, k: Int = 1, maxDistance: Double
    ) -> Bool {
        var best: [(index: Int, distance: Double)] = []  // sorted by (distance, index)
        var seen = Set<Int>()
        for i in calls {
            guard seen.insert(i).inserted else { return false }
            let e = data.envelope(i).distance(toX: x, y: y)
            if best.count >= k {
                let kth = best[k - 1]
                guard e < kth.distance || (e == kth.distance && i < kth.index) else { return false }
            } else {
                guard e <= maxDistance else { return false }
            }
            let d = data.exact(i, x, y)
            if d <= maxDistance {
                best.append((i, d))
                best.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.index < $1.index) }
            }
        }
        return true
    }

    @Test("heavy ties: only items that could beat the current best are refined", arguments: [2, 16])
    func heavyTiesRefinementIsLazy(nodeSize: Int) {
        var rng = SplitMix64(seed: 99 &+ UInt64(nodeSize))
        var envelopes: [Double] = []
        var pts: [(Double, Double)] = []
        for _ in 0 ..< 2_000 {
            let p = (Double(rng.int(5)), Double(rng.int(5)))
            pts.append(p)
            envelopes += [p.0, p.1, p.0, p.1]
        }
        let data = Dataset(envelopes: envelopes) { i, x, y in pointDistance(pts[i].0, pts[i].1, x, y) }
        let tree = PackedRTree(envelopes: envelopes, nodeSize: nodeSize)
        var workspace = NearestWorkspace()
        var totalCalls = 0
        for _ in 0 ..< 100 {
            let x = Double(rng.int(12)) / 2 - 0.5, y = Double(rng.int(12)) / 2 - 0.5
            var calls: [Int] = []
            let got = tree.nearest(x: x, y: y, workspace: &workspace) { calls.append($0); return data.exact($0, x, y) }
            #expect(got?.index == bruteNearest(data, x, y)?.index)
            #expect(Self.checkCouldBeat(calls, data, x, y, maxDistance: .infinity))
            totalCalls += calls.count

            let k = 5
            calls.removeAll()
            var results: [(index: Int, distance: Double)] = []
            tree.nearest(x: x, y: y, k: k, workspace: &workspace, exactDistance: { calls.append($0); return data.exact($0, x, y) }, into: &results)
            #expect(sameList(results, Array(bruteSorted(data, x, y).prefix(k))))
            #expect(Self.checkCouldBeat(calls, data, x, y, k: k, maxDistance: .infinity))
            totalCalls += calls.count
        }
        // ~80 duplicates per grid point: refining every tied item would cost far more.
        #expect(totalCalls < 100 * 40)
    }

    @Test("each exact distance computed at most once, only for items that could win", arguments: Kind.allCases)
    func exactDistanceCalledAtMostOnce(kind: Kind) {
        let data = Dataset.make(kind, count: 3_000, seed: 555)
        let tree = PackedRTree(envelopes: data.envelopes)
        var rng = SplitMix64(seed: 556)
        var workspace = NearestWorkspace()
        var calls = [Int](repeating: 0, count: data.count)
        var totalCalls = 0
        let queries = 200
        for q in 0 ..< queries {
            let (x, y) = randomQueryPoint(&rng)
            let maxD: Double = q % 5 == 0 ? 3 : .infinity
            for i in calls.indices { calls[i] = 0 }
            let got = tree.nearest(x: x, y: y, maxDistance: maxD, workspace: &workspace) { i in
                calls[i] += 1
                return data.exact(i, x, y)
            }
            #expect(got?.index == bruteNearest(data, x, y, maxDistance: maxD)?.index)
            var order: [Int] = []
            _ = tree.nearest(x: x, y: y, maxDistance: maxD, workspace: &workspace) { order.append($0); return data.exact($0, x, y) }
            #expect(Self.checkCouldBeat(order, data, x, y, maxDistance: maxD))
            let bound = got?.distance ?? maxD
            for i in calls.indices where calls[i] > 0 {
                #expect(calls[i] == 1, "item \(i) refined \(calls[i]) times")
                #expect(data.envelope(i).distance(toX: x, y: y) <= bound)
                totalCalls += calls[i]
            }

            // Same for k-nearest: the bound is the k-th distance when k were found.
            for i in calls.indices { calls[i] = 0 }
            let k = 10
            var results: [(index: Int, distance: Double)] = []
            var kOrder: [Int] = []
            tree.nearest(x: x, y: y, k: k, maxDistance: maxD, workspace: &workspace, exactDistance: { i in
                calls[i] += 1
                kOrder.append(i)
                return data.exact(i, x, y)
            }, into: &results)
            #expect(sameList(results, Array(bruteSorted(data, x, y, maxDistance: maxD).prefix(k))))
            #expect(Self.checkCouldBeat(kOrder, data, x, y, k: k, maxDistance: maxD))
            let kBound = results.count == k ? results[k - 1].distance : maxD
            for i in calls.indices where calls[i] > 0 {
                #expect(calls[i] == 1)
                #expect(data.envelope(i).distance(toX: x, y: y) <= kBound)
            }
        }
        if kind == .points {
            // Exact == envelope distance for points: the winner is the first item popped.
            #expect(totalCalls <= queries)
        } else {
            #expect(Double(totalCalls) / Double(queries) < 30, "refinement should be lazy")
        }
    }

    @Test("one workspace reused across trees and query kinds")
    func workspaceReuse() {
        let a = Dataset.make(.points, count: 800, seed: 1)
        let b = Dataset.make(.segments, count: 50, seed: 2)
        let ta = PackedRTree(envelopes: a.envelopes, nodeSize: 4)
        let tb = PackedRTree(envelopes: b.envelopes, nodeSize: 32)
        var workspace = NearestWorkspace(capacity: 8)
        var rng = SplitMix64(seed: 3)
        for _ in 0 ..< 100 {
            let (x, y) = randomQueryPoint(&rng)
            var r: [(index: Int, distance: Double)] = []
            ta.nearest(x: x, y: y, k: 30, workspace: &workspace, exactDistance: { a.exact($0, x, y) }, into: &r)
            #expect(sameList(r, Array(bruteSorted(a, x, y).prefix(30))))
            #expect(tb.nearest(x: x, y: y, workspace: &workspace) { b.exact($0, x, y) }?.index == bruteNearest(b, x, y)?.index)
        }
    }

    @Test("k-nearest appends after existing results; k <= 0 and bad parameters append nothing")
    func kNearestEdgeParameters() {
        let data = Dataset.make(.points, count: 100, seed: 9)
        let tree = PackedRTree(envelopes: data.envelopes)
        var workspace = NearestWorkspace()
        var results: [(index: Int, distance: Double)] = [(index: -1, distance: -1)]
        tree.nearest(x: 500, y: 500, k: 3, workspace: &workspace, exactDistance: { data.exact($0, 500, 500) }, into: &results)
        #expect(results.count == 4 && results[0].index == -1)
        #expect(sameList(Array(results.dropFirst()), Array(bruteSorted(data, 500, 500).prefix(3))))
        for (k, x, r) in [(0, 500.0, Double.infinity), (-3, 500, .infinity), (3, .nan, .infinity), (3, 500, -1), (3, 500, .nan)] {
            var out: [(index: Int, distance: Double)] = []
            var called = false
            tree.nearest(x: x, y: 500, k: k, maxDistance: r, workspace: &workspace, exactDistance: { _ in called = true; return 0 }, into: &out)
            #expect(out.isEmpty && !called)
            if k > 0 {
                #expect(tree.nearest(x: x, y: 500, maxDistance: r, workspace: &workspace) { _ in 0 } == nil)
            }
        }
        // k larger than the item count returns all of them, sorted.
        var all: [(index: Int, distance: Double)] = []
        tree.nearest(x: 1, y: 2, k: 1_000, workspace: &workspace, exactDistance: { data.exact($0, 1, 2) }, into: &all)
        #expect(sameList(all, bruteSorted(data, 1, 2)))
        // NaN exact distances are never returned.
        #expect(tree.nearest(x: 1, y: 2, workspace: &workspace) { _ in .nan } == nil)
    }
}
