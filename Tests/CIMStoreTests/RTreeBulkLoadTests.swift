@testable import CIMStore
import CIMGeometry
import CIMIndex
import Foundation
import Testing

/// The GeoPackage spatial index written in one go (``SQLiteRTreeBulkLoad``): SQLite's own `rtreecheck()`
/// accepts it, it holds exactly the non-empty geometries with boxes that contain their true envelopes,
/// window queries through it equal brute force over the envelopes (SQLite's R*Tree and GDAL's spatial
/// filter), and it keeps working as an ordinary R*Tree after more rows are written through GDAL.
@Suite("Packed GeoPackage R-tree")
struct RTreeBulkLoadTests {
    func sql(_ path: String, _ query: String) throws -> String {
        let result = try run("sqlite3", ["-batch", path, query])
        #expect(result.status == 0, "sqlite3 \(query): \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `n` random rectangles (some empty geometries) around Jiujiang in EPSG:4548.
    func layer(_ n: Int, seed: UInt64) throws -> FeatureTable {
        var state = seed
        func uniform(_ r: ClosedRange<Double>) -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return r.lowerBound + Double(state >> 11) / Double(1 << 53) * (r.upperBound - r.lowerBound)
        }
        var geometries = GeometryColumn()
        var ids: [Int64?] = []
        for i in 0 ..< n {
            if i % 97 == 13 {
                geometries.beginFeature(.multiPolygon)
                geometries.endFeature()
            } else {
                let x = 400_000 + uniform(0 ... 20_000), y = 3_280_000 + uniform(0 ... 20_000)
                let w = uniform(0.001 ... 60), h = uniform(0.001 ... 60)
                geometries.beginFeature(.multiPolygon)
                geometries.addRing([(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)])
                geometries.endPart()
                geometries.endFeature()
            }
            ids.append(Int64(i))
        }
        return FeatureTable(name: "boxes", geometryType: .multiPolygon, geometries: geometries,
                            columns: [AttributeColumn("k", .integer(ids))], crs: try CoordinateReferenceSystem(epsg: 4548))
    }

