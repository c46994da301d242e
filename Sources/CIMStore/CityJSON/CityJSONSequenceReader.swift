import Foundation

/// CityJSON Sequences (CityJSONL, https://www.cityjson.org/cityjsonseq/): a first line holding a CityJSON
/// object with the transform and metadata (and normally no city objects), then one `CityJSONFeature` a
/// line, each with its own city objects and vertices. Read one line at a time (1 MiB chunks), so memory
/// holds one feature and the footprints made so far, never the whole tile.
extension CityJSONReader {
    /// Reads the buildings of a CityJSON Sequence (errors name the line and the city object).
    static func readSequence(_ path: String, fieldMap: [String: String], values: ValueMapping,
                             progress: ((Int) -> Void)?) throws -> CityJSONBuildings {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError("cannot open the file", file: path) }
        defer { try? handle.close() }
        var collector: CityJSONBuildingCollector?
        var header: CityJSONHeader?
        var lineNumber = 0
        var reported = 0

        func process(_ line: ArraySlice<UInt8>) throws {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
            let value: CityJSONValue
            do {
                value = try line.withUnsafeBufferPointer { try CityJSONParser.parse($0, firstLine: lineNumber) }
            } catch let error as CityJSONSyntaxError {
                throw StoreError("not JSON Lines: \(error)", file: path)
            }
            do {
                if header == nil {
                    let h = try CityJSONHeader(value)
                    header = h
                    collector = CityJSONBuildingCollector(
                        result: CityJSONBuildings(source: path, version: h.version, isSequence: true, referenceSystem: h.referenceSystem),
                        fieldMap: fieldMap, values: values)
                    // The first line should have no city objects; take them if it has.
                    if let objects = value["CityObjects"]?.members, !objects.isEmpty {
                        try collector!.add(objects: try parseCityObjects(value["CityObjects"], what: "line 1"),
                                           vertices: try h.vertices(value["vertices"], what: "line 1"), zScale: h.hasTransform ? h.scale.2 : nil)
                    }
                    return
                }
                let type = value["type"]?.string ?? "(none)"
                guard type == "CityJSONFeature" else {
                    throw CityJSONFormatError("line \(lineNumber) is not a CityJSONFeature (its type is \(type))", object: value["id"]?.text)
                }
                let what = "the CityJSONFeature on line \(lineNumber)"
                let objects = try parseCityObjects(value["CityObjects"], what: what)
                let vertices = try header!.vertices(value["vertices"], what: what)
                try collector!.add(objects: objects, vertices: vertices, zScale: header!.hasTransform ? header!.scale.2 : nil)
                if let progress, collector!.result.objectsRead - reported >= 1000 {
                    reported = collector!.result.objectsRead
                    progress(reported)
                }
            } catch let error as CityJSONFormatError {
                let message = error.message.hasPrefix("line ") || header == nil ? error.message : "line \(lineNumber): \(error.message)"
                throw StoreError(message, file: path, feature: error.object)
            }
        }

        var pending: [UInt8] = []
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch {
                throw StoreError("cannot read the file: \(error.localizedDescription)", file: path)
            }
            guard let chunk, !chunk.isEmpty else { break }
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: 0x0A) {
                try process(pending[start ..< newline])
                start = newline + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { try process(pending[...]) }
        guard var collector else { throw StoreError("the file is empty: a CityJSON Sequence starts with a CityJSON line", file: path) }
        progress?(collector.result.objectsRead)
        return collector.finish()
    }

    /// The first line of a file (at most 64 MiB are read to find it).
    static func firstLine(_ path: String) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw StoreError("cannot open the file", file: path) }
        defer { try? handle.close() }
        var line: [UInt8] = []
        while line.count < 64 << 20, let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            if let newline = chunk.firstIndex(of: 0x0A) {
                line.append(contentsOf: chunk[chunk.startIndex ..< newline])
                return line
            }
            line.append(contentsOf: chunk)
        }
        return line
    }
}
