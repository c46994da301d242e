/// A grid of cells over a rectangle that marks the cells lying wholly within a distance of one segment,
/// and boxes the rest: where blank areas start, so that only those boxes need the GEOS overlays.
///
/// The set of points within distance ρ of a segment (a stadium) is convex, so a cell lies in it exactly
/// when its four corners do. ``cover(_:_:_:_:reach:)`` finds, for each row of cell corners, the interval of
/// that row inside the stadium (the hull of the two end discs' and the middle rectangle's intervals),
/// and marks the cells whose lower and upper edges both lie in the intervals of their rows.
/// ``uncoveredBoxes()`` groups the cells left unmarked into 8-connected groups and returns their bounding
/// boxes, merged until no two overlap: a connected set of points outside every marked cell lies within
/// one box, and no such point lies on the boundary between two boxes (a point there would lie in
/// unmarked cells on both sides, which are neighbours, so their groups' boxes would overlap).
struct CoverGrid {
    /// Cell edges: column i spans xs[i] ... xs[i + 1], row j spans ys[j] ... ys[j + 1].
    let xs: [Double]
    let ys: [Double]
    var columns: Int { xs.count - 1 }
    var rows: Int { ys.count - 1 }
    /// Whether each cell (row-major, j · columns + i) lies within the reach of a segment.
    private(set) var covered: [Bool]

    /// Cells of at most `cellSize` on a side over the rectangle (x0, y0) – (x1, y1).
    init(minX x0: Double, minY y0: Double, maxX x1: Double, maxY y1: Double, cellSize: Double) {
        let nx = Swift.max(1, Int(((x1 - x0) / cellSize).rounded(.up))), ny = Swift.max(1, Int(((y1 - y0) / cellSize).rounded(.up)))
        xs = (0 ... nx).map { $0 == nx ? x1 : x0 + (x1 - x0) * Double($0) / Double(nx) }
        ys = (0 ... ny).map { $0 == ny ? y1 : y0 + (y1 - y0) * Double($0) / Double(ny) }
        covered = [Bool](repeating: false, count: nx * ny)
    }

    /// The x interval of the horizontal line at `y` that lies within `reach` of segment a–b (nil if none).
    static func interval(y: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, reach: Double) -> (Double, Double)? {
        var lo = Double.infinity, hi = -Double.infinity
        @inline(__always) func disc(_ px: Double, _ py: Double) {
            let dy = y - py
            if abs(dy) <= reach {
                let w = (reach * reach - dy * dy).squareRoot()
                lo = Swift.min(lo, px - w); hi = Swift.max(hi, px + w)
            }
        }
        @inline(__always) func edge(_ px: Double, _ py: Double, _ qx: Double, _ qy: Double) {
            guard Swift.min(py, qy) <= y, y <= Swift.max(py, qy) else { return }
            if py == qy {
                lo = Swift.min(lo, px, qx); hi = Swift.max(hi, px, qx)
            } else {
                let x = px + (y - py) / (qy - py) * (qx - px)
                lo = Swift.min(lo, x); hi = Swift.max(hi, x)
            }
        }
        disc(ax, ay)
        disc(bx, by)
        let length = ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).squareRoot()
        if length > 0 {
            // The rectangle of points whose nearest point is inside the segment: corners a ± n, b ± n.
            let nx = -(by - ay) / length * reach, ny = (bx - ax) / length * reach
            edge(ax + nx, ay + ny, bx + nx, by + ny)
            edge(bx + nx, by + ny, bx - nx, by - ny)
            edge(bx - nx, by - ny, ax - nx, ay - ny)
            edge(ax - nx, ay - ny, ax + nx, ay + ny)
        }
        return lo <= hi ? (lo, hi) : nil
    }

    /// Marks the cells that lie wholly within `reach` of the segment (ax, ay) – (bx, by).
    mutating func cover(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, reach: Double) {
        guard reach > 0 else { return }
        // Rows of corners the stadium can reach.
        let j0 = lowerBound(ys, Swift.min(ay, by) - reach), j1 = upperBound(ys, Swift.max(ay, by) + reach) - 1
        guard j0 < j1 else { return }
        var below = CoverGrid.interval(y: ys[j0], ax, ay, bx, by, reach: reach)
        for j in j0 ..< j1 {
            let above = CoverGrid.interval(y: ys[j + 1], ax, ay, bx, by, reach: reach)
            defer { below = above }
            guard let b = below, let a = above else { continue }
            let lo = Swift.max(b.0, a.0), hi = Swift.min(b.1, a.1)
            // Cells i with xs[i] >= lo and xs[i + 1] <= hi.
            let i0 = lowerBound(xs, lo), i1 = upperBound(xs, hi) - 1
            if i0 < i1 { for i in i0 ..< i1 { covered[j * columns + i] = true } }
        }
    }

    /// The first index of `values` (ascending) whose value is >= v.
    private func lowerBound(_ values: [Double], _ v: Double) -> Int {
        var lo = 0, hi = values.count
        while lo < hi { let mid = (lo + hi) / 2; if values[mid] < v { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    /// The first index of `values` (ascending) whose value is > v.
    private func upperBound(_ values: [Double], _ v: Double) -> Int {
        var lo = 0, hi = values.count
        while lo < hi { let mid = (lo + hi) / 2; if values[mid] <= v { lo = mid + 1 } else { hi = mid } }
        return lo
    }

    /// A box of cells: columns i0 ... i1, rows j0 ... j1 (inclusive).
    struct Box: Equatable { var i0: Int; var i1: Int; var j0: Int; var j1: Int }

    /// The bounding boxes of the 8-connected groups of unmarked cells, merged until no two overlap,
    /// ordered by their lowest row, then column.
    func uncoveredBoxes() -> [Box] {
        let nx = columns, ny = rows
        var seen = covered
        var boxes: [Box] = []
        var stack: [Int] = []
        for start in 0 ..< nx * ny where !seen[start] {
            seen[start] = true
            stack.append(start)
            var box = Box(i0: start % nx, i1: start % nx, j0: start / nx, j1: start / nx)
            while let c = stack.popLast() {
                let i = c % nx, j = c / nx
                box.i0 = Swift.min(box.i0, i); box.i1 = Swift.max(box.i1, i); box.j0 = Swift.min(box.j0, j); box.j1 = Swift.max(box.j1, j)
                for dj in -1 ... 1 { for di in -1 ... 1 {
                    let u = i + di, v = j + dj
                    guard u >= 0, u < nx, v >= 0, v < ny else { continue }
                    let n = v * nx + u
                    if !seen[n] { seen[n] = true; stack.append(n) }
                } }
            }
            boxes.append(box)
        }
        // Merge overlapping boxes until none overlap.
        var merged = true
        while merged {
            merged = false
            var k = 0
            while k < boxes.count {
                var l = k + 1
                while l < boxes.count {
                    let a = boxes[k], b = boxes[l]
                    if a.i0 <= b.i1 && b.i0 <= a.i1 && a.j0 <= b.j1 && b.j0 <= a.j1 {
                        boxes[k] = Box(i0: Swift.min(a.i0, b.i0), i1: Swift.max(a.i1, b.i1), j0: Swift.min(a.j0, b.j0), j1: Swift.max(a.j1, b.j1))
                        boxes.remove(at: l)
                        merged = true
                    } else {
                        l += 1
                    }
                }
                k += 1
            }
        }
        return boxes.sorted { ($0.j0, $0.i0) < ($1.j0, $1.i0) }
    }
}
