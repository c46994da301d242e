import CIMGeometry
import CIMIndex
import Foundation
import Testing

/// Coordinate transforms through PROJ (`proj_create_crs_to_crs_from_pj`, `proj_normalize_for_visualization`,
/// `proj_trans_generic`).
@Suite struct CoordinateTransformTests {
    /// Jiujiang (115.99°E, 29.71°N) in CGCS2000 / 3-degree Gauss-Krüger CM 117E, from PROJ's own command:
    ///
    ///     $ echo "29.71 115.99" | cs2cs -f %.6f EPSG:4326 EPSG:4548
    ///     3288393.860900	402264.169227 0.000000
    ///
    /// (cs2cs uses the EPSG axis order: latitude first in, northing first out.)
    static let jiujiangEasting = 402264.169227
    static let jiujiangNorthing = 3288393.860900

    @Test func jiujiangMatchesCs2cs() throws {
        let transform = try CoordinateTransform(from: .wgs84, to: CoordinateReferenceSystem(epsg: 4548))
        // Input as (lon, lat) although EPSG:4326 is lat-first: the axis order is normalised.
        let p = try transform.transform(x: 115.99, y: 29.71)
        #expect(abs(p.x - Self.jiujiangEasting) <= 1e-3, "x is the easting: \(p.x)")
        #expect(abs(p.y - Self.jiujiangNorthing) <= 1e-3, "y is the northing: \(p.y)")
        // And back: x is the longitude.
        let inverse = try CoordinateTransform(from: CoordinateReferenceSystem(epsg: 4548), to: .wgs84)
        let q = try inverse.transform(x: p.x, y: p.y)
        #expect(abs(q.x - 115.99) <= 1e-9 && abs(q.y - 29.71) <= 1e-9, "\(q)")
    }

    @Test func jiujiangFromOtherDefinitionsOfTheSameCRS() throws {
        let gk = try CoordinateReferenceSystem(epsg: 4548)
        let definitions = [
            try CoordinateReferenceSystem(gk.wkt),
            try CoordinateReferenceSystem("+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs"),
        ]
        for target in definitions {
            let p = try CoordinateTransform(from: .wgs84, to: target).transform(x: 115.99, y: 29.71)
            #expect(abs(p.x - Self.jiujiangEasting) <= 1e-3 && abs(p.y - Self.jiujiangNorthing) <= 1e-3, "\(target.name): \(p)")
        }
        // From CGCS2000 geographic (EPSG:4490, also lat-first in the EPSG database).
        let p = try CoordinateTransform(from: CoordinateReferenceSystem(epsg: 4490), to: gk).transform(x: 115.99, y: 29.71)
        #expect(abs(p.x - Self.jiujiangEasting) <= 1e-3 && abs(p.y - Self.jiujiangNorthing) <= 1e-3)
    }

    @Test func roundTripsInChinaWithin1e9Degrees() throws {
        let gk = try CoordinateReferenceSystem(epsg: 4548)
        let forward = try CoordinateTransform(from: .wgs84, to: gk)
        let inverse = try CoordinateTransform(from: gk, to: .wgs84)
        var rng = SeededGenerator(seed: 2024)
        // Mainland China's box; the CM 117E zone is used far beyond its 3° strip, which is the hard case.
        var xy: [Double] = []
        for _ in 0 ..< 5000 {
            xy.append(Double.random(in: 73.5 ... 135, using: &rng))
            xy.append(Double.random(in: 18 ... 53.5, using: &rng))
        }
        var projected = xy
        try forward.transform(&projected)
        var back = projected
        try inverse.transform(&back)
        var worst = 0.0
        for i in 0 ..< xy.count { worst = max(worst, abs(back[i] - xy[i])) }
        #expect(worst <= 1e-9, "worst round-trip error \(worst)°")
        // Eastings east of 117°E are beyond 500 km, west of it below: x really is the easting.
        for i in stride(from: 0, to: xy.count, by: 2) {
            #expect((projected[i] > 500_000) == (xy[i] > 117), "lon \(xy[i]) → x \(projected[i])")
            #expect(projected[i + 1] > 1_900_000 && projected[i + 1] < 7_000_000, "northing \(projected[i + 1])")
        }
    }

    @Test func roundTripsInEachPointsOwnZone() throws {
        var rng = SeededGenerator(seed: 99)
        // Points grouped by the zone chosen for them (one pair of transforms per zone: making one costs PROJ
        // a database look-up).
        var byZone: [Int: [Double]] = [:]
        for _ in 0 ..< 600 {
            let lon = Double.random(in: 73.5 ... 135, using: &rng), lat = Double.random(in: 18 ... 53.5, using: &rng)
            let code = CoordinateReferenceSystem.metricEPSG(forLonLatBounds: Envelope(minX: lon, minY: lat, maxX: lon, maxY: lat))
            byZone[code, default: []] += [lon, lat]
        }
        #expect(byZone.count == 21, "every zone from 4534 to 4554 is used")
        for (code, xy) in byZone {
            let crs = try CoordinateReferenceSystem(epsg: code)
            var projected = xy
            try CoordinateTransform(from: .wgs84, to: crs).transform(&projected)
            var back = projected
            try CoordinateTransform(from: crs, to: .wgs84).transform(&back)
            for i in stride(from: 0, to: xy.count, by: 2) {
                // Inside its own 3° zone a point is within ~170 km of the central meridian.
                #expect(abs(projected[i] - 500_000) < 180_000, "EPSG:\(code) for \(xy[i]): \(projected[i])")
                #expect(abs(back[i] - xy[i]) <= 1e-9 && abs(back[i + 1] - xy[i + 1]) <= 1e-9)
            }
        }
    }

