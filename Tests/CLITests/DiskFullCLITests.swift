import Foundation
import Testing

/// A small file system for the disk-full tests: the tmpfs that Scripts/test.sh mounts (CIM_TEST_SMALL_FS),
/// else one this process mounts when it runs as root; nil (the tests are skipped) otherwise.
let smallFileSystem: URL? = {
    if let path = ProcessInfo.processInfo.environment["CIM_TEST_SMALL_FS"], !path.isEmpty { return URL(fileURLWithPath: path) }
    guard getuid() == 0, let folder = try? scratchDirectory() else { return nil }
    guard let mounted = try? tool("mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", folder.path]), mounted.status == 0 else { return nil }
    atexit { _ = try? tool("umount", ["-l", smallFileSystemMountedHere ?? ""]) }
    smallFileSystemMountedHere = folder.path
    return folder
}()
/// `nonisolated(unsafe)` is safe here: written once, inside the lazy (thread-safe, run-once) initializer of
/// `smallFileSystem`, and read by the `atexit` handler when the process ends.
nonisolated(unsafe) var smallFileSystemMountedHere: String?

/// A full disk in the middle of a write: cim stops with "disk full", the transaction is rolled back and
/// the store is exactly as before (tables, gpkg_contents, cim_layers, row counts, integrity_check). The
/// store sits on a small tmpfs filled by a filler file until only a few kilobytes are left, so that the
/// write fails at different points (creating the layer, its rows, its R-tree, the commit).
@Suite(.serialized, .enabled(if: smallFileSystem != nil, "needs a small tmpfs: run Scripts/test.sh as root (it mounts one) or set CIM_TEST_SMALL_FS"))
struct DiskFullCLITests {
    static let leftKilobytes = [8, 24, 40, 60]

    /// Runs `arguments` (with STORE replaced by the store's path) on a copy of the Helsinki store once per
    /// amount of space left, and checks the failure and the store after it.
    func expectDiskFullLeavesStore(_ arguments: [String]) throws {
        let fs = try #require(smallFileSystem)
        let (folder, base) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        for left in Self.leftKilobytes {
            let store = fs.appendingPathComponent("s.gpkg").path
            let filler = fs.appendingPathComponent("filler")
            for path in [store, store + "-journal", filler.path] { try? FileManager.default.removeItem(atPath: path) }
            try FileManager.default.copyItem(atPath: base, toPath: store)
            let before = try StoreState(store)
            #expect(before.integrityOK)
            let free = try #require((try FileManager.default.attributesOfFileSystem(forPath: fs.path)[.systemFreeSize] as? NSNumber)?.intValue)
            #expect(FileManager.default.createFile(atPath: filler.path, contents: Data(count: max(0, free - left * 1024))))
            let result = try cim(arguments.map { $0 == "STORE" ? store : $0 })
            try FileManager.default.removeItem(at: filler)
            #expect(result.status == 1, "\(arguments.first!) with \(left) kB left: \(result.stderr)")
            let errorLines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(errorLines.count == 1 && errorLines[0].contains("disk full"), "\(left) kB left: \(result.stderr)")
            #expect(!result.stderr.contains("sqlite3_exec") && !result.stderr.contains("INSERT"), "no raw SQL: \(result.stderr)")
            let after = try StoreState(store)
            #expect(after == before, "\(arguments.first!) with \(left) kB left changed the store:\n\(before)\n---\n\(after)")
            #expect(!FileManager.default.fileExists(atPath: store + "-journal"))
        }
    }

    @Test func importFailsWithDiskFullAndLeavesTheStore() throws {
        try expectDiskFullLeavesStore(["import", "STORE", "buildings", repositoryData.appendingPathComponent("helsinki.osm.pbf").path])
    }

    @Test func coverageWriteFailsWithDiskFullAndLeavesTheStore() throws {
        try expectDiskFullLeavesStore(["coverage", "STORE"])
    }

    @Test func gapsWriteFailsWithDiskFullAndLeavesTheStore() throws {
        try expectDiskFullLeavesStore(["gaps", "STORE", "--kinds", "all"])
    }

    /// A failed export (a full disk) leaves the previous file untouched and no temporary folder.
    @Test func failedExportLeavesThePreviousFileAndNoTemporaryFolder() throws {
        let fs = try #require(smallFileSystem)
        let (folder, store) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["out.geojson", "out.gpkg", "out.shp", "out.city.json"] {
            let target = fs.appendingPathComponent(name).path
            let filler = fs.appendingPathComponent("filler")
            let layer = name.hasSuffix(".city.json") ? "buildings" : "pipe_nodes"
            let small = try cim("export", store, name.hasSuffix(".city.json") ? "buildings" : "pipes", target)
            #expect(small.status == 0, "\(small.stderr)")
            let before = try FileManager.default.contentsOfDirectory(atPath: fs.path).sorted()
            let bytes = try Data(contentsOf: URL(fileURLWithPath: target))
            let free = try #require((try FileManager.default.attributesOfFileSystem(forPath: fs.path)[.systemFreeSize] as? NSNumber)?.intValue)
            #expect(FileManager.default.createFile(atPath: filler.path, contents: Data(count: max(0, free - 16 * 1024))))
            let result = try cim("export", store, "buildings", target)
            try FileManager.default.removeItem(at: filler)
            #expect(result.status == 1, "\(name): \(result.stderr)")
            let line = result.stderr.split(separator: "\n").first { $0.hasPrefix("Error:") }.map(String.init)?.lowercased() ?? ""
            #expect(line.contains(target.lowercased()) && (line.contains("disk full") || line.contains("no space left")), "\(line)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == bytes, "\(name): the previous file is untouched")
            #expect(try FileManager.default.contentsOfDirectory(atPath: fs.path).sorted() == before, "\(name): no temporary folder left")
            for file in before { try FileManager.default.removeItem(at: fs.appendingPathComponent(file)) }
        }
    }

    /// A store on a read-only file system: writes (coverage, import, export, --out) fail with one line
    /// naming the file and saying it is read-only; nothing changes. (The tmpfs is remounted read-only.)
    @Test func aReadOnlyStoreOrFolderIsOneLine() throws {
        let fs = try #require(smallFileSystem)
        let (folder, base) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = fs.appendingPathComponent("ro.gpkg").path
        try? FileManager.default.removeItem(atPath: store)
        try FileManager.default.copyItem(atPath: base, toPath: store)
        let before = try StoreState(store)
        guard try tool("mount", ["-o", "remount,ro", fs.path]).status == 0 else { return }  // not allowed here: nothing to check
        defer { _ = try? tool("mount", ["-o", "remount,rw", fs.path]) }
        let cases: [([String], String)] = [
            (["coverage", store], "read-only"),
            (["import", store, "buildings", repositoryData.appendingPathComponent("helsinki.osm.pbf").path], "read-only"),
            (["export", base, "buildings", fs.appendingPathComponent("x.geojson").path], "read-only"),
            (["coverage", base, "--out", fs.appendingPathComponent("new.gpkg").path], "writable"),
        ]
        for (arguments, cause) in cases {
            let result = try cim(arguments)
            let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
            #expect(result.status == 1 && lines.count == 1 && lines[0].contains(fs.path) && lines[0].contains(cause), "\(arguments[0]): \(result.stderr)")
        }
        #expect(try StoreState(store) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: fs.path) == ["ro.gpkg"])
    }
}
