import Foundation
import Testing

/// Exports and `--out` never lose or misplace data: an export onto a directory is refused and leaves it;
/// a failed export (a full disk) leaves the previous file and no temporary folder; a Shapefile's parts are
/// replaced together; results never land in a store of another CRS under its name.
@Suite(.serialized) struct ExportSafetyCLITests {
    /// The single "Error:" line of a failed run.
    func errorLine(_ result: CommandResult) -> String {
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
        #expect(lines.count == 1, "one error line: \(result.stderr)")
        return lines.first.map(String.init) ?? ""
    }

    @Test func exportOntoADirectoryIsRefusedAndLeavesIt() throws {
        let (folder, store) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["results.gpkg", "results.geojson", "results.shp", "results.city.json"] {
            let directory = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data("keep".utf8).write(to: directory.appendingPathComponent("inside.txt"))
            let result = try cim("export", store, "buildings", directory.path)
            #expect(result.status == 1)
            #expect(errorLine(result).contains("is a directory"), "\(result.stderr)")
            #expect(try String(contentsOf: directory.appendingPathComponent("inside.txt"), encoding: .utf8) == "keep")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.hasPrefix(".cim-export") })
    }

    @Test func shapefilePartsAreReplacedTogether() throws {
        let (folder, store) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let shp = folder.appendingPathComponent("layer.shp").path
        #expect(try cim("export", store, "roads", shp).status == 0)
        let roads = try tool("ogrinfo", ["-so", "-al", shp]).stdout
        #expect(roads.contains("Line String"))
        let second = try cim("export", store, "buildings", shp)
        #expect(second.status == 0, "\(second.stderr)")
        let info = try tool("ogrinfo", ["-so", "-al", shp]).stdout
        let buildings = try cim("info", store, "--format", "json")
        #expect(info.contains("Polygon"), "\(info)")
        // Every part is the buildings': the .dbf has the buildings' fields and as many records as the .shp.
        #expect(info.contains("floors:") && !info.contains("walkable:"), "\(info)")
        #expect(buildings.status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.allSatisfy { !$0.hasPrefix(".cim-export") }, "\(files)")
    }

    @Test func resultsAreNotWrittenIntoAStoreOfAnotherCRS() throws {
        let (folder, store) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let other = folder.appendingPathComponent("other.gpkg").path
        #expect(try cim("generate", "--buildings", "50", other).status == 0)
        let before = try StoreState(other)
        for arguments in [["coverage", store, "--out", other], ["gaps", store, "--kinds", "all", "--out", other], ["audit", store, "--kinds", "all", "--out", other],
                          ["isochrones", store, "--category", "bus_stop", "--out", other]] {
            let result = try cim(arguments)
            #expect(result.status == 1, "\(arguments[0]): \(result.stderr)")
            #expect(errorLine(result).contains("CRS is EPSG:4548"), "\(result.stderr)")
            #expect(try StoreState(other) == before)
        }
    }

    @Test func exportIntoAnotherStoreIsReprojectedToItsCRS() throws {
        let (folder, store) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let other = folder.appendingPathComponent("other.gpkg").path
        #expect(try cim("generate", "--buildings", "50", other).status == 0)
        let crs = try sourceCRS(store)
        #expect(try cim("export", store, "pipe_nodes", other).status == 0)
        // The layer is in the target's CRS: its srs_id, and one source point transformed by PROJ's cs2cs.
        let srs = try tool("ogrinfo", ["-q", other, "-sql", "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'pipe_nodes'"]).stdout
        #expect(srs.contains("= 4548"), "\(srs)")
        let sourcePoint = try firstPoint(store, "pipe_nodes")
        let targetPoint = try firstPoint(other, "pipe_nodes")
        let projected = try run(URL(fileURLWithPath: "/usr/bin/env"), ["sh", "-c", "echo '\(sourcePoint.0) \(sourcePoint.1)' | cs2cs -f %.3f \(crs) +to EPSG:4548"]).stdout
        let values = projected.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { Double($0) }
        // cs2cs writes EPSG:4548 in its authority's axis order: northing, then easting.
        #expect(values.count >= 2 && abs(values[1] - targetPoint.0) < 0.01 && abs(values[0] - targetPoint.1) < 0.01, "\(projected) vs \(targetPoint)")
    }

    /// The store's CRS from its cim_metadata.
    func sourceCRS(_ store: String) throws -> String {
        let out = try tool("ogrinfo", ["-q", store, "-sql", "SELECT value FROM cim_metadata WHERE key = 'crs'"]).stdout
        let value = out.split(separator: "=").last?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try #require(value)
    }

    /// The first point of a layer (ogrinfo, fid order).
    func firstPoint(_ store: String, _ layer: String) throws -> (Double, Double) {
        let out = try tool("ogrinfo", ["-q", store, "-sql", "SELECT geom FROM \(layer) ORDER BY fid LIMIT 1"]).stdout
        let text = try #require(out.range(of: "POINT (").map { out[$0.upperBound...] })
        let numbers = text.prefix { $0 != ")" }.split(separator: " ").compactMap { Double($0) }
        return (numbers[0], numbers[1])
    }
}
