@testable import CIMAnalysis
import CIMGeometry
import CIMIndex
import CIMStore
import Foundation
import Testing

/// Imports the Bellinge pipes (diameters in metres, kind from `edge_type`: the street sewers of this
/// catchment are combined) and manholes (chamber floor = invert, surface = ground) into a new store.
func importBellinge(into path: String) throws -> (store: GeoPackageStore, reports: [ImportReport]) {
    let store = try GeoPackageStore.openOrCreate(path)
    let edges = dataDirectory.appendingPathComponent("bellinge/edges.geojson").path
    let nodes = dataDirectory.appendingPathComponent("bellinge/nodes.geojson").path
    let pipes = try store.importLayer(ImportOptions(layer: "pipes", source: edges, fieldMap: ["diameter_mm": "diameter", "kind": "edge_type"],
                                                    values: ValueMapping(fields: ["kind": ["street": "combined"]]), diameterUnit: "m"))
    let manholes = try store.importLayer(ImportOptions(layer: "pipe_nodes", source: nodes,
                                                       fieldMap: ["invert_z": "chamber_floor_elevation", "ground_z": "surface_elevation"]))
    return (store, [pipes, manholes])
}

@Suite("Drainage on real data (Bellinge pipes, Helsinki OSM)")
struct DrainageRealDataTests {
    @Test("Bellinge: import in metres, audit finds one network without outlet, one diameter shrink, no reversed slope")
    func bellingeAudit() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (store, reports) = try importBellinge(into: folder.appendingPathComponent("b.gpkg").path)
        #expect(reports.allSatisfy { $0.warnings.isEmpty }, "\(reports.map(\.warnings))")
        #expect(store.crs?.identifier == "EPSG:32632")
        let pipes = try store.snapshot("pipes")
        #expect(pipes.count == 14)
        #expect(Set(pipes.reals("diameter_mm")!.map { $0! }) == [200, 250, 300, 350])
        // Without the unit flag the import warns that the values look like metres.
        let other = try GeoPackageStore.openOrCreate(folder.appendingPathComponent("mm.gpkg").path)
        let plain = try other.importLayer(ImportOptions(layer: "pipes", source: dataDirectory.appendingPathComponent("bellinge/edges.geojson").path,
                                                        fieldMap: ["diameter_mm": "diameter"]))
        #expect(plain.warnings.contains { $0.contains("look like metres") })

