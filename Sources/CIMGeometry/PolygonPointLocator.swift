/// "Is this point inside or on the boundary of polygonal feature i?" for many points against one feature,
/// with the same answer as `column.distance(fromX: x, y: y, to: i) == 0` but without visiting every edge.
///
/// The feature's segments are sorted into horizontal bands (each segment into every band its y-range,
/// widened by a tiny margin, overlaps). A query visits only the band of its y: every segment the
/// even-odd ray test can cross (its y-range holds y) and every segment the point can lie on is in it. On
/// those segments it does exactly the arithmetic of ``GeometryColumn/distance(fromX:y:to:)`` — the same
/// crossing abscissa per part, and the same ``pointSegmentDistance(_:_:_:_:_:_:)`` for the segments whose
/// box (widened by the margin) holds the point — so inside, outside and "on the boundary" come out the
/// same, bit for bit. Build O(segments · bands spanned); query O(segments in one band), for a city's
/// built-up outline (a thousand edges) a handful instead of all.
///
/// The margin is 1e-9 of the largest coordinate magnitude (at least 1e-9): a point that far outside a
/// segment's box cannot have a computed distance of exactly 0 to it (the rounding of the distance's terms
/// is about 1e-16 of the coordinates).
public struct PolygonPointLocator: Sendable {
    /// Lowest y of the feature and bands per metre.
    private let minY: Double, scale: Double
    private let bandCount: Int
    /// Entries of band b: `bandStart[b] ..< bandStart[b + 1]` of ``segments`` (4 values each) and ``parts``.
    private let bandStart: [Int32]
    private let segments: [Double]
    /// Bit of each entry's part (features of more than 64 parts use the plain walk instead).
    private let partBits: [UInt64]
    private let margin: Double
    /// The feature and its column, for the plain walk (not polygonal, or more than 64 parts).
    private let fallback: (column: GeometryColumn, feature: Int)?

    /// A locator for feature `i` of `column`. Not polygonal features, and those of more than 64 parts,
    /// answer through ``GeometryColumn/distance(fromX:y:to:)`` itself.
    public init(_ column: GeometryColumn, feature i: Int) {
        let polygonal = column.types[i] == .polygon || column.types[i] == .multiPolygon
        let parts = column.parts(of: i)
        var raw: [Double] = []
        var rawBits: [UInt64] = []
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        if polygonal && parts.count <= 64 {
            for (k, p) in parts.enumerated() {
                column.forEachSegment(ofPart: p) { ax, ay, bx, by, _ in
                    raw.append(ax); raw.append(ay); raw.append(bx); raw.append(by)
                    rawBits.append(1 << UInt64(k))
                    minX = Swift.min(minX, ax, bx); maxX = Swift.max(maxX, ax, bx)
                    minY = Swift.min(minY, ay, by); maxY = Swift.max(maxY, ay, by)
                }
            }
        }
        let count = rawBits.count
        guard polygonal, parts.count <= 64, count > 0, minX.isFinite, maxX.isFinite, minY.isFinite, maxY.isFinite else {
            self.minY = 0; scale = 0; bandCount = 1; bandStart = [0, 0]; segments = []; partBits = []; margin = 0
            fallback = (column, i)
            return
        }
        margin = 1e-9 * Swift.max(1, abs(minX), abs(maxX), abs(minY), abs(maxY))
        self.minY = minY
        fallback = nil
        // About two segments per band; fewer bands while long segments would repeat too often.
        var bands = Swift.max(1, Swift.min(count / 2, 1 << 16))
        while true {
            let scale = maxY > minY ? Double(bands) / (maxY - minY) : 0
            func band(_ v: Double) -> Int { Self.band(v, minY: minY, scale: scale, count: bands) }
            var total = 0
            for s in 0 ..< count {
                let lo = Swift.min(raw[4 * s + 1], raw[4 * s + 3]), hi = Swift.max(raw[4 * s + 1], raw[4 * s + 3])
                total += band(hi + margin) - band(lo - margin) + 1
            }
            if total > 16 * count + 1024 && bands > 1 {
                bands /= 2
                continue
            }
            var starts = [Int32](repeating: 0, count: bands + 1)
            for s in 0 ..< count {
                let lo = Swift.min(raw[4 * s + 1], raw[4 * s + 3]), hi = Swift.max(raw[4 * s + 1], raw[4 * s + 3])
                for b in band(lo - margin) ... band(hi + margin) { starts[b + 1] += 1 }
            }
            for b in 0 ..< bands { starts[b + 1] += starts[b] }
            var fill = starts
            var entries = [Double](repeating: 0, count: 4 * total)
            var bits = [UInt64](repeating: 0, count: total)
            for s in 0 ..< count {
                let lo = Swift.min(raw[4 * s + 1], raw[4 * s + 3]), hi = Swift.max(raw[4 * s + 1], raw[4 * s + 3])
                for b in band(lo - margin) ... band(hi + margin) {
                    let e = Int(fill[b])
                    fill[b] += 1
                    for k in 0 ..< 4 { entries[4 * e + k] = raw[4 * s + k] }
                    bits[e] = rawBits[s]
                }
            }
            self.scale = scale
            bandCount = bands
            bandStart = starts
            segments = entries
            partBits = bits
            return
        }
    }

    /// The band of ordinate `v`: monotone in `v` (so a segment's bands span every band of the ordinates
    /// between its ends), clamped to the bands, 0 for NaN.
    @inline(__always)
    private static func band(_ v: Double, minY: Double, scale: Double, count: Int) -> Int {
        let t = (v - minY) * scale
        if !(t >= 0) { return 0 }
        if t >= Double(count - 1) { return count - 1 }
        return Int(t)
    }

    /// True when (x, y) lies inside the feature or on its boundary: the same answer as
    /// `distance(fromX: x, y: y, to: feature) == 0` of the column it was built from.
    public func containsOrTouches(x: Double, y: Double) -> Bool {
        if let fallback { return fallback.column.distance(fromX: x, y: y, to: fallback.feature) == 0 }
        let b = Self.band(y, minY: minY, scale: scale, count: bandCount)
        var inside: UInt64 = 0
        let margin = self.margin
        return segments.withUnsafeBufferPointer { s in
            for e in Int(bandStart[b]) ..< Int(bandStart[b + 1]) {
                let ax = s[4 * e], ay = s[4 * e + 1], bx = s[4 * e + 2], by = s[4 * e + 3]
                if (ay > y) != (by > y) {
                    let crossX = ax + (y - ay) * (bx - ax) / (by - ay)
                    if x < crossX { inside ^= partBits[e] }
                }
                if x >= Swift.min(ax, bx) - margin, x <= Swift.max(ax, bx) + margin,
                   y >= Swift.min(ay, by) - margin, y <= Swift.max(ay, by) + margin,
                   pointSegmentDistance(x, y, ax, ay, bx, by) == 0 {
                    return true
                }
            }
            return inside != 0
        }
    }
}
