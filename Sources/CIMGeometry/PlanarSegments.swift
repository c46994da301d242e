/// The planar geometry kernel: exact predicates and distances on segments given by their end coordinates,
/// in pure Swift on plain `Double`s, for the hot loops of the analyses and of the generator (no GEOS object
/// per call). Distances follow GEOS `DistanceOp` (tests check them against `GEOSDistance_r` on seeded
/// random segments); intersections are closed (touching and collinear overlap count).
///
/// Walking the segments of a ``GeometryColumn`` is ``GeometryColumn/forEachSegment(ofPart:_:)``; distances
/// between features are in `GeometryColumn+Distance.swift`; connected groups are ``UnionFind``.

/// Distance from point P to segment AB, computed as GEOS does (projection parameter clamped to [0, 1]; a
/// zero-length segment is its point).
@inlinable
public func pointSegmentDistance(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Double {
    if ax == bx && ay == by {
        let dx = px - ax, dy = py - ay
        return (dx * dx + dy * dy).squareRoot()
    }
    let len2 = (bx - ax) * (bx - ax) + (by - ay) * (by - ay)
    let r = ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / len2
    if r <= 0 { let dx = px - ax, dy = py - ay; return (dx * dx + dy * dy).squareRoot() }
    if r >= 1 { let dx = px - bx, dy = py - by; return (dx * dx + dy * dy).squareRoot() }
    let s = ((ay - py) * (bx - ax) - (ax - px) * (by - ay)) / len2
    return abs(s) * len2.squareRoot()
}

/// Twice the signed area of the triangle (A, B, C): > 0 when C lies left of A→B, < 0 right of it, 0 when
/// the three points are collinear (in floating point).
@inlinable @inline(__always)
public func orientation(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ cx: Double, _ cy: Double) -> Double {
    (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)
}

/// Whether the closed segments AB and CD share a point: a proper crossing, an end on the other segment, or
/// a collinear overlap. Disjoint bounding boxes answer false before any orientation is computed.
@inlinable @inline(__always)
public func segmentsIntersect(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                              _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double) -> Bool {
    if Swift.max(ax, bx) < Swift.min(cx, dx) || Swift.max(cx, dx) < Swift.min(ax, bx)
        || Swift.max(ay, by) < Swift.min(cy, dy) || Swift.max(cy, dy) < Swift.min(ay, by) { return false }
    let d1 = orientation(cx, cy, dx, dy, ax, ay)
    let d2 = orientation(cx, cy, dx, dy, bx, by)
    let d3 = orientation(ax, ay, bx, by, cx, cy)
    let d4 = orientation(ax, ay, bx, by, dx, dy)
    if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
    // An end collinear with the other segment touches it when it lies in that segment's box.
    @inline(__always) func within(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Bool {
        Swift.min(ax, bx) <= px && px <= Swift.max(ax, bx) && Swift.min(ay, by) <= py && py <= Swift.max(ay, by)
    }
    return (d1 == 0 && within(cx, cy, dx, dy, ax, ay)) || (d2 == 0 && within(cx, cy, dx, dy, bx, by))
        || (d3 == 0 && within(ax, ay, bx, by, cx, cy)) || (d4 == 0 && within(ax, ay, bx, by, dx, dy))
}

/// Distance between the closed segments AB and CD: 0 when they intersect (``segmentsIntersect``), else
/// the smallest of the four end-to-segment distances (GEOS `Distance::segmentToSegment`).
@inlinable @inline(__always)
public func segmentDistance(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                            _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double) -> Double {
    if segmentsIntersect(ax, ay, bx, by, cx, cy, dx, dy) { return 0 }
    return Swift.min(Swift.min(pointSegmentDistance(ax, ay, cx, cy, dx, dy), pointSegmentDistance(bx, by, cx, cy, dx, dy)),
                     Swift.min(pointSegmentDistance(cx, cy, ax, ay, bx, by), pointSegmentDistance(dx, dy, ax, ay, bx, by)))
}

/// Where the lines P + t·D and A + s·E meet, as the parameters (t, s) along each; nil when the lines are
/// parallel, |D × E| ≤ `parallelTolerance`. For segments PQ and AB pass D = Q − P and E = B − A: they cross
/// where both parameters lie in [0, 1].
@inlinable @inline(__always)
public func lineIntersection(_ px: Double, _ py: Double, _ dx: Double, _ dy: Double,
                             _ ax: Double, _ ay: Double, _ ex: Double, _ ey: Double,
                             parallelTolerance: Double = 0) -> (t: Double, s: Double)? {
    let denominator = dx * ey - dy * ex
    guard abs(denominator) > parallelTolerance else { return nil }
    let t = ((ax - px) * ey - (ay - py) * ex) / denominator
    let s = ((ax - px) * dy - (ay - py) * dx) / denominator
    return (t, s)
}

/// The stretch two segments share when they lie on one line: both ends of CD within `tolerance` of the
/// line through AB, and their projections on AB overlapping by more than 0. Returns the overlap's length and
/// midpoint; nil for a zero-length AB.
@inlinable
public func collinearOverlap(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                             _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double,
                             tolerance: Double) -> (length: Double, x: Double, y: Double)? {
    let lx = bx - ax, ly = by - ay
    let length = (lx * lx + ly * ly).squareRoot()
    guard length > 0 else { return nil }
    let ux = lx / length, uy = ly / length
    let offC = ux * (cy - ay) - uy * (cx - ax), offD = ux * (dy - ay) - uy * (dx - ax)
    guard abs(offC) <= tolerance, abs(offD) <= tolerance else { return nil }
    let tc = ux * (cx - ax) + uy * (cy - ay), td = ux * (dx - ax) + uy * (dy - ay)
    let lo = Swift.max(0, Swift.min(tc, td)), hi = Swift.min(length, Swift.max(tc, td))
    guard hi > lo else { return nil }
    let mid = (lo + hi) / 2
    return (hi - lo, ax + ux * mid, ay + uy * mid)
}
