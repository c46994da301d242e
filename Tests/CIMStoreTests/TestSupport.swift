import CIMGeometry
import CIMStore
import Foundation
import Testing

/// The repository's Data folder (real data: OSM extracts, CityJSON, Bellinge pipes), found from this file.
let dataDirectory: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Data")

/// The repository root.
let repositoryRoot: URL = dataDirectory.deletingLastPathComponent()

func dataFile(_ relative: String) -> String { dataDirectory.appendingPathComponent(relative).path }

/// A fresh temporary directory for one test, removed when the test is done.
func withTemporaryDirectory<R>(_ body: (URL) throws -> R) throws -> R {
    let url = try makeTemporaryDirectory()
    defer { try? FileManager.default.removeItem(at: url) }
    return try body(url)
}

func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cim-store-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes a text file and returns its path.
@discardableResult
func write(_ text: String, to directory: URL, _ name: String) throws -> String {
    let url = directory.appendingPathComponent(name)
    try text.write(to: url, atomically: true, encoding: .utf8)
    return url.path
}

/// The output of a command run with Foundation's Process.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program (looked up on PATH when not absolute) and waits for it.
func run(_ program: String, _ arguments: [String]) throws -> CommandResult {
    let process = Process()
    if program.hasPrefix("/") {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
    } else {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
    }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting so that a large output cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// `ogrinfo` on a path with arguments; fails the test when it exits non-zero.
func ogrinfo(_ arguments: [String]) throws -> String {
    let result = try run("ogrinfo", arguments)
    #expect(result.status == 0, "ogrinfo \(arguments.joined(separator: " ")): \(result.stderr)")
    return result.stdout
}

/// A store's state for "nothing changed" checks: per layer, the feature count and an FNV-1a checksum of
/// the ids in fid order, plus the store's CRS and `cim_layers` records.
struct StoreFingerprint: Equatable, CustomStringConvertible {
    var layers: [String: Int]
    var checksums: [String: UInt64]
    var crs: String?
    var records: [String]

    init(_ path: String) throws {
        let store = try GeoPackageStore.open(path)
        layers = [:]
        checksums = [:]
        for name in store.layerNames {
            layers[name] = store.featureCount(name)
            let hasId = store.fields(name).contains { $0.name == "id" }
            let table = try store.snapshot(name, fields: hasId ? ["id"] : [])
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            for id in table.text("id") ?? table.fids.map { String($0) } {
                for byte in (id ?? "<null>").utf8 + [0] { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
            }
            checksums[name] = hash
        }
        crs = store.crs?.identifier
        records = try store.layerRecords().map { "\($0.layer) \($0.source) \($0.features) \($0.importedAt)" }
    }

    var description: String { "layers \(layers.sorted { $0.key < $1.key }), crs \(crs ?? "none"), records \(records)" }
}

/// Runs `body` and returns the StoreError it throws (recording an issue when it throws nothing or something else).
func expectStoreError(_ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> StoreError? {
    do {
        try body()
        Issue.record("expected a StoreError, nothing was thrown. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        return error
    } catch {
        Issue.record("expected a StoreError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// GeoJSON FeatureCollection text from (properties JSON, geometry JSON) pairs; `crs` adds a named CRS member.
func geoJSON(_ features: [(properties: String, geometry: String)], crs: String? = nil) -> String {
    let body = features.map { "{\"type\":\"Feature\",\"properties\":\($0.properties),\"geometry\":\($0.geometry)}" }
    let crsMember = crs.map { ",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"\($0)\"}}" } ?? ""
    return "{\"type\":\"FeatureCollection\"\(crsMember),\"features\":[\n\(body.joined(separator: ",\n"))\n]}\n"
}

/// A GeoJSON polygon ring from lon/lat pairs (closed by the caller).
func polygonJSON(_ ring: [(Double, Double)]) -> String {
    "{\"type\":\"Polygon\",\"coordinates\":[[\(ring.map { "[\($0.0),\($0.1)]" }.joined(separator: ","))]]}"
}

/// A small square building footprint at (lon, lat), `size` degrees wide, as GeoJSON.
func squareJSON(_ lon: Double, _ lat: Double, _ size: Double = 0.0002) -> String {
    polygonJSON([(lon, lat), (lon + size, lat), (lon + size, lat + size), (lon, lat + size), (lon, lat)])
}

/// Five buildings in Jiujiang (lon/lat GeoJSON) with ids b1 … b5, floors and use.
func jiujiangBuildings(ids: [String] = ["b1", "b2", "b3", "b4", "b5"], use: String = "residential") -> String {
    geoJSON(ids.enumerated().map { k, id in
        ("{\"id\":\"\(id)\",\"floors\":\(k + 1),\"use\":\"\(use)\"}", squareJSON(115.99 + Double(k) * 0.001, 29.71))
    })
}

/// GEOS area of every feature of a column.
func areas(_ column: GeometryColumn) throws -> [Double] {
    try (0 ..< column.count).map { try column.geometry($0).area() }
}

/// Expects two sequences to be equal, reporting only the lengths and the first difference (not thousands of values).
func expectSame<T: Equatable>(_ a: [T], _ b: [T], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    if a == b { return }
    let first = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }
    let detail = first.map { "first difference at \($0.offset): \($0.element.0) vs \($0.element.1)" } ?? "one is a prefix of the other"
    Issue.record("\(what): \(a.count) vs \(b.count) values, \(detail)", sourceLocation: sourceLocation)
}
