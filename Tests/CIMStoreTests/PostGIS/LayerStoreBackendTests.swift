import CIMGeometry
import CIMIndex
@testable import CIMStore
import CIMTestSupport
import Foundation
import Testing

/// The ``LayerStore`` contract on both backends (GeoPackage always; PostGIS with CIM_TEST_POSTGIS): the
/// same seeded random tables written to a GeoPackage store and to a PostGIS store read back the same —
/// snapshots, fields, geometry types, counts, extents, queries, statistics — and the store's own tables
/// (metadata, provenance, import issues, checks) behave alike.
@Suite(.serialized) struct LayerStoreBackendTests {
    static let crs = try! CoordinateReferenceSystem(epsg: 4547)

    /// Random tables of every geometry kind (see ``PostgresCopyCodecTests/randomTable(_:count:seed:)``).
    static func tables(seed: UInt64) -> [FeatureTable] {
        [GeometryType.point, .lineString, .multiLineString, .polygon, .multiPolygon, .geometryCollection].enumerated().map { k, type in
            var table = PostgresCopyCodecTests.randomTable(type, count: 400 + 37 * k, seed: seed + UInt64(k))
            table.name = "layer_\(k)"
            return table
        }
    }

    @Test(.enabled(if: testPostGISURL != nil, postGISSkipReason))
    func snapshotsFieldsAndCountsAreTheSameOnBothBackends() throws {
        let tables = Self.tables(seed: 140)
        try withFreshStore(.geoPackage, crs: Self.crs) { gpkg, _ in
            try withFreshStore(.postGIS, crs: Self.crs) { pg, _ in
                try gpkg.writeLayers(tables, provenance: LayerProvenance(source: "random"))
                try pg.writeLayers(tables, provenance: LayerProvenance(source: "random"))
                #expect(pg.layerNames == gpkg.layerNames)
                #expect(pg.crs == gpkg.crs)
                for table in tables {
                    #expect(pg.fields(table.name) == gpkg.fields(table.name), "fields of \(table.name)")
                    #expect(pg.geometryTypeName(table.name) == gpkg.geometryTypeName(table.name), "geometry type of \(table.name)")
                    #expect(pg.featureCount(table.name) == table.count)
                    #expect(gpkg.featureCount(table.name) == table.count)
                    #expect(pg.extent(table.name) == table.extent, "extent of \(table.name)")
                    expectSameTable(try pg.snapshot(table.name), try gpkg.snapshot(table.name), "\(table.name), every field")
                    let some = ["名称", "complete"]
                    expectSameTable(try pg.snapshot(table.name, fields: some), try gpkg.snapshot(table.name, fields: some), "\(table.name), two fields")
                    #expect(try pg.completeness(table.name) == gpkg.completeness(table.name))
                    let pgCounts = try pg.valueCounts(table.name, field: "名称", limit: 5)
                    let gpkgCounts = try gpkg.valueCounts(table.name, field: "名称", limit: 5)
                    #expect(pgCounts.map { "\($0.value ?? "<null>") \($0.count)" } == gpkgCounts.map { "\($0.value ?? "<null>") \($0.count)" })
                }
                let missing = expectStoreError { _ = try pg.snapshot("layer_0", fields: ["nope"]) }
                #expect(missing?.message.contains("no field 'nope'") == true)
            }
        }
    }

