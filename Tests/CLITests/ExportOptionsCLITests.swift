import Foundation
import Testing

/// `cim export` with ogr2ogr-style options, Shapefile name tables, XLSX and the CityJSON building check,
/// each checked against GDAL's own reading of the source and the output.
@Suite(.serialized) struct ExportOptionsCLITests {
    /// The number after `name (Type) = ` in ogrinfo's output.
    func value(_ text: String, _ name: String) -> String? {
        text.components(separatedBy: "\n").first { $0.contains("\(name) (") }?.components(separatedBy: "= ").last
    }

    @Test func whereFieldsAndTargetCRSAsOgr2ogr() throws {
        let (folder, store) = try CheckCLITests.generated()
        let out = folder.appendingPathComponent("res.gpkg").path
        let result = try cim("export", store, "buildings", out, "--where", "use = 'residential' AND floors >= 6", "--fields", "id,floors", "--t-srs", "EPSG:4326")
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try tool("ogrinfo", ["-q", "-sql", "SELECT COUNT(*) AS n FROM buildings WHERE use = 'residential' AND floors >= 6", store]).stdout
        let got = try tool("ogrinfo", ["-q", "-sql", "SELECT COUNT(*) AS n FROM buildings", out]).stdout
        let n = try #require(value(expected, "n"))
        #expect(Int(n.trimmingCharacters(in: .whitespaces)) ?? 0 > 0)
        #expect(value(got, "n") == n)
        let info = try tool("ogrinfo", ["-so", out, "buildings"]).stdout
        #expect(info.contains("floors: Integer") && !info.contains("use: String") && !info.contains("height: Real"))
        #expect(info.contains("EPSG\",4326") || info.contains("ID[\"EPSG\",4326]"))
        // An unknown field is refused, naming it, and nothing is written.
        let bad = folder.appendingPathComponent("bad.gpkg").path
        let refused = try cim("export", store, "buildings", bad, "--fields", "id,colour")
        #expect(refused.status != 0 && refused.stderr.contains("colour") && refused.stderr.contains("floors"))
        #expect(!FileManager.default.fileExists(atPath: bad))
        #expect(try cim("export", store, "buildings", folder.appendingPathComponent("b.geojson").path, "--t-srs", "EPSG:4547").stderr.contains("RFC 7946"))
        #expect(try cim("export", store, "buildings", bad, "--t-srs", "EPSG:999999").status != 0)
    }

    /// A --where that holds more than one condition (a `;`, or a comment that would hide the rest) is
    /// refused before anything is written, with or without --lonlat; quoted text may hold those marks.
    @Test func whereWithAStatementSeparatorOrCommentIsRefused() throws {
        let (folder, store) = try CheckCLITests.generated()
        let before = try StoreState(store)
        let out = folder.appendingPathComponent("w.geojson").path
        for clause in ["1=1; DROP TABLE buildings", "id = '' OR 1=1; DELETE FROM buildings; --", "floors > 3 -- and more", "floors > 3 /* x */"] {
            for extra in [[], ["--lonlat"]] {
                let result = try cim(["export", store, "buildings", out, "--where", clause] + extra)
                #expect(result.status == 1, "\(clause): \(result.stderr)")
                #expect(result.stderr.contains("--where must be one condition"), "\(result.stderr)")
                #expect(!FileManager.default.fileExists(atPath: out))
            }
        }
        #expect(try StoreState(store) == before)
        // Inside quotes the marks are text: "use = 'a;b'" is one condition (no building has that use).
        let quoted = try cim("export", store, "buildings", folder.appendingPathComponent("q.gpkg").path, "--where", "use = 'a;b--c'")
        #expect(quoted.status == 0, "\(quoted.stderr)")
    }

