import CIMGeometry
import Foundation

/// Reads the buildings of CityJSON files (1.0, 1.1, 2.0) and CityJSON Sequences (`.city.jsonl`, read one
/// line at a time so that a large tile need not fit in memory). See ``CityJSONBuildings`` for the fields
/// and the footprint rule.
public enum CityJSONReader {
    /// True for a path cim reads as CityJSON: `.city.json`, `.cityjson`, `.city.jsonl`, or a `.jsonl`
    /// file whose first line is a CityJSON object.
    public static func isCityJSON(_ path: String) -> Bool {
        let lower = path.lowercased()
        if lower.hasSuffix(".city.json") || lower.hasSuffix(".cityjson") || lower.hasSuffix(".city.jsonl") { return true }
        if lower.hasSuffix(".jsonl"), let first = try? firstLine(path) {
            return (try? CityJSONParser.parse(first))?["type"]?.string == "CityJSON"
        }
        return false
    }

    /// True for a CityJSON Sequence path (`.jsonl`).
    public static func isSequence(_ path: String) -> Bool { path.lowercased().hasSuffix(".jsonl") }

    /// Reads every building of a CityJSON file or sequence. `sourceCRS` overrides the file's
    /// `metadata.referenceSystem`; `fieldMap` (bundle field → attribute) and `values` work as for any
    /// import. Throws a ``StoreError`` naming the file, the line (sequences) and the city object for
    /// malformed input: not JSON, not CityJSON, an unknown version, no vertices, a vertex index out of range.
    public static func readBuildings(_ path: String, sourceCRS: CoordinateReferenceSystem? = nil,
                                     fieldMap: [String: String] = [:], values: ValueMapping = ValueMapping(),
                                     progress: ((Int) -> Void)? = nil) throws -> CityJSONBuildings {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError("no such file", file: path, hint: "check the path") }
        for field in fieldMap.keys where BundleLayer.buildings.field(field) == nil {
            throw StoreError("--map names '\(field)', which is not a field of buildings", file: path,
                             hint: "fields of buildings: \(BundleLayer.buildings.fields.map(\.name).joined(separator: ", "))")
        }
        let started = Date()
        var buildings = isSequence(path)
            ? try readSequence(path, fieldMap: fieldMap, values: values, progress: progress)
            : try readDocument(path, fieldMap: fieldMap, values: values, progress: progress)
        if let sourceCRS {
            buildings.crs = sourceCRS
        } else if let reference = buildings.referenceSystem {
            do {
                buildings.crs = try CoordinateReferenceSystem(CityJSONHeader.projDefinition(reference)).horizontalComponent()
            } catch {
                throw StoreError("PROJ does not know the reference system \"\(reference)\": \(error)", file: path, hint: "pass --source-crs")
            }
        }
        buildings.seconds = Date().timeIntervalSince(started)
        return buildings
    }

    private static func readDocument(_ path: String, fieldMap: [String: String], values: ValueMapping,
                                     progress: ((Int) -> Void)?) throws -> CityJSONBuildings {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw StoreError("cannot read the file: \(error.localizedDescription)", file: path)
        }
        let root: CityJSONValue
        do {
            root = try data.withUnsafeBytes { try CityJSONParser.parse($0.bindMemory(to: UInt8.self)) }
        } catch let error as CityJSONSyntaxError {
            let sequenceHint = error.line > 1 && error.message.hasPrefix("unexpected text after")
                ? "a CityJSON Sequence (one JSON object a line) must be named .city.jsonl" : nil
            throw StoreError("not a JSON file: \(error)", file: path, hint: sequenceHint)
        }
        do {
            let header = try CityJSONHeader(root)
            var collector = CityJSONBuildingCollector(
                result: CityJSONBuildings(source: path, version: header.version, isSequence: false, referenceSystem: header.referenceSystem),
                fieldMap: fieldMap, values: values)
            let objects = try parseCityObjects(root["CityObjects"], what: "the file")
            let vertices = try header.vertices(root["vertices"])
            try collector.add(objects: objects, vertices: vertices, zScale: header.hasTransform ? header.scale.2 : nil)
            progress?(objects.count)
            return collector.finish()
        } catch let error as CityJSONFormatError {
            throw StoreError(error.message, file: path, feature: error.object)
        }
    }
}
