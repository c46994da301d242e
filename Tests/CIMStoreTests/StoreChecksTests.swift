import CIMGeometry
import CIMStore
import Foundation
import Testing

/// Health checks recorded in the store: cim_checks, cim_check_values and check_areas in one transaction,
/// read back, and layer fingerprints that follow the content.
@Suite struct StoreChecksTests {
    static func areaLayer(name: String = "check_areas", crs: CoordinateReferenceSystem?, broken: Bool = false) -> FeatureTable {
        var g = GeometryColumn()
        g.beginFeature(.multiPolygon)
        g.addRing([(500_000, 3_290_000), (500_100, 3_290_000), (500_100, 3_290_100), (500_000, 3_290_000)])
        g.endPart()
        g.endFeature()
        return FeatureTable(name: name, geometryType: .multiPolygon, geometries: g,
                            columns: [AttributeColumn(broken ? "fid" : "id", .text(["C1"])), AttributeColumn("kg", .real([42.5]))], crs: crs)
    }

    static func record(year: Int, inputs: [LayerFingerprint]) -> CheckRecord {
        CheckRecord(year: year, time: "2026-01-01T00:00:00Z", indicatorFile: "test.json", indicatorHash: "0123456789abcdef", inputs: inputs,
                    cimVersion: "0.1.0", metric: "euclidean", index: 71.5, dimensionIndex: "{\"健康舒适\": 71.5}")
    }

    static let values = [
        CheckValueRecord(indicator: "kg", areaKind: "city", areaId: "city", areaName: nil, value: 42.5, numerator: 85, denominator: 200,
                         score: 53.125, grade: "较差", warning: "红色预警", computable: true),
        CheckValueRecord(indicator: "water", areaKind: "city", areaId: "city", areaName: nil, value: nil, numerator: nil, denominator: nil,
                         score: nil, grade: nil, warning: nil, computable: false),
        CheckValueRecord(indicator: "kg", areaKind: "community", areaId: "C1", areaName: "社区一", value: 42.5, numerator: 85, denominator: 200,
                         score: 53.125, grade: "较差", warning: "红色预警", computable: true),
    ]

    @Test func recordsAndReadsBack() throws {
        try withTemporaryDirectory { dir in
            let (store, path) = try StoreImportErrorTests.makeStore(dir)
            let inputs = try ["buildings", "roads"].map { try store.fingerprint($0) }
            #expect(inputs[0].features == 5 && inputs[0].hash.count == 16)
            let first = try store.recordCheck(Self.record(year: 2024, inputs: inputs), values: Self.values, areas: Self.areaLayer(crs: store.crs),
                                              provenance: LayerProvenance(source: "test"))
            let second = try store.recordCheck(Self.record(year: 2025, inputs: inputs), values: Self.values, areas: Self.areaLayer(crs: store.crs),
                                               provenance: LayerProvenance(source: "test"))
            #expect(first == 1 && second == 2)
            let reopened = try GeoPackageStore.open(path)
            let checks = try reopened.checkRecords()
            #expect(checks.map(\.year) == [2024, 2025])
            #expect(checks[0].inputs == inputs && checks[0].index == 71.5 && checks[0].dimensionIndex.contains("健康舒适"))
            let values = try reopened.checkValues(check: 2)
            #expect(values.count == 3)
            #expect(values.map(\.check) == [2, 2, 2])
            #expect(values[0].value == 42.5 && values[0].grade == "较差" && values[0].computable)
            #expect(values[1].value == nil && !values[1].computable)
            #expect(values[2].areaName == "社区一")
            #expect(try reopened.snapshot("check_areas").reals("kg") == [42.5])
            #expect(try reopened.layerRecords().contains { $0.layer == "check_areas" && $0.source == "test" })
            // The store's own tables are not layers.
            #expect(!reopened.layerNames.contains("cim_checks"))
        }
    }

    @Test func aFailedRecordLeavesNothing() throws {
        try withTemporaryDirectory { dir in
            let (store, path) = try StoreImportErrorTests.makeStore(dir)
            try store.recordCheck(Self.record(year: 2024, inputs: []), values: Self.values, areas: Self.areaLayer(crs: store.crs),
                                  provenance: LayerProvenance(source: "test"))
            let before = try StoreFingerprint(path)
            // A text "fid" column cannot be the layer's integer key: the layer write fails after the check rows
            // went in, and all of it rolls back.
            _ = expectStoreError {
                try store.recordCheck(Self.record(year: 2025, inputs: []), values: Self.values, areas: Self.areaLayer(crs: store.crs, broken: true),
                                      provenance: LayerProvenance(source: "test"))
            }
            #expect(try StoreFingerprint(path) == before)
            #expect(try GeoPackageStore.open(path).checkRecords().map(\.year) == [2024])
            #expect(try GeoPackageStore.open(path).checkValues(check: 2).isEmpty)
        }
    }

    @Test func fingerprintFollowsTheContent() throws {
        try withTemporaryDirectory { dir in
            let (store, _) = try StoreImportErrorTests.makeStore(dir)
            let a = try store.fingerprint("buildings")
            #expect(try store.fingerprint("buildings") == a)
            _ = try store.importLayer(ImportOptions(layer: "buildings", source: write(jiujiangBuildings(ids: ["b1", "b2", "b3", "b4", "b6"]), to: dir, "changed.geojson")))
            let b = try store.fingerprint("buildings")
            #expect(b.features == 5 && b.hash != a.hash)
            _ = try store.importLayer(ImportOptions(layer: "buildings", source: write(jiujiangBuildings(ids: ["b1", "b2", "b3", "b4"]), to: dir, "fewer.geojson")))
            #expect(try store.fingerprint("buildings").features == 4)
        }
    }
}
