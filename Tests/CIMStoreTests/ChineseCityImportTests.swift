import CIMGeometry
import CIMStore
import CIMTestSupport
import Foundation
import Testing

/// Chinese city data in, right: a small Jiujiang-like city near 116.0°E 29.7°N made here, with known truth —
/// GCJ-02/BD-09 POIs in GBK CSVs, GBK shapefiles with and without .cpg, Chinese values, boundaries from
/// several files, unnoded roads, and coordinates that cannot be right.
@Suite struct ChineseCityImportTests {
    /// Writes `text` in `encoding` with iconv (the test's independent encoder).
    static func writeEncoded(_ text: String, encoding: String, to dir: URL, _ name: String) throws -> String {
        let utf8 = try write(text, to: dir, name + ".utf8")
        let result = try run("iconv", ["-f", "UTF-8", "-t", encoding, utf8, "-o", dir.appendingPathComponent(name).path])
        #expect(result.status == 0, "\(result.stderr)")
        return dir.appendingPathComponent(name).path
    }

    /// Seeded WGS 84 points in the test city.
    static func truthPoints(_ n: Int, seed: UInt64) -> [(lon: Double, lat: Double)] {
        var random = SplitMix64(seed: seed)
        return (0 ..< n).map { _ in (random.uniform(115.96, 116.04), random.uniform(29.67, 29.73)) }
    }

    static let categories = ["幼儿园", "农贸市场", "公交站", "卫生服务站", "菜场", "社区卫生服务站", "托儿所", "写字楼", "写字楼", "网吧"]
    static let expected: [String: String] = ["幼儿园": "kindergarten", "农贸市场": "fresh_market", "公交站": "bus_stop", "卫生服务站": "health_station",
                                             "菜场": "fresh_market", "社区卫生服务站": "health_station", "托儿所": "nursery"]

    /// The store coordinates of WGS 84 points, through PROJ.
    static func projected(_ points: [(lon: Double, lat: Double)], to crs: String) throws -> [Double] {
        var xy = points.flatMap { [$0.lon, $0.lat] }
        try CoordinateTransform(from: .wgs84, to: try CoordinateReferenceSystem(crs)).transform(&xy)
        return xy
    }

