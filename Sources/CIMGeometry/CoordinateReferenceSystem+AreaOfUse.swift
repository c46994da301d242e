import CPROJ
import CIMIndex

extension CoordinateReferenceSystem {
    /// The CRS's area of use as a lon/lat box in degrees (`proj_get_area_of_use`), nil when PROJ has none.
    public func areaOfUse() throws -> Envelope? {
        let context = try PROJContext()
        guard let pj = proj_create(context.handle, definition) else { throw context.error("proj_create") }
        defer { proj_destroy(pj) }
        var west = 0.0, south = 0.0, east = 0.0, north = 0.0
        guard proj_get_area_of_use(context.handle, pj, &west, &south, &east, &north, nil) != 0,
              west > -1000, south > -1000, east > -1000, north > -1000 else { return nil }
        // A box across the antimeridian (west > east) is taken as the whole width.
        if west > east { return Envelope(minX: -180, minY: south, maxX: 180, maxY: north) }
        return Envelope(minX: west, minY: south, maxX: east, maxY: north)
    }

    /// The box in this CRS's own coordinates where its coordinates are plausible: the area of use projected
    /// (a 9 × 9 grid of its lon/lat box) and then widened on every side by its own width and height plus
    /// 100 km. A coordinate outside it is outside the CRS's area of use by far (a wrong CRS, a typo, a
    /// placeholder such as 0 or 99999999). Nil for geographic CRSs and when PROJ knows no area of use.
    public func plausibleBounds() throws -> Envelope? {
        guard !isGeographic, let area = try areaOfUse() else { return nil }
        let transform = try CoordinateTransform(from: .wgs84, to: self)
        var xy: [Double] = []
        for i in 0 ... 8 {
            for j in 0 ... 8 {
                xy.append(area.minX + (area.maxX - area.minX) * Double(i) / 8)
                xy.append(area.minY + (area.maxY - area.minY) * Double(j) / 8)
            }
        }
        let failed = transform.transformAllowingFailures(&xy)
        var box: Envelope?
        for k in 0 ..< xy.count / 2 where !failed.contains(k) {
            let x = xy[2 * k], y = xy[2 * k + 1]
            box = box.map { Envelope(minX: min($0.minX, x), minY: min($0.minY, y), maxX: max($0.maxX, x), maxY: max($0.maxY, y)) }
                ?? Envelope(minX: x, minY: y, maxX: x, maxY: y)
        }
        guard let box else { return nil }
        let dx = box.maxX - box.minX + 100_000, dy = box.maxY - box.minY + 100_000
        return Envelope(minX: box.minX - dx, minY: box.minY - dy, maxX: box.maxX + dx, maxY: box.maxY + dy)
    }
}
