import CIMGeometry
import Testing

/// ``UnionFind`` against a brute-force flood fill of the same random graphs.
@Suite("UnionFind: groups and representatives equal a brute-force flood fill")
struct UnionFindTests {
    /// Connected components by breadth-first search over an adjacency list (the independent answer).
    static func floodFill(_ n: Int, _ edges: [(Int, Int)]) -> [Int] {
        var adjacency = [[Int]](repeating: [], count: n)
        for (a, b) in edges { adjacency[a].append(b); adjacency[b].append(a) }
        var label = [Int](repeating: -1, count: n)
        for start in 0 ..< n where label[start] < 0 {
            label[start] = start  // ascending starts: the label is the component's smallest element
            var queue = [start]
            while let v = queue.popLast() {
                for w in adjacency[v] where label[w] < 0 { label[w] = start; queue.append(w) }
            }
        }
        return label
    }

    @Test("random graphs of 1 to 2000 elements", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func randomGraphs(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
        let n = [1, 2, 50, 700, 2000][Int(seed - 1)]
        let edges = (0 ..< rng.int(0 ..< n + 1)).map { _ in (rng.int(0 ..< n), rng.int(0 ..< n)) }
        var sets = UnionFind(n)
        var joined = 0
        for (a, b) in edges where sets.union(a, b) { joined += 1 }
        let label = Self.floodFill(n, edges)
        #expect(sets.smallestMembers().map(Int.init) == label)
        for a in 0 ..< n { #expect((sets.find(a) == sets.find(label[a]))) }
        let groups = sets.groups()
        #expect(groups.count == Set(label).count)
        #expect(groups.count == n - joined)  // every successful union removes one set
        #expect(groups.map { $0[0] } == groups.map { $0[0] }.sorted())
        for group in groups {
            #expect(group == group.sorted())
            #expect(group.allSatisfy { label[$0] == group[0] })
        }
    }
}
