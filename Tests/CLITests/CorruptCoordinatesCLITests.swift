import CSQLite
import Foundation
import Testing

/// A store written by another tool may hold NaN, infinite or absurd coordinates (cim's import rejects
/// them). Every analysis refuses such a store with one line naming the layer and the feature: no crash, no
/// answer computed from garbage, nothing written.
@Suite struct CorruptCoordinatesCLITests {
    /// A GeoPackage blob (little-endian header without envelope) of `wkb`.
    static func blob(_ wkb: [UInt8], srsID: Int32) -> [UInt8] {
        var out: [UInt8] = [0x47, 0x50, 0, 0x01]
        withUnsafeBytes(of: srsID.littleEndian) { out += $0 }
        return out + wkb
    }

    static func uint32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func double(_ v: Double) -> [UInt8] { withUnsafeBytes(of: v.bitPattern.littleEndian) { Array($0) } }

    /// ISO WKB of a line (type 2) or a one-ring multipolygon (type 6) through `points`.
    static func wkb(_ points: [(Double, Double)], polygon: Bool) -> [UInt8] {
        var coordinates: [UInt8] = uint32(UInt32(points.count))
        for (x, y) in points { coordinates += double(x) + double(y) }
        if !polygon { return [1] + uint32(2) + coordinates }
        return [1] + uint32(6) + uint32(1) + [1] + uint32(3) + uint32(1) + coordinates
    }

    /// Replaces the geometry of the first feature of `layer` as another tool would: plain SQLite, without
    /// GDAL's triggers (their ST_ functions exist only inside GDAL). Returns the feature's fid.
    func corrupt(_ store: String, _ layer: String, with value: Double, polygon: Bool) throws -> Int64 {
        var db: OpaquePointer?
        guard sqlite3_open(store, &db) == SQLITE_OK, let db else { throw StoreStateError(message: "cannot open \(store)") }
        defer { sqlite3_close(db) }
        func exec(_ sql: String) throws {
            guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else { throw StoreStateError(message: "\(sql): \(String(cString: sqlite3_errmsg(db)))") }
        }
        var triggers: [String] = []
        var statement: OpaquePointer?
        sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = '\(layer)'", -1, &statement, nil)
        while sqlite3_step(statement) == SQLITE_ROW { triggers.append(String(cString: sqlite3_column_text(statement, 0))) }
        sqlite3_finalize(statement)
        for trigger in triggers { try exec("DROP TRIGGER \"\(trigger)\"") }
        sqlite3_prepare_v2(db, "SELECT fid FROM \"\(layer)\" ORDER BY fid LIMIT 1", -1, &statement, nil)
        sqlite3_step(statement)
        let fid = sqlite3_column_int64(statement, 0)
        sqlite3_finalize(statement)
        let points: [(Double, Double)] = polygon ? [(385_000, 6_672_000), (385_010, 6_672_000), (value, 6_672_010), (385_000, 6_672_000)]
                                                 : [(385_000, 6_672_000), (value, 6_672_010)]
        let bytes = Self.blob(Self.wkb(points, polygon: polygon), srsID: 32635)
        sqlite3_prepare_v2(db, "UPDATE \"\(layer)\" SET geom = ? WHERE fid = ?", -1, &statement, nil)
        _ = bytes.withUnsafeBytes { sqlite3_bind_blob(statement, 1, $0.baseAddress, Int32($0.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self)) }
        sqlite3_bind_int64(statement, 2, fid)
        let status = sqlite3_step(statement)
        sqlite3_finalize(statement)
        guard status == SQLITE_DONE else { throw StoreStateError(message: "update failed: \(String(cString: sqlite3_errmsg(db)))") }
        return fid
    }

    @Test(arguments: [Double.nan, .infinity, -1e300])
    func analysesRefuseAStoreWithBadCoordinates(_ value: Double) throws {
        let cases: [(layer: String, polygon: Bool, commands: [[String]])] = [
            ("buildings", true, [["coverage", "STORE"], ["coverage", "STORE", "--metric", "network"], ["gaps", "STORE", "--kinds", "all"]]),
            ("pipes", false, [["gaps", "STORE", "--kinds", "all"], ["audit", "STORE", "--kinds", "all"]]),
            ("roads", false, [["coverage", "STORE", "--metric", "network"], ["isochrones", "STORE", "--category", "bus_stop"]]),
        ]
        for c in cases {
            let (folder, store) = try helsinkiStore()
            defer { try? FileManager.default.removeItem(at: folder) }
            let fid = try corrupt(store, c.layer, with: value, polygon: c.polygon)
            let before = try StoreState(store)
            for command in c.commands {
                let result = try cim(command.map { $0 == "STORE" ? store : $0 })
                let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") }
                #expect(result.status == 1, "\(command) with \(value) in \(c.layer): \(result.stderr)")
                #expect(lines.count == 1 && lines[0].contains("layer '\(c.layer)'") && lines[0].contains("fid \(fid)"), "\(command): \(result.stderr)")
                #expect(try StoreState(store) == before, "\(command) wrote nothing")
            }
        }
    }
}