    @Test("rtreecheck accepts it; every non-empty row is indexed with a box containing its envelope", arguments: [1, 60, 5000, 40000])
    func structureAndContents(count: Int) throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("s.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path)
            let table = try layer(count, seed: UInt64(count))
            try store.writeLayer(table, provenance: LayerProvenance(source: "test"), establishing: try CoordinateReferenceSystem(epsg: 4548))
            #expect(try sql(path, "SELECT rtreecheck('rtree_boxes_geom')") == "ok")
            let nonEmpty = (0 ..< count).filter { !table.geometries.parts(of: $0).isEmpty }
            #expect(try sql(path, "SELECT count(*) FROM rtree_boxes_geom") == "\(nonEmpty.count)")
            // Boxes contain the true envelopes (float rounding outward) and are tight to a float ulp (0.25 m at 3.3e6).
            let rows = try sql(path, "SELECT id, minx, maxx, miny, maxy FROM rtree_boxes_geom ORDER BY id").split(separator: "\n")
            #expect(rows.count == nonEmpty.count)
            var contained = 0
            for (row, i) in zip(rows, nonEmpty) {
                let v = row.split(separator: "|").map { Double($0)! }
                let e = table.geometries.envelope(i)
                #expect(Int(v[0]) == i + 1, "fid of row \(i)")
                if v[1] <= e.minX && v[2] >= e.maxX && v[3] <= e.minY && v[4] >= e.maxY
                    && e.minX - v[1] <= 0.25 && v[2] - e.maxX <= 0.25 && e.minY - v[3] <= 0.25 && v[4] - e.maxY <= 0.25 { contained += 1 }
            }
            #expect(contained == nonEmpty.count)
            if count >= 5000 {
                #expect(try Int(sql(path, "SELECT count(*) FROM rtree_boxes_geom_node"))! > 2, "a tree with inner levels")
            }
        }
    }

    @Test("window queries through the index equal brute force, in SQLite and through GDAL's spatial filter")
    func windowQueries() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("w.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path)
            let table = try layer(20000, seed: 7)
            try store.writeLayer(table, provenance: LayerProvenance(source: "test"), establishing: try CoordinateReferenceSystem(epsg: 4548))
            var seen = 0
            for (k, window) in [(401_000.0, 3_281_000.0, 401_500.0, 3_281_400.0), (410_000, 3_290_000, 410_030, 3_290_020),
                                (399_000, 3_279_000, 421_000, 3_301_000), (405_000, 3_285_000, 405_000.5, 3_285_000.5)].enumerated() {
                let (minX, minY, maxX, maxY) = window
                let expected = (0 ..< table.count).filter { i in
                    guard !table.geometries.parts(of: i).isEmpty else { return false }
                    let e = table.geometries.envelope(i)
                    return e.maxX >= minX && e.minX <= maxX && e.maxY >= minY && e.minY <= maxY
                }.map { $0 + 1 }
                // The R*Tree stores float boxes rounded outward: a superset by at most rounding extras.
                let plain = try sql(path, """
                    SELECT id FROM rtree_boxes_geom WHERE maxx >= \(minX) AND minx <= \(maxX) AND maxy >= \(minY) AND miny <= \(maxY) ORDER BY id
                    """).split(separator: "\n").compactMap { Int($0) }
                #expect(Set(expected).isSubset(of: Set(plain)), "window \(k): every intersecting row is found")
                #expect(plain.count - expected.count <= 2, "window \(k): only float-rounding extras")
                let ogr = try run("ogrinfo", ["-q", "-spat", "\(minX)", "\(minY)", "\(maxX)", "\(maxY)", path, "boxes"])
                #expect(ogr.status == 0, "\(ogr.stderr)")
                let fids = ogr.stdout.split(separator: "\n").compactMap { line -> Int? in
                    guard line.hasPrefix("OGRFeature(boxes):") else { return nil }
                    return Int(line.dropFirst("OGRFeature(boxes):".count))
                }
                #expect(fids.sorted() == expected, "window \(k): GDAL's spatial filter through the index")
                seen += expected.count
            }
            // The third window holds the whole layer.
            #expect(seen > (0 ..< table.count).filter { !table.geometries.parts(of: $0).isEmpty }.count)
        }
    }

    @Test("the packed tree stays an ordinary R*Tree: rows added and deleted afterwards keep it consistent")
    func laterEditsThroughGDAL() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("e.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path)
            try store.writeLayer(try layer(6000, seed: 3), provenance: LayerProvenance(source: "test"), establishing: try CoordinateReferenceSystem(epsg: 4548))
            // GDAL's triggers are back in place: an append through GDAL and a delete go through the R*Tree module.
            let source = try write(#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"k": -1}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[1, 1], [2, 1], [2, 2], [1, 1]]]]}}]}"#, to: dir, "one.geojson")
            let ogr = try run("ogr2ogr", ["-append", "-update", "-s_srs", "EPSG:4548", "-t_srs", "EPSG:4548", "-nln", "boxes", path, source])
            #expect(ogr.status == 0, "\(ogr.stderr)")
            #expect(try sql(path, "SELECT count(*) FROM rtree_boxes_geom WHERE minx <= 1.5 AND maxx >= 1.5") == "1")
            let indexed = try Int(sql(path, "SELECT count(*) FROM rtree_boxes_geom"))!
            let deletedIndexed = try Int(sql(path, "SELECT count(*) FROM rtree_boxes_geom WHERE id % 3 = 0"))!
            #expect(deletedIndexed > 1000)
            _ = try sql(path, "DELETE FROM boxes WHERE fid % 3 = 0")
            #expect(try sql(path, "SELECT rtreecheck('rtree_boxes_geom')") == "ok")
            #expect(try sql(path, "SELECT count(*) FROM rtree_boxes_geom WHERE id % 3 = 0") == "0")
            #expect(try Int(sql(path, "SELECT count(*) FROM rtree_boxes_geom"))! == indexed - deletedIndexed)
            // The feature-count triggers set aside during the write are back: a row inserted by SQL counts.
            let insert = try run("ogrinfo", [path, "-sql", "INSERT INTO boxes (k) VALUES (-2)"])
            #expect(insert.status == 0, "\(insert.stderr)")
            let counted = try sql(path, "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'boxes'")
            #expect(counted == (try sql(path, "SELECT count(*) FROM boxes")), "gpkg_ogr_contents keeps the count")
            #expect(try sql(path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('rtree_boxes_geom_insert', 'trigger_insert_feature_count_boxes')") == "2")
        }
    }

    @Test("a replaced layer is staged under another name, then takes the old one's place: same shape as a fresh write, nothing left over, free pages reused")
    func replacingALayer() throws {
        try withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("r.gpkg").path
            let store = try GeoPackageStore.openOrCreate(path)
            let crs = try CoordinateReferenceSystem(epsg: 4548)
            try store.writeLayer(try layer(3000, seed: 11), provenance: LayerProvenance(source: "first"), establishing: crs)
            try store.writeLayer(FeatureTable(name: "other", geometryType: .multiPolygon, geometries: try layer(50, seed: 2).geometries,
                                              columns: [AttributeColumn("j", .integer((0 ..< 50).map { Int64($0) }))], crs: crs),
                                 provenance: LayerProvenance(source: "other"), establishing: nil)
            var pages: [Int] = []
            for (round, count) in [4000, 4000, 2500, 4000].enumerated() {
                let table = try layer(count, seed: UInt64(100 + round))
                try store.writeLayer(table, provenance: LayerProvenance(source: "round \(round)"), establishing: nil)
                // The contents are the new table's, read back through GDAL.
                let back = try GeoPackageStore.open(path).snapshot("boxes")
                #expect(back.count == count)
                #expect(back.integers("k") == (0 ..< count).map { Optional(Int64($0)) })
                #expect((0 ..< count).allSatisfy { back.geometries.wkb($0) == table.geometries.wkb($0) }, "round \(round): geometries")
                // No staging table, trigger, index or metadata row is left; GDAL lists the two layers.
                #expect(try sql(path, "SELECT count(*) FROM sqlite_master WHERE name LIKE '%cim_stage%' OR sql LIKE '%cim_stage%'") == "0")
                for table in ["gpkg_contents", "gpkg_geometry_columns", "gpkg_ogr_contents", "gpkg_extensions"] {
                    #expect(try sql(path, "SELECT count(*) FROM \(table) WHERE table_name LIKE '%cim_stage%'") == "0", "\(table)")
                }
                #expect(try GeoPackageStore.open(path).layerNames.filter { !$0.hasPrefix("cim_") } == ["boxes", "other"])
                // The spatial index, the triggers, the count and the extent are those of a fresh write.
                #expect(try sql(path, "SELECT rtreecheck('rtree_boxes_geom')") == "ok")
                let nonEmpty = (0 ..< count).filter { !table.geometries.parts(of: $0).isEmpty }
                #expect(try sql(path, "SELECT count(*) FROM rtree_boxes_geom") == "\(nonEmpty.count)")
                #expect(try sql(path, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'boxes' ORDER BY name)")
                    == ["rtree_boxes_geom_delete", "rtree_boxes_geom_insert", "rtree_boxes_geom_update1", "rtree_boxes_geom_update2", "rtree_boxes_geom_update3",
                        "rtree_boxes_geom_update4", "trigger_delete_feature_count_boxes", "trigger_insert_feature_count_boxes"].joined(separator: ","))
                #expect(try sql(path, "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'boxes'") == "\(count)")
                let extent = nonEmpty.map { table.geometries.envelope($0) }.reduce(nil as Envelope?) { sum, e in sum.map { $0.union(e) } ?? e }!
                let stored = try sql(path, "SELECT printf('%.17g|%.17g|%.17g|%.17g', min_x, min_y, max_x, max_y) FROM gpkg_contents WHERE table_name = 'boxes'").split(separator: "|").map { Double($0)! }
                // (sqlite3 prints 16 digits at most: equal to within the printing.)
                #expect(zip(stored, [extent.minX, extent.minY, extent.maxX, extent.maxY]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(stored) vs \(extent)")
                #expect(try sql(path, "PRAGMA integrity_check") == "ok")
                #expect(try GeoPackageStore.open(path).snapshot("other").count == 50, "the other layer is untouched")
                pages.append(try Int(sql(path, "PRAGMA page_count"))!)
            }
            // The old table's pages stay free and the next write reuses them: the file stops growing.
            #expect(pages[3] <= pages[1] + pages[1] / 20, "page counts per round: \(pages)")
            // The layer still works as an ordinary GDAL layer after the rename: an insert is indexed and counted.
            let insert = try run("ogrinfo", [path, "-sql", "INSERT INTO boxes (k, geom) SELECT k, geom FROM boxes WHERE fid = 2"])
            #expect(insert.status == 0, "\(insert.stderr)")
            #expect(try sql(path, "SELECT feature_count FROM gpkg_ogr_contents WHERE table_name = 'boxes'") == "4001")
            #expect(try sql(path, "SELECT count(*) FROM rtree_boxes_geom WHERE id = 4001") == "1")
            #expect(try sql(path, "SELECT rtreecheck('rtree_boxes_geom')") == "ok")
        }
    }

    @Test("sort-tile-recursive packing: groups partition the items, no node over capacity or under half full")
    func packing() {
        for n in [1, 50, 51, 52, 103, 2601, 2602, 10000] {
            let items: [RTreeEntry] = (0 ..< n).map { (i: Int) -> RTreeEntry in
                let x = Float(i % 97), y = Float(i / 97)
                return RTreeEntry(id: Int64(i), minX: x, maxX: x + 1, minY: y, maxY: y + 1)
            }
            let (sorted, groups) = SQLiteRTreeBulkLoad.strOrder(items, capacity: 51)
            #expect(Set(sorted.map { $0.id }) == Set(items.map { $0.id }))
            #expect(groups.first?.lowerBound == 0 && groups.last?.upperBound == n)
            #expect(zip(groups, groups.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(groups.allSatisfy { $0.count <= 51 })
            if groups.count > 1 { #expect(groups.allSatisfy { $0.count >= 25 }, "n = \(n): \(groups.map { $0.count }.min()!)") }
        }
    }
}
