import CIMGeometry
@testable import CIMStore
import CIMTestSupport
import Foundation
import Testing

/// What only the PostGIS store has: schemas, the server's transactions and locks, spatial_ref_sys,
/// QGIS's tables in the database. Every test runs on the CIM_TEST_POSTGIS server.
@Suite(.serialized, .enabled(if: testPostGISURL != nil, postGISSkipReason))
struct PostGISStoreTests {
    static let crs = try! CoordinateReferenceSystem(epsg: 4547)

    static func table(_ name: String, count: Int, seed: UInt64) -> FeatureTable {
        var table = PostgresCopyCodecTests.randomTable(.multiPolygon, count: count, seed: seed)
        table.name = name
        return table
    }

    @Test func aMissingSchemaIsNoSuchStoreAndImportCreatesIt() throws {
        let url = try #require(testPostGISURL)
        let schema = "cim_test_missing_" + String(UInt32.random(in: 0 ... .max))
        let error = expectStoreError { _ = try openStore("\(url)?schema=\(schema)") }
        #expect(error?.message.contains("no such store") == true)
        #expect(error?.description.contains("schema=\(schema)") == true)
        let connection = try testConnection()
        defer { _ = try? connection.execute("DROP SCHEMA IF EXISTS \(PostgresConnection.quoted(schema)) CASCADE") }
        let store = try openOrCreateStore("\(url)?schema=\(schema)", crs: Self.crs)
        #expect(store.backend == .postGIS)
        #expect(try connection.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'cim\\_%'", [schema]) == "5")
        #expect(try openStore("\(url)?schema=\(schema)").crs == Self.crs)
    }

    @Test func aStoreOpenedForReadingRefusesWrites() throws {
        try withFreshStore(.postGIS, crs: Self.crs) { _, address in
            let reader = try openStore(address)
            let error = expectStoreError { try reader.writeLayers([Self.table("buildings", count: 3, seed: 1)], provenance: LayerProvenance(source: "x")) }
            #expect(error?.description.contains("read-only") == true)
        }
    }

    @Test func layersAreTypedIndexedAndKeyedInTheDatabase() throws {
        try withFreshStore(.postGIS, crs: Self.crs) { store, _ in
            try store.writeLayers([Self.table("buildings", count: 200, seed: 2)], provenance: LayerProvenance(source: "x"))
            let pg = try #require(store as? PostGISStore)
            let c = pg.connection
            #expect(try c.scalar("SELECT type || ',' || srid FROM geometry_columns WHERE f_table_schema = $1 AND f_table_name = 'buildings'", [pg.schema]) == "MULTIPOLYGON,4547")
            #expect(try c.scalar("SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND tablename = 'buildings' AND indexdef LIKE '%USING gist (geom)%'", [pg.schema]) == "1")
            #expect(try pg.keyColumn("buildings") == "fid")
            // Statistics were gathered after the commit (ANALYZE).
            #expect(try c.scalar("SELECT reltuples::int8 FROM pg_class WHERE oid = to_regclass($1)", [pg.table("buildings")]) == "200")
            #expect(!pg.layerNames.contains { $0.hasPrefix("cim_") })
        }
    }

    @Test func aFailedWriteLeavesThePreviousLayersAndRecords() throws {
        try withFreshStore(.postGIS, crs: Self.crs) { store, _ in
            let before = Self.table("buildings", count: 120, seed: 3)
            try store.writeLayers([before], provenance: LayerProvenance(source: "first"))
            let old = try store.fingerprint("buildings")
            // The second table holds a text PostgreSQL refuses (a NUL byte): the server fails the COPY.
            var bad = Self.table("facilities", count: 50, seed: 4)
            bad.columns[3] = AttributeColumn("名称", .text((0 ..< 50).map { $0 == 33 ? "bad\u{0}text" : "ok" }))
            let error = expectStoreError {
                try store.writeLayers([Self.table("buildings", count: 10, seed: 5), bad], provenance: LayerProvenance(source: "second"))
            }
            #expect(error?.layer == "facilities")
            #expect(try store.fingerprint("buildings") == old)
            #expect(!store.hasLayer("facilities"))
            #expect(try store.layerRecords().map(\.source) == ["first"])
            let pg = try #require(store as? PostGISStore)
            #expect(try pg.connection.scalar("SELECT count(*) FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'cim\\_stage%'", [pg.schema]) == "0")
        }
    }

