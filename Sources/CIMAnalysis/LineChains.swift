import CIMGeometry
import CIMIndex

/// Lines joined end to end into longer polylines, so that buffering them costs one buffer per polyline
/// instead of one per line and leaves far fewer outlines for the union.
///
/// Two lines are joined where an end of one is exactly (bit for bit) an end of the other. Where exactly two
/// ends meet they are joined; where more meet (a junction), ends are paired straightest first (the pair
/// whose directions away from the point are closest to opposite), so a street main runs on through its
/// crossings, and an odd end stays a polyline end. Each line is used once, in its own or reversed order.
/// The buffer of a polyline with round joins is the union of its lines' buffers with round caps, up to
/// the arcs' discretisation (see the tolerances of ``Isochrones`` and ``BlankAreas``).
enum LineChains {
    /// The polylines made of the line parts of `features` of `lines` (each LineString part of each
    /// feature; empty parts skipped), at most `maximumLines` lines each (long chains make spatially loose
    /// union chunks). One LineString feature per polyline, in the order their first line appears.
    static func join(_ lines: GeometryColumn, features: [Int], maximumLines: Int = 64) -> GeometryColumn {
        // Every line part as a coordinate range.
        var ranges: [Range<Int>] = []
        for f in features {
            for p in lines.parts(of: f) {
                for r in lines.rings(of: p) {
                    let cs = lines.coordinates(of: r)
                    if cs.count >= 2 { ranges.append(cs) }
                }
            }
        }
        let xy = lines.xy
        let n = ranges.count
        // End 2l is line l's first coordinate, 2l + 1 its last.
        func endCoordinate(_ end: Int) -> Int { end % 2 == 0 ? ranges[end / 2].lowerBound : ranges[end / 2].upperBound - 1 }
        /// The unit direction from an end into its line (towards the first coordinate that differs).
        func direction(_ end: Int) -> (Double, Double) {
            let range = ranges[end / 2], c = endCoordinate(end)
            let step = end % 2 == 0 ? 1 : -1
            var k = c + step
            while range.contains(k) {
                let dx = xy[2 * k] - xy[2 * c], dy = xy[2 * k + 1] - xy[2 * c + 1]
                let length = (dx * dx + dy * dy).squareRoot()
                if length > 0 { return (dx / length, dy / length) }
                k += step
            }
            return (0, 0)
        }
        // Ends sorted by their coordinate's bits: ends at one point are adjacent.
        var keyed: [(x: UInt64, y: UInt64, end: Int32)] = []
        keyed.reserveCapacity(2 * n)
        for end in 0 ..< 2 * n {
            let c = endCoordinate(end)
            keyed.append((xy[2 * c].bitPattern, xy[2 * c + 1].bitPattern, Int32(end)))
        }
        keyed.sort { ($0.x, $0.y, $0.end) < ($1.x, $1.y, $1.end) }
        var partner = [Int32](repeating: -1, count: 2 * n)
        var start = 0
        while start < keyed.count {
            var stop = start + 1
            while stop < keyed.count && keyed[stop].x == keyed[start].x && keyed[stop].y == keyed[start].y { stop += 1 }
            defer { start = stop }
            guard stop - start >= 2 else { continue }
            let ends = keyed[start ..< stop].map(\.end)
            if ends.count == 2 { partner[Int(ends[0])] = ends[1]; partner[Int(ends[1])] = ends[0]; continue }
            let directions = ends.map { direction(Int($0)) }
            var pairs: [(Double, Int, Int)] = []
            for i in ends.indices { for j in ends.indices where j > i {
                pairs.append((directions[i].0 * directions[j].0 + directions[i].1 * directions[j].1, i, j))
            } }
            pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : ($0.1, $0.2) < ($1.1, $1.2) }
            for (_, i, j) in pairs where partner[Int(ends[i])] < 0 && partner[Int(ends[j])] < 0 {
                partner[Int(ends[i])] = ends[j]; partner[Int(ends[j])] = ends[i]
            }
        }
        var used = [Bool](repeating: false, count: n)
        var column = GeometryColumn()
        var coordinates: [(Double, Double)] = []
        /// Walks a chain entering its first line through end `entry`.
        func walk(from entry: Int) {
            coordinates.removeAll(keepingCapacity: true)
            var end = entry, count = 0
            while true {
                let l = end / 2
                used[l] = true
                count += 1
                let range = ranges[l]
                let forward = end % 2 == 0
                // The shared end is already there (the previous line's last coordinate).
                let skip = coordinates.isEmpty ? 0 : 1
                if forward {
                    for k in range.lowerBound + skip ..< range.upperBound { coordinates.append((xy[2 * k], xy[2 * k + 1])) }
                } else {
                    for k in stride(from: range.upperBound - 1 - skip, through: range.lowerBound, by: -1) { coordinates.append((xy[2 * k], xy[2 * k + 1])) }
                }
                let exit = forward ? 2 * l + 1 : 2 * l
                let next = Int(partner[exit])
                guard next >= 0, !used[next / 2], count < maximumLines else { break }
                end = next
            }
            column.beginFeature(.lineString); column.addRing(coordinates); column.endPart(); column.endFeature()
        }
        // Chains start at an end without a partner; then what is left are closed loops (or chains cut at
        // the maximum length, continued from wherever they were cut).
        for l in 0 ..< n where !used[l] {
            if partner[2 * l] < 0 { walk(from: 2 * l) } else if partner[2 * l + 1] < 0 { walk(from: 2 * l + 1) }
        }
        for l in 0 ..< n where !used[l] { walk(from: 2 * l) }
        return column
    }
}
