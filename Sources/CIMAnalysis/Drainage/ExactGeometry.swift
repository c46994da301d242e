import CIMGeometry
import CIMIndex

/// Exact planar predicates and distances between segments and polygons on flat arrays, in pure Swift: the
/// refine step of the drainage searches (building → pipe segment, building → building), so the hot loops
/// create no GEOS object. They follow GEOS `DistanceOp`: 0 when the geometries touch, cross or one lies
/// inside the other, else the smallest segment-to-segment distance, each computed as the minimum of the four
/// endpoint-to-segment distances (``pointSegmentDistance(_:_:_:_:_:_:)``, GEOS's formula). Tests check them
/// against `GEOSDistance_r` within 1e-6 m.
enum ExactGeometry {
    /// Twice the signed area of the triangle (a, b, c): > 0 when c is left of a→b, 0 when collinear.
    @inline(__always)
    static func orientation(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Double {
        (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
    }

    /// (px, py), known collinear with a→b, lies within the segment's bounding box.
    @inline(__always)
    static func onSegment(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Bool {
        Swift.min(ax, bx) <= px && px <= Swift.max(ax, bx) && Swift.min(ay, by) <= py && py <= Swift.max(ay, by)
    }

    /// Whether the closed segments AB and CD share a point (touching and collinear overlap count).
    @inline(__always)
    static func segmentsIntersect(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                                  _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double) -> Bool {
        // Bounding boxes first: cheap and rules out most pairs.
        if Swift.max(ax, bx) < Swift.min(cx, dx) || Swift.max(cx, dx) < Swift.min(ax, bx)
            || Swift.max(ay, by) < Swift.min(cy, dy) || Swift.max(cy, dy) < Swift.min(ay, by) { return false }
        let d1 = orientation(cx, cy, dx, dy, ax, ay)
        let d2 = orientation(cx, cy, dx, dy, bx, by)
        let d3 = orientation(ax, ay, bx, by, cx, cy)
        let d4 = orientation(ax, ay, bx, by, dx, dy)
        if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
        if d1 == 0 && onSegment(cx, cy, dx, dy, ax, ay) { return true }
        if d2 == 0 && onSegment(cx, cy, dx, dy, bx, by) { return true }
        if d3 == 0 && onSegment(ax, ay, bx, by, cx, cy) { return true }
        if d4 == 0 && onSegment(ax, ay, bx, by, dx, dy) { return true }
        return false
    }

    /// Distance between the closed segments AB and CD: 0 when they intersect, else the smallest of the four
    /// endpoint-to-segment distances (GEOS `Distance::segmentToSegment`).
    @inline(__always)
    static func segmentDistance(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                                _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double) -> Double {
        if segmentsIntersect(ax, ay, bx, by, cx, cy, dx, dy) { return 0 }
        return Swift.min(Swift.min(pointSegmentDistance(ax, ay, cx, cy, dx, dy), pointSegmentDistance(bx, by, cx, cy, dx, dy)),
                         Swift.min(pointSegmentDistance(cx, cy, ax, ay, bx, by), pointSegmentDistance(dx, dy, ax, ay, bx, by)))
    }

    /// Euclidean distance between two envelopes (0 when they intersect): a lower bound of the distance
    /// between anything inside them.
    @inline(__always)
    static func envelopeDistance(_ a: Envelope, _ b: Envelope) -> Double {
        let dx = Swift.max(0, Swift.max(a.minX - b.maxX, b.minX - a.maxX))
        let dy = Swift.max(0, Swift.max(a.minY - b.maxY, b.minY - a.maxY))
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Squared distance from (x, y) to an envelope given by its four bounds.
    @inline(__always)
    static func pointEnvelopeDistance(_ x: Double, _ y: Double, _ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) -> Double {
        let dx = Swift.max(0, Swift.max(minX - x, x - maxX))
        let dy = Swift.max(0, Swift.max(minY - y, y - maxY))
        return (dx * dx + dy * dy).squareRoot()
    }
}

extension GeometryColumn {
    /// Whether (x, y) lies inside polygonal feature `i` (even-odd crossing rule over each part's rings, so
    /// holes are outside). Points exactly on the boundary may go either way; callers that need "touching is
    /// 0" also measure the distance to the boundary, which is 0 there.
    func polygonContains(x: Double, y: Double, feature i: Int) -> Bool {
        xy.withUnsafeBufferPointer { xy in
            ringCoordinates.withUnsafeBufferPointer { rc in
                partRings.withUnsafeBufferPointer { pr in
                    for p in Int(featureParts[i]) ..< Int(featureParts[i + 1]) {
                        var inside = false
                        for r in Int(pr[p]) ..< Int(pr[p + 1]) {
                            var c = Int(rc[r])
                            let end = Int(rc[r + 1])
                            while c + 1 < end {
                                let ay = xy[2 * c + 1], by = xy[2 * c + 3]
                                if (ay > y) != (by > y) {
                                    let ax = xy[2 * c], bx = xy[2 * c + 2]
                                    if x < ax + (y - ay) * (bx - ax) / (by - ay) { inside.toggle() }
                                }
                                c += 1
                            }
                        }
                        if inside { return true }
                    }
                    return false
                }
            }
        }
    }

    /// Exact distance from polygonal feature `i` to the segment AB: 0 when the segment touches or crosses
    /// the boundary or lies inside the polygon, else the smallest edge-to-segment distance. O(vertices).
    func distance(polygon i: Int, toSegment ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Double {
        xy.withUnsafeBufferPointer { xy in
            ringCoordinates.withUnsafeBufferPointer { rc in
                partRings.withUnsafeBufferPointer { pr in
                    var best = Double.infinity
                    for p in Int(featureParts[i]) ..< Int(featureParts[i + 1]) {
                        var insideA = false, insideB = false
                        for r in Int(pr[p]) ..< Int(pr[p + 1]) {
                            var c = Int(rc[r])
                            let end = Int(rc[r + 1])
                            while c + 1 < end {
                                let ex = xy[2 * c], ey = xy[2 * c + 1], fx = xy[2 * c + 2], fy = xy[2 * c + 3]
                                if (ey > ay) != (fy > ay), ax < ex + (ay - ey) * (fx - ex) / (fy - ey) { insideA.toggle() }
                                if (ey > by) != (fy > by), bx < ex + (by - ey) * (fx - ex) / (fy - ey) { insideB.toggle() }
                                let d = ExactGeometry.segmentDistance(ex, ey, fx, fy, ax, ay, bx, by)
                                if d < best {
                                    best = d
                                    if d == 0 { return 0 }
                                }
                                c += 1
                            }
                        }
                        if insideA || insideB { return 0 }
                    }
                    return best
                }
            }
        }
    }

    /// Exact distance between polygonal feature `i` of this column and polygonal feature `j` of `other`:
    /// 0 when they touch, overlap or one contains the other, else the smallest edge-to-edge distance.
    /// With `stopBelow`, returns as soon as a distance `<= stopBelow` is found (that distance, not
    /// necessarily the minimum): enough for "within d" tests. O(vertices(i) · vertices(j)).
    func distance(polygon i: Int, to other: GeometryColumn, polygon j: Int, stopBelow: Double = -1) -> Double {
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
        return xy.withUnsafeBufferPointer { xy in
            other.xy.withUnsafeBufferPointer { oxy in
                var best = Double.infinity
                for p in parts(of: i) {
                    for r in rings(of: p) {
                        let range = coordinates(of: r)
                        var c = range.lowerBound
                        while c + 1 < range.upperBound {
                            let ax = xy[2 * c], ay = xy[2 * c + 1], bx = xy[2 * c + 2], by = xy[2 * c + 3]
                            c += 1
                            // Skip edges that cannot beat the best so far.
                            let edge = Envelope(minX: Swift.min(ax, bx), minY: Swift.min(ay, by), maxX: Swift.max(ax, bx), maxY: Swift.max(ay, by))
                            if ExactGeometry.envelopeDistance(edge, otherEnvelope) > best { continue }
                            for q in other.parts(of: j) {
                                for s in other.rings(of: q) {
                                    let orange = other.coordinates(of: s)
                                    var k = orange.lowerBound
                                    while k + 1 < orange.upperBound {
                                        let d = ExactGeometry.segmentDistance(ax, ay, bx, by, oxy[2 * k], oxy[2 * k + 1], oxy[2 * k + 2], oxy[2 * k + 3])
                                        if d < best {
                                            best = d
                                            if d <= stopBelow || d == 0 { return d }
                                        }
                                        k += 1
                                    }
                                }
                            }
                        }
                    }
                }
                return best
            }
        }
    }
}
