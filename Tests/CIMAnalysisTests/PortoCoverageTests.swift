import CIMAnalysis
import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("Coverage on real data (Porto, OSM preset)")
struct PortoCoverageTests {
    @Test("reference points of real footprints (Porto and Helsinki) equal GEOS's PointOnSurface bit for bit", arguments: ["porto", "helsinki"])
    func referencePointsEqualGEOS(city: String) throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try GeoPackageStore.openOrCreate(folder.appendingPathComponent("\(city).gpkg").path)
        _ = try store.importOSM(source: dataDirectory.appendingPathComponent("\(city).osm.pbf").path, preset: OSMPreset.shipped())
        let footprints = try store.snapshot("buildings").geometries
        let context = GEOSContext()
        var crossings: [Double] = []
        var direct = 0
        for i in 0 ..< footprints.count {
            let geos = try footprints.geometry(i, context: context).pointOnSurface()
            let (x, y) = (try geos.x(), try geos.y())
            if let p = footprints.interiorPoint(ofPolygonal: i, crossings: &crossings) {
                direct += 1
                #expect(p.x.bitPattern == x.bitPattern && p.y.bitPattern == y.bitPattern, "building \(i): \(p) vs GEOS (\(x), \(y))")
            }
        }
        #expect(footprints.count > 400)
        #expect(direct == footprints.count, "\(direct) of \(footprints.count) on the direct path")
    }

    @Test("dist_<category> equals brute-force GEOS distances on Porto within 1e-6 m")
    func portoMatchesBruteForce() throws {
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try GeoPackageStore.openOrCreate(folder.appendingPathComponent("porto.gpkg").path)
        _ = try store.importOSM(source: dataDirectory.appendingPathComponent("porto.osm.pbf").path, preset: OSMPreset.shipped())
        let standard = try Standard.load(dataDirectory.appendingPathComponent("standards/gb50180-2018.json"))
        let buildings = try store.snapshot("buildings")
        let facilities = try store.snapshot("facilities")
        var timings = StageTimings()
        let result = try StraightLineCoverage.run(buildings: buildings, facilities: facilities, areas: nil, standard: standard,
                                                  options: CoverageOptions(), timings: &timings)
        #expect(result.buildings.count > 1000)
        let brute = try bruteForceDistances(buildings: buildings, facilities: facilities, standard: standard,
                                            cutoff: standard.parameters.defaultCutoffMetres, unknownIsResidential: false)
        #expect(brute.rows == result.buildings.rows)
        var worst = 0.0, compared = 0
        for c in standard.categories.indices {
            for b in brute.rows.indices {
                let ours = result.distances[c][b]
                if let expected = brute.distances[c][b] {
                    worst = max(worst, abs(ours - expected))
                    compared += 1
                } else {
                    #expect(ours.isNaN)
                }
            }
        }
        #expect(worst <= 1e-6, "largest difference \(worst) m")
        #expect(compared > 10_000)
        // Written and read back through the store, the layer keeps the distances.
        try store.writeLayer(result.buildingLayer(footprints: buildings), provenance: LayerProvenance(source: "test"))
        let back = try store.snapshot("coverage_buildings", fields: ["id", "dist_kindergarten"])
        #expect(back.count == result.buildings.count)
        let k = standard.categories.firstIndex { $0.key == "kindergarten" }!
        for (b, value) in back.reals("dist_kindergarten")!.enumerated() {
            let expected = result.distances[k][b]
            if expected.isNaN { #expect(value == nil) } else { #expect(abs((value ?? .nan) - expected) < 1e-9) }
        }
    }
}
