import CIMGeometry
import CIMIndex
import CIMStore
import Foundation
import Testing

/// Queries (window, distance, attribute equality, limit) against brute force over the snapshot of Porto.
@Suite struct StoreQueryTests {
    struct Fixture {
        let store: GeoPackageStore
        let snapshot: FeatureTable
        let geometries: [Geometry]
        let index: [Int64: Int]
    }

    static func fixture() throws -> Fixture {
        let city = try ImportedCity.named("porto")
        let store = try GeoPackageStore.open(city.store)
        let snapshot = try store.snapshot("buildings")
        let context = GEOSContext.current
        let geometries = try (0 ..< snapshot.count).map { try snapshot.geometries.geometry($0, context: context) }
        let index = Dictionary(uniqueKeysWithValues: snapshot.fids.enumerated().map { ($1, $0) })
        return Fixture(store: store, snapshot: snapshot, geometries: geometries, index: index)
    }

    /// A window in the middle of the buildings' extent.
    static func centralWindow(_ store: GeoPackageStore, size: Double) throws -> Envelope {
        let e = try #require(store.extent("buildings"))
        let cx = (e.minX + e.maxX) / 2, cy = (e.minY + e.maxY) / 2
        return Envelope(minX: cx - size / 2, minY: cy - size / 2, maxX: cx + size / 2, maxY: cy + size / 2)
    }

    @Test func bboxMatchesBruteForce() throws {
        let f = try Self.fixture()
        let w = try Self.centralWindow(f.store, size: 400)
        let result = try f.store.query("buildings", LayerQuery(bbox: w))
        let window = try Geometry(wkt: "POLYGON ((\(w.minX) \(w.minY), \(w.maxX) \(w.minY), \(w.maxX) \(w.maxY), \(w.minX) \(w.maxY), \(w.minX) \(w.minY)))")
        let expected = try f.snapshot.fids.indices.filter { try f.geometries[$0].intersects(window) }.map { f.snapshot.fids[$0] }
        #expect(expected.count > 20, "a busy window: \(expected.count)")
        expectSame(result.table.fids, expected, "exactly the buildings that intersect the window, in fid order")
        #expect(result.distances == nil)
        #expect(result.table.count == result.table.fids.count)
        // Attributes and geometries come with the rows.
        let ids = try #require(result.table.text("id"))
        let snapshotIds = try #require(f.snapshot.text("id"))
        for (k, fid) in result.table.fids.enumerated() {
            let i = try #require(f.index[fid])
            #expect(ids[k] == snapshotIds[i])
            #expect(try result.table.geometries.geometry(k).equalsExact(f.geometries[i]))
        }
    }

    @Test func nearWithinIsSortedAndExact() throws {
        let f = try Self.fixture()
        let w = try Self.centralWindow(f.store, size: 10)
        let center = (x: (w.minX + w.maxX) / 2, y: (w.minY + w.maxY) / 2)
        let point = try Geometry(x: center.x, y: center.y)
        let radius = 120.0
        let result = try f.store.query("buildings", LayerQuery(near: center, within: radius))
        let distances = try #require(result.distances)
        #expect(distances.count == result.table.count)
        #expect(zip(distances, distances.dropFirst()).allSatisfy { $0 <= $1 }, "sorted by distance")
        #expect(distances.allSatisfy { $0 <= radius })
        // Brute force over the snapshot: every building within the radius, with its exact GEOS distance.
        var expected: [(Double, Int64)] = []
        for (i, g) in f.geometries.enumerated() {
            let d = try point.distance(to: g)
            if d <= radius { expected.append((d, f.snapshot.fids[i])) }
        }
        expected.sort { $0 < $1 }
        #expect(expected.count > 10, "\(expected.count) buildings within \(radius) m")
        expectSame(result.table.fids, expected.map(\.1), "fids by distance")
        expectSame(distances, expected.map(\.0), "distances")
        for (k, fid) in result.table.fids.enumerated() {
            let i = try #require(f.index[fid])
            #expect(try point.distance(to: f.geometries[i]) == distances[k])
        }
    }

