@testable import CIMIndex
import Testing

@Suite("Internal structure")
struct StructureTests {
    @Test("node boxes are exact unions of their children; leaves are a permutation", arguments: [2, 3, 16, 64])
    func packedLayout(nodeSize: Int) {
        for n in [1, 2, 15, 16, 17, 255, 256, 257, 1_000] {
            let data = Dataset.make(.polygons, count: n, seed: UInt64(n))
            let tree = PackedRTree(envelopes: data.envelopes, nodeSize: nodeSize)
            let lb = tree._levelBounds
            #expect(lb.first == n)
            #expect(lb.count >= 2)
            #expect(lb.last == tree._indices.count)
            #expect(tree._boxes.count == 4 * tree._indices.count)
            // Each level has ceil(previous / nodeSize) nodes, the top one exactly 1.
            for l in 1 ..< lb.count {
                let prev = lb[l - 1] - (l >= 2 ? lb[l - 2] : 0)
                #expect(lb[l] - lb[l - 1] == (prev + nodeSize - 1) / nodeSize)
            }
            #expect(lb[lb.count - 1] - lb[lb.count - 2] == 1)
            // Leaves: each item once, with its own envelope.
            #expect(Set(tree._indices[0 ..< n]).count == n)
            for p in 0 ..< n {
                let i = Int(tree._indices[p])
                #expect(Array(tree._boxes[4 * p ..< 4 * p + 4]) == Array(data.envelopes[4 * i ..< 4 * i + 4]))
            }
            // Internal nodes: children are consecutive, box = union of children.
            var expectedChild = 0
            for l in 1 ..< lb.count {
                for p in lb[l - 1] ..< lb[l] {
                    let start = Int(tree._indices[p])
                    #expect(start == expectedChild)
                    let end = min(start + nodeSize, lb[l - 1])
                    expectedChild = end
                    var u = [Double.infinity, .infinity, -.infinity, -.infinity]
                    for c in start ..< end {
                        u[0] = min(u[0], tree._boxes[4 * c]); u[1] = min(u[1], tree._boxes[4 * c + 1])
                        u[2] = max(u[2], tree._boxes[4 * c + 2]); u[3] = max(u[3], tree._boxes[4 * c + 3])
                    }
                    #expect(Array(tree._boxes[4 * p ..< 4 * p + 4]) == u)
                }
                #expect(expectedChild == lb[l - 1], "children of level \(l) must cover level \(l - 1)")
            }
            let root = lb.last! - 1
            #expect(tree.bounds == Envelope(minX: tree._boxes[4 * root], minY: tree._boxes[4 * root + 1],
                                            maxX: tree._boxes[4 * root + 2], maxY: tree._boxes[4 * root + 3]))
        }
    }

    @Test("Hilbert order: 16×16 cells are visited along a continuous curve")
    func hilbertCurve() {
        // The top 8 bits of the 32-bit value index a 16×16 coarse grid; a
        // Hilbert curve visits every cell once and steps to a 4-neighbour.
        var cellAt = [(Int, Int)?](repeating: nil, count: 256)
        for cx in 0 ..< 16 {
            for cy in 0 ..< 16 {
                let h = PackedRTree._hilbert(UInt32(cx * 4096 + 7), UInt32(cy * 4096 + 3))
                let h2 = PackedRTree._hilbert(UInt32(cx * 4096 + 4000), UInt32(cy * 4096 + 4095))
                #expect(h >> 24 == h2 >> 24, "a cell maps to one curve segment")
                #expect(cellAt[Int(h >> 24)] == nil)
                cellAt[Int(h >> 24)] = (cx, cy)
            }
        }
        #expect(PackedRTree._hilbert(0, 0) == 0)
        for i in 1 ..< 256 {
            let a = cellAt[i - 1]!, b = cellAt[i]!
            #expect(abs(a.0 - b.0) + abs(a.1 - b.1) == 1, "cells \(i - 1) and \(i) are not adjacent")
        }
    }

    @Test("a warmed-up workspace does not grow on repeated queries")
    func workspaceStopsGrowing() {
        let data = Dataset.make(.points, count: 5_000, seed: 17)
        let tree = PackedRTree(envelopes: data.envelopes)
        var workspace = NearestWorkspace()
        var rng = SplitMix64(seed: 18)
        let queries = (0 ..< 200).map { _ in randomQueryPoint(&rng) }
        var results: [(index: Int, distance: Double)] = []
        results.reserveCapacity(20)
        func runAll() {
            for (x, y) in queries {
                _ = tree.nearest(x: x, y: y, workspace: &workspace) { data.exact($0, x, y) }
                results.removeAll(keepingCapacity: true)
                tree.nearest(x: x, y: y, k: 20, workspace: &workspace, exactDistance: { data.exact($0, x, y) }, into: &results)
            }
        }
        runAll()
        let queueSize = workspace._queue.count, queueCapacity = workspace._queue.capacity
        let arenaSize = workspace._arena.count, arenaCapacity = workspace._arena.capacity
        let bestCapacity = workspace._best.capacity
        #expect(queueSize > 0 && arenaSize > 0 && bestCapacity >= 20)
        runAll()
        #expect(workspace._queue.count == queueSize && workspace._queue.capacity == queueCapacity)
        #expect(workspace._arena.count == arenaSize && workspace._arena.capacity == arenaCapacity)
        #expect(workspace._best.capacity == bestCapacity)
    }
}
