import CIMGeometry

extension WalkGraph {
    /// One reachable stretch of an edge: from `start` to `end` metres along it (from its first vertex).
    public struct EdgePiece: Sendable, Equatable {
        public var edge: Int32
        public var start: Double
        public var end: Double
    }

    /// The stretches of edges within `limit` of the sources of a finished search: whole edges, and the
    /// partial ends of edges whose far vertex is out of reach. `direct` adds reach that starts inside an edge
    /// (a facility on that edge: offset along the edge and the distance already used to get there).
    /// Overlapping stretches of one edge are merged; edges in order. With `reached` (the vertices the search
    /// reached, ``MultiSourceDijkstra/reachedVertices``) only their edges and those of `direct` are looked
    /// at, in time proportional to the search instead of the graph; the answer is the same.
    public func reachableEdgePieces(distance: [Double], limit: Double, direct: [Int32: [(offset: Double, used: Double)]] = [:],
                                    reached: [Int32]? = nil) -> [EdgePiece] {
        var pieces: [EdgePiece] = []
        var intervals: [(Double, Double)] = []
        let candidates: [Int]
        if let reached {
            var edges = Set<Int32>(direct.keys)
            for v in reached where distance[Int(v)] < limit {
                for slot in Int(offsets[Int(v)]) ..< Int(offsets[Int(v) + 1]) { edges.insert(adjacencyEdge[slot]) }
            }
            candidates = edges.map(Int.init).sorted()
        } else {
            candidates = Array(0 ..< edgeCount)
        }
        for e in candidates {
            let a = Int(edgeFrom[e]), b = Int(edgeTo[e]), length = edgeLength[e]
            intervals.removeAll(keepingCapacity: true)
            if distance[a] < limit { intervals.append((0, min(length, limit - distance[a]))) }
            if distance[b] < limit { intervals.append((max(0, length - (limit - distance[b])), length)) }
            if let starts = direct[Int32(e)] {
                for start in starts where start.used < limit {
                    let reach = limit - start.used
                    intervals.append((max(0, start.offset - reach), min(length, start.offset + reach)))
                }
            }
            guard !intervals.isEmpty else { continue }
            intervals.sort { $0.0 < $1.0 }
            var merged: [(Double, Double)] = [intervals[0]]
            for interval in intervals.dropFirst() {
                if interval.0 <= merged[merged.count - 1].1 { merged[merged.count - 1].1 = max(merged[merged.count - 1].1, interval.1) }
                else { merged.append(interval) }
            }
            for (s, t) in merged where t > s || length == 0 { pieces.append(EdgePiece(edge: Int32(e), start: s, end: t)) }
        }
        return pieces
    }

    /// The point `offset` metres along edge `e` from its first vertex (the vertices themselves, exactly, at
    /// 0 and at the edge's length).
    @inline(__always) func point(onEdge e: Int, at offset: Double) -> (Double, Double) {
        let a = Int(edgeFrom[e]), b = Int(edgeTo[e]), length = edgeLength[e]
        if offset == length { return (vertices[2 * b], vertices[2 * b + 1]) }
        if offset == 0 { return (vertices[2 * a], vertices[2 * a + 1]) }
        let f = offset / length
        let ax = vertices[2 * a], ay = vertices[2 * a + 1]
        return (ax + (vertices[2 * b] - ax) * f, ay + (vertices[2 * b + 1] - ay) * f)
    }

    /// The street pieces within `limit` of the sources of a finished search (see
    /// ``reachableEdgePieces(distance:limit:direct:)``) as a column of two-point LineStrings, one feature per piece.
    public func reachablePieces(distance: [Double], limit: Double, direct: [Int32: [(offset: Double, used: Double)]] = [:]) -> GeometryColumn {
        var column = GeometryColumn()
        for piece in reachableEdgePieces(distance: distance, limit: limit, direct: direct) {
            let e = Int(piece.edge)
            column.beginFeature(.lineString)
            column.addRing([point(onEdge: e, at: piece.start), point(onEdge: e, at: piece.end)])
            column.endPart()
            column.endFeature()
        }
        return column
    }

