import Foundation

/// A point or vector in the projected plane (metres).
struct P: Equatable, Sendable {
    var x: Double
    var y: Double
    init(_ x: Double, _ y: Double) { self.x = x; self.y = y }

    static func + (a: P, b: P) -> P { P(a.x + b.x, a.y + b.y) }
    static func - (a: P, b: P) -> P { P(a.x - b.x, a.y - b.y) }
    static func * (a: P, k: Double) -> P { P(a.x * k, a.y * k) }
    var length: Double { (x * x + y * y).squareRoot() }
    var unit: P { let l = length; return l > 0 ? P(x / l, y / l) : P(0, 0) }
    /// Rotated +90° (the left normal of a direction).
    var left: P { P(-y, x) }
    func dot(_ b: P) -> Double { x * b.x + y * b.y }
    func cross(_ b: P) -> Double { x * b.y - y * b.x }
    func distance(to b: P) -> Double { (self - b).length }
}

/// Intersection of the lines a + s·da and b + t·db (nil when parallel).
func lineIntersection(_ a: P, _ da: P, _ b: P, _ db: P) -> P? {
    let d = da.cross(db)
    guard abs(d) > 1e-12 else { return nil }
    let s = (b - a).cross(db) / d
    return a + da * s
}

/// Distance from point p to segment ab.
@inline(__always) func pointSegmentDistance(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Double {
    let dx = bx - ax, dy = by - ay
    let len2 = dx * dx + dy * dy
    var t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0
    t = min(max(t, 0), 1)
    let qx = ax + t * dx - px, qy = ay + t * dy - py
    return (qx * qx + qy * qy).squareRoot()
}

/// True when the closed segments ab and cd intersect (proper or touching).
@inline(__always) func segmentsIntersect(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                                         _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double) -> Bool {
    func orient(_ px: Double, _ py: Double, _ qx: Double, _ qy: Double, _ rx: Double, _ ry: Double) -> Double {
        (qx - px) * (ry - py) - (qy - py) * (rx - px)
    }
    let d1 = orient(cx, cy, dx, dy, ax, ay), d2 = orient(cx, cy, dx, dy, bx, by)
    let d3 = orient(ax, ay, bx, by, cx, cy), d4 = orient(ax, ay, bx, by, dx, dy)
    if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) { return true }
    return (d1 == 0 && onSegment(cx, cy, dx, dy, ax, ay)) || (d2 == 0 && onSegment(cx, cy, dx, dy, bx, by))
        || (d3 == 0 && onSegment(ax, ay, bx, by, cx, cy)) || (d4 == 0 && onSegment(ax, ay, bx, by, dx, dy))
}

@inline(__always) private func onSegment(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ px: Double, _ py: Double) -> Bool {
    px >= min(ax, bx) && px <= max(ax, bx) && py >= min(ay, by) && py <= max(ay, by)
}

/// Distance between the closed segments ab and cd (0 when they intersect).
@inline(__always) func segmentSegmentDistance(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                                              _ cx: Double, _ cy: Double, _ dx: Double, _ dy: Double) -> Double {
    if segmentsIntersect(ax, ay, bx, by, cx, cy, dx, dy) { return 0 }
    return min(min(pointSegmentDistance(ax, ay, cx, cy, dx, dy), pointSegmentDistance(bx, by, cx, cy, dx, dy)),
               min(pointSegmentDistance(cx, cy, ax, ay, bx, by), pointSegmentDistance(dx, dy, ax, ay, bx, by)))
}

/// Point-in-polygon (even–odd) for a closed ring given as interleaved x,y (first point repeated last).
func ringContains(_ ring: [Double], _ px: Double, _ py: Double) -> Bool {
    var inside = false
    let n = ring.count / 2
    var j = n - 1
    for i in 0 ..< n {
        let xi = ring[2 * i], yi = ring[2 * i + 1], xj = ring[2 * j], yj = ring[2 * j + 1]
        if (yi > py) != (yj > py), px < (xj - xi) * (py - yi) / (yj - yi) + xi { inside.toggle() }
        j = i
    }
    return inside
}

/// Distance from a closed ring (interleaved, first point repeated) to the segment ab: 0 when the segment
/// crosses the ring or lies inside it.
func ringSegmentDistance(_ ring: [Double], _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Double {
    if ringContains(ring, ax, ay) { return 0 }
    var best = Double.infinity
    var i = 0
    while i + 3 < ring.count {
        let d = segmentSegmentDistance(ring[i], ring[i + 1], ring[i + 2], ring[i + 3], ax, ay, bx, by)
        if d < best { best = d; if d == 0 { return 0 } }
        i += 2
    }
    return best
}

/// Formats a number for text output with at most `digits` decimals, trailing zeros removed
/// (deterministic, locale-free).
func formatNumber(_ value: Double, digits: Int) -> String {
    var s = String(format: "%.\(digits)f", value)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    if s == "-0" { s = "0" }
    return s
}

/// `prefix` followed by `n` zero-padded to `width` digits (ids such as B0000012).
func paddedId(_ prefix: String, _ n: Int, width: Int) -> String {
    let digits = String(n)
    return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
}
