import CIMGeometry
import CIMIndex

/// Where points enter the walk graph: for each point the nearest point of the nearest edge.
public struct SnappedPoints: Sendable {
    /// Edge of each point, -1 when farther than the maximum access distance (off-network).
    public var edge: [Int32]
    /// Distance along the edge from its `edgeFrom` vertex to the snap point.
    public var offset: [Double]
    /// Straight access leg from the point to the snap point.
    public var access: [Double]
    public var count: Int { edge.count }
    public var offNetwork: Int { edge.lazy.filter { $0 < 0 }.count }
}

extension WalkGraph {
    /// Snaps points (interleaved x,y) to the nearest point of the nearest edge through the edge R-tree
    /// (ties: the smallest edge id), up to `maxAccess` metres; farther points are off-network.
    public func snap(points: [Double], maxAccess: Double) -> SnappedPoints {
        let n = points.count / 2
        var edge = [Int32](repeating: -1, count: n)
        var offset = [Double](repeating: 0, count: n)
        var access = [Double](repeating: .nan, count: n)
        var workspace = NearestWorkspace()
        let vertices = self.vertices, edgeFrom = self.edgeFrom, edgeTo = self.edgeTo
        for k in 0 ..< n {
            let x = points[2 * k], y = points[2 * k + 1]
            guard x.isFinite && y.isFinite else { continue }
            let hit = edgeTree.nearest(x: x, y: y, maxDistance: maxAccess, workspace: &workspace) { e in
                let a = Int(edgeFrom[e]), b = Int(edgeTo[e])
                let ax = vertices[2 * a], ay = vertices[2 * a + 1], bx = vertices[2 * b], by = vertices[2 * b + 1]
                let exact = pointSegmentDistance(x, y, ax, ay, bx, by)
                // The tree's contract: never below the envelope distance (guards against rounding).
                let envelope = Envelope(minX: min(ax, bx), minY: min(ay, by), maxX: max(ax, bx), maxY: max(ay, by))
                return max(exact, envelope.distance(toX: x, y: y))
            }
            guard let hit else { continue }
            edge[k] = Int32(hit.index)
            access[k] = hit.distance
            offset[k] = projectionOffset(x: x, y: y, edge: hit.index)
        }
        return SnappedPoints(edge: edge, offset: offset, access: access)
    }

    /// Distance along edge e from its first vertex to the projection of (x, y), clamped to the edge.
    @inline(__always)
    public func projectionOffset(x: Double, y: Double, edge e: Int) -> Double {
        let a = Int(edgeFrom[e]), b = Int(edgeTo[e])
        let ax = vertices[2 * a], ay = vertices[2 * a + 1], bx = vertices[2 * b], by = vertices[2 * b + 1]
        let len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
        guard len2 > 0 else { return 0 }
        let t = min(max(((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / len2, 0), 1)
        return t * edgeLength[e]
    }
}
