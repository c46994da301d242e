import CIMGeometry
import CIMStore
import Foundation
import Testing

/// `GeoPackageStore.snapshot`: the layer in memory agrees with what GDAL's own tools read from the GeoPackage.
@Suite struct SnapshotTests {
    /// (fid, id, ST_Area) of every building, read by ogr2ogr from the store (GeoPackage SQL, fid order).
    static func gdalBuildings(_ path: String) throws -> [(fid: Int64, id: String, area: Double)] {
        // "fid AS f" would be taken as the FID and left out of the CSV; "fid + 0" is a plain column.
        let result = try run("ogr2ogr", ["-f", "CSV", "/vsistdout/", path, "-sql",
                                         "SELECT fid + 0 AS f, id, ST_Area(geom) AS area FROM buildings ORDER BY fid"])
        #expect(result.status == 0, "\(result.stderr)")
        let unquote = { (s: Substring) in s.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        return result.stdout.split(separator: "\n").dropFirst().compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(unquote)
            guard fields.count == 3, let fid = Int64(fields[0]), let area = Double(fields[2]) else { return nil }
            return (fid, fields[1], area)
        }
    }

    @Test("snapshot of buildings: same count, fids, ids and areas as ogr2ogr reads", arguments: ["porto", "helsinki"])
    func buildingsAgreeWithGDAL(_ name: String) throws {
        let city = try ImportedCity.named(name)
        let store = try GeoPackageStore.open(city.store)
        let table = try store.snapshot("buildings")
        let reference = try Self.gdalBuildings(city.store)
        #expect(table.count == store.featureCount("buildings"))
        #expect(table.count == city.reports["buildings"]?.imported)
        #expect(table.count == reference.count)
        guard table.count == reference.count else { return }
        expectSame(table.fids, reference.map(\.fid), "\(name) fids")
        expectSame(table.text("id") ?? [], reference.map { Optional($0.id) }, "\(name) ids")
        let ours = try areas(table.geometries)
        var worst = 0.0
        for (k, area) in ours.enumerated() {
            worst = max(worst, abs(area - reference[k].area) / max(1, reference[k].area))
        }
        // ST_Area (GDAL's shoelace) and GEOS sum in different orders; both agree to a micro-square-metre.
        #expect(worst < 1e-6, "largest relative area difference \(worst)")
        #expect(ours.allSatisfy { $0 > 0 })
        #expect(table.geometryType == .multiPolygon)
        #expect(table.geometries.types.allSatisfy { $0 == .multiPolygon })
        #expect(table.crs == store.crs)
        // Envelopes of the snapshot are the store's extent.
        let extent = try #require(table.extent)
        let stored = try #require(store.extent("buildings"))
        #expect(abs(extent.minX - stored.minX) < 1e-6 && abs(extent.maxY - stored.maxY) < 1e-6)
    }

    @Test func fieldsSubsetAndErrors() throws {
        let city = try ImportedCity.named("helsinki")
        let store = try GeoPackageStore.open(city.store)
        let some = try store.snapshot("buildings", fields: ["use", "floors"])
        #expect(some.columns.map(\.name) == ["floors", "use"], "in the layer's field order")
        #expect(some.text("id") == nil)
        let all = try store.snapshot("buildings")
        #expect(all.columns.map(\.name) == ["id", "floors", "height", "use", "year", "residents", "households"])
        #expect(some.integers("floors") == all.integers("floors"))
        #expect(some.geometries.xy == all.geometries.xy)
        let noField = expectStoreError { _ = try store.snapshot("buildings", fields: ["colour"]) }
        #expect(noField?.message.contains("'colour'") == true && noField?.layer == "buildings")
        let noLayer = expectStoreError { _ = try store.snapshot("trees") }
        #expect(noLayer?.layer == "trees")
    }

    @Test func facilitiesArePointsOrPolygons() throws {
        let city = try ImportedCity.named("porto")
        let store = try GeoPackageStore.open(city.store)
        let table = try store.snapshot("facilities")
        #expect(table.count == city.reports["facilities"]?.imported)
        #expect(table.geometryType == .geometryCollection, "a layer of mixed geometry")
        let kinds = Set(table.geometries.types)
        #expect(kinds == [.point, .multiPolygon], "\(kinds)")
        let categories = try #require(table.text("category"))
        #expect(categories.allSatisfy { $0 != nil })
        for i in 0 ..< table.count { #expect(try table.geometries.geometry(i).isValid()) }
    }

    @Test func importedPolygonsAreValid() throws {
        let city = try ImportedCity.named("porto")
        let table = try GeoPackageStore.open(city.store).snapshot("buildings")
        var invalid: [String] = []
        for i in 0 ..< table.count where !(try table.geometries.geometry(i).isValid()) { invalid.append(table.text("id")?[i] ?? "?") }
        #expect(invalid.isEmpty, "invalid after import: \(invalid.prefix(10))")
        // Everything repaired is listed with its OSM id.
        let repaired = try GeoPackageStore.open(city.store).importIssues(layer: "buildings").filter { $0.action == .repaired }
        #expect(repaired.count == city.reports["buildings"]?.repaired)
        #expect(repaired.allSatisfy { $0.feature.hasPrefix("way/") || $0.feature.hasPrefix("relation/") })
    }
}
