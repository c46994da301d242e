import Foundation

/// The result of running the built `cim`.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The `cim` executable built next to this test bundle.
let cimExecutable: URL = {
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0 ..< 4 {
        let candidate = folder.appendingPathComponent("cim")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return root.appendingPathComponent(".build/debug/cim")
}()

/// The repository's Data folder.
let repositoryData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Data")

/// Runs a program with arguments, capturing its output.
func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes while the process runs so a full pipe cannot block it.
    // `@unchecked Sendable`: `data` is written by the one reader thread before `group.leave()` and read
    // here after `group.wait()`, which orders the two accesses.
    final class Box: @unchecked Sendable { var data = Data() }
    let outBox = Box()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { outBox.data = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    let outData = outBox.data
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs `cim` with arguments.
func cim(_ arguments: String...) throws -> CommandResult { try run(cimExecutable, arguments) }
func cim(_ arguments: [String]) throws -> CommandResult { try run(cimExecutable, arguments) }

/// Runs a tool from PATH (ogrinfo, ogr2ogr).
func tool(_ name: String, _ arguments: [String]) throws -> CommandResult {
    try run(URL(fileURLWithPath: "/usr/bin/env"), [name] + arguments)
}

/// A fresh temporary directory.
func scratchDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cim-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Parses JSON output.
func json(_ text: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
}

/// A Helsinki store, imported once per call into a fresh directory.
func helsinkiStore() throws -> (folder: URL, store: String) {
    let folder = try scratchDirectory()
    let store = folder.appendingPathComponent("helsinki.gpkg").path
    let result = try cim("import", store, "all", repositoryData.appendingPathComponent("helsinki.osm.pbf").path)
    precondition(result.status == 0, "import failed: \(result.stderr)")
    return (folder, store)
}
