import CIMStore
import CIMTables
import Foundation
import Testing

/// `cim batch CITIES.json -j N` as a user runs it: three small generated cities and one whose source is a
/// corrupt GeoPackage, into a folder of GeoPackages and into a fresh PostGIS database. Every city's store
/// is compared with its source and with a serial `cim check` of a copy of its source (recorded values, to
/// the last bit); `cim_batch_summary` with each city's check records; then re-runs (nothing changes), a
/// changed source (only that city re-imported), --force, --summary-only.
@Suite(.serialized) struct BatchCLITests {
    static let cities = [("anyang", 11), ("boxian", 12), ("cixi", 13)]
    static let year = 2025

    /// What the test knows of a city: its source and the serial check of a copy of that source.
    struct Reference {
        var source: String
        var record: CheckRecord
        var values: [CheckValueRecord]
        /// City indicators with a yellow or red warning, counted from the serial check's JSON output.
        var warnings: Int
    }

    /// One city's state in the batch target: its layer records, its checks, and each bundle layer's rows.
    struct CityState: Equatable {
        var layers: [LayerRecord]
        var checks: [CheckRecord]
    }

    /// The rows of `cim_batch_summary`, every column, by city.
    static func summary(_ address: String) throws -> [String: [String: AttributeValue]] {
        let table = try openStore(address).snapshot("cim_batch_summary")
        var rows: [String: [String: AttributeValue]] = [:]
        let cities = try #require(table.text("city"))
        #expect(Set(cities.compactMap { $0 }).count == table.count, "one row per city: \(cities)")
        for i in 0 ..< table.count {
            rows[cities[i] ?? ""] = Dictionary(uniqueKeysWithValues: table.columns.map { ($0.name, $0.values[i]) })
        }
        return rows
    }

    static func state(_ address: String) throws -> CityState {
        let store = try openStore(address)
        return CityState(layers: try store.layerRecords().sorted { $0.layer < $1.layer }, checks: try store.checkRecords())
    }

