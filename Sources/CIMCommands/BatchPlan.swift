import CIMStore
import Foundation

/// A batch file (CITIES.json): where the cities go, the check year, and each city's name and source.
///
/// ```json
/// {"target": "postgresql://postgres@127.0.0.1:55432/cim", "year": 2025,
///  "cities": [{"name": "jiujiang", "source": "jiujiang.gpkg"}, {"name": "pengze", "source": "pengze.gpkg"}]}
/// ```
///
/// The target is a PostgreSQL database (each city in the schema named after it; the cross-city table
/// `cim_batch_summary` in the schema `public`) or a folder (each city in `FOLDER/NAME.gpkg`; the
/// cross-city table in `FOLDER/batch.gpkg`). A source is a store or a bundle GeoPackage. Relative paths
/// are relative to the batch file's folder. Optional per city: `"indicators"` and `"metric"`
/// (euclidean or network).
struct BatchPlan: Sendable {
    struct City: Sendable {
        var name: String
        var source: String
        var metric: String
        var indicators: String?
    }

    var file: String
    var target: String
    var year: Int
    var cities: [City]

    /// Reads and checks a batch file; every problem names the file and the city.
    init(file: String) throws {
        self.file = file
        guard let data = FileManager.default.contents(atPath: file) else { throw StoreError("cannot read the batch file", file: file) }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw StoreError("not a JSON object", file: file, hint: "{\"target\": \"postgresql://…/db\", \"year\": 2025, \"cities\": [{\"name\": \"jiujiang\", \"source\": \"jiujiang.gpkg\"}]}")
        }
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        func resolve(_ path: String) -> String {
            StoreAddress.isDatabase(path) || path.hasPrefix("/") ? path : folder.appendingPathComponent(path).standardizedFileURL.path
        }
        guard let target = root["target"] as? String, !target.isEmpty else { throw StoreError("\"target\" must be a database address or a folder", file: file) }
        self.target = resolve(target)
        guard let year = root["year"] as? Int, (1900 ... 2200).contains(year) else { throw StoreError("\"year\" must be a year between 1900 and 2200", file: file) }
        self.year = year
        guard let list = root["cities"] as? [[String: Any]], !list.isEmpty else { throw StoreError("\"cities\" must be a non-empty list", file: file) }
        var seen = Set<String>()
        cities = try list.enumerated().map { index, entry in
            guard let name = entry["name"] as? String, PostGISAddress.isPlainIdentifier(name), name != "public" else {
                throw StoreError("city #\(index + 1): \"name\" must be lower-case letters, digits and underscores, starting with a letter (it names the city's schema)", file: file)
            }
            guard seen.insert(name).inserted else { throw StoreError("city '\(name)' is listed twice", file: file) }
            guard let source = entry["source"] as? String, !source.isEmpty else { throw StoreError("city '\(name)': \"source\" is missing", file: file) }
            let metric = entry["metric"] as? String ?? "euclidean"
            guard ["euclidean", "network"].contains(metric) else { throw StoreError("city '\(name)': \"metric\" must be euclidean or network", file: file) }
            return City(name: name, source: resolve(source), metric: metric, indicators: (entry["indicators"] as? String).map(resolve))
        }
    }

    /// True when the target is a PostgreSQL database (else a folder of GeoPackages).
    var targetIsDatabase: Bool { StoreAddress.isDatabase(target) }

    /// The address of a city's store in the target.
    func address(of city: String) throws -> String {
        switch try StoreAddress(target) {
        case let .postGIS(database): return database.withSchema(city).url
        case let .geoPackage(folder): return URL(fileURLWithPath: folder).appendingPathComponent("\(city).gpkg").path
        }
    }

    /// The address of the store that holds `cim_batch_summary`.
    func summaryAddress() throws -> String {
        switch try StoreAddress(target) {
        case let .postGIS(database): return database.withSchema("public").url
        case let .geoPackage(folder): return URL(fileURLWithPath: folder).appendingPathComponent("batch.gpkg").path
        }
    }
}