    @Test(.enabled(if: testPostGISURL != nil, postGISSkipReason))
    func queriesGiveTheSameFeaturesAndExactDistancesOnBothBackends() throws {
        let tables = Self.tables(seed: 77)
        try withFreshStore(.geoPackage, crs: Self.crs) { gpkg, _ in
            try withFreshStore(.postGIS, crs: Self.crs) { pg, _ in
                try gpkg.writeLayers(tables, provenance: LayerProvenance(source: "random"))
                try pg.writeLayers(tables, provenance: LayerProvenance(source: "random"))
                var random = SplitMix64(seed: 5)
                for table in tables {
                    for q in 0 ..< 12 {
                        let x = random.uniform(400_000, 600_000), y = random.uniform(3_200_000, 3_400_000)
                        var query = LayerQuery()
                        switch q % 4 {
                        case 0: query.near = (x, y); query.within = random.uniform(5_000, 40_000)
                        case 1: query.bbox = Envelope(minX: x - 20_000, minY: y - 20_000, maxX: x + 20_000, maxY: y + 20_000)
                        case 2: query.near = (x, y); query.within = 30_000; query.limit = 7
                        default: query.equals = [(field: "complete", value: "1")]; query.limit = 25
                        }
                        let a = try pg.query(table.name, query), b = try gpkg.query(table.name, query)
                        Self.expectSameQueryTables(a.table, b.table, source: table, "\(table.name) query \(q)")
                        #expect(a.distances == b.distances, "\(table.name) query \(q): distances")
                        if let near = query.near, let d = query.within, let distances = a.distances {
                            // Brute force: every feature within d, by GEOS, in (distance, fid) order.
                            let point = try Geometry(x: near.x, y: near.y)
                            let all = try (0 ..< table.count).compactMap { i -> (Double, Int64)? in
                                guard !table.geometries.parts(of: i).isEmpty else { return nil }
                                let distance = try point.distance(to: table.geometries.geometry(i))
                                return distance <= d ? (distance, Int64(i + 1)) : nil
                            }.sorted { $0 < $1 }
                            let expected = query.limit.map { Array(all.prefix($0)) } ?? all
                            #expect(distances == expected.map(\.0) && a.table.fids == expected.map(\.1), "\(table.name) query \(q) against brute force")
                        }
                    }
                }
            }
        }
    }

    /// Two query answers: the same fids, geometries, integers, texts and reals, exactly; the reals are the
    /// written ones (both stores read them as doubles, not through text).
    static func expectSameQueryTables(_ pg: FeatureTable, _ gpkg: FeatureTable, source: FeatureTable, _ what: String) {
        expectSame(pg.fids, gpkg.fids, "\(what): fids")
        expectSame((0 ..< pg.geometries.count).map { pg.geometries.wkb($0) }, (0 ..< gpkg.geometries.count).map { gpkg.geometries.wkb($0) }, "\(what): geometries")
        expectSame(pg.columns.map(\.name), gpkg.columns.map(\.name), "\(what): columns")
        for (x, y) in zip(pg.columns, gpkg.columns) {
            #expect(x.values.type == y.values.type, "\(what): type of \(x.name)")
            if x.values.type == .real, let written = source.reals(x.name), let read = pg.reals(x.name), let other = gpkg.reals(y.name) {
                expectSame(read, pg.fids.map { written[Int($0) - 1].flatMap { $0.isFinite ? $0 : nil } }, "\(what): \(x.name) from PostGIS against the written values")
                expectSame(other, read, "\(what): \(x.name) from the GeoPackage against PostGIS")
            } else {
                expectSame((0 ..< x.values.count).map { x.values[$0] }, (0 ..< y.values.count).map { y.values[$0] }, "\(what): column \(x.name)")
            }
        }
    }

