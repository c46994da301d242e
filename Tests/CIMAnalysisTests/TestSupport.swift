import CIMAnalysis
import CIMGeometry
import CIMStore
import Foundation

@_exported import CIMTestSupport

/// The deterministic generator (SplitMix64) under the name these tests use.
typealias SeededRandom = SplitMix64

/// A random city in a projected CRS: rotated-rectangle and L-shaped buildings with random use and floors,
/// point and polygon facilities of the given categories, and optional community polygons.
struct RandomCity {
    var buildings: FeatureTable
    var facilities: FeatureTable
    var areas: FeatureTable

    static let crs = try! CoordinateReferenceSystem(epsg: 4548)

    init(seed: UInt64, buildings nb: Int, facilities nf: Int, categories: [String], size: Double = 3000) throws {
        var rng = SeededRandom(seed: seed)
        let origin = (x: 500_000.0, y: 3_290_000.0)
        var geometries = GeometryColumn()
        var ids: [String?] = [], uses: [String?] = [], floors: [Int64?] = [], heights: [Double?] = []
        let useValues = ["residential", "residential", "residential", "mixed", "commercial", "unknown", "public"]
        for i in 0 ..< nb {
            let cx = origin.x + rng.uniform(0 ... size), cy = origin.y + rng.uniform(0 ... size)
            let w = rng.uniform(8 ... 40), h = rng.uniform(8 ... 30), angle = rng.uniform(0 ... .pi)
            let lShape = rng.int(0 ..< 3) == 0
            var local: [(Double, Double)] = lShape
                ? [(0, 0), (w, 0), (w, h / 2), (w / 2, h / 2), (w / 2, h), (0, h), (0, 0)]
                : [(0, 0), (w, 0), (w, h), (0, h), (0, 0)]
            local = local.map { (x, y) in
                let (x0, y0) = (x - w / 2, y - h / 2)
                return (cx + x0 * cos(angle) - y0 * sin(angle), cy + x0 * sin(angle) + y0 * cos(angle))
            }
            geometries.beginFeature(.multiPolygon)
            geometries.addRing(local)
            geometries.endPart()
            geometries.endFeature()
            ids.append("b\(i)")
            uses.append(useValues[rng.int(0 ..< useValues.count)])
            switch rng.int(0 ..< 3) {
            case 0: floors.append(Int64(rng.int(1 ..< 34))); heights.append(nil)
            case 1: floors.append(nil); heights.append(rng.uniform(2 ... 100))
            default: floors.append(nil); heights.append(nil)
            }
        }
        buildings = FeatureTable(name: "buildings", geometryType: .multiPolygon, geometries: geometries, columns: [
            AttributeColumn("id", .text(ids)), AttributeColumn("floors", .integer(floors)),
            AttributeColumn("height", .real(heights)), AttributeColumn("use", .text(uses)),
        ], crs: Self.crs, fids: (0 ..< Int64(nb)).map { $0 + 1 })

        var fg = GeometryColumn()
        var fcat: [String?] = [], fid: [String?] = []
        for i in 0 ..< nf {
            let x = origin.x + rng.uniform(-200 ... size + 200), y = origin.y + rng.uniform(-200 ... size + 200)
            if rng.int(0 ..< 4) == 0 {
                let r = rng.uniform(10 ... 60)
                fg.beginFeature(.polygon)
                fg.addRing([(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r), (x - r, y - r)])
                // a hole in some polygons
                if rng.int(0 ..< 2) == 0 {
                    let q = r / 3
                    fg.addRing([(x - q, y - q), (x - q, y + q), (x + q, y + q), (x + q, y - q), (x - q, y - q)])
                }
                fg.endPart()
                fg.endFeature()
            } else {
                fg.beginFeature(.point)
                fg.addRing([(x, y)])
                fg.endPart()
                fg.endFeature()
            }
            fcat.append(categories[rng.int(0 ..< categories.count)])
            fid.append("f\(i)")
        }
        facilities = FeatureTable(name: "facilities", geometryType: .geometryCollection, geometries: fg, columns: [
            AttributeColumn("id", .text(fid)), AttributeColumn("category", .text(fcat)), AttributeColumn("name", .text(fid)),
        ], crs: Self.crs, fids: (0 ..< Int64(nf)).map { $0 + 1 })

        // Four communities (quadrants), the last slightly overlapping the first, and part of the city outside all.
        var ag = GeometryColumn()
        let half = size / 2
        for (k, (ox, oy)) in [(0.0, 0.0), (half, 0), (0, half), (half * 0.9, half * 0.9)].enumerated() {
            let w = k == 3 ? half * 0.8 : half
            ag.beginFeature(.multiPolygon)
            ag.addRing([(origin.x + ox, origin.y + oy), (origin.x + ox + w, origin.y + oy), (origin.x + ox + w, origin.y + oy + w),
                        (origin.x + ox, origin.y + oy + w), (origin.x + ox, origin.y + oy)])
            ag.endPart()
            ag.endFeature()
        }
        areas = FeatureTable(name: "areas", geometryType: .multiPolygon, geometries: ag, columns: [
            AttributeColumn("id", .text(["c1", "c2", "c3", "c4"])), AttributeColumn("kind", .text(["community", "community", "community", "community"])),
            AttributeColumn("name", .text(["一", "二", "三", "四"])),
        ], crs: Self.crs, fids: [1, 2, 3, 4])
    }
}

/// The repository's Data folder.
let dataDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data")

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cim-analysis-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A small standard for tests, with thresholds that make in/out of reach both common.
func testStandard(completeShare: Double = 0.9) throws -> Standard {
    let json = """
    {"format": "cim-standard", "version": 1, "name": "test",
     "parameters": {"floor_height_m": 3.0, "floor_area_per_resident_m2": 36.5, "persons_per_household": 2.62, "complete_share": \(completeShare), "default_cutoff_m": 800},
     "levels": [{"key": "15min", "walk_m": 1000}, {"key": "10min", "walk_m": 500}, {"key": "5min", "walk_m": 300}],
     "categories": [
       {"key": "kindergarten", "level": "5min", "threshold_m": 300, "required": true},
       {"key": "clinic", "level": "5min", "threshold_m": 250, "required": true},
       {"key": "market", "level": "10min", "threshold_m": 500, "required": true},
       {"key": "supermarket", "level": "10min", "threshold_m": 500, "required": false, "counts_as": ["market"]},
       {"key": "school", "level": "15min", "threshold_m": 1000, "required": false},
       {"key": "empty_category", "level": "15min", "threshold_m": 1000, "required": false}
     ]}
    """
    return try Standard.parse(Data(json.utf8))
}
