import CIMGeometry
import Foundation

/// What a block is built with; decides the footprint templates, floors, uses and years of its buildings.
enum BlockType: UInt8, Sendable, CaseIterable {
    /// 城中村: dense small low-rise houses.
    case village
    /// 老旧小区: 5–7 floor slabs of the 1980s–90s.
    case oldEstate
    /// Mid-rise estates, 7–12 floors.
    case midRise
    /// High-rise towers, 18–33 floors.
    case highRise
    /// Commercial and mixed blocks.
    case commercial
    /// Sheds and factories.
    case industrial
    /// Schools, hospitals, offices (public).
    case campus
    /// A whole-block park (no buildings).
    case park
}

/// An axis-aligned rectangle in a block's local frame.
struct LocalRect: Sendable {
    var u0: Double, v0: Double, u1: Double, v1: Double
    func overlaps(_ o: LocalRect) -> Bool { u0 < o.u1 && o.u0 < u1 && v0 < o.v1 && o.v0 < v1 }
    func overlaps(u0 a0: Double, v0 b0: Double, u1 a1: Double, v1 b1: Double) -> Bool { u0 < a1 && a0 < u1 && v0 < b1 && b0 < v1 }
}

/// A lane (service road) into a block from its attach side: a dead end, a dead end with a T head, or a
/// through lane to the opposite side.
struct Lane: Sendable {
    var u: Double
    var vEnd: Double
    var through: Bool
    var tee: Bool
    /// Split-registry entries of its junction on the attach side (and on the far side for a through lane).
    var junctionEntry: Int
    var farEntry: Int
    /// World positions: the junction on the street, the end (or far junction), the T tips.
    var junction: P
    var end: P
    var tips: [P]
}

/// A block's frame: the street centre-line corners rotated so that side 0 is the attach side, the inset
/// quad that buildings must stay inside (each side moved in by its road's half-width plus a setback), and a
/// local (u, v) frame with u along side 0 and v into the block. Q's side 0 lies on v = 0.
struct BlockFrame {
    let c: [P]
    let d: [Double]
    let q: [P]
    let o: P
    let u: P
    let v: P
    let ql: [P]

    init?(corners: [P], insets: [Double]) {
        c = corners
        d = insets
        var q: [P] = []
        for k in 0 ..< 4 {
            let a = (k + 3) & 3
            let da = c[(a + 1) & 3] - c[a], dk = c[(k + 1) & 3] - c[k]
            let pa = c[a] + da.unit.left * d[a], pk = c[k] + dk.unit.left * d[k]
            // The corner where the two inset sides meet (none when they are parallel).
            guard let hit = lineIntersection(pa.x, pa.y, da.x, da.y, pk.x, pk.y, dk.x, dk.y, parallelTolerance: 1e-12) else { return nil }
            q.append(pa + da * hit.t)
        }
        self.q = q
        o = q[0]
        u = (q[1] - q[0]).unit
        v = u.left
        let origin = q[0], uu = u, vv = v
        ql = q.map { p in let r = p - origin; return P(r.dot(uu), r.dot(vv)) }
        // A usable convex quad: every turn left and every side long enough.
        for k in 0 ..< 4 {
            let a = ql[k], b = ql[(k + 1) & 3], cc = ql[(k + 2) & 3]
            if (b - a).cross(cc - b) <= 0 || (b - a).length < 10 { return nil }
        }
    }

    @inline(__always) func local(_ p: P) -> P { let r = p - o; return P(r.dot(u), r.dot(v)) }
    @inline(__always) func world(_ a: Double, _ b: Double) -> P { P(o.x + u.x * a + v.x * b, o.y + u.y * a + v.y * b) }

    /// True when local point `p` is inside the inset quad, at least `margin` from its sides.
    @inline(__always) func inside(_ p: P, margin: Double = 0) -> Bool {
        for k in 0 ..< 4 {
            let a = ql[k], b = ql[(k + 1) & 3]
            let e = b - a
            if e.cross(p - a) < margin * e.length { return false }
        }
        return true
    }

    /// Local bounds of the inset quad.
    var bounds: LocalRect {
        LocalRect(u0: ql.map(\.x).min()!, v0: ql.map(\.y).min()!, u1: ql.map(\.x).max()!, v1: ql.map(\.y).max()!)
    }

    /// The v of the inset quad's far side (q3→q2) at u, nil when u is outside it.
    func topV(_ uu: Double) -> Double? {
        let a = ql[3], b = ql[2]
        guard abs(b.x - a.x) > 1e-9 else { return nil }
        let t = (uu - a.x) / (b.x - a.x)
        return a.y + t * (b.y - a.y)
    }

    /// Local coordinates of a centre-line corner.
    func localCorner(_ k: Int) -> P { local(c[k & 3]) }

    /// Area of the inset quad (m²).
    var insetArea: Double {
        var s = 0.0
        for k in 0 ..< 4 { s += ql[k].cross(ql[(k + 1) & 3]) }
        return s / 2
    }

    /// The world point on side `k`'s centre line at fraction `t`, moved `offset` metres into the block.
    func sidePoint(_ k: Int, _ t: Double, offset: Double) -> P {
        let a = c[k & 3], b = c[(k + 1) & 3]
        return a + (b - a) * t + (b - a).unit.left * offset
    }

    func sideLength(_ k: Int) -> Double { c[k & 3].distance(to: c[(k + 1) & 3]) }

    /// The inset quad with a different inset (e.g. a park up to the kerb), as a closed interleaved ring.
    static func ring(corners: [P], insets: [Double]) -> [Double]? {
        guard let f = BlockFrame(corners: corners, insets: insets) else { return nil }
        var ring: [Double] = []
        for k in 0 ... 4 { ring.append(f.q[k & 3].x); ring.append(f.q[k & 3].y) }
        return ring
    }
}

/// Everything decided about one block before its buildings are placed.
struct BlockPlan: Sendable {
    var type: BlockType = .village
    /// Which grid side (0 bottom, 1 right, 2 top, 3 left) is the frame's side 0.
    var attachSide: Int = 0
    /// True when lanes may start from the attach side.
    var lanesAllowed = false
    var diagonal = false
    var orphan = false
    var lanes: [Lane] = []
    /// Reserved rectangles (parks, sports grounds, lane corridors) in the local frame: no building there.
    var reserved: [LocalRect] = []
    /// Footway through a park block: registry entries of its two ends.
    var footway: (Int, Int)? = nil
}

/// The setback between a road's kerb and a building (m).
let buildingSetback = 5.0
/// Lane corridor half-width (lane half-width plus setback, m).
let laneCorridor = 7.0
/// Half-length of a T head's arms (m).
let teeArm = 12.0