    @Test("layers computed during a write join its transaction; a failure or a wrong layer while waiting for them leaves the store as it was",
          arguments: testBackends)
    func pendingLayersJoinTheWrite(backend: StoreBackend) throws {
        try withFreshStore(backend, crs: Self.crs) { store, _ in
            let tables = Self.tables(seed: 21)
            try store.writeLayers([tables[0], tables[1]], provenance: LayerProvenance(source: "first"))
            let before = try [tables[0].name, tables[1].name].map { try store.fingerprint($0) }
            struct Stop: Error {}
            // The pending computation fails after the ready layers were written: none of it lands.
            var renamed = tables[2]
            renamed.name = tables[0].name
            var asked = 0
            #expect(throws: Stop.self) {
                try store.writeLayers([renamed], then: PendingLayers(names: [tables[1].name]) { asked += 1; throw Stop() },
                                      provenance: LayerProvenance(source: "second"), establishing: nil, progress: nil)
            }
            #expect(asked == 1)
            #expect(try [tables[0].name, tables[1].name].map { try store.fingerprint($0) } == before)
            #expect(try store.layerRecords().map(\.source) == ["first", "first"])
            // Layers other than those announced are refused, and nothing lands either.
            #expect(throws: StoreError.self) {
                try store.writeLayers([renamed], then: PendingLayers(names: [tables[1].name]) { [tables[3]] },
                                      provenance: LayerProvenance(source: "third"), establishing: nil, progress: nil)
            }
            #expect(try [tables[0].name, tables[1].name].map { try store.fingerprint($0) } == before)
            #expect(!store.hasLayer(tables[3].name))
            // Given, they are written in the same transaction, recorded like the others, and read back exactly.
            var late = tables[4]
            late.name = tables[1].name
            var order: [String] = []
            try store.writeLayers([renamed], then: PendingLayers(names: [late.name]) { order.append("computed"); return [late] },
                                  provenance: LayerProvenance(source: "fourth"), establishing: nil) { name, _ in
                if order.last != name { order.append(name) }
            }
            #expect(order == [renamed.name, "computed", late.name])
            /// The table as written, with the fids the store gives (1, 2, …).
            func numbered(_ table: FeatureTable) -> FeatureTable {
                var table = table
                table.fids = (1 ... table.count).map(Int64.init)
                return table
            }
            expectSameTable(try store.snapshot(renamed.name), numbered(renamed), "ready layer")
            expectSameTable(try store.snapshot(late.name), numbered(late), "pending layer")
            #expect(try store.layerRecords().map(\.source) == ["fourth", "fourth"])
        }
    }

    @Test(arguments: testBackends)
    func provenanceIssuesAndMetadataAreRecorded(backend: StoreBackend) throws {
        try withFreshStore(backend, crs: Self.crs) { store, _ in
            var table = Self.tables(seed: 9)[4]
            table.name = "buildings"
            let issues = [ImportIssue(feature: "b7", action: .repaired, reason: "self-intersection"),
                          ImportIssue(feature: "b9", action: .rejected, reason: "empty geometry, 'quoted'")]
            try store.writeLayers([table], provenance: LayerProvenance(source: "survey.shp", sourceLayer: "survey", sourceCRS: "EPSG:4548",
                                                                       repaired: 1, rejected: 1, issues: issues))
            #expect(try store.metadataValue("format") == "cim-bundle")
            #expect(try store.metadataValue("crs") == "EPSG:4547")
            try store.setMetadata("note", "幼儿园 'x'")
            #expect(try store.metadata()["note"] == "幼儿园 'x'")
            let records = try store.layerRecords()
            #expect(records.count == 1)
            let first = try #require(records.first)
            let recorded: [String] = [first.layer, first.source, first.sourceLayer, first.sourceCRS, String(first.features), String(first.repaired), String(first.rejected)]
            let expected: [String] = ["buildings", "survey.shp", "survey", "EPSG:4548", String(table.count), "1", "1"]
            #expect(recorded == expected)
            #expect(try store.importIssues(layer: "buildings") == issues)
            // A re-import replaces the record and the issues.
            try store.writeLayers([table], provenance: LayerProvenance(source: "again.shp"))
            #expect(try store.layerRecords().map(\.source) == ["again.shp"])
            #expect(try store.importIssues(layer: "buildings").isEmpty)
        }
    }

    @Test(arguments: testBackends)
    func checksAreRecordedWithTheNextIdAndReadBack(backend: StoreBackend) throws {
        try withFreshStore(backend, crs: Self.crs) { store, _ in
            var areas = Self.tables(seed: 3)[4]
            areas.name = "check_areas"
            let inputs = [LayerFingerprint(layer: "buildings", features: 3, hash: "00ff")]
            let values = (0 ..< 50).map { (k: Int) -> CheckValueRecord in
                // Values of 17 significant digits: both stores must read them back exactly.
                let value: Double? = k % 5 == 0 ? nil : Double(k) / 7
                let score: Double? = k % 4 == 0 ? nil : 90.5
                let name: String? = k % 3 == 0 ? nil : "社区\(k)"
                let warning: String? = k % 2 == 0 ? "normal" : nil
                return CheckValueRecord(indicator: "ind_\(k % 7)", areaKind: k == 0 ? "city" : "community", areaId: "A\(k)", areaName: name,
                                        value: value, numerator: Double(k) / 3, denominator: 3, score: score, grade: "good", warning: warning,
                                        computable: k % 5 != 0)
            }
            var record = CheckRecord(year: 2025, time: "2025-06-01T00:00:00Z", indicatorFile: "city-health-check.json", indicatorHash: "abc",
                                     inputs: inputs, cimVersion: "test", metric: "euclidean", index: 87.25 + 1.0 / 3, dimensionIndex: "{\"生态宜居\":90}")
            let first = try store.recordCheck(record, values: values, areas: areas, provenance: LayerProvenance(source: "cim check"))
            record.year = 2026
            record.index = nil
            let second = try store.recordCheck(record, values: Array(values.prefix(3)), areas: areas, provenance: LayerProvenance(source: "cim check"))
            #expect(first == 1)
            #expect(second == 2)
            let records = try store.checkRecords()
            #expect(records.map(\.id) == [1, 2])
            #expect(records.map(\.year) == [2025, 2026])
            #expect(records.first?.index == 87.25 + 1.0 / 3 && records.last?.index == nil)
            #expect(records.first?.inputs == inputs && records.first?.dimensionIndex == "{\"生态宜居\":90}")
            #expect(try store.checkValues(check: 1) == values.map { var v = $0; v.check = 1; return v })
            #expect(try store.checkValues(check: 2).count == 3)
            #expect(store.featureCount("check_areas") == areas.count)
        }
    }

    @Test(arguments: testBackends)
    func layerNamesAreSortedAndTheBatchSummaryIsALayer(backend: StoreBackend) throws {
        try withFreshStore(backend, crs: Self.crs) { store, _ in
            var written: [FeatureTable] = []
            for (k, name) in ["zeta", "alpha", "mid"].enumerated() {
                var table = Self.tables(seed: 30 + UInt64(k))[0]
                table.name = name
                written.append(table)
            }
            try store.writeLayers(written, provenance: LayerProvenance(source: "t"))
            let summary = FeatureTable(name: "cim_batch_summary", geometryType: nil, columns: [AttributeColumn("city", .text(["a", "b"]))])
            try store.writeLayer(summary, provenance: LayerProvenance(source: "cim batch"))
            #expect(store.layerNames == ["alpha", "cim_batch_summary", "mid", "zeta"])
            #expect(store.hasLayer("cim_batch_summary") && !store.hasLayer("cim_checks"))
            #expect(try store.snapshot("cim_batch_summary").text("city") == ["a", "b"])
        }
    }

    @Test(arguments: testBackends)
    func aFingerprintIsStableAndFollowsTheContents(backend: StoreBackend) throws {
        try withFreshStore(backend, crs: Self.crs) { store, _ in
            var table = Self.tables(seed: 21)[0]
            try store.writeLayers([table], provenance: LayerProvenance(source: "t"))
            let a = try store.fingerprint(table.name), b = try store.fingerprint(table.name)
            #expect(a == b)
            #expect(a.features == table.count)
            if case var .integer(v)? = table.column("count") {
                v[17] = (v[17] ?? 0) + 1
                table.columns[0] = AttributeColumn("count", .integer(v))
            }
            try store.writeLayers([table], provenance: LayerProvenance(source: "t"))
            #expect(try store.fingerprint(table.name).hash != a.hash)
        }
    }
}
