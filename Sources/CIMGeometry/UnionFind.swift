/// Disjoint sets over `0 ..< n` (union-find) with path halving and union by size: the one union-find of
/// cim (pipe components, blank-zone clusters, merged walk-graph vertices, the generator's pipe networks).
/// Which element is a set's root is an implementation detail; ``groups()`` and ``smallestMembers()`` give
/// answers that do not depend on it.
public struct UnionFind: Sendable {
    @usableFromInline var parent: [Int32]
    @usableFromInline var size: [Int32]

    /// `n` singleton sets.
    public init(_ n: Int) {
        parent = (0 ..< Int32(n)).map { $0 }
        size = Array(repeating: 1, count: n)
    }

    /// Number of elements.
    public var count: Int { parent.count }

    /// The root of x's set (the same for every member until the next union). Amortised near O(1).
    @inlinable
    public mutating func find(_ x: Int) -> Int {
        var x = Int32(x)
        while parent[Int(x)] != x {
            parent[Int(x)] = parent[Int(parent[Int(x)])]
            x = parent[Int(x)]
        }
        return Int(x)
    }

    /// Joins the sets of a and b; returns false when they were one set already.
    @inlinable @discardableResult
    public mutating func union(_ a: Int, _ b: Int) -> Bool {
        var ra = find(a), rb = find(b)
        if ra == rb { return false }
        if size[ra] < size[rb] { swap(&ra, &rb) }
        parent[rb] = Int32(ra)
        size[ra] += size[rb]
        return true
    }

    /// The sets, each sorted ascending, ordered by their smallest element.
    public mutating func groups() -> [[Int]] {
        var index: [Int: Int] = [:]
        var result: [[Int]] = []
        for x in 0 ..< parent.count {
            let r = find(x)
            if let g = index[r] { result[g].append(x) } else { index[r] = result.count; result.append([x]) }
        }
        return result
    }

    /// For every element, the smallest element of its set (a representative independent of the roots).
    public mutating func smallestMembers() -> [Int32] {
        var smallest = [Int32](repeating: -1, count: parent.count)
        var result = [Int32](repeating: 0, count: parent.count)
        for x in 0 ..< parent.count {
            let r = find(x)
            if smallest[r] < 0 { smallest[r] = Int32(x) }  // ascending x: the first seen is the smallest
            result[x] = smallest[r]
        }
        return result
    }
}
