extension GeometryColumn {
    /// Planar area of feature `i` (shoelace formula: exterior rings minus holes), 0 for points and lines.
    /// Agrees with GEOS `GEOSArea_r` for valid polygons.
    public func area(_ i: Int) -> Double {
        guard types[i] == .polygon || types[i] == .multiPolygon else { return 0 }
        var total = 0.0
        for p in parts(of: i) {
            for (k, r) in rings(of: p).enumerated() {
                let cs = coordinates(of: r)
                guard cs.count >= 3 else { continue }
                var sum = 0.0
                let x0 = xy[2 * cs.lowerBound], y0 = xy[2 * cs.lowerBound + 1]
                for c in cs.lowerBound ..< cs.upperBound - 1 {
                    // Shifted to the first vertex for precision with large projected coordinates.
                    sum += (xy[2 * c] - x0) * (xy[2 * c + 3] - y0) - (xy[2 * c + 2] - x0) * (xy[2 * c + 1] - y0)
                }
                total += k == 0 ? abs(sum) / 2 : -abs(sum) / 2
            }
        }
        return total
    }
}
