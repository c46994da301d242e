import CIMGeometry
@testable import CIMStore
import Foundation

/// The PostGIS server the tests use: the address in CIM_TEST_POSTGIS (Scripts/test.sh starts the private
/// server of Scripts/postgis.sh and sets it). Without it, the tests that need a server are skipped with
/// ``postGISSkipReason`` shown.
let testPostGISURL: String? = {
    guard let url = ProcessInfo.processInfo.environment["CIM_TEST_POSTGIS"], !url.isEmpty else { return nil }
    return url
}()

/// Why the PostGIS tests are skipped.
let postGISSkipReason: Comment = "needs a PostGIS server: set CIM_TEST_POSTGIS (Scripts/test.sh starts Scripts/postgis.sh and sets it)"

import Testing

/// A connection to CIM_TEST_POSTGIS (its URL as libpq's expanded `dbname`).
func testConnection() throws -> PostgresConnection {
    let url = try #require(testPostGISURL)
    return try PostgresConnection(parameters: ["dbname": url], display: url)
}

/// A fresh schema for one test, dropped (with everything in it) when the test is done.
func withTemporarySchema<R>(_ connection: PostgresConnection, _ body: (String) throws -> R) throws -> R {
    let schema = "cim_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    try connection.execute("CREATE SCHEMA \(PostgresConnection.quoted(schema))")
    defer { _ = try? connection.execute("DROP SCHEMA \(PostgresConnection.quoted(schema)) CASCADE") }
    return try body(schema)
}

/// A new, empty store of either backend for one test: a GeoPackage in a temporary folder, or a fresh
/// schema of the CIM_TEST_POSTGIS database; removed (the schema dropped) when the test is done.
func withFreshStore<R>(_ backend: StoreBackend, crs: CoordinateReferenceSystem? = nil, _ body: (any LayerStore, String) throws -> R) throws -> R {
    switch backend {
    case .geoPackage:
        return try withTemporaryDirectory { folder in
            let path = folder.appendingPathComponent("store.gpkg").path
            return try body(try openOrCreateStore(path, crs: crs), path)
        }
    case .postGIS:
        let url = try #require(testPostGISURL)
        let connection = try testConnection()
        let schema = "cim_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        defer { _ = try? connection.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoted(schema)) CASCADE") }
        let address = "\(url)?schema=\(schema)"
        return try body(try openOrCreateStore(address, crs: crs), address)
    }
}

/// The backends the store tests run on: GeoPackage always, PostGIS when CIM_TEST_POSTGIS is set (the
/// PostGIS-only suites say they are skipped otherwise).
let testBackends: [StoreBackend] = testPostGISURL == nil ? [.geoPackage] : [.geoPackage, .postGIS]

/// Expects two tables to be the same: name, geometry type, fids, every geometry (as WKB), every column's
/// name, type and values. Reports the first difference only.
func expectSameTable(_ a: FeatureTable, _ b: FeatureTable, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(a.name == b.name, "\(what): name", sourceLocation: sourceLocation)
    #expect(a.geometryType == b.geometryType, "\(what): geometry type \(String(describing: a.geometryType)) vs \(String(describing: b.geometryType))",
            sourceLocation: sourceLocation)
    expectSame(a.fids, b.fids, "\(what): fids", sourceLocation: sourceLocation)
    expectSame((0 ..< a.geometries.count).map { a.geometries.wkb($0) }, (0 ..< b.geometries.count).map { b.geometries.wkb($0) },
               "\(what): geometries", sourceLocation: sourceLocation)
    expectSame(a.columns.map(\.name), b.columns.map(\.name), "\(what): columns", sourceLocation: sourceLocation)
    for (x, y) in zip(a.columns, b.columns) where x.name == y.name {
        #expect(x.values.type == y.values.type, "\(what): type of \(x.name)", sourceLocation: sourceLocation)
        expectSame((0 ..< x.values.count).map { x.values[$0] }, (0 ..< y.values.count).map { y.values[$0] }, "\(what): column \(x.name)",
                   sourceLocation: sourceLocation)
    }
}