    @Test func nearWithLimitGivesTheNearest() throws {
        let f = try Self.fixture()
        let w = try Self.centralWindow(f.store, size: 10)
        let center = (x: w.minX, y: w.maxY)
        let all = try f.store.query("buildings", LayerQuery(near: center, within: 200))
        let five = try f.store.query("buildings", LayerQuery(near: center, within: 200, limit: 5))
        #expect(five.table.count == 5)
        #expect(five.table.fids == Array(all.table.fids.prefix(5)))
        #expect(five.distances == all.distances.map { Array($0.prefix(5)) })
    }

    @Test func whereMatchesBruteForce() throws {
        let f = try Self.fixture()
        let uses = try #require(f.snapshot.text("use"))
        let residential = try f.store.query("buildings", LayerQuery(equals: [("use", "residential")]))
        let expected = f.snapshot.fids.indices.filter { uses[$0] == "residential" }.map { f.snapshot.fids[$0] }
        #expect(expected.count > 100)
        expectSame(residential.table.fids, expected, "residential")
        #expect(residential.table.text("use")?.allSatisfy { $0 == "residential" } == true)

        // Combined with a window; numeric fields compare as numbers.
        let w = try Self.centralWindow(f.store, size: 1500)
        let floors = try #require(f.snapshot.integers("floors"))
        let both = try f.store.query("buildings", LayerQuery(bbox: w, equals: [("floors", "3")]))
        let window = try Geometry(wkt: "POLYGON ((\(w.minX) \(w.minY), \(w.maxX) \(w.minY), \(w.maxX) \(w.maxY), \(w.minX) \(w.maxY), \(w.minX) \(w.minY)))")
        let bruteForce = try f.snapshot.fids.indices.filter { try floors[$0] == 3 && f.geometries[$0].intersects(window) }.map { f.snapshot.fids[$0] }
        expectSame(both.table.fids, bruteForce, "window and floors = 3")
        #expect(!bruteForce.isEmpty)
        // Quotes in values are escaped, not injected.
        #expect(try f.store.query("buildings", LayerQuery(equals: [("use", "x' OR '1'='1")])).table.count == 0)
    }

    @Test func limitTruncatesInFidOrder() throws {
        let f = try Self.fixture()
        let w = try Self.centralWindow(f.store, size: 600)
        let all = try f.store.query("buildings", LayerQuery(bbox: w))
        let ten = try f.store.query("buildings", LayerQuery(bbox: w, limit: 10))
        #expect(all.table.count > 10)
        #expect(ten.table.count == 10)
        #expect(ten.table.fids == Array(all.table.fids.prefix(10)))
        #expect(try f.store.query("buildings", LayerQuery(limit: 3)).table.fids == Array(f.snapshot.fids.prefix(3)))
    }

    @Test func badQueriesThrow() throws {
        let f = try Self.fixture()
        let noLayer = expectStoreError { _ = try f.store.query("trees", LayerQuery()) }
        #expect(noLayer?.layer == "trees" && noLayer?.hint?.contains("buildings") == true)
        let noField = expectStoreError { _ = try f.store.query("buildings", LayerQuery(equals: [("colour", "red")])) }
        #expect(noField?.message.contains("'colour'") == true)
        let notNumber = expectStoreError { _ = try f.store.query("buildings", LayerQuery(equals: [("floors", "three")])) }
        #expect(notNumber?.message.contains("'three'") == true)
        let nearOnly = expectStoreError { _ = try f.store.query("buildings", LayerQuery(near: (0, 0))) }
        #expect(nearOnly?.message.contains("--within") == true)
        // The failed queries left no filter behind.
        #expect(try f.store.query("buildings", LayerQuery()).table.count == f.snapshot.count)
    }
}