        var timings = StageTimings()
        let r = try PipeAudit.run(pipes: pipes, nodes: try store.snapshot("pipe_nodes"), options: AuditOptions(), timings: &timings)
        #expect(r.pipes.count == 14 && r.graph.nodeCount == 15)
        #expect(r.graph.matchedNode.allSatisfy { $0 >= 0 })
        #expect(r.components.count == 1 && !r.components[0].hasOutlet)
        #expect(r.invertsFromNodes == 28)
        #expect(r.count(.reversedSlope) == 0)
        #expect(r.count(.noOutletComponent) == 1)
        let shrink = r.defects.filter { $0.type == .diameterShrink }
        #expect(shrink.count == 1)
        #expect(shrink.first?.pipeIds == ["G72F820_G72F810_l1", "G72F810_G72F800_l1"])
        #expect(abs((shrink.first?.value ?? 0) - 50) < 1e-9)
        #expect(abs((shrink.first?.x ?? 0) - 583348.3699990722) < 1e-6)
        // The heads and the downstream end of the extract are free ends at manholes (low severity).
        let dangling = r.defects.filter { $0.type == .danglingEnd }
        #expect(dangling.count == 6 && dangling.allSatisfy { $0.severity == .low })
        #expect(dangling.filter { $0.detail.hasPrefix("downstream") }.count == 1)
        #expect(r.defects.count == 8)
        #expect(r.warnings.contains { $0.contains("no outfall or plant") })
    }

    @Test("Bellinge pipes with seeded buildings: service distances equal GEOS, zone totals add up")
    func bellingeGaps() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (store, _) = try importBellinge(into: folder.appendingPathComponent("b.gpkg").path)
        let pipes = try store.snapshot("pipes")
        var rng = SeededRandom(seed: 77)
        var polygons: [[[(Double, Double)]]] = [], uses: [String?] = [], floors: [Int64?] = []
        for _ in 0 ..< 300 {
            let x = rng.uniform(583_000 ... 583_600), y = rng.uniform(6_132_700 ... 6_133_200), w = rng.uniform(8 ... 25), h = rng.uniform(8 ... 20)
            polygons.append([rectangle(x, y, x + w, y + h)])
            uses.append(["residential", "commercial", "mixed"][rng.int(0 ..< 3)])
            floors.append(Int64(rng.int(1 ..< 6)))
        }
        var buildings = buildingsTable(polygons, uses: uses, floors: floors)
        buildings.crs = store.crs
        var timings = StageTimings()
        let r = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: nil, standard: try drainageStandard(), options: GapsOptions(), timings: &timings)
        let brute = try bruteForceServiceDistances(buildings: buildings, pipes: pipes, kinds: .wastewater)
        for b in 0 ..< buildings.count { #expect(abs(r.service.distances[b] - brute[b]) <= 1e-6) }
        let unserved = (0 ..< buildings.count).filter { brute[$0] > 50 }
        #expect(r.unservedBuildings == unserved)
        #expect(r.zones.reduce(0) { $0 + $1.buildings } == unserved.count)
        let stock = try independentStock(buildings, perResident: 36.5, context: GEOSContext())
        let floor = unserved.reduce(0.0) { $0 + stock.floorArea[$1] }
        #expect(abs(r.zones.reduce(0) { $0 + $1.floorArea } - floor) <= 1e-6 * floor)
        #expect(r.unservedBuildings.count > 50 && r.unservedBuildings.count < 300)
    }

    @Test("Helsinki OSM: gaps with the drains equal GEOS, audit of every pipeline runs")
    func helsinki() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try GeoPackageStore.openOrCreate(folder.appendingPathComponent("h.gpkg").path)
        _ = try store.importOSM(source: dataDirectory.appendingPathComponent("helsinki.osm.pbf").path, preset: OSMPreset.shipped())
        let buildings = try store.snapshot("buildings")
        let pipes = try store.snapshot("pipes")
        let standard = try drainageStandard()
        var timings = StageTimings()
        // The extract has drains, water and other pipelines but no sewer: the default kinds say so.
        #expect {
            _ = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: nil, standard: standard, options: GapsOptions(), timings: &timings)
        } throws: { "\($0)".contains("no pipe of kind sewer,combined") }
        let kinds = try PipeKinds.parse("storm")
        let r = try PipeGaps.run(buildings: buildings, pipes: pipes, areas: nil, standard: standard, options: GapsOptions(kinds: kinds), timings: &timings)
        #expect(r.buildings.count > 400)
        let brute = try bruteForceServiceDistances(buildings: buildings, pipes: pipes, kinds: kinds)
        for (k, row) in r.buildings.rows.enumerated() { #expect(abs(r.service.distances[k] - brute[row]) <= 1e-6) }
        #expect(r.zones.reduce(0) { $0 + $1.buildings } == r.unservedBuildings.count)
        #expect(r.blankAreas.totalArea > 0 && r.blankAreas.totalArea < r.builtUpArea)

        let audit = try PipeAudit.run(pipes: pipes, nodes: try store.snapshot("pipe_nodes"), options: AuditOptions(kinds: .all), timings: &timings)
        #expect(audit.pipes.count == pipes.count)
        #expect(audit.components.count > 1)
        #expect(audit.count(.noOutletComponent) == audit.components.count)   // OSM maps no outfalls here
        #expect(audit.count(.missingAttributes) > 0)
        for d in audit.defects { #expect(!d.pipes.isEmpty && d.x.isFinite && d.y.isFinite) }
    }
}
