import Foundation

/// A uniform grid over pipe segments for "how far is this footprint from the nearest sewer" queries.
/// Segments are registered in every cell their bounding box touches; a query scans the cells of the
/// footprint's box grown by the search radius, so a segment it never sees is farther than the radius.
struct SegmentGrid: Sendable {
    let x0: Double, y0: Double, cell: Double
    let cols: Int, rows: Int
    var start: [Int32]
    var items: [Int32]
    var ax: [Double], ay: [Double], bx: [Double], by: [Double]
    /// Segments of a component with no outlet (ignored by `includeOrphans: false` queries).
    var orphan: [Bool]

    init(ax: [Double], ay: [Double], bx: [Double], by: [Double], orphan: [Bool], cell: Double = 50) {
        self.ax = ax; self.ay = ay; self.bx = bx; self.by = by; self.orphan = orphan; self.cell = cell
        let minX = (zip(ax, bx).map { min($0, $1) }.min() ?? 0) - cell
        let minY = (zip(ay, by).map { min($0, $1) }.min() ?? 0) - cell
        let maxX = (zip(ax, bx).map { max($0, $1) }.max() ?? 0) + cell
        let maxY = (zip(ay, by).map { max($0, $1) }.max() ?? 0) + cell
        x0 = minX; y0 = minY
        let nc = max(1, Int(((maxX - minX) / cell).rounded(.up)))
        let nr = max(1, Int(((maxY - minY) / cell).rounded(.up)))
        cols = nc; rows = nr
        var counts = [Int32](repeating: 0, count: nc * nr + 1)
        func cells(_ s: Int, _ body: (Int) -> Void) {
            let i0 = Int((min(ax[s], bx[s]) - minX) / cell), i1 = Int((max(ax[s], bx[s]) - minX) / cell)
            let j0 = Int((min(ay[s], by[s]) - minY) / cell), j1 = Int((max(ay[s], by[s]) - minY) / cell)
            for j in j0 ... j1 { for i in i0 ... i1 { body(j * nc + i) } }
        }
        for s in 0 ..< ax.count { cells(s) { counts[$0 + 1] += 1 } }
        for k in 0 ..< nc * nr { counts[k + 1] += counts[k] }
        var fill = counts
        var list = [Int32](repeating: 0, count: Int(counts[nc * nr]))
        for s in 0 ..< ax.count { cells(s) { list[Int(fill[$0])] = Int32(s); fill[$0] += 1 } }
        start = counts
        items = list
    }

    /// The smallest distance from the closed ring to a segment, if one is within `radius` (else nil).
    /// With `stopBelow`, returns as soon as a segment closer than that is found.
    func nearest(ring: [Double], radius: Double, includeOrphans: Bool, stopBelow: Double = -1) -> Double? {
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        var k = 0
        while k < ring.count {
            minX = min(minX, ring[k]); maxX = max(maxX, ring[k]); minY = min(minY, ring[k + 1]); maxY = max(maxY, ring[k + 1])
            k += 2
        }
        let i0 = max(0, Int((minX - radius - x0) / cell)), i1 = min(cols - 1, Int((maxX + radius - x0) / cell))
        let j0 = max(0, Int((minY - radius - y0) / cell)), j1 = min(rows - 1, Int((maxY + radius - y0) / cell))
        guard i0 <= i1, j0 <= j1 else { return nil }
        var best = Double.infinity
        for j in j0 ... j1 {
            for i in i0 ... i1 {
                let c = j * cols + i
                for s32 in items[Int(start[c]) ..< Int(start[c + 1])] {
                    let s = Int(s32)
                    if !includeOrphans && orphan[s] { continue }
                    let d = ringSegmentDistance(ring, ax[s], ay[s], bx[s], by[s])
                    if d < best {
                        best = d
                        if best < stopBelow { return best }
                    }
                }
            }
        }
        return best <= radius ? best : nil
    }

    /// The exact smallest distance from the ring to any segment (searching ever wider).
    func distance(ring: [Double], includeOrphans: Bool) -> Double {
        var radius = 200.0
        while true {
            if let d = nearest(ring: ring, radius: radius, includeOrphans: includeOrphans) { return d }
            if radius > Double(max(cols, rows)) * cell * 2 { return .infinity }
            radius *= 2
        }
    }
}
