import Foundation
import Testing

/// A write killed with SIGKILL part-way — the re-import of a layer, the coverage layers, the gaps layers —
/// leaves the previous contents, or the whole new write if it had committed; never a broken store or a
/// half-written layer (README: "a failed or interrupted import leaves the previous contents"; "nothing is
/// half-written"). The kills land at 20 %, 50 % and 80 % of a complete run's time on this machine, so they
/// hit different stages (reading, computing, writing rows, the R-tree, the commit) wherever the tests run.
///
/// The QGIS field aliases and default styles (`gpkg_data_columns`, `layer_styles`) are compared too: they are
/// written in the layers' own transaction, so a kill never leaves result layers without them.
@Suite(.serialized) struct KillDuringWriteCLITests {
    /// The store's shape, the QGIS metadata tables included.
    static func data(_ state: StoreState) -> [String] { state.shape }

    func expectKillLeavesWholeStore(_ arguments: [String], changes: Bool = true) throws {
        let (folder, base) = try helsinkiStore()
        defer { try? FileManager.default.removeItem(at: folder) }
        let before = try StoreState(base)
        // A complete run on a copy: what the store looks like when the write landed, and how long it takes.
        let whole = folder.appendingPathComponent("whole.gpkg").path
        try FileManager.default.copyItem(atPath: base, toPath: whole)
        let started = Date()
        let complete = try cim(arguments.map { $0 == "STORE" ? whole : $0 })
        let seconds = Date().timeIntervalSince(started)
        #expect(complete.status == 0, "\(complete.stderr)")
        let landed = try StoreState(whole)
        if changes { #expect(Self.data(landed) != Self.data(before), "\(arguments[0]) changes the store") }
        for share in [0.2, 0.5, 0.8] {
            let store = folder.appendingPathComponent("killed-\(share).gpkg").path
            try FileManager.default.copyItem(atPath: base, toPath: store)
            let process = Process()
            process.executableURL = cimExecutable
            process.arguments = arguments.map { $0 == "STORE" ? store : $0 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: seconds * share)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            // The next command opens the store for writing, as a user's would (SQLite rolls back a hot journal then).
            let info = try cim("info", store)
            #expect(info.status == 0, "info after \(arguments[0]) killed at \(share): \(info.stderr)")
            let after = try StoreState(store)
            #expect(after.integrityOK, "\(arguments[0]) killed at \(Int(share * 100)) %: \(after.lines.first ?? "")")
            #expect(after == before || Self.data(after) == Self.data(landed),
                    "\(arguments[0]) killed at \(Int(share * 100)) % left a store that is neither the old nor the new one:\n\(after)")
        }
    }

    @Test func aKilledReimportLeavesThePreviousLayerOrTheNewOne() throws {
        // The same source again: the new layer has the old one's rows, so only a half-written one would differ.
        try expectKillLeavesWholeStore(["import", "STORE", "buildings", repositoryData.appendingPathComponent("helsinki.osm.pbf").path], changes: false)
    }

    @Test func aKilledCoverageLeavesThePreviousLayersOrTheNewOnes() throws {
        try expectKillLeavesWholeStore(["coverage", "STORE"])
    }

    @Test func aKilledGapsLeavesThePreviousLayersOrTheNewOnes() throws {
        try expectKillLeavesWholeStore(["gaps", "STORE", "--kinds", "all"])
    }
}
