import CIMStore
import Foundation
import Testing

/// The PostGIS server of the CLI tests (CIM_TEST_POSTGIS; Scripts/test.sh starts Scripts/postgis.sh and sets
/// it), nil when unset.
let cliPostGISURL: String? = ProcessInfo.processInfo.environment["CIM_TEST_POSTGIS"].flatMap { $0.isEmpty ? nil : $0 }

/// The backends the parameterised CLI tests run on: GeoPackage always, PostGIS when CIM_TEST_POSTGIS is set.
/// Without it the PostGIS cases do not exist (never reported as passed) and the reason is printed once.
let cliBackends: [Backend] = {
    guard cliPostGISURL != nil else {
        print("CLI tests: the PostGIS cases are skipped: they need a PostGIS server: set CIM_TEST_POSTGIS (Scripts/test.sh starts Scripts/postgis.sh and sets it)")
        return [.geopackage]
    }
    return Backend.allCases
}()

/// The store backend a parameterised CLI test runs on: the same test, the same commands, the store a
/// GeoPackage file or a schema of the CIM_TEST_POSTGIS database.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case geopackage, postgis

    var testDescription: String { rawValue }

    /// The address of a new, empty store: `FOLDER/NAME.gpkg`, or a fresh schema of the test database
    /// (dropped by ``drop(_:)``).
    func freshStore(in folder: URL, name: String = "store") throws -> String {
        switch self {
        case .geopackage: return folder.appendingPathComponent("\(name).gpkg").path
        case .postgis:
            let url = try #require(cliPostGISURL)
            return "\(url)?schema=\(uniqueName("cim_pgcli_"))"
        }
    }

    /// Drops the schema of a PostGIS store made by ``freshStore(in:name:)`` (a GeoPackage goes with its folder).
    func drop(_ store: String) {
        guard self == .postgis, let url = cliPostGISURL, let schema = store.components(separatedBy: "?schema=").last, schema != store else { return }
        _ = try? tool("psql", [url, "-qc", "DROP SCHEMA IF EXISTS \(schema) CASCADE"])
    }

    /// The store as GDAL opens it (for ogrinfo): the path, or the PG driver's connection string.
    func gdalName(_ store: String) throws -> String {
        switch try StoreAddress(store) {
        case let .geoPackage(path): return path
        case let .postGIS(address): return address.gdalConnectionString
        }
    }

    /// A store of this backend holding the Helsinki OSM extract (`cim import STORE all helsinki.osm.pbf`),
    /// in a fresh folder; `cleanup` removes both.
    func helsinki() throws -> (folder: URL, store: String, cleanup: () -> Void) {
        let folder = try scratchDirectory()
        let store = try freshStore(in: folder, name: "helsinki")
        let result = try cim("import", store, "all", repositoryData.appendingPathComponent("helsinki.osm.pbf").path)
        try #require(result.status == 0, "import failed: \(result.stderr)")
        return (folder, store, { drop(store); try? FileManager.default.removeItem(at: folder) })
    }

    /// A store of this backend holding a generated city (`cim generate` into FOLDER/city.gpkg; for PostGIS
    /// every bundle layer of it then imported with `cim import`); `cleanup` removes both.
    func generated(buildings: Int = 3000, seed: Int = 5) throws -> (folder: URL, store: String, cleanup: () -> Void) {
        let folder = try scratchDirectory()
        let city = folder.appendingPathComponent("city.gpkg").path
        let result = try cim("generate", "--buildings", String(buildings), "--seed", String(seed), city)
        try #require(result.status == 0, "generate failed: \(result.stderr)")
        guard self == .postgis else { return (folder, city, { try? FileManager.default.removeItem(at: folder) }) }
        let store = try freshStore(in: folder, name: "city")
        for layer in bundleLayerNames {
            let imported = try cim("import", store, layer, city, "--source-layer", layer)
            try #require(imported.status == 0, "import \(layer): \(imported.stderr)")
        }
        return (folder, store, { drop(store); try? FileManager.default.removeItem(at: folder) })
    }
}

/// The layers of the CIM bundle, in the bundle's order.
let bundleLayerNames = ["buildings", "facilities", "roads", "pipes", "pipe_nodes", "areas", "waterlogging"]

/// A lower-case name that no other test (or engineer) uses: the prefix and 12 hex digits.
func uniqueName(_ prefix: String) -> String {
    prefix + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
}

/// A fresh database with PostGIS on the CIM_TEST_POSTGIS server for one test (its address), dropped at
/// the end.
func withFreshDatabase<R>(_ body: (String) throws -> R) throws -> R {
    let url = try #require(cliPostGISURL)
    var components = try #require(URLComponents(string: url))
    let name = uniqueName("pg_batch_")
    components.path = "/" + name
    components.query = nil
    let database = try #require(components.string)
    let created = try tool("psql", [url, "-qc", "CREATE DATABASE \(name)"])
    try #require(created.status == 0, "CREATE DATABASE: \(created.stderr)")
    defer {
        // Children of a failed test may still hold connections: end them before dropping.
        _ = try? tool("psql", [url, "-qc", "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"])
    }
    let postgis = try tool("psql", [database, "-qc", "CREATE EXTENSION postgis"])
    try #require(postgis.status == 0, "CREATE EXTENSION postgis: \(postgis.stderr)")
    return try body(database)
}