    /// A --where SQLite cannot use (an unknown column, an unclosed quote) is one line naming the option and
    /// SQLite's reason, without GDAL's SQL text around it; the previous file is untouched.
    @Test func whereThatCannotBeUsedIsOneLineWithoutSQL() throws {
        let (folder, store) = try CheckCLITests.generated()
        let out = folder.appendingPathComponent("prev.geojson").path
        #expect(try cim("export", store, "buildings", out).status == 0)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        for (clause, why) in [("nosuch = 1", "no such column: nosuch"), ("\") ; DROP TABLE buildings; --", "unrecognized token")] {
            let result = try cim("export", store, "buildings", out, "--where", clause)
            let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(result.status == 1 && lines.count == 1, "\(clause): \(result.stderr)")
            #expect(lines.first?.contains("--where \"\(clause)\" cannot be used: \(why)") == true, "\(clause): \(result.stderr)")
            #expect(!result.stderr.contains("SELECT") && !result.stderr.contains("sqlite3_") && !result.stderr.contains("ExecuteSQL"),
                    "no raw SQL: \(result.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == bytes, "\(clause): the previous file is untouched")
        }
    }

    @Test func shapefileWarnsAndWritesTheFieldNameTable() throws {
        let (folder, store) = try CheckCLITests.generated()
        #expect(try cim("coverage", store).status == 0)
        let out = folder.appendingPathComponent("areas.shp").path
        let result = try cim("export", store, "coverage_areas", out)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("warning: Shapefile field names are at most 10 characters"))
        let table = try String(contentsOfFile: folder.appendingPathComponent("areas.fields.csv").path, encoding: .utf8)
        let rows = table.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        // Every field of the layer, in order, and the name GDAL wrote for it (as ogrinfo reads the .shp).
        let source = try tool("ogrinfo", ["-so", store, "coverage_areas"]).stdout
        let shp = try tool("ogrinfo", ["-so", out, "areas"]).stdout
        for row in rows {
            #expect(row.count == 2 && row[1].utf8.count <= 10)
            #expect(source.contains("\n\(row[0]): ") && shp.contains("\n\(row[1]): "))
        }
        #expect(rows.contains { $0[0] == "rcov_kindergarten" && $0[1] != "rcov_kindergarten" })
    }

    @Test func xlsxAndCityJSONBuildingsOnly() throws {
        let (folder, store) = try CheckCLITests.generated()
        let xlsx = folder.appendingPathComponent("areas.xlsx").path
        #expect(try cim("export", store, "areas", xlsx).status == 0)
        let areas = try tool("ogrinfo", ["-so", store, "areas"]).stdout
        // The first row holds the field names (read back with OGR_XLSX_HEADERS=FORCE: every column is text here,
        // so GDAL's guess cannot tell the header row from the data).
        let sheet = try tool("ogrinfo", ["--config", "OGR_XLSX_HEADERS", "FORCE", "-so", xlsx, "areas"]).stdout
        #expect(sheet.contains("kind: String"))
        let count = { (text: String) in text.components(separatedBy: "\n").first { $0.hasPrefix("Feature Count:") } }
        #expect(count(areas) != nil && count(areas) == count(sheet))
        let refused = try cim("export", store, "areas", folder.appendingPathComponent("areas.city.json").path)
        #expect(refused.status != 0 && refused.stderr.contains("not a building layer"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("areas.city.json").path))
        #expect(try cim("export", store, "buildings", folder.appendingPathComponent("b.city.json").path).status == 0)
    }

    @Test func lonLatColumnsAgreeWithGDALsReprojection() throws {
        let (folder, store) = try CheckCLITests.generated()
        let out = folder.appendingPathComponent("kindergartens.csv").path
        let result = try cim("export", store, "facilities", out, "--lonlat", "--where", "category = 'kindergarten'", "--fields", "id,category")
        #expect(result.status == 0, "\(result.stderr)")
        // GDAL's own reprojection of the same points, as X,Y columns.
        let reference = folder.appendingPathComponent("reference.csv").path
        #expect(try tool("ogr2ogr", ["-f", "CSV", "-t_srs", "EPSG:4326", "-lco", "GEOMETRY=AS_XY", "-where", "category = 'kindergarten'", reference, store, "facilities"]).status == 0)
        func rows(_ path: String) throws -> [[String]] {
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        }
        let mine = try rows(out), theirs = try rows(reference)
        let header = mine[0], refHeader = theirs[0]
        #expect(header.suffix(2) == ["lon", "lat"] && header.contains("id") && !header.contains("name"))
        let (id, lon, lat) = (header.firstIndex(of: "id")!, header.firstIndex(of: "lon")!, header.firstIndex(of: "lat")!)
        let (rid, rx, ry) = (refHeader.firstIndex(of: "id")!, refHeader.firstIndex(of: "X")!, refHeader.firstIndex(of: "Y")!)
        let expected = Dictionary(theirs.dropFirst().map { ($0[rid], ($0[rx], $0[ry])) }, uniquingKeysWith: { a, _ in a })
        #expect(mine.count == theirs.count && mine.count > 1)
        var compared = 0
        for row in mine.dropFirst() {
            let (x, y) = (Double(row[lon])!, Double(row[lat])!)
            #expect((113 ... 119).contains(x) && (28 ... 31).contains(y), "\(row)")
            if row[0].hasPrefix("\"POINT"), let e = expected[row[id]], let ex = Double(e.0), let ey = Double(e.1) {
                #expect(abs(ex - x) < 1e-7 && abs(ey - y) < 1e-7)
                compared += 1
            }
        }
        #expect(compared > 0)
    }
}
