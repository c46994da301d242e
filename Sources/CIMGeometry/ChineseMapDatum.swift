import Foundation

/// The obfuscated lon/lat systems of Chinese web maps, which PROJ does not know:
///
/// - **GCJ-02** (国测局坐标, "Mars coordinates"): Amap/Gaode, Tencent, Google Maps in China. WGS 84 lon/lat
///   shifted by a published polynomial-and-sine offset of some hundreds of metres (Krasovsky ellipsoid
///   constants). Outside China (the published bounding box 72.004–137.8347°E, 0.8293–55.8271°N) the
///   transform is the identity, as in the published code.
/// - **BD-09** (百度坐标): Baidu. GCJ-02 further rotated and offset in polar form.
///
/// The forward transforms (WGS 84 → GCJ-02 → BD-09) are the published formulas. Their inverses have no
/// closed form: they are computed by fixed-point iteration on the forward transform until the round trip
/// agrees within 1e-10° (about 0.01 mm), so `forward(inverse(p)) == p` to far better than 1 cm.
public enum ChineseMapDatum: String, Sendable, CaseIterable {
    case gcj02 = "GCJ-02"
    case bd09 = "BD-09"

    /// The datum a `--source-crs`/`--coords-crs` text names ("GCJ-02", "gcj02", "BD-09", "bd09ll" …), nil for
    /// anything else (then it is a CRS for PROJ).
    public init?(name: String) {
        let key = name.uppercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "_", with: "")
        switch key {
        case "GCJ02", "GCJ", "MARS": self = .gcj02
        case "BD09", "BD09LL", "BAIDU": self = .bd09
        default: return nil
        }
    }

    /// Converts a point of this datum to WGS 84 lon/lat (the iterative inverse of ``fromWGS84(lon:lat:)``).
    public func toWGS84(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        switch self {
        case .gcj02: return Self.gcj02ToWGS84(lon: lon, lat: lat)
        case .bd09:
            let gcj = Self.bd09ToGCJ02(lon: lon, lat: lat)
            return Self.gcj02ToWGS84(lon: gcj.lon, lat: gcj.lat)
        }
    }

    /// Converts a WGS 84 lon/lat point to this datum (the published forward transform).
    public func fromWGS84(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        switch self {
        case .gcj02: return Self.wgs84ToGCJ02(lon: lon, lat: lat)
        case .bd09:
            let gcj = Self.wgs84ToGCJ02(lon: lon, lat: lat)
            return Self.gcj02ToBD09(lon: gcj.lon, lat: gcj.lat)
        }
    }

    /// Converts interleaved lon,lat coordinates of this datum to WGS 84 in place.
    public func toWGS84(_ xy: inout [Double]) {
        for i in stride(from: 0, to: xy.count - 1, by: 2) {
            let p = toWGS84(lon: xy[i], lat: xy[i + 1])
            xy[i] = p.lon
            xy[i + 1] = p.lat
        }
    }

    /// Converts every coordinate of a column from this datum to WGS 84 and recomputes its envelopes.
    public func toWGS84(_ column: inout GeometryColumn) {
        column.transformCoordinates { toWGS84(&$0) }
    }

    // MARK: the published formulas

    /// Krasovsky 1940 semi-major axis and first eccentricity squared, as in the published GCJ-02 code.
    private static let a = 6378245.0
    private static let ee = 0.00669342162296594323
    private static let xPi = Double.pi * 3000.0 / 180.0

    /// True outside the published bounding box of China, where GCJ-02 equals WGS 84.
    public static func isOutsideChina(lon: Double, lat: Double) -> Bool {
        lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271
    }

    private static func offsetLat(_ x: Double, _ y: Double) -> Double {
        var r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        r += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        r += (20.0 * sin(y * .pi) + 40.0 * sin(y / 3.0 * .pi)) * 2.0 / 3.0
        r += (160.0 * sin(y / 12.0 * .pi) + 320.0 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        return r
    }

    private static func offsetLon(_ x: Double, _ y: Double) -> Double {
        var r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        r += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        r += (20.0 * sin(x * .pi) + 40.0 * sin(x / 3.0 * .pi)) * 2.0 / 3.0
        r += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        return r
    }

    /// WGS 84 → GCJ-02, the published forward transform (identity outside China).
    public static func wgs84ToGCJ02(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        if isOutsideChina(lon: lon, lat: lat) { return (lon, lat) }
        var dLat = offsetLat(lon - 105.0, lat - 35.0)
        var dLon = offsetLon(lon - 105.0, lat - 35.0)
        let radLat = lat / 180.0 * .pi
        var magic = sin(radLat)
        magic = 1 - ee * magic * magic
        let sqrtMagic = magic.squareRoot()
        dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180.0) / (a / sqrtMagic * cos(radLat) * .pi)
        return (lon + dLon, lat + dLat)
    }

    /// GCJ-02 → BD-09, the published forward transform.
    public static func gcj02ToBD09(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        let z = (lon * lon + lat * lat).squareRoot() + 0.00002 * sin(lat * xPi)
        let theta = atan2(lat, lon) + 0.000003 * cos(lon * xPi)
        return (z * cos(theta) + 0.0065, z * sin(theta) + 0.006)
    }

    /// GCJ-02 → WGS 84: fixed-point iteration w ← w − (gcj(w) − g), started from g, until the step is below 1e-10°.
    public static func gcj02ToWGS84(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        iterateInverse(lon: lon, lat: lat, forward: wgs84ToGCJ02)
    }

    /// BD-09 → GCJ-02: the published approximate inverse refined by fixed-point iteration on ``gcj02ToBD09(lon:lat:)``.
    public static func bd09ToGCJ02(lon: Double, lat: Double) -> (lon: Double, lat: Double) {
        let x = lon - 0.0065, y = lat - 0.006
        let z = (x * x + y * y).squareRoot() - 0.00002 * sin(y * xPi)
        let theta = atan2(y, x) - 0.000003 * cos(x * xPi)
        return iterateInverse(lon: lon, lat: lat, start: (z * cos(theta), z * sin(theta)), forward: gcj02ToBD09)
    }

    /// Solves forward(w) = target by w ← w − (forward(w) − target); the offsets change slowly, so this
    /// converges in a handful of steps (at most 30).
    private static func iterateInverse(lon: Double, lat: Double, start: (Double, Double)? = nil,
                                       forward: (Double, Double) -> (lon: Double, lat: Double)) -> (lon: Double, lat: Double) {
        guard lon.isFinite, lat.isFinite else { return (lon, lat) }
        var w = start ?? (lon, lat)
        for _ in 0 ..< 30 {
            let f = forward(w.0, w.1)
            let dx = f.lon - lon, dy = f.lat - lat
            w = (w.0 - dx, w.1 - dy)
            if abs(dx) < 1e-10 && abs(dy) < 1e-10 { break }
        }
        return w
    }
}