    @Test func utmPorto() throws {
        // Porto's Avenida dos Aliados, UTM 29N: easting ~ 532 km (east of the 9°W meridian), northing ~ 4555 km.
        let p = try CoordinateTransform(from: .wgs84, to: CoordinateReferenceSystem(epsg: 32629)).transform(x: -8.6110, y: 41.1480)
        #expect(p.x > 530_000 && p.x < 534_000, "\(p)")
        #expect(p.y > 4_553_000 && p.y < 4_557_000, "\(p)")
    }

    @Test func batchEqualsPointByPoint() throws {
        let transform = try CoordinateTransform(from: .wgs84, to: CoordinateReferenceSystem(epsg: 4548))
        var xy = [115.99, 29.71, 116.5, 30.0, 117.0, 28.0]
        let single = try stride(from: 0, to: xy.count, by: 2).map { try transform.transform(x: xy[$0], y: xy[$0 + 1]) }
        try transform.transform(&xy)
        for (k, p) in single.enumerated() {
            #expect(xy[2 * k] == p.x && xy[2 * k + 1] == p.y)
        }
        #expect(abs(xy[4] - 500_000) < 1e-6, "on the central meridian the easting is the false easting")
        var none: [Double] = []
        try transform.transform(&none)
        #expect(none.isEmpty)
    }

    @Test func impossiblePointsThrow() throws {
        let transform = try CoordinateTransform(from: .wgs84, to: CoordinateReferenceSystem(epsg: 4548))
        var xy = [115.99, 29.71, 116.0, 95.0]
        let error = #expect(throws: GeometryError.self) { try transform.transform(&xy) }
        guard case let .proj(_, message)? = error else { Issue.record("expected a PROJ error"); return }
        #expect(message.contains("point 2"), "\(message)")
        #expect(message.contains("EPSG:4326") && message.contains("EPSG:4548"))
    }

    @Test func transformingAGeometryKeepsItsShape() throws {
        // A 100 m square (with a hole) at Jiujiang in CM 117E Gauss-Krüger (scale factor 1 on the CM) …
        let gk = try CoordinateReferenceSystem(epsg: 4548)
        let e = Self.jiujiangEasting, n = Self.jiujiangNorthing
        let square = try Geometry(wkt: """
            POLYGON ((\(e) \(n), \(e + 100) \(n), \(e + 100) \(n + 100), \(e) \(n + 100), \(e) \(n)), \
            (\(e + 40) \(n + 40), \(e + 40) \(n + 60), \(e + 60) \(n + 60), \(e + 60) \(n + 40), \(e + 40) \(n + 40)))
            """)
        // … in UTM 50N, the same central meridian with scale factor 0.9996: areas scale by 0.9996².
        let utm = try CoordinateReferenceSystem(epsg: 32650)
        let moved = try CoordinateTransform(from: gk, to: utm).transform(square)
        #expect(moved.type == .polygon)
        #expect(moved.coordinateCount == square.coordinateCount)
        #expect(try moved.isValid())
        let ratio = try moved.area() / square.area()
        #expect(abs(ratio - 0.9996 * 0.9996) < 1e-6, "area ratio \(ratio)")
        #expect(abs(try moved.length() / square.length() - 0.9996) < 1e-6)
        // To lon/lat and back: the same square within a millimetre.
        let lonlat = try CoordinateTransform(from: gk, to: .wgs84).transform(square)
        let corner = try lonlat.coordinates()
        #expect(abs(corner[0] - 115.99) < 1e-8 && abs(corner[1] - 29.71) < 1e-8, "the first corner is Jiujiang: \(corner[0]), \(corner[1])")
        let back = try CoordinateTransform(from: .wgs84, to: gk).transform(lonlat)
        #expect(try back.equalsExact(square, tolerance: 1e-3))
        #expect(back.context === square.context)
    }

    @Test func transformingAColumnUpdatesEnvelopes() throws {
        var column = GeometryColumn()
        try column.append(Geometry(wkt: "LINESTRING (115.99 29.71, 116.0 29.72)"))
        try column.append(Geometry(wkt: "POINT (117 30)"))
        try CoordinateTransform(from: .wgs84, to: CoordinateReferenceSystem(epsg: 4548)).transform(&column)
        #expect(abs(column.envelope(0).minX - Self.jiujiangEasting) <= 1e-3)
        #expect(abs(column.envelope(0).minY - Self.jiujiangNorthing) <= 1e-3)
        #expect(column.envelope(0).maxX > column.envelope(0).minX + 900)
        #expect(abs(column.envelope(1).minX - 500_000) < 1e-6 && column.envelope(1).minX == column.envelope(1).maxX)
    }
}
