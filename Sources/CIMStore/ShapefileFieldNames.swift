import Foundation

/// Shapefile field names are at most 10 bytes (dBASE); GDAL shortens longer ones (and makes them unique).
/// After an export, the long-to-short table is read back from the `.dbf` header and written beside the file.
public enum ShapefileFieldNames {
    /// The field names of a dBASE file, in order (its header: 32 bytes, then 32-byte descriptors up to 0x0D,
    /// each starting with an 11-byte, NUL-padded name).
    public static func read(dbf path: String) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 33 else {
            throw StoreError("cannot read the Shapefile's field table", file: path)
        }
        let bytes = [UInt8](data)
        var names: [String] = []
        var offset = 32
        while offset + 32 <= bytes.count && bytes[offset] != 0x0D {
            let raw = bytes[offset ..< offset + 11].prefix { $0 != 0 }
            names.append(String(decoding: raw, as: UTF8.self).trimmingCharacters(in: .whitespaces))
            offset += 32
        }
        return names
    }

    /// Pairs the exported fields (in export order) with the Shapefile's names and writes
    /// `<name>.fields.csv` (field,shapefile_field) beside `shapefile`; returns the pairs that were shortened.
    @discardableResult
    public static func writeTable(exported fields: [String], shapefile: String) throws -> (table: String, renamed: [(String, String)]) {
        let base = (shapefile as NSString).deletingPathExtension
        let short = try read(dbf: base + ".dbf")
        guard short.count == fields.count else {
            throw StoreError("the Shapefile has \(short.count) fields, \(fields.count) were exported", file: shapefile)
        }
        let table = base + ".fields.csv"
        var csv = "field,shapefile_field\n"
        for (long, s) in zip(fields, short) { csv += "\(long),\(s)\n" }
        try Data(csv.utf8).write(to: URL(fileURLWithPath: table), options: .atomic)
        return (table, zip(fields, short).filter { $0.0 != $0.1 })
    }
}
