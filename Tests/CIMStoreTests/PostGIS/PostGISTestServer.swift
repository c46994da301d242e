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