    /// The rows of a batch run's JSON table, by city.
    static func outcome(_ result: CommandResult) throws -> [String: [String: Any]] {
        let rows = try #require(try json(result.stdout)["cities"] as? [[String: Any]], "batch --format json: \(result.stdout)")
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["city"] as? String ?? "", $0) })
    }

    @Test(arguments: cliBackends) func manyCitiesAreImportedCheckedAndSummarised(_ backend: Backend) throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Three small cities and a serial check of a copy of each.
        var references: [String: Reference] = [:]
        /// The serial check of a fresh copy of a city's source.
        func serialCheck(_ name: String) throws {
            let source = folder.appendingPathComponent("\(name).gpkg").path
            let copy = folder.appendingPathComponent("serial-\(name)-\(UUID().uuidString).gpkg").path
            try FileManager.default.copyItem(atPath: source, toPath: copy)
            let check = try cim("check", copy, "--year", String(Self.year), "--format", "json")
            try #require(check.status == 0, "\(check.stderr)")
            let indicators = try #require(try json(check.stdout)["indicators"] as? [[String: Any]])
            let warned = indicators.filter { ["黄色预警", "红色预警"].contains($0["warning"] as? String ?? "") }.count
            let store = try openStore(copy)
            let record = try #require(try store.checkRecords().last)
            references[name] = Reference(source: source, record: record, values: try store.checkValues(check: record.id), warnings: warned)
        }
        for (name, seed) in Self.cities {
            let source = folder.appendingPathComponent("\(name).gpkg").path
            let generated = try cim("generate", "--buildings", "400", "--seed", String(seed), source)
            try #require(generated.status == 0, "\(generated.stderr)")
            try serialCheck(name)
        }
        // A fourth city whose source is not a GeoPackage at all.
        try "this is not a GeoPackage\n".write(to: folder.appendingPathComponent("broken.gpkg"), atomically: true, encoding: .utf8)

        func body(_ target: String) throws {
            let cities = (Self.cities.map(\.0) + ["broken"]).map { ["name": $0, "source": "\($0).gpkg"] }
            let plan = folder.appendingPathComponent("cities.json")
            let document: [String: Any] = ["target": target, "year": Self.year, "cities": cities]
            try JSONSerialization.data(withJSONObject: document).write(to: plan)
            let address = { (city: String) -> String in
                backend == .postgis ? "\(target)?schema=\(city)" : folder.appendingPathComponent("out/\(city).gpkg").path
            }
            let summaryAddress = backend == .postgis ? "\(target)?schema=public" : folder.appendingPathComponent("out/batch.gpkg").path

            // First run: the broken city fails, the others complete.
            let first = try cim("batch", plan.path, "-j", "2", "--format", "json")
            #expect(first.status != 0, "a failed city makes the batch exit non-zero")
            #expect(first.stderr.contains("1 of 4 cities failed: broken"), "\(first.stderr)")
            var rows = try Self.outcome(first)
            #expect(Set(rows.keys) == ["anyang", "boxian", "cixi", "broken"])
            #expect(rows["broken"]?["status"] as? String == "failed")
            let brokenError: String = rows["broken"]?["error"] as? String ?? ""
            #expect(brokenError.contains("broken.gpkg"), "\(brokenError)")
            for (name, _) in Self.cities {
                #expect(rows[name]?["status"] as? String == "ok", "\(name): \(rows[name] ?? [:])")
                #expect(Set(rows[name]?["layers_copied"] as? [String] ?? []) == Set(bundleLayerNames), "\(name)")
                #expect(rows[name]?["checked"] as? Bool == true)
            }
            // Each city's store: the source's bundle layers, row for row, and one check equal to the serial one.
            for (name, _) in Self.cities {
                let reference = try #require(references[name])
                let store = try openStore(address(name)), source = try openStore(reference.source)
                for layer in bundleLayerNames {
                    let a = try source.snapshot(layer), b = try store.snapshot(layer)
                    #expect(a.count == b.count && a.count > 0 || layer == "waterlogging" && a.count == b.count, "\(name).\(layer) count")
                    #expect(a.fids == b.fids, "\(name).\(layer) fids")
                    #expect((0 ..< a.count).map { a.geometries.wkb($0) } == (0 ..< b.count).map { b.geometries.wkb($0) }, "\(name).\(layer) geometries")
                    #expect(a.columns.map(\.name) == b.columns.map(\.name), "\(name).\(layer) fields")
                    for (x, y) in zip(a.columns, b.columns) {
                        #expect((0 ..< a.count).allSatisfy { x.values[$0] == y.values[$0] }, "\(name).\(layer).\(x.name) values")
                    }
                }
                let checks = try store.checkRecords()
                try #require(checks.count == 1, "\(name): \(checks.count) checks")
                #expect(checks[0].year == Self.year && checks[0].index == reference.record.index, "\(name) health index")
                #expect(checks[0].dimensionIndex == reference.record.dimensionIndex, "\(name) dimension index")
                #expect(checks[0].inputs == reference.record.inputs || backend == .postgis, "\(name) inputs")
                let values = try store.checkValues(check: checks[0].id).map { v -> CheckValueRecord in var v = v; v.check = 0; return v }
                let serial = reference.values.map { v -> CheckValueRecord in var v = v; v.check = 0; return v }
                #expect(values.count == serial.count && values.count > 0, "\(name) value count")
                for (v, s) in zip(values, serial) where v != s {
                    Issue.record("\(name): \(v.indicator) \(v.areaKind) \(v.areaId): batch \(v) vs serial \(s)")
                }
            }
            // The summary: one row per city, equal to the city's check records.
            func expectSummary(_ summary: [String: [String: AttributeValue]], failedBroken: Bool) throws {
                #expect(Set(summary.keys) == ["anyang", "boxian", "cixi", "broken"])
                for (name, _) in Self.cities {
                    let row = try #require(summary[name]), reference = try #require(references[name])
                    let latest = try #require(try openStore(address(name)).checkRecords().last)
                    #expect(row["year"] == .integer(Int64(Self.year)) && row["status"] == .text("ok"), "\(name): \(row)")
                    #expect(row["check_id"] == .integer(Int64(latest.id)), "\(name) check_id")
                    #expect(row["health_index"] == latest.index.map { .real($0) } ?? .null && latest.index == reference.record.index, "\(name) health_index")
                    #expect(row["dimension_index"] == .text(latest.dimensionIndex) && latest.dimensionIndex == reference.record.dimensionIndex, "\(name) dimensions")
                    #expect(row["warnings"] == .integer(Int64(reference.warnings)), "\(name) warnings: \(String(describing: row["warnings"])) vs \(reference.warnings)")
                    #expect(row["checked_at"] == .text(latest.time))
                }
                let broken = try #require(summary["broken"])
                if failedBroken {
                    #expect(broken["status"] == .text("failed"))
                    if case let .text(error)? = broken["error"] { #expect(error.contains("broken.gpkg")) } else { Issue.record("broken: no error") }
                } else {
                    #expect(broken["status"] == .text("no check"), "\(broken)")
                }
                #expect(broken["health_index"] == .null && broken["check_id"] == .null)
            }
            let summary = try Self.summary(summaryAddress)
            try expectSummary(summary, failedBroken: true)
            // A user reads it with cim query (a table without geometry); a query by place is refused.
            let queried = try cim("query", summaryAddress, "cim_batch_summary", "--format", "json")
            #expect(queried.status == 0, "\(queried.stderr)")
            let features = try json(queried.stdout)["features"] as? [[String: Any]] ?? []
            #expect(features.compactMap { $0["city"] as? String }.sorted() == ["anyang", "boxian", "broken", "cixi"], "\(queried.stdout)")
            #expect(features.first { $0["city"] as? String == "anyang" }?["health_index"] as? Double == references["anyang"]?.record.index)
            let byPlace = try cim("query", summaryAddress, "cim_batch_summary", "--bbox", "0,0,1,1")
            #expect(byPlace.status != 0 && byPlace.stderr.contains("no geometry to query by place"), "\(byPlace.stderr)")

            // Again: nothing is imported or checked, the stores and the summary are the same.
            let states = try Self.cities.map { try Self.state(address($0.0)) }
            let again = try cim("batch", plan.path, "-j", "3", "--format", "json")
            #expect(again.status != 0)
            rows = try Self.outcome(again)
            for (name, _) in Self.cities {
                #expect(rows[name]?["layers_copied"] as? [String] == [] && rows[name]?["checked"] as? Bool == false, "\(name): \(rows[name] ?? [:])")
            }
            #expect(try Self.cities.map { try Self.state(address($0.0)) } == states)
            #expect(try Self.summary(summaryAddress) == summary)

            // One source changes: only that city is imported (only the changed layer) and checked again.
            let changed = try tool("ogrinfo", [try #require(references["boxian"]).source, "-q", "-sql", "UPDATE buildings SET floors = 40 WHERE fid = 1"])
            try #require(changed.status == 0, "\(changed.stderr)")
            let oldBoxian = try #require(references["boxian"])
            try serialCheck("boxian")
            #expect(references["boxian"]?.values != oldBoxian.values, "the change moves boxian's indicators")
            let third = try cim("batch", plan.path, "--format", "json")
            rows = try Self.outcome(third)
            #expect(rows["boxian"]?["layers_copied"] as? [String] == ["buildings"] && rows["boxian"]?["checked"] as? Bool == true, "\(rows["boxian"] ?? [:])")
            #expect(rows["anyang"]?["layers_copied"] as? [String] == [] && rows["cixi"]?["checked"] as? Bool == false)
            let after = try Self.cities.map { try Self.state(address($0.0)) }
            #expect(after[0] == states[0] && after[2] == states[2])
            #expect(after[1].checks.count == 2)
            #expect(after[1].layers.filter { $0.layer != "buildings" && $0.layer != "check_areas" } == states[1].layers.filter { $0.layer != "buildings" && $0.layer != "check_areas" })
            let floors = try openStore(address("boxian")).query("buildings", LayerQuery(limit: 1)).table
            #expect(floors.integers("floors")?.first == 40)
            // The summary shows boxian's new check, one row per city still.
            let summaryAfterChange = try Self.summary(summaryAddress)
            #expect(summaryAfterChange["boxian"]?["check_id"] == .integer(2))
            #expect(summaryAfterChange["anyang"] == summary["anyang"] && summaryAfterChange["cixi"] == summary["cixi"])

            // --force: every layer imported and every city checked again.
            let forced = try cim("batch", plan.path, "--force", "-j", "2", "--format", "json")
            rows = try Self.outcome(forced)
            for (name, _) in Self.cities {
                #expect(Set(rows[name]?["layers_copied"] as? [String] ?? []) == Set(bundleLayerNames) && rows[name]?["checked"] as? Bool == true, "\(name)")
            }
            let forcedStates = try Self.cities.map { try Self.state(address($0.0)) }
            #expect(forcedStates.map(\.checks.count) == [2, 3, 2])
            // The forced check of an unchanged city records the same values as its first.
            let anyang = try openStore(address("anyang"))
            #expect(try anyang.checkValues(check: 2).map(\.value) == anyang.checkValues(check: 1).map(\.value))
            let forcedSummary = try Self.summary(summaryAddress)
            try expectSummary(forcedSummary, failedBroken: true)

            // --summary-only: no city is touched; the summary is rewritten from the stores (the broken city has
            // no store and no check).
            let only = try cim("batch", plan.path, "--summary-only", "--format", "json")
            #expect(only.status == 0, "\(only.stderr)")
            #expect(try Self.cities.map { try Self.state(address($0.0)) } == forcedStates)
            try expectSummary(try Self.summary(summaryAddress), failedBroken: false)
        }
        switch backend {
        case .geopackage:
            try body("out")
        case .postgis:
            try withFreshDatabase { database in try body(database) }
        }
    }

    @Test func aBadBatchFileIsRefusedWithOneLine() throws {
        let folder = try scratchDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(String, String)] = [
            ("[1, 2]", "not a JSON object"),
            (#"{"target": "out", "year": 2025, "cities": []}"#, "\"cities\" must be a non-empty list"),
            (#"{"target": "out", "year": 99, "cities": [{"name": "a", "source": "a.gpkg"}]}"#, "\"year\""),
            (#"{"target": "out", "year": 2025, "cities": [{"name": "A-1", "source": "a.gpkg"}]}"#, "city #1"),
            (#"{"target": "out", "year": 2025, "cities": [{"name": "a", "source": "a.gpkg"}, {"name": "a", "source": "b.gpkg"}]}"#, "listed twice"),
            (#"{"target": "out", "year": 2025, "cities": [{"name": "a"}]}"#, "\"source\" is missing"),
            (#"{"target": "out", "year": 2025, "cities": [{"name": "a", "source": "a.gpkg", "metric": "crow"}]}"#, "\"metric\""),
        ]
        for (text, fragment) in cases {
            let file = folder.appendingPathComponent("cities.json")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let result = try cim("batch", file.path)
            #expect(result.status != 0, "\(text)")
            #expect(result.stderr.contains(fragment) && result.stderr.contains("cities.json"), "\(text): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out").path), "a refused batch writes nothing")
        let missing = try cim("batch", folder.appendingPathComponent("none.json").path)
        #expect(missing.status != 0 && missing.stderr.contains("cannot read the batch file"))
    }
}
