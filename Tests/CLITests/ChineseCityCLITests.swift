import Foundation
import Testing

/// A small Jiujiang-like city made of the files a bureau has — buildings with Chinese fields, Amap POIs in
/// GCJ-02 in a GBK CSV, roads that cross without shared vertices — imported and analysed with `cim` as a
/// user would run it.
@Suite("Chinese city data through the cim command line")
struct ChineseCityCLITests {
    static func square(_ lon: Double, _ lat: Double, _ size: Double = 0.0001) -> String {
        "{\"type\":\"Polygon\",\"coordinates\":[[[\(lon),\(lat)],[\(lon + size),\(lat)],[\(lon + size),\(lat + size)],[\(lon),\(lat + size)],[\(lon),\(lat)]]]}"
    }

    static func line(_ a: (Double, Double), _ b: (Double, Double)) -> String {
        "{\"type\":\"LineString\",\"coordinates\":[[\(a.0),\(a.1)],[\(b.0),\(b.1)]]}"
    }

    static func collection(_ features: [(String, String)]) -> String {
        "{\"type\":\"FeatureCollection\",\"features\":[" + features.map { "{\"type\":\"Feature\",\"properties\":\($0.0),\"geometry\":\($0.1)}" }.joined(separator: ",") + "]}"
    }

    /// The city: 10 buildings (住宅 ×6 with 层数 for four and 人口 for two, 商住, 商业, 未知 ×2), one
    /// kindergarten from Amap (GCJ-02, GBK CSV), and a street grid that is not noded.
    static func makeCity(_ folder: URL) throws -> String {
        let uses = ["住宅", "住宅", "住宅", "住宅", "住宅", "住宅", "商住", "商业", "未知", "未知"]
        var buildings: [(String, String)] = []
        for (k, use) in uses.enumerated() {
            var properties = "\"编号\":\"J\(k)\",\"用途\":\"\(use)\""
            if k < 4 { properties += ",\"层数\":\(k + 2)" }
            if k == 4 || k == 5 { properties += ",\"人口\":\(100 * k)" }
            buildings.append(("{\(properties)}", square(116.0 + Double(k) * 0.0003, 29.7)))
        }
        try collection(buildings).write(to: folder.appendingPathComponent("buildings.geojson"), atomically: true, encoding: .utf8)
        // The kindergarten's true WGS 84 place, shifted to GCJ-02 by the published formula (computed here
        // independently of cim: a few lines of the reference implementation).
        let truth = (lon: 116.0013, lat: 29.7003)
        let gcj = Self.wgs84ToGCJ02(truth.lon, truth.lat)
        let csv = "名称,类型,经度,纬度\n浔阳幼儿园,幼儿园,\(gcj.0),\(gcj.1)\n"
        let utf8 = folder.appendingPathComponent("pois.utf8.csv")
        try csv.write(to: utf8, atomically: true, encoding: .utf8)
        _ = try tool("iconv", ["-f", "UTF-8", "-t", "GBK", utf8.path, "-o", folder.appendingPathComponent("高德POI.csv").path])
        var roads: [(String, String)] = [("{\"id\":\"h\",\"class\":\"residential\"}", line((115.999, 29.6999), (116.004, 29.6999)))]
        for k in 0 ..< 4 { roads.append(("{\"id\":\"v\(k)\",\"class\":\"residential\"}", line((116.0005 + Double(k) * 0.001, 29.699), (116.0005 + Double(k) * 0.001, 29.701)))) }
        try collection(roads).write(to: folder.appendingPathComponent("roads.geojson"), atomically: true, encoding: .utf8)
        return folder.appendingPathComponent("jiujiang.gpkg").path
    }

    /// The published WGS 84 → GCJ-02 transform (as in eviltransform), for the test's own truth.
    static func wgs84ToGCJ02(_ lon: Double, _ lat: Double) -> (Double, Double) {
        let a = 6378245.0, ee = 0.00669342162296594323
        let x = lon - 105.0, y = lat - 35.0
        var dLat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * abs(x).squareRoot()
        dLat += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        dLat += (20.0 * sin(y * .pi) + 40.0 * sin(y / 3.0 * .pi)) * 2.0 / 3.0
        dLat += (160.0 * sin(y / 12.0 * .pi) + 320 * sin(y * .pi / 30.0)) * 2.0 / 3.0
        var dLon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * abs(x).squareRoot()
        dLon += (20.0 * sin(6.0 * x * .pi) + 20.0 * sin(2.0 * x * .pi)) * 2.0 / 3.0
        dLon += (20.0 * sin(x * .pi) + 40.0 * sin(x / 3.0 * .pi)) * 2.0 / 3.0
        dLon += (150.0 * sin(x / 12.0 * .pi) + 300.0 * sin(x / 30.0 * .pi)) * 2.0 / 3.0
        let radLat = lat / 180.0 * .pi
        var magic = sin(radLat)
        magic = 1 - ee * magic * magic
        let sqrtMagic = magic.squareRoot()
        dLat = (dLat * 180.0) / ((a * (1 - ee)) / (magic * sqrtMagic) * .pi)
        dLon = (dLon * 180.0) / (a / sqrtMagic * cos(radLat) * .pi)
        return (lon + dLon, lat + dLat)
    }

