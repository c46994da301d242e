import CIMIndex

/// Exact planar distances on flat arrays, in pure Swift: the refine step of index searches, so the hot
/// loops need no GEOS object. They follow GEOS `DistanceOp` (0 when the geometries touch, cross or one lies
/// inside the other, else the smallest segment-to-segment distance, ``segmentDistance``); tests check them
/// against `GEOSDistance_r` on seeded random data. Every walk is ``forEachSegment(ofPart:_:)``.
extension GeometryColumn {
    /// Euclidean distance from (x, y) to feature `i`: 0 inside or on a polygon, else the distance to the
    /// nearest vertex or segment. Infinity for an empty feature. O(number of coordinates of the feature).
    @inlinable
    public func distance(fromX x: Double, y: Double, to i: Int) -> Double {
        var best = Double.infinity
        let polygonal = types[i] == .polygon || types[i] == .multiPolygon
        for p in parts(of: i) {
            var inside = false
            forEachSegment(ofPart: p) { ax, ay, bx, by, _ in
                best = Swift.min(best, pointSegmentDistance(x, y, ax, ay, bx, by))
                if polygonal && ((ay > y) != (by > y)) {
                    let crossX = ax + (y - ay) * (bx - ax) / (by - ay)
                    if x < crossX { inside.toggle() }
                }
            }
            if polygonal && inside { return 0 }
        }
        return best
    }

    /// Whether (x, y) lies inside polygonal feature `i` (even-odd crossing rule over each part's rings, so
    /// holes are outside). Points exactly on the boundary may go either way; callers that need "touching is
    /// 0" also measure the distance to the boundary, which is 0 there.
    public func polygonContains(x: Double, y: Double, feature i: Int) -> Bool {
        for p in parts(of: i) {
            var inside = false
            forEachSegment(ofPart: p) { ax, ay, bx, by, _ in
                if (ay > y) != (by > y), x < ax + (y - ay) * (bx - ax) / (by - ay) { inside.toggle() }
            }
            if inside { return true }
        }
        return false
    }

    /// Exact distance from polygonal feature `i` to the segment AB: 0 when the segment touches or crosses
    /// the boundary or lies inside the polygon, else the smallest edge-to-segment distance. O(vertices).
    public func distance(polygon i: Int, toSegment ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Double {
        var best = Double.infinity
        for p in parts(of: i) {
            var insideA = false, insideB = false
            forEachSegment(ofPart: p) { ex, ey, fx, fy, stop in
                if (ey > ay) != (fy > ay), ax < ex + (ay - ey) * (fx - ex) / (fy - ey) { insideA.toggle() }
                if (ey > by) != (fy > by), bx < ex + (by - ey) * (fx - ex) / (fy - ey) { insideB.toggle() }
                let d = segmentDistance(ex, ey, fx, fy, ax, ay, bx, by)
                if d < best {
                    best = d
                    if d == 0 { stop = true }
                }
            }
            if best == 0 || insideA || insideB { return 0 }
        }
        return best
    }

    /// Exact distance between polygonal feature `i` of this column and polygonal feature `j` of `other`:
    /// 0 when they touch, overlap or one contains the other, else the smallest edge-to-edge distance.
    /// With `stopBelow`, returns as soon as a distance `<= stopBelow` is found (that distance, not
    /// necessarily the minimum): enough for "within d" tests. O(vertices(i) · vertices(j)).
    public func distance(polygon i: Int, to other: GeometryColumn, polygon j: Int, stopBelow: Double = -1) -> Double {
        // Containment: a part of one wholly inside the other has its first vertex inside (otherwise some
        // edges cross, which the edge loop finds).
        for q in other.parts(of: j) {
            let c = Int(other.ringCoordinates[Int(other.partRings[q])])
            if polygonContains(x: other.xy[2 * c], y: other.xy[2 * c + 1], feature: i) { return 0 }
        }
        for p in parts(of: i) {
            let c = Int(ringCoordinates[Int(partRings[p])])
            if other.polygonContains(x: xy[2 * c], y: xy[2 * c + 1], feature: j) { return 0 }
        }
        let otherEnvelope = other.envelope(j)
        var best = Double.infinity
        var done = false
        forEachSegment(of: i) { ax, ay, bx, by, stopOuter in
            // Skip edges that cannot beat the best so far.
            let edge = Envelope(minX: Swift.min(ax, bx), minY: Swift.min(ay, by), maxX: Swift.max(ax, bx), maxY: Swift.max(ay, by))
            if edge.distance(to: otherEnvelope) > best { return }
            other.forEachSegment(of: j) { cx, cy, dx, dy, stop in
                let d = segmentDistance(ax, ay, bx, by, cx, cy, dx, dy)
                if d < best {
                    best = d
                    if d <= stopBelow || d == 0 { done = true; stop = true }
                }
            }
            if done { stopOuter = true }
        }
        return best
    }
}
