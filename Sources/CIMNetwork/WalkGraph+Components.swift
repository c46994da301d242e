/// Connected components of the walk graph.
public struct GraphComponents: Sendable {
    /// Component id of each vertex (0 = the component with the most length).
    public var ofVertex: [Int32]
    /// Total edge length of each component.
    public var length: [Double]
    public var count: Int { length.count }
    /// Share of all edge length in the largest component.
    public var largestLengthShare: Double {
        let total = length.reduce(0, +)
        return total > 0 ? (length.first ?? 0) / total : 0
    }
}

extension WalkGraph {
    /// Labels the connected components (breadth-first over the CSR adjacency), numbered by decreasing length.
    public func components() -> GraphComponents {
        var label = [Int32](repeating: -1, count: vertexCount)
        var queue: [Int32] = []
        var count: Int32 = 0
        for start in 0 ..< vertexCount where label[start] < 0 {
            label[start] = count
            queue.removeAll(keepingCapacity: true)
            queue.append(Int32(start))
            var head = 0
            while head < queue.count {
                let v = Int(queue[head]); head += 1
                for slot in Int(offsets[v]) ..< Int(offsets[v + 1]) {
                    let w = Int(adjacency[slot])
                    if label[w] < 0 { label[w] = count; queue.append(Int32(w)) }
                }
            }
            count += 1
        }
        var length = [Double](repeating: 0, count: Int(count))
        for e in 0 ..< edgeCount { length[Int(label[Int(edgeFrom[e])])] += edgeLength[e] }
        // Renumber by decreasing length (ties by first vertex order).
        let order = (0 ..< Int(count)).sorted { length[$0] != length[$1] ? length[$0] > length[$1] : $0 < $1 }
        var rank = [Int32](repeating: 0, count: Int(count))
        for (r, c) in order.enumerated() { rank[c] = Int32(r) }
        return GraphComponents(ofVertex: label.map { rank[Int($0)] }, length: order.map { length[$0] })
    }
}
