@testable import CIMAnalysis
import CIMGeometry
import CIMIndex
import CIMStore
import Foundation
import Testing

/// Writes a GeoJSON FeatureCollection of lines with properties (no CRS member unless given).
func writeLineGeoJSON(_ url: URL, lines: [[(Double, Double)]], properties: [[String: Any]], crsName: String? = nil) throws {
    var features: [[String: Any]] = []
    for (line, props) in zip(lines, properties) {
        features.append(["type": "Feature", "properties": props,
                         "geometry": ["type": "LineString", "coordinates": line.map { [$0.0, $0.1] }]])
    }
    var collection: [String: Any] = ["type": "FeatureCollection", "features": features]
    if let crsName { collection["crs"] = ["type": "name", "properties": ["name": crsName]] }
    try JSONSerialization.data(withJSONObject: collection).write(to: url)
}

@Suite("Drainage: bad input and pipe import")
struct DrainageInputTests {
    func smallCity() -> (buildings: FeatureTable, pipes: FeatureTable) {
        (buildingsTable([[rectangle(0, 20, 10, 30)], [rectangle(0, 200, 10, 210)]], uses: ["residential", "residential"], floors: [2, 2]),
         pipesTable([[(0, 0), (100, 0)]]))
    }

    @Test("pipes in a lon/lat CRS, in another CRS, or kilometres away: clear errors")
    func otherCRS() throws {
        let (buildings, pipes) = smallCity()
        let standard = try drainageStandard()
        var timings = StageTimings()
        var lonLat = pipes
        lonLat.crs = .wgs84
        #expect {
            _ = try PipeGaps.run(buildings: buildings, pipes: lonLat, areas: nil, standard: standard, options: GapsOptions(), timings: &timings)
        } throws: { "\($0)".contains("is in EPSG:4326") }
        var geographic = buildings
        geographic.crs = .wgs84
        #expect {
            _ = try PipeGaps.run(buildings: geographic, pipes: lonLat, areas: nil, standard: standard, options: GapsOptions(), timings: &timings)
        } throws: { "\($0)".contains("lon/lat") }
        var utm = pipes
        utm.crs = try CoordinateReferenceSystem(epsg: 32650)
        #expect {
            _ = try PipeGaps.run(buildings: buildings, pipes: utm, areas: nil, standard: standard, options: GapsOptions(), timings: &timings)
        } throws: { "\($0)".contains("EPSG:32650") }
        // Same CRS label, coordinates from elsewhere (pipes really in lon/lat degrees).
        let far = pipesTable([[(114.1, 22.5), (114.2, 22.5)]])
        let near = buildingsTable([[rectangle(500_000, 3_290_000, 500_010, 3_290_010)]], uses: ["residential"], floors: [1])
        #expect {
            _ = try PipeGaps.run(buildings: near, pipes: far, areas: nil, standard: standard, options: GapsOptions(), timings: &timings)
        } throws: { "\($0)".contains("km from the buildings layer") && "\($0)".contains("different CRSs") }
        let nodes = nodesTable([(114.1, 22.5)], kinds: ["outfall"])
        let netPipes = pipesTable([[(500_000, 3_290_000), (500_050, 3_290_000)]])
        #expect {
            _ = try PipeAudit.run(pipes: netPipes, nodes: nodes, options: AuditOptions(), timings: &timings)
        } throws: { "\($0)".contains("pipe_nodes layer lies") }
    }

    @Test("pipes with no kind and bad options: clear errors, for gaps and audit")
    func noKinds() throws {
        let (buildings, _) = smallCity()
        let pipes = pipesTable([[(0, 0), (100, 0)], [(100, 0), (200, 0)]], kinds: [nil, nil])
        var timings = StageTimings()
        #expect {
            _ = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: nil, standard: try drainageStandard(), options: GapsOptions(), timings: &timings)
        } throws: { "\($0)".contains("none of the 2 pipes has a kind") }
        #expect {
            _ = try PipeAudit.run(pipes: pipes, nodes: nil, options: AuditOptions(), timings: &timings)
        } throws: { "\($0)".contains("none of the 2 pipes has a kind") }
        let audited = try PipeAudit.run(pipes: pipes, nodes: nil, options: AuditOptions(kinds: try PipeKinds.parse("unknown")), timings: &timings)
        #expect(audited.pipes.count == 2)
        #expect(audited.missing["kind"] == 2)
        #expect(throws: AnalysisError.self) {
            _ = try PipeGaps.run(buildings: buildings, pipes: pipesTable([[(0, 0), (100, 0)]]), areas: nil, standard: try drainageStandard(),
                                 options: GapsOptions(radius: -1), timings: &timings)
        }
        #expect(throws: AnalysisError.self) {
            _ = try PipeAudit.run(pipes: pipesTable([[(0, 0), (100, 0)]]), nodes: nil, options: AuditOptions(gapTolerance: .nan), timings: &timings)
        }
    }

    @Test("import: field mapping for kind, diameter and inverts; diameters in m or mm with a warning for the other unit")
    func importPipes() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines: [[(Double, Double)]] = [[(500_000, 3_290_000), (500_040, 3_290_000)], [(500_040, 3_290_000), (500_080, 3_290_010)], [(500_080, 3_290_010), (500_120, 3_290_010)]]
        let metres = folder.appendingPathComponent("metres.geojson")
        try writeLineGeoJSON(metres, lines: lines, properties: [
            ["GXID": "W1", "TYPE": "污水", "DN": 0.3, "QDGC": 10.2, "ZDGC": 10.0],
            ["GXID": "W2", "TYPE": "雨污合流", "DN": 0.4, "QDGC": 10.0, "ZDGC": 9.8],
            ["GXID": "W3", "TYPE": "雨水", "DN": 0.5, "QDGC": 9.8, "ZDGC": 9.7],
        ], crsName: "urn:ogc:def:crs:EPSG::4548")
        let millimetres = folder.appendingPathComponent("mm.geojson")
        try writeLineGeoJSON(millimetres, lines: lines, properties: [["DN": 300], ["DN": 400], ["DN": 500]], crsName: "urn:ogc:def:crs:EPSG::4548")
        let mapping = ValueMapping(fields: ["kind": ["污水": "sewer", "雨污合流": "combined", "雨水": "storm"]])
        let fields = ["id": "GXID", "kind": "TYPE", "diameter_mm": "DN", "up_invert": "QDGC", "down_invert": "ZDGC"]

        let store = try GeoPackageStore.openOrCreate(folder.appendingPathComponent("s.gpkg").path)
        let asMetres = try store.importLayer(ImportOptions(layer: "pipes", source: metres.path, fieldMap: fields, values: mapping, diameterUnit: "m"))
        #expect(asMetres.warnings.isEmpty, "\(asMetres.warnings)")
        let pipes = try store.snapshot("pipes")
        #expect(pipes.text("id")! == ["W1", "W2", "W3"])
        #expect(pipes.text("kind")! == ["sewer", "combined", "storm"])
        #expect(pipes.reals("diameter_mm")!.map { $0! } == [300, 400, 500])
        #expect(pipes.reals("up_invert")!.map { $0! } == [10.2, 10.0, 9.8])
        #expect(pipes.reals("down_invert")!.map { $0! } == [10.0, 9.8, 9.7])

        // Metres given as millimetres (no flag, or --diameter-unit mm): a warning, values kept.
        for unit in [nil, "mm"] as [String?] {
            let report = try store.importLayer(ImportOptions(layer: "pipes", source: metres.path, fieldMap: fields, values: mapping, diameterUnit: unit))
            #expect(report.warnings.contains { $0.contains("look like metres") && $0.contains("--diameter-unit m") }, "\(report.warnings)")
            #expect(try store.snapshot("pipes").reals("diameter_mm")!.map { $0! } == [0.3, 0.4, 0.5])
        }
        // Millimetres given as metres: a warning.
        let report = try store.importLayer(ImportOptions(layer: "pipes", source: millimetres.path, fieldMap: ["diameter_mm": "DN"], diameterUnit: "m"))
        #expect(report.warnings.contains { $0.contains("look like millimetres") }, "\(report.warnings)")
        let plain = try store.importLayer(ImportOptions(layer: "pipes", source: millimetres.path, fieldMap: ["diameter_mm": "DN"]))
        #expect(plain.warnings.isEmpty, "\(plain.warnings)")
        // Without a mapping file the Chinese kinds map through Data/values/chinese-values.json (污水 → sewer …).
        let shipped = try store.importLayer(ImportOptions(layer: "pipes", source: metres.path, fieldMap: fields, diameterUnit: "m"))
        #expect(!shipped.warnings.contains { $0.contains("'kind'") }, "\(shipped.warnings)")
        #expect(try store.snapshot("pipes").text("kind")! == ["sewer", "combined", "storm"])
        // Values that map to nothing are reported (and set to 'other').
        let unmapped = try store.importLayer(ImportOptions(layer: "pipes", source: metres.path, fieldMap: ["kind": "GXID"], diameterUnit: "m"))
        #expect(unmapped.warnings.contains { $0.contains("'kind'") && $0.contains("--values") }, "\(unmapped.warnings)")
        #expect(unmapped.unmapped["kind"]?.map(\.value) == ["W1", "W2", "W3"])
    }
}
