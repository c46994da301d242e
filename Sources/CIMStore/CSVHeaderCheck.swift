import Foundation

/// A check of a CSV source's header before GDAL opens it: GDAL 3.6's CSV driver crashes (a null
/// dereference in `OGR_L_GetNextFeature`, also in `ogrinfo -oo KEEP_GEOM_COLUMNS=NO`) when a coordinate or
/// geometry column name appears twice. Found by Fuzz/FuzzCSVImport.
enum CSVHeaderCheck {
    /// The column names GDAL takes as coordinates or geometry (the import's X/Y/GEOM_POSSIBLE_NAMES).
    static let geometryColumns: Set<String> = ["x", "lon", "lng", "long", "longitude", "easting", "y", "lat", "latitude", "northing",
                                               "wkt", "geom", "geometry", "the_geom"]

    /// Refuses a CSV whose header names a coordinate or geometry column twice (case-insensitive).
    static func check(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { return }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: 1 << 16)) ?? Data()
        let firstLine = head.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? Data()
        let text = String(decoding: firstLine, as: UTF8.self)
        var seen: Set<String> = []
        for separator in [",", ";", "\t", "|"] {
            seen.removeAll()
            for name in columns(text, separator: Character(separator)) where geometryColumns.contains(name) {
                guard seen.insert(name).inserted else {
                    throw StoreError("the CSV header names the column '\(name)' twice", file: path,
                                     hint: "rename one of them: cim (and GDAL) take '\(name)' as a coordinate or geometry column")
                }
            }
        }
    }

    /// The header's column names, unquoted, trimmed and lower-cased.
    static func columns(_ line: String, separator: Character) -> [String] {
        var names: [String] = []
        var current = ""
        var quoted = false
        for character in line {
            if character == "\"" { quoted.toggle(); continue }
            if character == separator && !quoted { names.append(current); current = ""; continue }
            current.append(character)
        }
        names.append(current)
        return names.map { $0.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() }
    }
}