    @Test("import with Chinese names, GCJ-02 and --node; coverage says what it rests on; isochrones take 幼儿园; info flags stale results")
    func jiujiang() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try Self.makeCity(folder)
        let b = try cim("import", store, "buildings", folder.appendingPathComponent("buildings.geojson").path,
                        "--map", "id=编号", "--map", "use=用途", "--map", "floors=层数", "--map", "residents=人口", "--format", "json")
        #expect(b.status == 0, "\(b.stderr)")
        #expect(b.stderr.contains("GCJ-02") && b.stderr.contains("BD-09"), "the China warning: \(b.stderr)")
        let pois = folder.appendingPathComponent("高德POI.csv").path
        let f = try cim("import", store, "facilities", pois, "--source-crs", "GCJ-02", "--encoding", "GBK", "--map", "category=类型", "--format", "json")
        #expect(f.status == 0, "\(f.stderr)")
        let fLayers = try #require(try json(f.stdout)["layers"] as? [[String: Any]])
        #expect(fLayers.first?["encoding"] as? String == "GBK" && fLayers.first?["source_crs"] as? String == "GCJ-02")
        let r = try cim("import", store, "roads", folder.appendingPathComponent("roads.geojson").path, "--node")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("--node split 5 lines"), "\(r.stdout)")

        // The kindergarten is where the truth says (GCJ-02 undone), not 500 m off.
        let q = try cim("query", store, "facilities", "--near", "116.0013,29.7003", "--coords-crs", "EPSG:4326", "--within", "1", "--format", "json")
        #expect(try (json(q.stdout)["features"] as? [[String: Any]])?.count == 1, "\(q.stdout) \(q.stderr)")
        // --coords-crs GCJ-02 takes the web map's own coordinates.
        let gcj = Self.wgs84ToGCJ02(116.0013, 29.7003)
        let q2 = try cim("query", store, "facilities", "--near", "\(gcj.0),\(gcj.1)", "--coords-crs", "GCJ-02", "--within", "0.05", "--format", "json")
        #expect(try (json(q2.stdout)["features"] as? [[String: Any]])?.count == 1, "\(q2.stdout) \(q2.stderr)")

        let c = try cim("coverage", store, "--format", "json")
        #expect(c.status == 0, "\(c.stderr)")
        let root = try json(c.stdout)
        let quality = try #require(root["data_quality"] as? [[String: Any]])
        func value(_ prefix: String) -> Any? { quality.first { ($0["measure"] as? String)?.hasPrefix(prefix) == true }?["value"] }
        #expect(value("buildings left out: unknown use") as? Int == 2)
        #expect(value("buildings with floors assumed") as? Int == 3, "住宅 J4, J5 and 商住 J6 have no 层数")
        #expect(value("buildings with residents from the source") as? Int == 2)
        let missing = try #require(value("categories with no facility at all") as? String)
        #expect(missing.contains("bus_stop") && !missing.contains("kindergarten"))
        let boards = try #require(root["categories"] as? [[String: Any]])
        #expect(boards.map { $0["category"] as? String } == ["kindergarten"], "short boards list only categories with facilities")

        let iso = try cim("isochrones", store, "--category", "幼儿园", "--minutes", "5", "--format", "json")
        #expect(iso.status == 0, "\(iso.stderr)")
        #expect(try tool("ogrinfo", ["-so", store, "isochrones_kindergarten"]).status == 0)

        // Re-importing the facilities makes coverage and isochrones results stale.
        Thread.sleep(forTimeInterval: 1.1)
        #expect(try cim("import", store, "facilities", pois, "--source-crs", "GCJ-02", "--map", "category=类型").status == 0)
        let info = try json(try cim("info", store, "--format", "json").stdout)
        let stale = try #require(info["stale_results"] as? [[String: Any]])
        #expect(Set(stale.compactMap { $0["layer"] as? String }) == ["coverage_buildings", "coverage_areas", "isochrones_kindergarten"])
        #expect(stale.allSatisfy { ($0["newer_inputs"] as? [String])?.contains("facilities") == true })

        // An import that ends empty fails and keeps the layer.
        let empty = folder.appendingPathComponent("empty.csv")
        try "名称,类型\n某店,幼儿园\n".write(to: empty, atomically: true, encoding: .utf8)
        let e = try cim("import", store, "facilities", empty.path)
        #expect(e.status != 0 && e.stderr.contains("no coordinate columns"), "\(e.stderr)")
        let after = try json(try cim("info", store, "--format", "json").stdout)
        let layers = try #require(after["layers"] as? [[String: Any]])
        #expect(layers.first { $0["layer"] as? String == "facilities" }?["features"] as? Int == 1)
    }
}

@Suite("cim gaps says what its numbers rest on")
struct GapsDataQualityCLITests {
    @Test("the data_quality counts equal the store's own counts (ogrinfo SQL)")
    func gapsDataQuality() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("city.gpkg").path
        #expect(try cim("generate", "--buildings", "600", "--seed", "4", store).status == 0)
        let gaps = try cim("gaps", store, "--format", "json")
        #expect(gaps.status == 0, "\(gaps.stderr)")
        let quality = try #require(try json(gaps.stdout)["data_quality"] as? [[String: Any]])
        func value(_ prefix: String) -> Int? { quality.first { ($0["measure"] as? String)?.hasPrefix(prefix) == true }?["value"] as? Int }
        func count(_ sql: String) throws -> Int {
            let out = try tool("ogrinfo", ["-q", "-sql", sql, store]).stdout
            return Int(out.components(separatedBy: "= ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
        }
        #expect(value("buildings left out: unknown use") == (try count("SELECT COUNT(*) AS n FROM buildings WHERE use IS NULL OR use = 'unknown'")))
        #expect(value("buildings with floors assumed") == (try count("SELECT COUNT(*) AS n FROM buildings WHERE (floors IS NULL OR floors <= 0) AND (height IS NULL OR height <= 0)")))
        #expect(value("buildings with floors from height") == (try count("SELECT COUNT(*) AS n FROM buildings WHERE (floors IS NULL OR floors <= 0) AND height > 0")))
        #expect((value("buildings left out") ?? 0) > 0 && (value("buildings with floors assumed") ?? 0) > 0, "the generated city has both")
    }
}
