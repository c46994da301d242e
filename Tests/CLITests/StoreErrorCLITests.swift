import CSQLite
import Foundation
import Testing

/// Errors a person understands: one line with the file and the cause, no raw SQL or driver internals.
@Suite struct StoreErrorCLITests {
    func errorLines(_ result: CommandResult) -> [String] {
        result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }.map(String.init)
    }

    @Test func aStoreLockedByAnotherWriterIsReportedBusy() throws {
        let (folder, store) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try StoreState(store)
        // Another process's write transaction, held here on an independent SQLite connection.
        var db: OpaquePointer?
        #expect(sqlite3_open(store, &db) == SQLITE_OK)
        defer { sqlite3_close(db) }
        #expect(sqlite3_exec(db, "BEGIN EXCLUSIVE", nil, nil, nil) == SQLITE_OK)
        let result = try cim("coverage", store)
        sqlite3_exec(db, "ROLLBACK", nil, nil, nil)
        #expect(result.status == 1)
        let lines = errorLines(result)
        #expect(lines.count == 1 && lines[0].contains(store) && lines[0].contains("the store is busy: another process is writing it"), "\(result.stderr)")
        #expect(!result.stderr.contains("SELECT") && !result.stderr.contains("sqlite3_"), "\(result.stderr)")
        #expect(try StoreState(store) == before)
    }

    @Test func aCorruptOrForeignStoreIsOneLine() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let garbage = folder.appendingPathComponent("garbage.gpkg")
        try Data((0 ..< 4096).map { UInt8(truncatingIfNeeded: $0 &* 31) }).write(to: garbage)
        let text = folder.appendingPathComponent("notes.gpkg")
        try Data("these are notes, not a GeoPackage\n".utf8).write(to: text)
        for path in [garbage.path, text.path] {
            for arguments in [["info", path], ["coverage", path], ["import", path, "buildings", repositoryData.appendingPathComponent("helsinki.osm.pbf").path]] {
                let result = try cim(arguments)
                let lines = errorLines(result)
                #expect(result.status == 1, "\(arguments): \(result.stderr)")
                #expect(lines.count == 1 && lines[0].contains(path), "\(arguments): \(result.stderr)")
                #expect(!result.stderr.contains("NSCocoaErrorDomain") && !result.stderr.contains("sqlite3_"), "\(result.stderr)")
            }
            // The file is left as it was.
            #expect(FileManager.default.fileExists(atPath: path))
        }
        #expect(try Data(contentsOf: text) == Data("these are notes, not a GeoPackage\n".utf8))
    }

    @Test func resultsIntoAFileThatIsNotAGeoPackageAreRefused() throws {
        let (folder, store) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let notes = folder.appendingPathComponent("notes.gpkg")
        try Data("keep me".utf8).write(to: notes)
        for arguments in [["coverage", store, "--out", notes.path], ["export", store, "buildings", notes.path]] {
            let result = try cim(arguments)
            let lines = errorLines(result)
            #expect(result.status == 1 && lines.count == 1 && lines[0].contains("not a GeoPackage"), "\(arguments): \(result.stderr)")
            #expect(try Data(contentsOf: notes) == Data("keep me".utf8))
        }
    }

    /// Found by Fuzz/FuzzCSVImport: GDAL 3.6's CSV driver crashes on a header naming a coordinate column
    /// twice. cim refuses the file with one line before GDAL reads it.
    @Test func aCSVNamingACoordinateColumnTwiceIsRefused() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let csv = folder.appendingPathComponent("dup.csv")
        try Data("\"id\",\"category\",\"x\",\"X\",\"y\"\n\"a\",\"market\",1,2,3\n".utf8).write(to: csv)
        let store = folder.appendingPathComponent("s.gpkg").path
        let result = try cim("import", store, "facilities", csv.path, "--source-crs", "EPSG:4548")
        let lines = errorLines(result)
        #expect(result.status == 1 && lines.count == 1 && lines[0].contains("names the column 'x' twice"), "\(result.stderr)")
    }
}