    @Test(arguments: ChineseMapDatum.allCases)
    func webMapPOIsInAGBKCSVLandOnTheTruth(datum: ChineseMapDatum) throws {
        try withTemporaryDirectory { dir in
            let truth = Self.truthPoints(60, seed: 7)
            var lines = ["编号,名称,类型,经度,纬度"]
            for (k, p) in truth.enumerated() {
                let shifted = datum.fromWGS84(lon: p.lon, lat: p.lat)
                lines.append("P\(k),设施\(k),\(Self.categories[k % Self.categories.count]),\(String(format: "%.10f", shifted.lon)),\(String(format: "%.10f", shifted.lat))")
            }
            let csv = try Self.writeEncoded(lines.joined(separator: "\n") + "\n", encoding: "GBK", to: dir, "pois.csv")
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("city.gpkg").path)
            var options = ImportOptions(layer: "facilities", source: csv, fieldMap: ["id": "编号", "name": "名称", "category": "类型"])
            options.sourceDatum = datum
            let report = try store.importLayer(options)
            #expect(report.imported == 60 && report.rejected == 0)
            #expect(report.encoding.hasPrefix("GB18030"), "\(report.encoding)")
            #expect(report.sourceCRS == datum.rawValue)
            #expect(!report.warnings.contains { $0.contains("GCJ-02 or") }, "no China warning with --source-crs \(datum.rawValue)")
            // Unmapped categories: 写字楼 ×12, 网吧 ×6, most common first.
            #expect(report.unmapped["category"]?.map(\.value) == ["写字楼", "网吧"])
            #expect(report.unmapped["category"]?.map(\.count) == [12, 6])

            let table = try store.snapshot("facilities")
            let want = try Self.projected(truth, to: "EPSG:4548")
            var worst = 0.0
            for i in 0 ..< table.count {
                let p = table.geometries.firstCoordinate(of: i)
                worst = max(worst, hypot(p.x - want[2 * i], p.y - want[2 * i + 1]))
            }
            #expect(worst < 0.01, "worst \(worst) m from the WGS 84 truth")
            let categories = table.text("category")!, names = table.text("name")!
            for i in 0 ..< table.count {
                let source = Self.categories[i % Self.categories.count]
                #expect(categories[i] == (Self.expected[source] ?? source))
                #expect(names[i] == "设施\(i)")
            }

            // The same file taken as WGS 84: the China warning names both systems, and the points are hundreds of metres off.
            let plain = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("plain.gpkg").path)
            let naive = try plain.importLayer(ImportOptions(layer: "facilities", source: csv, fieldMap: ["id": "编号"]))
            #expect(naive.warnings.contains { $0.contains("GCJ-02") && $0.contains("BD-09") }, "\(naive.warnings)")
            let off = try plain.snapshot("facilities")
            let p = off.geometries.firstCoordinate(of: 0)
            #expect(hypot(p.x - want[0], p.y - want[1]) > 200)
        }
    }

    /// Shapefile of three buildings with Chinese field names and values, written by ogr2ogr in GBK.
    static func gbkShapefile(_ dir: URL, keepCPG: Bool) throws -> String {
        let json = try write(geoJSON([
            ("{\"编号\":\"B1\",\"用途\":\"住宅\",\"层数\":6,\"小区名称\":\"浔阳小区\"}", squareJSON(116.0, 29.70)),
            ("{\"编号\":\"B2\",\"用途\":\"商住\",\"层数\":11,\"小区名称\":\"甘棠小区\"}", squareJSON(116.001, 29.70)),
            ("{\"编号\":\"B3\",\"用途\":\"仓储\",\"层数\":1,\"小区名称\":\"滨江小区\"}", squareJSON(116.002, 29.70)),
            ("{\"编号\":\"B4\",\"用途\":\"附楼\",\"层数\":20,\"小区名称\":\"滨江小区\"}", squareJSON(116.003, 29.70)),
        ]), to: dir, "b.geojson")
        let shp = dir.appendingPathComponent("建筑.shp").path
        let result = try run("ogr2ogr", ["-f", "ESRI Shapefile", "-lco", "ENCODING=GBK", shp, json])
        #expect(result.status == 0, "\(result.stderr)")
        if !keepCPG { try FileManager.default.removeItem(atPath: dir.appendingPathComponent("建筑.cpg").path) }
        return shp
    }

    @Test(arguments: [true, false])
    func gbkShapefileWithAndWithoutCPG(keepCPG: Bool) throws {
        try withTemporaryDirectory { dir in
            let shp = try Self.gbkShapefile(dir, keepCPG: keepCPG)
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("city.gpkg").path)
            let report = try store.importLayer(ImportOptions(layer: "buildings", source: shp, fieldMap: ["id": "编号", "use": "用途", "floors": "层数"]))
            #expect(report.imported == 4)
            #expect(report.encoding.hasPrefix(keepCPG ? "GBK" : "GB18030"), "\(report.encoding)")
            #expect(report.keptFields == ["小区名称"])
            #expect(report.unmapped["use"]?.map(\.value) == ["附楼"])
            let table = try store.snapshot("buildings")
            #expect(table.text("id") == ["B1", "B2", "B3", "B4"])
            #expect(table.text("use") == ["residential", "mixed", "industrial", "unknown"])
            #expect(table.integers("floors") == [6, 11, 1, 20])
            #expect(table.text("小区名称") == ["浔阳小区", "甘棠小区", "滨江小区", "滨江小区"])
        }
    }

    @Test func wrongEncodingGetsAHintAndTheRightOneWorks() throws {
        try withTemporaryDirectory { dir in
            let shp = try Self.gbkShapefile(dir, keepCPG: false)
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("city.gpkg").path)
            var options = ImportOptions(layer: "buildings", source: shp, fieldMap: ["use": "用途"])
            options.encoding = "ISO-8859-1"
            let error = expectStoreError { _ = try store.importLayer(options) }
            #expect(error?.hint?.contains("--encoding") == true, "\(String(describing: error))")
            options.encoding = "GBK"
            let report = try store.importLayer(options)
            #expect(report.encoding == "GBK")
            #expect(try store.snapshot("buildings").text("use") == ["residential", "mixed", "industrial", "unknown"])
            // --drop-other-fields keeps none of the unmapped fields, --keep-fields only the named ones.
            options.keepFields = []
            #expect(try store.importLayer(options).keptFields.isEmpty)
            options.keepFields = ["层数"]
            #expect(try store.importLayer(options).keptFields == ["层数"])
            options.keepFields = ["没有"]
            #expect(expectStoreError { _ = try store.importLayer(options) }?.message.contains("没有") == true)
        }
    }

    @Test func csvCoordinateColumnsByNameAndByOption() throws {
        try withTemporaryDirectory { dir in
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("city.gpkg").path, crs: try CoordinateReferenceSystem("EPSG:4548"))
            for (header, file) in [("x,y", "a.csv"), ("lon,lat", "b.csv"), ("lng,lat", "c.csv"), ("longitude,latitude", "d.csv"), ("经度,纬度", "e.csv")] {
                let csv = try write("id,\(header)\nq1,116.0,29.7\n", to: dir, file)
                let report = try store.importLayer(ImportOptions(layer: "waterlogging", source: csv))
                #expect(report.imported == 1, "\(header)")
            }
            let gk = try write("id,X坐标,Y坐标\nq1,402000.5,3287000.25\n", to: dir, "gk.csv")
            var options = ImportOptions(layer: "waterlogging", source: gk, sourceCRS: try CoordinateReferenceSystem("EPSG:4548"))
            #expect(try store.importLayer(options).imported == 1)
            let p = try store.snapshot("waterlogging").geometries.firstCoordinate(of: 0)
            #expect(p.x == 402000.5 && p.y == 3287000.25)
            let other = try write("id,东距,北距\nq2,402001,3287001\n", to: dir, "other.csv")
            options.source = other
            let error = expectStoreError { _ = try store.importLayer(options) }
            #expect(error?.message.contains("no coordinate columns") == true && error?.hint?.contains("--x FIELD --y FIELD") == true)
            #expect(try store.snapshot("waterlogging").text("id") == ["q1"], "the failed import kept the layer")
            options.xField = "东距"
            options.yField = "北距"
            #expect(try store.importLayer(options).imported == 1)
            #expect(try store.snapshot("waterlogging").geometries.firstCoordinate(of: 0).x == 402001)
        }
    }

    @Test func boundariesFromSeveralFilesWithSetAppendAndIdPrefix() throws {
        try withTemporaryDirectory { dir in
            let communities = try write(geoJSON([
                ("{\"id\":\"1\",\"name\":\"浔阳社区\"}", squareJSON(116.0, 29.70, 0.005)),
                ("{\"id\":\"2\",\"name\":\"甘棠社区\"}", squareJSON(116.006, 29.70, 0.005)),
            ]), to: dir, "社区.geojson")
            let districts = try write(geoJSON([
                ("{\"id\":\"1\",\"name\":\"濂溪区\",\"人口\":350000}", squareJSON(115.99, 29.69, 0.03)),
            ]), to: dir, "街道.geojson")
            let path = dir.appendingPathComponent("city.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path)
            var options = ImportOptions(layer: "areas", source: communities)
            options.constants = ["kind": "community"]
            #expect(try store.importLayer(options).imported == 2)

            var more = ImportOptions(layer: "areas", source: districts, fieldMap: ["population": "人口"])
            more.constants = ["kind": "district"]
            more.append = true
            let before = try StoreFingerprint(path)
            let clash = expectStoreError { _ = try store.importLayer(more) }
            #expect(clash?.message.contains("already in the layer: 1") == true && clash?.hint?.contains("--id-prefix") == true, "\(String(describing: clash))")
            #expect(try StoreFingerprint(path) == before)

            more.idPrefix = "JD-"
            let report = try store.importLayer(more)
            #expect(report.imported == 1 && report.appendedTo == 2)
            let table = try store.snapshot("areas")
            #expect(table.text("id") == ["1", "2", "JD-1"])
            #expect(table.text("kind") == ["community", "community", "district"])
            #expect(table.text("name") == ["浔阳社区", "甘棠社区", "濂溪区"])
            #expect(table.reals("population") == [nil, nil, 350000])
        }
    }

    @Test func nonFiniteAndFarAwayCoordinatesAreRejectedWithTheirIds() throws {
        try withTemporaryDirectory { dir in
            // A GeoPackage source (written through the store) with a NaN point and one 10⁹ m away.
            let crs = try CoordinateReferenceSystem("EPSG:4548")
            let sourcePath = dir.appendingPathComponent("source.gpkg").path
            let source = try GeoPackageStore.openOrCreate(sourcePath, crs: crs)
            var points = GeometryColumn()
            for (x, y) in [(402000.0, 3287000.0), (Double.nan, 3287000.0), (1e9, 3287000.0), (402100.0, 3287100.0)] {
                points.beginFeature(.point); points.addRing([(x, y)]); points.endPart(); points.endFeature()
            }
            try source.writeLayer(FeatureTable(name: "waterlogging", geometryType: .point, geometries: points,
                                               columns: [AttributeColumn("id", .text(["ok1", "nan", "far", "ok2"]))], crs: crs),
                                  provenance: LayerProvenance(source: "test"))
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("city.gpkg").path)
            let report = try store.importLayer(ImportOptions(layer: "waterlogging", source: sourcePath))
            #expect(report.imported == 2 && report.rejected == 2)
            #expect(report.issues.contains { $0.feature == "nan" && $0.reason.contains("finite") }, "\(report.issues)")
            #expect(report.issues.contains { $0.feature == "far" && $0.reason.contains("area of use") }, "\(report.issues)")
            #expect(try store.snapshot("waterlogging").text("id") == ["ok1", "ok2"])
        }
    }

    /// Roads as a surveyor draws them: a 3 × 3 grid of lines that cross without shared vertices, an
    /// elevated road (bridge=yes) and a viaduct marked 类型=高架 across them.
    @Test func nodeSplitsWalkableLinesAtCrossingsAndKeepsBridgesWhole() throws {
        try withTemporaryDirectory { dir in
            func line(_ a: (Double, Double), _ b: (Double, Double)) -> String {
                "{\"type\":\"LineString\",\"coordinates\":[[\(a.0),\(a.1)],[\(b.0),\(b.1)]]}"
            }
            var features: [(String, String)] = []
            for k in 0 ..< 3 {
                let y = 29.70 + Double(k + 1) * 0.002, x = 116.0 + Double(k + 1) * 0.002
                features.append(("{\"id\":\"h\(k)\",\"bridge\":\"no\",\"类型\":\"支路\"}", line((116.0, y), (116.008, y))))
                features.append(("{\"id\":\"v\(k)\",\"bridge\":null,\"类型\":\"支路\"}", line((x, 29.70), (x, 29.708))))
            }
            features.append(("{\"id\":\"bridge\",\"bridge\":\"yes\",\"类型\":\"主干路\"}", line((116.0005, 29.7001), (116.0075, 29.7079))))
            features.append(("{\"id\":\"viaduct\",\"bridge\":\"no\",\"类型\":\"高架\"}", line((116.0075, 29.7001), (116.0005, 29.7079))))
            let source = try write(geoJSON(features), to: dir, "roads.geojson")
            let store = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("city.gpkg").path)
            var options = ImportOptions(layer: "roads", source: source)
            options.node = true
            options.noNodeWhere = [(field: "类型", value: "高架")]
            let report = try store.importLayer(options)
            // Each of the six grid lines is crossed by three others inside: four pieces each.
            #expect(report.nodedLines == 6 && report.nodedPieces == 24)
            let table = try store.snapshot("roads")
            let ids = table.text("id")!.compactMap { $0 }
            #expect(ids.count == 26)
            #expect(ids.contains("bridge") && ids.contains("viaduct"))
            for k in 0 ..< 3 { for piece in 1 ... 4 { #expect(ids.contains("h\(k)-\(piece)") && ids.contains("v\(k)-\(piece)")) } }
            // Pieces cover the lines exactly: total length unchanged (0.008° ≈ 774 m east-west, 887 m north-south).
            var total = 0.0, pieces = 0.0
            for i in 0 ..< table.count {
                let cs = table.geometries.coordinates(of: table.geometries.rings(of: table.geometries.parts(of: i).lowerBound).lowerBound)
                var length = 0.0
                for c in cs.lowerBound ..< cs.upperBound - 1 {
                    length += hypot(table.geometries.xy[2 * c + 2] - table.geometries.xy[2 * c], table.geometries.xy[2 * c + 3] - table.geometries.xy[2 * c + 1])
                }
                total += length
                if ids[i].contains("-") { pieces += length }
            }
            let plain = try GeoPackageStore.openOrCreate(dir.appendingPathComponent("plain.gpkg").path)
            _ = try plain.importLayer(ImportOptions(layer: "roads", source: source))
            let unsplit = try plain.snapshot("roads")
            var expected = 0.0
            for i in 0 ..< unsplit.count { expected += try unsplit.geometries.geometry(i).length() }
            #expect(abs(total - expected) < 1e-6, "\(total) vs \(expected)")
            #expect(pieces > 0)
            // --node is for roads only.
            var wrong = ImportOptions(layer: "pipes", source: source)
            wrong.node = true
            #expect(expectStoreError { _ = try store.importLayer(wrong) }?.message.contains("--node") == true)
        }
    }
}
