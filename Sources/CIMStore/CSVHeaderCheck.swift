import Foundation

/// A check of a CSV source's header before GDAL opens it: GDAL 3.6's CSV driver crashes (a null
/// dereference in `OGR_L_GetNextFeature`, also in `ogrinfo -oo KEEP_GEOM_COLUMNS=NO`) when a coordinate or
/// geometry column name appears twice. Found by Fuzz/FuzzCSVImport.
enum CSVHeaderCheck {
    /// Refuses a CSV whose header names a coordinate or geometry column twice (case-insensitive).
    /// `geometryColumns` are the lower-cased names GDAL is told to take as coordinates or geometry (the
    /// import's X/Y/GEOM_POSSIBLE_NAMES); errors name the file `reportedAs` (the user's file when `path` is a
    /// recoded copy).
    static func check(_ path: String, reportedAs: String, geometryColumns: Set<String>) throws {
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
                    throw StoreError("the CSV header names the column '\(name)' twice", file: reportedAs,
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
