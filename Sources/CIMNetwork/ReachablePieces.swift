import CIMGeometry

extension WalkGraph {
    /// The street pieces within `limit` of the sources of a finished search: whole edges, and the partial
    /// ends of edges whose far vertex is out of reach. `direct` adds reach that starts inside an edge
    /// (a facility on that edge: offset along the edge and the distance already used to get there).
    /// Returns line pieces as a column of LineStrings (one feature per piece).
    public func reachablePieces(distance: [Double], limit: Double, direct: [Int32: [(offset: Double, used: Double)]] = [:]) -> GeometryColumn {
        var column = GeometryColumn()
        for e in 0 ..< edgeCount {
            let a = Int(edgeFrom[e]), b = Int(edgeTo[e]), length = edgeLength[e]
            var intervals: [(Double, Double)] = []
            if distance[a] < limit { intervals.append((0, min(length, limit - distance[a]))) }
            if distance[b] < limit { intervals.append((max(0, length - (limit - distance[b])), length)) }
            for start in direct[Int32(e)] ?? [] where start.used < limit {
                let reach = limit - start.used
                intervals.append((max(0, start.offset - reach), min(length, start.offset + reach)))
            }
            guard !intervals.isEmpty else { continue }
            intervals.sort { $0.0 < $1.0 }
            var merged: [(Double, Double)] = [intervals[0]]
            for interval in intervals.dropFirst() {
                if interval.0 <= merged[merged.count - 1].1 { merged[merged.count - 1].1 = max(merged[merged.count - 1].1, interval.1) }
                else { merged.append(interval) }
            }
            let ax = vertices[2 * a], ay = vertices[2 * a + 1], bx = vertices[2 * b], by = vertices[2 * b + 1]
            for (s, t) in merged where t > s || length == 0 {
                let f0 = length > 0 ? s / length : 0, f1 = length > 0 ? t / length : 1
                column.beginFeature(.lineString)
                column.addRing([(ax + (bx - ax) * f0, ay + (by - ay) * f0), (ax + (bx - ax) * f1, ay + (by - ay) * f1)])
                column.endPart()
                column.endFeature()
            }
        }
        return column
    }
}