    /// The same reachable street pieces joined into polylines: pieces that meet at a vertex where exactly
    /// two of them end are chained, so a street between two junctions (or a dead end) is one LineString,
    /// and a closed loop with no junction is one ring-shaped LineString. The polylines cover exactly the
    /// pieces' points; one feature per polyline.
    public func reachablePolylines(distance: [Double], limit: Double, direct: [Int32: [(offset: Double, used: Double)]] = [:],
                                   reached: [Int32]? = nil) -> GeometryColumn {
        let pieces = reachableEdgePieces(distance: distance, limit: limit, direct: direct, reached: reached)
        // The graph vertex at each end of a piece (−1 for an end inside an edge), and the pieces per vertex.
        var ends = [Int32](repeating: -1, count: 2 * pieces.count)
        var degree: [Int32: Int32] = [:]
        var touching: [Int32: (Int32, Int32)] = [:] // the first two pieces ending at a vertex
        for (p, piece) in pieces.enumerated() {
            let e = Int(piece.edge), length = edgeLength[e]
            if piece.start == 0 { ends[2 * p] = edgeFrom[e] }
            if piece.end == length { ends[2 * p + 1] = edgeTo[e] }
            for v in [ends[2 * p], ends[2 * p + 1]] where v >= 0 {
                let d = degree[v, default: 0]
                degree[v] = d + 1
                if d == 0 { touching[v] = (Int32(p), -1) } else if d == 1 { touching[v]!.1 = Int32(p) }
            }
        }
        var used = [Bool](repeating: false, count: pieces.count)
        var column = GeometryColumn()
        var coordinates: [(Double, Double)] = []
        /// The piece's end points, `forward` from start to end.
        func endpoints(_ p: Int, forward: Bool) -> ((Double, Double), (Double, Double)) {
            let e = Int(pieces[p].edge)
            let s = point(onEdge: e, at: pieces[p].start), t = point(onEdge: e, at: pieces[p].end)
            return forward ? (s, t) : (t, s)
        }
        /// The next piece through vertex `v` (a vertex where exactly two pieces end), other than `p`.
        func next(after p: Int, through v: Int32) -> Int? {
            guard v >= 0, degree[v] == 2, let pair = touching[v] else { return nil }
            let q = Int(pair.0) == p ? Int(pair.1) : Int(pair.0)
            return q >= 0 && q != p && !used[q] ? q : nil
        }
        /// Walks a chain from piece `first`, leaving it through its end `forward` (true: its edge's end).
        func chain(from first: Int, forward: Bool) {
            coordinates.removeAll(keepingCapacity: true)
            var p = first, along = forward
            used[p] = true
            let (s, t) = endpoints(p, forward: along)
            coordinates.append(s); coordinates.append(t)
            while true {
                let exit = along ? ends[2 * p + 1] : ends[2 * p]
                guard let q = next(after: p, through: exit) else { break }
                used[q] = true
                along = ends[2 * q] == exit // leave q through its other end
                coordinates.append(endpoints(q, forward: along).1)
                p = q
            }
            column.beginFeature(.lineString); column.addRing(coordinates); column.endPart(); column.endFeature()
        }
        // Chains start at a piece end that is not a pass-through vertex; what is left are closed loops.
        for p in pieces.indices where !used[p] {
            let startIsEnd = ends[2 * p] < 0 || degree[ends[2 * p]] != 2
            let endIsEnd = ends[2 * p + 1] < 0 || degree[ends[2 * p + 1]] != 2
            if startIsEnd { chain(from: p, forward: true) } else if endIsEnd { chain(from: p, forward: false) }
        }
        for p in pieces.indices where !used[p] { chain(from: p, forward: true) }
        return column
    }
}