    @Test func aCRSPostGISDoesNotKnowIsAddedToSpatialRefSys() throws {
        let custom = try CoordinateReferenceSystem("+proj=tmerc +lat_0=0 +lon_0=116.25 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs +type=crs")
        try withFreshStore(.postGIS, crs: custom) { store, _ in
            try store.writeLayers([Self.table("buildings", count: 20, seed: 6)], provenance: LayerProvenance(source: "x"))
            let pg = try #require(store as? PostGISStore)
            let srid = try #require(Int(try pg.connection.scalar("SELECT DISTINCT ST_SRID(geom) FROM \(pg.table("buildings"))") ?? ""))
            #expect(srid >= 910_000)
            #expect(try pg.connection.scalar("SELECT srtext FROM spatial_ref_sys WHERE srid = $1", [String(srid)]) == custom.wkt)
            // PostGIS itself can use it: PROJ transforms a point of the layer to lon/lat near 116.25° E.
            let lon = try #require(Double(try pg.connection.scalar("SELECT ST_X(ST_Transform(ST_SetSRID(ST_MakePoint(500000, 3300000), $1::int), 4326))",
                                                                   [String(srid)]) ?? ""))
            #expect(abs(lon - 116.25) < 1e-6)
            #expect(try store.snapshot("buildings").count == 20)
        }
    }

    @Test func checkValuesKeepEveryBit() throws {
        try withFreshStore(.postGIS, crs: Self.crs) { store, _ in
            var areas = Self.table("check_areas", count: 5, seed: 8)
            areas.name = "check_areas"
            let values = (1 ... 40).map { k in
                CheckValueRecord(indicator: "i\(k)", areaKind: "city", areaId: "", areaName: nil, value: 1 / Double(k) * .pi, numerator: Double(k) / 3,
                                 denominator: 0.1 + 0.2, score: 100 * 2.0.squareRoot() / Double(k), grade: nil, warning: nil, computable: true)
            }
            let record = CheckRecord(year: 2025, time: "t", indicatorFile: "f", indicatorHash: "h", inputs: [], cimVersion: "v", metric: "euclidean",
                                     index: 1 / 3, dimensionIndex: "{}")
            let id = try store.recordCheck(record, values: values, areas: areas, provenance: LayerProvenance(source: "cim check"))
            #expect(try store.checkValues(check: id) == values.map { var v = $0; v.check = id; return v })
            #expect(try store.checkRecords().first?.index == 1 / 3)
        }
    }

    @Test func qgisGetsColumnCommentsAndLayerStyles() throws {
        try withFreshStore(.postGIS, crs: Self.crs) { store, _ in
            try store.writeLayers([Self.table("coverage_areas", count: 10, seed: 7)], provenance: LayerProvenance(source: "x"))
            let qml = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.28\"><renderer-v2 type=\"singleSymbol\"/></qgis>"
            let styles = [LayerStyle(name: "completeness", qml: qml, isDefault: true, description: "complete green, incomplete red"),
                          LayerStyle(name: "rcov_kindergarten", qml: qml, isDefault: false, description: "幼儿园")]
            let aliases = [FieldAlias(column: "complete", titleZh: "完整社区", titleEn: "complete community"),
                           FieldAlias(column: "nope", titleZh: "无", titleEn: "absent")]
            try store.writeQGISMetadata(layer: "coverage_areas", aliases: aliases, styles: styles)
            try store.writeQGISMetadata(layer: "coverage_areas", aliases: aliases, styles: styles)  // replaces, does not add
            let pg = try #require(store as? PostGISStore)
            let c = pg.connection
            #expect(try c.scalar("""
                SELECT d.description FROM pg_description d JOIN pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid
                WHERE d.objoid = to_regclass($1) AND a.attname = 'complete'
                """, [pg.table("coverage_areas")]) == "完整社区 / complete community")
            let rows = try c.execute("""
                SELECT stylename, useasdefault::text, f_geometry_column, f_table_catalog = current_database(), styleqml::text LIKE '%singleSymbol%'
                FROM public.layer_styles WHERE f_table_schema = $1 AND f_table_name = 'coverage_areas' ORDER BY stylename
                """, [pg.schema])
            #expect(rows.rowCount == 2)
            #expect((0 ..< rows.rowCount).map { r in (0 ..< 5).map { rows.text(row: r, column: $0) ?? "" }.joined(separator: " ") }
                == ["completeness true geom t t", "rcov_kindergarten false geom t t"])
            _ = try? c.execute("DELETE FROM public.layer_styles WHERE f_table_schema = $1", [pg.schema])
        }
    }
}

/// Several sessions at once on the CIM_TEST_POSTGIS server: MVCC readers, writers of different cities,
/// writers of the same layer.
@Suite(.serialized, .enabled(if: testPostGISURL != nil, postGISSkipReason))
struct PostGISConcurrencyTests {
    static let crs = try! CoordinateReferenceSystem(epsg: 4547)

    @Test func aReaderSeesTheLastCommittedLayerWhileAWriterIsInItsTransaction() throws {
        try withFreshStore(.postGIS, crs: Self.crs) { writer, address in
            let old = PostGISStoreTests.table("buildings", count: 300, seed: 10)
            try writer.writeLayers([old], provenance: LayerProvenance(source: "old"))
            let reader = try openStore(address)
            let before = try reader.snapshot("buildings")
            let new = PostGISStoreTests.table("buildings", count: 200_000, seed: 11)
            var seenDuringWrite: [Int] = []
            try writer.writeLayers([new], provenance: LayerProvenance(source: "new")) { _, written in
                // Inside the writer's transaction, rows already sent: another session still reads the old layer.
                guard written < new.count, seenDuringWrite.count < 2 else { return }
                if let table = try? reader.snapshot("buildings") {
                    seenDuringWrite.append(table.count)
                    expectSameTable(table, before, "the layer read during the write")
                }
                #expect(try! reader.layerRecords().map(\.source) == ["old"])
            }
            #expect(!seenDuringWrite.isEmpty && seenDuringWrite.allSatisfy { $0 == 300 })
            #expect(try reader.snapshot("buildings").count == 200_000)
            #expect(try reader.layerRecords().map(\.source) == ["new"])
        }
    }

    @Test func twoProcessesWritingDifferentCitiesBothSucceed() throws {
        try withFreshStore(.postGIS, crs: Self.crs) { _, first in
            try withFreshStore(.postGIS, crs: Self.crs) { _, second in
                let addresses = [first, second]
                let errors = ErrorBox()
                DispatchQueue.concurrentPerform(iterations: 2) { k in
                    do {
                        let store = try openOrCreateStore(addresses[k])
                        try store.writeLayers([PostGISStoreTests.table("buildings", count: 60_000, seed: 20 + UInt64(k)),
                                               PostGISStoreTests.table("areas", count: 500, seed: 30 + UInt64(k))],
                                              provenance: LayerProvenance(source: "city \(k)"))
                    } catch { errors.add("\(k): \(error)") }
                }
                #expect(errors.all.isEmpty, "\(errors.all)")
                for (k, address) in addresses.enumerated() {
                    let store = try openStore(address)
                    expectSameTable(try store.snapshot("buildings"), try Self.snapshotOf(PostGISStoreTests.table("buildings", count: 60_000, seed: 20 + UInt64(k))),
                                    "city \(k)")
                    #expect(try store.layerRecords().map(\.source) == ["city \(k)", "city \(k)"])
                }
            }
        }
    }

    @Test func twoWritersOfTheSameLayerNeverMixIt() throws {
        try withFreshStore(.postGIS, crs: Self.crs) { _, address in
            let a = PostGISStoreTests.table("buildings", count: 50_000, seed: 40)
            let b = PostGISStoreTests.table("buildings", count: 30_000, seed: 41)
            // 1. The second writer's lock wait (300 ms) runs out while the first holds the layer: "busy".
            let first = try openOrCreateStore(address) as! PostGISStore
            let second = try openOrCreateStore(address) as! PostGISStore
            try second.connection.execute("SET lock_timeout = '300ms'")
            var secondError: StoreError?
            try first.writeLayers([a], provenance: LayerProvenance(source: "a")) { _, written in
                guard secondError == nil, written > 0 else { return }
                secondError = expectStoreError { try second.writeLayers([b], provenance: LayerProvenance(source: "b")) }
            }
            #expect(secondError?.cause == .busy)
            #expect(secondError?.description.contains("the store is busy: another process is writing it") == true)
            let reader = try openStore(address)
            expectSameTable(try reader.snapshot("buildings"), try Self.snapshotOf(a), "the first writer's layer")
            // 2. With time to wait, the second writer waits for the first and then replaces the layer whole.
            let third = StoreHandoff(try openOrCreateStore(address) as! PostGISStore)
            let done = DispatchSemaphore(value: 0)
            let errors = ErrorBox()
            var started = false
            try first.writeLayers([a], provenance: LayerProvenance(source: "a again")) { _, written in
                guard !started, written > 0 else { return }
                started = true
                DispatchQueue.global().async {
                    do { try third.store.writeLayers([b], provenance: LayerProvenance(source: "b")) } catch { errors.add("\(error)") }
                    done.signal()
                }
                Thread.sleep(forTimeInterval: 0.5)
            }
            done.wait()
            #expect(errors.all.isEmpty, "\(errors.all)")
            expectSameTable(try reader.snapshot("buildings"), try Self.snapshotOf(b), "the second writer's layer, whole")
            #expect(try reader.layerRecords().filter { $0.layer == "buildings" }.map(\.source) == ["b"])
        }
    }

    /// What a snapshot of `table` written to a store gives: fids 1 … n, integer flags, reals with nulls.
    static func snapshotOf(_ table: FeatureTable) throws -> FeatureTable {
        try withFreshStore(.geoPackage, crs: crs) { store, _ in
            try store.writeLayers([table], provenance: LayerProvenance(source: "reference"))
            return try store.snapshot(table.name)
        }
    }
}

/// A store (one connection, not `Sendable`) handed to one background thread.
///
/// `@unchecked Sendable` is safe as the test uses it: the thread that opened the store does not touch it
/// again until the background thread has signalled that it is done with it.
final class StoreHandoff: @unchecked Sendable {
    let store: PostGISStore
    init(_ store: PostGISStore) { self.store = store }
}

/// Errors collected from several threads.
///
/// `@unchecked Sendable` is safe here: `errors` is only read and written while holding `lock`.
final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ error: String) { lock.lock(); errors.append(error); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return errors }
}
