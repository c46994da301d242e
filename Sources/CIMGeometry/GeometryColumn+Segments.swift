extension GeometryColumn {
    /// Calls `body` with every segment (consecutive coordinate pair) of part `p`, ring by ring in storage
    /// order: `body(ax, ay, bx, by, &stop)`; setting `stop` ends the walk. A ring of one coordinate (a
    /// point, or a one-point line) gives one zero-length segment at that point, so a point occupies its
    /// place in every distance. The one segment walk of cim's flat-array geometry: distances, pipe segment
    /// indexes, line clipping, unit edges.
    @inlinable @inline(__always)
    public func forEachSegment(ofPart p: Int,
                               _ body: (_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ stop: inout Bool) throws -> Void) rethrows {
        var stop = false
        try xy.withUnsafeBufferPointer { xy in
            for r in Int(partRings[p]) ..< Int(partRings[p + 1]) {
                let start = Int(ringCoordinates[r]), end = Int(ringCoordinates[r + 1])
                if end - start == 1 {
                    let x = xy[2 * start], y = xy[2 * start + 1]
                    try body(x, y, x, y, &stop)
                    if stop { return }
                    continue
                }
                var c = start
                while c + 1 < end {
                    try body(xy[2 * c], xy[2 * c + 1], xy[2 * c + 2], xy[2 * c + 3], &stop)
                    if stop { return }
                    c += 1
                }
            }
        }
    }

    /// Calls `body` with every segment of feature `i`, part by part (see ``forEachSegment(ofPart:_:)``);
    /// setting `stop` ends the whole walk.
    @inlinable @inline(__always)
    public func forEachSegment(of i: Int,
                               _ body: (_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double, _ stop: inout Bool) throws -> Void) rethrows {
        var stopped = false
        for p in Int(featureParts[i]) ..< Int(featureParts[i + 1]) {
            try forEachSegment(ofPart: p) { ax, ay, bx, by, stop in
                try body(ax, ay, bx, by, &stop)
                stopped = stop
            }
            if stopped { return }
        }
    }
}
