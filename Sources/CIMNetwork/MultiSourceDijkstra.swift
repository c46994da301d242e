/// Bounded multi-source Dijkstra over a ``WalkGraph``: every source is a vertex with a starting distance;
/// vertices farther than the bound stay at infinity. Flat arrays and a reusable binary heap, so repeated
/// searches allocate nothing once warmed up.
public struct MultiSourceDijkstra: Sendable {
    /// Tentative / final distance of each vertex (infinity when unreached or beyond the bound).
    public private(set) var distance: [Double]
    private var heapKeys: [Double] = []
    private var heapVertices: [Int32] = []
    private var touched: [Int32] = []
    /// With `recordingPaths`: the edge by which each reached vertex was reached (-1 for a source), so
    /// shortest paths can be walked back (``pathEdges(to:)``); empty otherwise.
    public private(set) var predecessorEdge: [Int32]
    private let recordingPaths: Bool

    /// The vertices the last search reached (within its bound), in the order they were first reached.
    public var reachedVertices: [Int32] { touched }

    public init(vertexCount: Int, recordingPaths: Bool = false) {
        distance = [Double](repeating: .infinity, count: vertexCount)
        self.recordingPaths = recordingPaths
        predecessorEdge = recordingPaths ? [Int32](repeating: -1, count: vertexCount) : []
    }

    /// The vertices of the shortest path from a source to vertex `v`, the source first (recorded searches
    /// only; empty when `v` is unreached).
    public func pathVertices(to v: Int32, graph: WalkGraph) -> [Int32] {
        guard recordingPaths, distance[Int(v)].isFinite else { return [] }
        var vertices: [Int32] = [v]
        var vertex = v
        while predecessorEdge[Int(vertex)] >= 0 {
            let e = Int(predecessorEdge[Int(vertex)])
            vertex = graph.edgeFrom[e] == vertex ? graph.edgeTo[e] : graph.edgeFrom[e]
            vertices.append(vertex)
        }
        return vertices.reversed()
    }

    /// Runs the search from `sources` (vertex, starting distance), settling vertices up to `bound`.
    /// Resets the previous search's distances first (in time proportional to what it touched).
    public mutating func run(graph: WalkGraph, sources: [(vertex: Int32, distance: Double)], bound: Double) {
        for v in touched { distance[Int(v)] = .infinity }
        touched.removeAll(keepingCapacity: true)
        heapKeys.removeAll(keepingCapacity: true)
        heapVertices.removeAll(keepingCapacity: true)
        for (v, d) in sources where d <= bound && d < distance[Int(v)] {
            if distance[Int(v)] == .infinity { touched.append(v) }
            distance[Int(v)] = d
            if recordingPaths { predecessorEdge[Int(v)] = -1 }
            push(d, v)
        }
        graph.offsets.withUnsafeBufferPointer { offsets in
            graph.adjacency.withUnsafeBufferPointer { adjacency in
                graph.adjacencyEdge.withUnsafeBufferPointer { adjacencyEdge in
                    graph.edgeLength.withUnsafeBufferPointer { lengths in
                        while let (d, v) = pop() {
                            if d > distance[Int(v)] { continue } // stale entry
                            for slot in Int(offsets[Int(v)]) ..< Int(offsets[Int(v) + 1]) {
                                let w = adjacency[slot]
                                let nd = d + lengths[Int(adjacencyEdge[slot])]
                                if nd <= bound && nd < distance[Int(w)] {
                                    if distance[Int(w)] == .infinity { touched.append(w) }
                                    distance[Int(w)] = nd
                                    if recordingPaths { predecessorEdge[Int(w)] = adjacencyEdge[slot] }
                                    push(nd, w)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private mutating func push(_ key: Double, _ vertex: Int32) {
        heapKeys.append(key); heapVertices.append(vertex)
        var i = heapKeys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if heapKeys[parent] <= key { break }
            heapKeys[i] = heapKeys[parent]; heapVertices[i] = heapVertices[parent]
            i = parent
        }
        heapKeys[i] = key; heapVertices[i] = vertex
    }

    private mutating func pop() -> (Double, Int32)? {
        guard let top = heapKeys.first else { return nil }
        let topVertex = heapVertices[0]
        let lastKey = heapKeys.removeLast(), lastVertex = heapVertices.removeLast()
        if !heapKeys.isEmpty {
            var i = 0
            let n = heapKeys.count
            while true {
                let l = 2 * i + 1
                if l >= n { break }
                let r = l + 1
                let c = r < n && heapKeys[r] < heapKeys[l] ? r : l
                if heapKeys[c] >= lastKey { break }
                heapKeys[i] = heapKeys[c]; heapVertices[i] = heapVertices[c]
                i = c
            }
            heapKeys[i] = lastKey; heapVertices[i] = lastVertex
        }
        return (top, topVertex)
    }
}
