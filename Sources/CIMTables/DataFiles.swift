import Foundation

/// Finds the data files that ship with cim (Data/osm, Data/standards): next to the executable's
/// install prefix (share/cim), in the source checkout, or under `CIM_DATA_DIR`.
public enum DataFiles {
    /// The first directory that holds the shipped data, nil when none is found.
    public static let directory: URL? = {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["CIM_DATA_DIR"] { candidates.append(URL(fileURLWithPath: env)) }
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        for _ in 0 ..< 6 {
            candidates.append(folder.appendingPathComponent("share/cim"))
            candidates.append(folder.appendingPathComponent("Data"))
            folder = folder.deletingLastPathComponent()
        }
        // The source tree this module was compiled from (tests, `swift run`).
        var source = URL(fileURLWithPath: #filePath)
        for _ in 0 ..< 3 { source = source.deletingLastPathComponent() }
        candidates.append(source.appendingPathComponent("Data"))
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Data"))
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("osm/osm-preset.json").path) }
    }()

    /// A shipped file's URL, nil when missing.
    public static func url(_ relativePath: String) -> URL? {
        guard let url = directory?.appendingPathComponent(relativePath),
              FileManager.default.fileExists(atPath: url.path) else { return nil }
        return url
    }

    /// The GDAL OSM driver configuration shipped with cim.
    public static var osmConfigFile: String? { url("osm/osmconf.ini")?.path }
}
