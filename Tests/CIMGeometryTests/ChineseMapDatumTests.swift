import CIMGeometry
import CIMTestSupport
import Foundation
import Testing

/// GCJ-02 and BD-09 (`ChineseMapDatum`): the published forward transforms and their iterative inverses.
/// The independent cross-check against a pip package is Tests/CrossCheck/chinese_datum_check.py.
@Suite struct ChineseMapDatumTests {
    /// Metres between two lon/lat points (equirectangular, fine at these distances).
    static func metres(_ a: (lon: Double, lat: Double), _ b: (lon: Double, lat: Double)) -> Double {
        let k = Double.pi / 180 * 6_371_000
        let dx = (a.lon - b.lon) * k * cos(a.lat * .pi / 180), dy = (a.lat - b.lat) * k
        return (dx * dx + dy * dy).squareRoot()
    }

    @Test(arguments: ChineseMapDatum.allCases)
    func roundTripWithinACentimetreAcrossChina(datum: ChineseMapDatum) {
        var random = SplitMix64(seed: 11)
        var worst = 0.0, shifted = 0
        for _ in 0 ..< 5000 {
            let p = (lon: random.uniform(73.5, 134.8), lat: random.uniform(18.2, 53.5))
            let forward = datum.fromWGS84(lon: p.lon, lat: p.lat)
            let back = datum.toWGS84(lon: forward.lon, lat: forward.lat)
            worst = max(worst, Self.metres(p, back))
            // The published offsets are some hundreds of metres almost everywhere in China (BD-09 more).
            if Self.metres(p, forward) > 50 { shifted += 1 }
        }
        #expect(worst < 0.01, "worst round trip \(worst) m")
        #expect(shifted > 4950, "\(shifted) of 5000 points moved more than 50 m")
    }

    @Test func identityOutsideChinaAsPublished() {
        for p in [(lon: -8.61, lat: 41.15), (lon: 24.94, lat: 60.17), (lon: 139.69, lat: 35.69), (lon: 151.2, lat: -33.87)] {
            let gcj = ChineseMapDatum.gcj02.fromWGS84(lon: p.lon, lat: p.lat)
            #expect(gcj.lon == p.lon && gcj.lat == p.lat)
            let back = ChineseMapDatum.gcj02.toWGS84(lon: p.lon, lat: p.lat)
            #expect(back.lon == p.lon && back.lat == p.lat)
        }
    }

    @Test func jiujiangOffsetIsSomeHundredsOfMetres() {
        let wgs = (lon: 116.0, lat: 29.7)
        let gcj = ChineseMapDatum.gcj02.fromWGS84(lon: wgs.lon, lat: wgs.lat)
        let bd = ChineseMapDatum.bd09.fromWGS84(lon: wgs.lon, lat: wgs.lat)
        let dGCJ = Self.metres(wgs, gcj), dBD = Self.metres(wgs, bd)
        #expect(dGCJ > 300 && dGCJ < 800, "\(dGCJ)")
        #expect(dBD > dGCJ && dBD < 2000, "\(dBD)")
        // BD-09 is GCJ-02 plus the published polar offset: its inverse lands on the GCJ-02 point.
        let bdToGCJ = ChineseMapDatum.bd09ToGCJ02(lon: bd.lon, lat: bd.lat)
        #expect(Self.metres(bdToGCJ, gcj) < 0.001)
    }

    @Test func namesOfTheOptions() {
        #expect(ChineseMapDatum(name: "GCJ-02") == .gcj02 && ChineseMapDatum(name: "gcj02") == .gcj02)
        #expect(ChineseMapDatum(name: "BD-09") == .bd09 && ChineseMapDatum(name: "bd09ll") == .bd09)
        #expect(ChineseMapDatum(name: "EPSG:4326") == nil)
    }
}
