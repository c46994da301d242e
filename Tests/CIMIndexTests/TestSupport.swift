import CIMIndex
import Foundation

@_exported import CIMTestSupport

// MARK: - Geometry used for exact distances (brute force, independent of the index)

func pointDistance(_ px: Double, _ py: Double, _ x: Double, _ y: Double) -> Double {
    let dx = px - x, dy = py - y
    return (dx * dx + dy * dy).squareRoot()
}

func pointSegmentDistance(
    _ x: Double, _ y: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double
) -> Double {
    let dx = bx - ax, dy = by - ay
    let len2 = dx * dx + dy * dy
    var t = len2 > 0 ? ((x - ax) * dx + (y - ay) * dy) / len2 : 0
    t = min(max(t, 0), 1)
    return pointDistance(ax + t * dx, ay + t * dy, x, y)
}

/// Even-odd ray casting.
func pointInPolygon(_ x: Double, _ y: Double, _ ring: [(Double, Double)]) -> Bool {
    var inside = false
    var j = ring.count - 1
    for i in 0 ..< ring.count {
        let (xi, yi) = ring[i], (xj, yj) = ring[j]
        if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi { inside.toggle() }
        j = i
    }
    return inside
}

/// 0 inside, else distance to the boundary (brute force over edges).
func pointPolygonDistance(_ x: Double, _ y: Double, _ ring: [(Double, Double)]) -> Double {
    if pointInPolygon(x, y, ring) { return 0 }
    var best = Double.infinity
    var j = ring.count - 1
    for i in 0 ..< ring.count {
        best = min(best, pointSegmentDistance(x, y, ring[j].0, ring[j].1, ring[i].0, ring[i].1))
        j = i
    }
    return best
}

// MARK: - Data sets

enum Kind: String, CaseIterable, Sendable, CustomStringConvertible {
    case points, segments, polygons
    var description: String { rawValue }
}

/// Items with envelopes and an exact point-to-item distance.
struct Dataset {
    var envelopes: [Double]
    /// Exact distance of item i to (x, y); always >= the envelope distance.
    var exact: (_ item: Int, _ x: Double, _ y: Double) -> Double

    var count: Int { envelopes.count / 4 }

    func envelope(_ i: Int) -> Envelope {
        Envelope(minX: envelopes[4 * i], minY: envelopes[4 * i + 1], maxX: envelopes[4 * i + 2], maxY: envelopes[4 * i + 3])
    }

    /// Adds the envelope of a point set and returns its index.
    static func append(_ pts: [(Double, Double)], to envelopes: inout [Double]) {
        envelopes.append(pts.map(\.0).min()!)
        envelopes.append(pts.map(\.1).min()!)
        envelopes.append(pts.map(\.0).max()!)
        envelopes.append(pts.map(\.1).max()!)
    }

    static func make(_ kind: Kind, count n: Int, seed: UInt64, extent: Double = 1000) -> Dataset {
        var rng = SplitMix64(seed: seed)
        var envelopes: [Double] = []
        envelopes.reserveCapacity(4 * n)
        switch kind {
        case .points:
            var pts: [(Double, Double)] = []
            for _ in 0 ..< n {
                let p = (rng.uniform(0, extent), rng.uniform(0, extent))
                pts.append(p)
                append([p], to: &envelopes)
            }
            // Points are exact: the envelope distance formula gives the same value.
            return Dataset(envelopes: envelopes) { i, x, y in pointDistance(pts[i].0, pts[i].1, x, y) }
        case .segments:
            var segs: [(Double, Double, Double, Double)] = []
            for _ in 0 ..< n {
                let ax = rng.uniform(0, extent), ay = rng.uniform(0, extent)
                let len = rng.uniform(0, extent / 20), ang = rng.uniform(0, 2 * Double.pi)
                let s = (ax, ay, ax + len * cos(ang), ay + len * sin(ang))
                segs.append(s)
                append([(s.0, s.1), (s.2, s.3)], to: &envelopes)
            }
            let env = envelopes
            return Dataset(envelopes: envelopes) { i, x, y in
                let s = segs[i]
                let e = Envelope(minX: env[4 * i], minY: env[4 * i + 1], maxX: env[4 * i + 2], maxY: env[4 * i + 3])
                // Clamp by the envelope distance so ulp-level rounding can't break the contract.
                return max(pointSegmentDistance(x, y, s.0, s.1, s.2, s.3), e.distance(toX: x, y: y))
            }
        case .polygons:
            var rings: [[(Double, Double)]] = []
            for _ in 0 ..< n {
                let cx = rng.uniform(0, extent), cy = rng.uniform(0, extent)
                let vertices = 3 + rng.int(6)
                var angles = (0 ..< vertices).map { _ in rng.uniform(0, 2 * Double.pi) }
                angles.sort()
                // Star-shaped around the centre => simple polygon.
                let ring = angles.map { a -> (Double, Double) in
                    let r = rng.uniform(1, extent / 40)
                    return (cx + r * cos(a), cy + r * sin(a))
                }
                rings.append(ring)
                append(ring, to: &envelopes)
            }
            let env = envelopes
            return Dataset(envelopes: envelopes) { i, x, y in
                let e = Envelope(minX: env[4 * i], minY: env[4 * i + 1], maxX: env[4 * i + 2], maxY: env[4 * i + 3])
                return max(pointPolygonDistance(x, y, rings[i]), e.distance(toX: x, y: y))
            }
        }
    }
}

