/// GEOS's interior point of a polygonal feature (`GEOSPointOnSurface_r`, GEOS's InteriorPointArea, the
/// JTS 1.17 scan-line algorithm) computed straight on the flat column, without building a GEOS geometry:
/// the same arithmetic in the same order, so the same doubles (checked bit for bit against GEOS by the
/// tests on generated and real buildings).
///
/// For each polygon: the scan line is the horizontal half-way between the vertex ordinates nearest above
/// and below the centre of its envelope; the crossings of every ring with it are sorted and paired into
/// interior sections; the point is the middle of the widest section. Over the polygons of a multipolygon
/// the widest wins (the first on ties).
extension GeometryColumn {
    /// The interior point of polygonal feature `i`, as GEOS computes it; nil when this path does not cover
    /// the feature (not a polygon or multipolygon, an empty part, an unclosed ring, an odd number of
    /// crossings, or no section wider than zero): the caller then asks GEOS. `crossings` is scratch space.
    public func interiorPoint(ofPolygonal i: Int, crossings: inout [Double]) -> (x: Double, y: Double)? {
        guard types[i] == .polygon || types[i] == .multiPolygon else { return nil }
        let partRange = parts(of: i)
        guard !partRange.isEmpty else { return nil }
        var best: (x: Double, y: Double)?
        var maxWidth = -1.0
        for p in partRange {
            let ringRange = rings(of: p)
            guard !ringRange.isEmpty else { return nil }
            // Every ring closed, with at least 4 coordinates (what GEOS accepts as a LinearRing).
            for r in ringRange {
                let c = coordinates(of: r)
                guard c.count >= 4, xy[2 * c.lowerBound] == xy[2 * (c.upperBound - 1)], xy[2 * c.lowerBound + 1] == xy[2 * (c.upperBound - 1) + 1] else { return nil }
            }
            // ScanLineYOrdinateFinder: the envelope is the shell's.
            let shell = coordinates(of: ringRange.lowerBound)
            var minY = Double.infinity, maxY = -Double.infinity
            for c in shell {
                let y = xy[2 * c + 1]
                if y < minY { minY = y }
                if y > maxY { maxY = y }
            }
            var loY = minY, hiY = maxY
            let centreY = (loY + hiY) / 2.0
            for r in ringRange {
                for c in coordinates(of: r) {
                    let y = xy[2 * c + 1]
                    if y <= centreY {
                        if y > loY { loY = y }
                    } else if y > centreY {
                        if y < hiY { hiY = y }
                    }
                }
            }
            let scanY = (hiY + loY) / 2.0
            // The crossings of each ring's edges with the scan line (InteriorPointPolygon.scanRing).
            crossings.removeAll(keepingCapacity: true)
            for r in ringRange {
                let c = coordinates(of: r)
                for k in (c.lowerBound + 1) ..< c.upperBound {
                    let x0 = xy[2 * (k - 1)], y0 = xy[2 * (k - 1) + 1], x1 = xy[2 * k], y1 = xy[2 * k + 1]
                    if y0 > scanY && y1 > scanY { continue }
                    if y0 < scanY && y1 < scanY { continue }
                    if y0 == y1 { continue }
                    if y0 == scanY && y1 < scanY { continue }
                    if y1 == scanY && y0 < scanY { continue }
                    if x0 == x1 {
                        crossings.append(x0)
                    } else {
                        let m = (y1 - y0) / (x1 - x0)
                        crossings.append(x0 + ((scanY - y0) / m))
                    }
                }
            }
            // findBestMidpoint: GEOS fails on an odd count; that case is left to GEOS.
            guard crossings.count % 2 == 0 else { return nil }
            crossings.sort()
            var width = 0.0
            var point: (x: Double, y: Double)?
            var k = 0
            while k < crossings.count {
                let a = crossings[k], b = crossings[k + 1]
                if b - a > width {
                    width = b - a
                    point = ((a + b) / 2.0, scanY)
                }
                k += 2
            }
            // A part without a section wider than zero keeps GEOS's fallback (its first coordinate): left to GEOS.
            guard let point else { return nil }
            if width > maxWidth {
                maxWidth = width
                best = point
            }
        }
        return best
    }
}

extension GeometryColumn {
    /// GEOS's PointOnSurface of feature `i`: ``interiorPoint(ofPolygonal:crossings:)`` where it applies,
    /// else GEOS itself (`GEOSPointOnSurface_r` on the feature built in `context`). Same result either way.
    public func pointOnSurface(_ i: Int, context: GEOSContext, crossings: inout [Double]) throws -> (x: Double, y: Double) {
        if let point = interiorPoint(ofPolygonal: i, crossings: &crossings) { return point }
        let point = try geometry(i, context: context).pointOnSurface()
        return (try point.x(), try point.y())
    }
}
