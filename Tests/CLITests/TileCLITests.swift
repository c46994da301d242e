import CSQLite
import Foundation
import Testing

/// `cim split`, `cim coverage` of every tile, `cim merge` and `cim fingerprints`, run as a user (or the Dask
/// driver) runs them: the merged layers equal a whole-city `cim coverage` of the same store, read back with
/// SQLite independently of cim; every `--format json` output parses; bad arguments give one line.
@Suite("cim split / merge / fingerprints, run as a user would", .serialized)
struct TileCLITests {
    /// Every row of a table of a GeoPackage, read with SQLite (not cim), ordered by fid: each value with all
    /// its digits (Swift's shortest round-trip form of a double), blobs (geometries) in hex.
    static func rows(_ path: String, _ table: String, except skipped: Set<String> = []) throws -> [String] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else { throw StoreStateError(message: "cannot open \(path)") }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, "SELECT * FROM \"\(table)\" ORDER BY fid", -1, &statement, nil) == SQLITE_OK else {
            throw StoreStateError(message: "\(path) \(table): \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        var result: [String] = []
        let columns = (0 ..< sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
        result.append(columns.filter { !skipped.contains($0) }.joined(separator: "|"))
        while sqlite3_step(statement) == SQLITE_ROW {
            var values: [String] = []
            for i in 0 ..< Int32(columns.count) where !skipped.contains(columns[Int(i)]) {
                switch sqlite3_column_type(statement, i) {
                case SQLITE_INTEGER: values.append(String(sqlite3_column_int64(statement, i)))
                case SQLITE_FLOAT: values.append("\(sqlite3_column_double(statement, i))")
                case SQLITE_NULL: values.append("NULL")
                case SQLITE_BLOB:
                    let count = Int(sqlite3_column_bytes(statement, i))
                    let bytes = sqlite3_column_blob(statement, i).map { Array(UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
                    values.append(bytes.map { String(format: "%02x", $0) }.joined())
                default: values.append(sqlite3_column_text(statement, i).map { String(cString: $0) } ?? "")
                }
            }
            result.append(values.joined(separator: "|"))
        }
        return result
    }

    /// One integer from SQL on a GeoPackage (independent of cim).
    static func integer(_ path: String, _ sql: String) throws -> Int {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK, let db else { throw StoreStateError(message: "cannot open \(path)") }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK, sqlite3_step(statement) == SQLITE_ROW else {
            throw StoreStateError(message: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        return Int(sqlite3_column_int64(statement, 0))
    }

    /// A generated city: its store, copied to `copies` stores of the given names.
    static func city(_ folder: URL, buildings: Int, seed: Int, copies: [String]) throws -> [String] {
        let source = folder.appendingPathComponent("source-\(seed).gpkg").path
        let generated = try cim("generate", "--buildings", String(buildings), "--seed", String(seed), source)
        #expect(generated.status == 0, "\(generated.stderr)")
        return try copies.map { name in
            let path = folder.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: source, toPath: path)
            return path
        }
    }

    /// Runs cim with --format json, expects success, and parses the output.
    static func jsonRun(_ arguments: [String]) throws -> [String: Any] {
        let result = try cim(arguments + ["--format", "json"])
        #expect(result.status == 0, "cim \(arguments.joined(separator: " ")): \(result.stderr)")
        return try json(result.stdout)
    }

    @Test("split, coverage of every tile, merge equals the whole-city coverage: every distance, flag and aggregate",
          arguments: ["euclidean", "network"])
    func splitMergeEqualsWholeCity(metric: String) throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stores = try Self.city(folder, buildings: 1200, seed: 21, copies: ["whole.gpkg", "split.gpkg"])
        let (whole, split) = (stores[0], stores[1])
        let options = ["--metric", metric, "--cutoff", "800"]
        let wholeSummary = try Self.jsonRun(["coverage", whole] + options)

        let tilesFolder = folder.appendingPathComponent("tiles").path
        let splitSummary = try Self.jsonRun(["split", split, "--by", "grid:900", "--halo", "800", tilesFolder])
        let tiles = try #require(splitSummary["tiles"] as? [[String: Any]])
        #expect(tiles.count >= 4, "the grid cuts the city: \(tiles.count) tiles")
        // Every building in exactly one tile: the tiles' buildings add up to the store's, counted by SQLite.
        let owned = tiles.compactMap { $0["buildings"] as? Int }.reduce(0, +)
        #expect(owned == (try Self.integer(split, "SELECT count(*) FROM buildings")))
        for tile in tiles {
            let store = URL(fileURLWithPath: tilesFolder).appendingPathComponent(try #require(tile["store"] as? String)).path
            #expect(try Self.integer(store, "SELECT count(*) FROM buildings") == tile["buildings"] as? Int)
            let summary = try Self.jsonRun(["coverage", store] + options)
            #expect(summary["categories"] is [[String: Any]])
        }
        let merged = try Self.jsonRun(["merge", tilesFolder, "--into", split, "--cutoff", "800"])
        let measures = try #require(merged["merge"] as? [[String: Any]])
        func measure(_ name: String) -> Any? { measures.first { ($0["measure"] as? String) == name }?["value"] }
        #expect(measure("tiles") as? Int == tiles.count)
        #expect(measure("beyond_halo buildings") as? Int == 0)

        // The layers, read back with SQLite: every column of the whole-city run, bit for bit (the merged
        // buildings layer adds beyond_halo, 0 for all here).
        for layer in ["coverage_buildings", "coverage_areas"] {
            let expected = try Self.rows(whole, layer)
            let actual = try Self.rows(split, layer, except: ["beyond_halo"])
            #expect(expected.count > 10, "\(layer): \(expected.count) rows")
            #expect(expected.first == actual.first, "\(layer): the columns")
            let differing = zip(expected, actual).filter { $0 != $1 }.count
            #expect(expected.count == actual.count && differing == 0, "\(metric) \(layer): \(differing) rows differ; first: \(zip(expected, actual).first { $0 != $1 }.map { "\($0.0)\n≠ \($0.1)" } ?? "")")
        }
        #expect(try Self.integer(split, "SELECT count(*) FROM coverage_buildings WHERE beyond_halo <> 0") == 0)
        // The city figures of the summary: every category and overview row as the whole-city run prints them.
        for key in ["categories", "overview", "worst_areas", "data_quality"] {
            // (the row naming the layers written names the store: whole.gpkg or split.gpkg)
            func figures(_ rows: [[String: Any]]) -> [[String: Any]] { rows.filter { !(($0["value"] as? String)?.contains(".gpkg") ?? false) } }
            let a = figures(try #require(wholeSummary[key] as? [[String: Any]])), b = figures(try #require(merged[key] as? [[String: Any]], "merge prints \(key)"))
            #expect(a.count > 0)
            #expect(NSArray(array: a).isEqual(to: b), "\(metric) summary table \(key)")
        }
        if metric == "network" {
            let a = try #require(wholeSummary["network"] as? [[String: Any]]), b = try #require(merged["network"] as? [[String: Any]])
            #expect(NSArray(array: a).isEqual(to: b), "network summary")
        }
    }

    @Test("fingerprints: counts match SQLite, the hash follows the content, cim batch records the source's")
    func fingerprints() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let source = try Self.city(folder, buildings: 300, seed: 4, copies: ["src.gpkg"])[0]
        let before = try Self.jsonRun(["fingerprints", source])
        let rows = try #require(before["fingerprints"] as? [[String: Any]])
        #expect(rows.count == 7)
        for row in rows {
            let layer = try #require(row["layer"] as? String)
            #expect(row["features"] as? Int == (try Self.integer(source, "SELECT count(*) FROM \"\(layer)\"")), "\(layer)")
            #expect((row["hash"] as? String)?.count == 16)
        }
        #expect((before["recorded"] as? [[String: Any]])?.isEmpty == true, "a generated file records no source")
        // The same content gives the same fingerprints; one changed value changes only its layer's hash.
        let again = try Self.jsonRun(["fingerprints", source])
        #expect(NSArray(array: rows).isEqual(to: again["fingerprints"] as? [[String: Any]] ?? []))
        // (through GDAL's ogrinfo: the GeoPackage's R-tree triggers need its SQL functions)
        let edit = try tool("ogrinfo", [source, "-q", "-sql", "UPDATE buildings SET floors = coalesce(floors, 0) + 1 WHERE fid = 1"])
        #expect(edit.status == 0, "\(edit.stderr)")
        let changed = try #require(try Self.jsonRun(["fingerprints", source])["fingerprints"] as? [[String: Any]])
        for (a, b) in zip(rows, changed) {
            let layer = a["layer"] as? String
            #expect((a["hash"] as? String == b["hash"] as? String) == (layer != "buildings"), "\(layer ?? "?")")
        }
        // cim batch copies the layers into the city's store and records the source's fingerprints there.
        try #"{"target": "out", "year": 2025, "cities": [{"name": "c1", "source": "src.gpkg"}]}"#
            .write(to: folder.appendingPathComponent("cities.json"), atomically: true, encoding: .utf8)
        let batch = try cim("batch", folder.appendingPathComponent("cities.json").path, "-j", "1", "--format", "json")
        #expect(batch.status == 0, "\(batch.stderr)")
        let city = folder.appendingPathComponent("out/c1.gpkg").path
        let recorded = try #require(try Self.jsonRun(["fingerprints", city])["recorded"] as? [[String: Any]])
        #expect(recorded.count == 7)
        for (mine, theirs) in zip(changed, recorded) {
            #expect(mine["layer"] as? String == theirs["layer"] as? String && mine["features"] as? Int == theirs["features"] as? Int
                    && mine["hash"] as? String == theirs["hash"] as? String, "recorded \(theirs)")
            #expect(theirs["source_backend"] as? String == "GeoPackage")
        }
        // The copy holds the same content: its own fingerprints equal the source's.
        let copied = try #require(try Self.jsonRun(["fingerprints", city])["fingerprints"] as? [[String: Any]])
        #expect(NSArray(array: changed).isEqual(to: copied))
    }

    /// A command that must fail with one line naming the problem and change nothing.
    static func expectOneLineError(_ arguments: [String], _ phrase: String, unchanged store: String, folder: URL) throws {
        let files = FileManager.default.subpaths(atPath: folder.path)?.sorted()
        let state = try StoreState(store)
        let result = try cim(arguments)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(result.status != 0, "\(arguments): status 0")
        #expect(lines.count == 1 && lines.first?.hasPrefix("Error: ") == true && result.stderr.contains(phrase),
                "\(arguments.joined(separator: " ")): one line with '\(phrase)', got: \(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(FileManager.default.subpaths(atPath: folder.path)?.sorted() == files, "\(arguments): nothing written")
        #expect(try StoreState(store) == state, "\(arguments): the store is unchanged")
    }

    @Test("bad arguments: missing folder, a folder not split, tiles of another store, tiles not run, an existing folder")
    func badArguments() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let stores = try Self.city(folder, buildings: 400, seed: 8, copies: ["a.gpkg"]) + (try Self.city(folder, buildings: 400, seed: 9, copies: ["b.gpkg"]))
        let (a, b) = (stores[0], stores[1])
        let tilesA = folder.appendingPathComponent("tiles-a").path, tilesB = folder.appendingPathComponent("tiles-b").path
        #expect(try cim("split", a, "--by", "grid:800", "--halo", "500", tilesA).status == 0)
        #expect(try cim("split", b, "--by", "grid:800", "--halo", "500", tilesB).status == 0)

        // Merging before the tiles were run.
        try Self.expectOneLineError(["merge", tilesA, "--into", a], "has no coverage_buildings", unchanged: a, folder: folder)
        for tile in try FileManager.default.contentsOfDirectory(atPath: tilesA) where tile.hasSuffix(".gpkg") {
            #expect(try cim("coverage", "\(tilesA)/\(tile)", "--cutoff", "500").status == 0)
        }
        for tile in try FileManager.default.contentsOfDirectory(atPath: tilesB) where tile.hasSuffix(".gpkg") {
            #expect(try cim("coverage", "\(tilesB)/\(tile)", "--cutoff", "500").status == 0)
        }
        let missing = folder.appendingPathComponent("no-such-folder").path
        try Self.expectOneLineError(["merge", missing, "--into", a], "no tile manifest", unchanged: a, folder: folder)
        let empty = folder.appendingPathComponent("not-split")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: false)
        try Self.expectOneLineError(["merge", empty.path, "--into", a], "no tile manifest", unchanged: a, folder: folder)
        // Tiles of b merged into a (a store that was not split into them).
        try Self.expectOneLineError(["merge", tilesB, "--into", a], "the buildings are not those that were split", unchanged: a, folder: folder)
        // One tile of a's folder swapped for a tile of b's.
        let mixed = folder.appendingPathComponent("tiles-mixed").path
        try FileManager.default.copyItem(atPath: tilesA, toPath: mixed)
        try FileManager.default.removeItem(atPath: "\(mixed)/tile-1.gpkg")
        try FileManager.default.copyItem(atPath: "\(tilesB)/tile-1.gpkg", toPath: "\(mixed)/tile-1.gpkg")
        try Self.expectOneLineError(["merge", mixed, "--into", a, "--cutoff", "500"], "tile ", unchanged: a, folder: folder)
        // Split into a folder that exists; fingerprints of a store that does not.
        try Self.expectOneLineError(["split", a, "--by", "grid:800", "--halo", "500", tilesA], "exists already", unchanged: a, folder: folder)
        try Self.expectOneLineError(["split", a, "--by", "hexagons", "--halo", "500", "\(folder.path)/t"], "--by", unchanged: a, folder: folder)
        try Self.expectOneLineError(["fingerprints", "\(folder.path)/none.gpkg"], "does not exist", unchanged: a, folder: folder)
        // And the right folder merges.
        let ok = try cim("merge", tilesA, "--into", a, "--cutoff", "500", "--format", "json")
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try json(ok.stdout)["merge"] is [[String: Any]])
    }
}