// MARK: - Brute force references

func bruteWindow(_ envelopes: [Double], _ box: Envelope) -> Set<Int> {
    var out = Set<Int>()
    for i in 0 ..< envelopes.count / 4 {
        let e = Envelope(minX: envelopes[4 * i], minY: envelopes[4 * i + 1], maxX: envelopes[4 * i + 2], maxY: envelopes[4 * i + 3])
        if e.isValid && e.intersects(box) { out.insert(i) }
    }
    return out
}

/// All valid items sorted by (exact distance, index), keeping those <= maxDistance.
func bruteSorted(
    _ data: Dataset, _ x: Double, _ y: Double, maxDistance: Double = .infinity
) -> [(index: Int, distance: Double)] {
    var all: [(index: Int, distance: Double)] = []
    for i in 0 ..< data.count where data.envelope(i).isValid {
        let d = data.exact(i, x, y)
        if d <= maxDistance { all.append((i, d)) }
    }
    all.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.index < $1.index) }
    return all
}

func bruteNearest(
    _ data: Dataset, _ x: Double, _ y: Double, maxDistance: Double = .infinity
) -> (index: Int, distance: Double)? {
    var best: (index: Int, distance: Double)? = nil
    for i in 0 ..< data.count where data.envelope(i).isValid {
        let d = data.exact(i, x, y)
        guard d <= maxDistance else { continue }
        if best == nil || d < best!.distance { best = (i, d) }  // strict: first (smallest) index wins ties
    }
    return best
}

func sameList(_ a: [(index: Int, distance: Double)], _ b: [(index: Int, distance: Double)]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0.index == $1.index && $0.distance == $1.distance }
}

/// Random query box: mix of large, small, degenerate (point / line) and outside boxes.
func randomBox(_ rng: inout SplitMix64, extent: Double = 1000) -> Envelope {
    let x = rng.uniform(-0.1 * extent, 1.1 * extent), y = rng.uniform(-0.1 * extent, 1.1 * extent)
    switch rng.int(5) {
    case 0: return Envelope(x: x, y: y)
    case 1: return Envelope(minX: x, minY: y, maxX: x, maxY: y + rng.uniform(0, extent / 10))
    case 2: return Envelope(minX: x, minY: y, maxX: x + rng.uniform(0, extent / 2), maxY: y + rng.uniform(0, extent / 2))
    default: return Envelope(minX: x, minY: y, maxX: x + rng.uniform(0, extent / 20), maxY: y + rng.uniform(0, extent / 20))
    }
}

/// Random query point: mostly inside the data extent, sometimes far outside.
func randomQueryPoint(_ rng: inout SplitMix64, extent: Double = 1000) -> (Double, Double) {
    if rng.int(8) == 0 {
        return (rng.uniform(-50 * extent, 50 * extent), rng.uniform(-50 * extent, 50 * extent))
    }
    return (rng.uniform(-0.05 * extent, 1.05 * extent), rng.uniform(-0.05 * extent, 1.05 * extent))
}
