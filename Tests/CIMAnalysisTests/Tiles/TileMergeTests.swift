@testable import CIMAnalysis
import CIMGenerate
import CIMGeometry
import CIMTables
import CIMTestSupport
import Foundation
import Testing

/// Split → coverage per tile → merge gives, on seeded generated cities and random tilings, exactly what
/// one coverage run on the whole city gives: every distance, flag, area and city figure, for both metrics.
@Suite("Halo tiles: split, per-tile coverage, merge")
struct TileMergeTests {
    /// A generated city's layers in memory.
    static func city(buildings: Int, seed: UInt64) throws -> [String: FeatureTable] {
        let generator = try CityGenerator(options: CityGeneratorOptions(buildings: buildings, seed: seed))
        var layers: [String: FeatureTable] = [:]
        _ = try generator.run { layers[$0.name] = $0 }
        return layers
    }

    static let layersInTiles = ["facilities", "roads", "areas"]

    /// One coverage run on the given layers.
    static func coverage(_ layers: [String: FeatureTable], metric: DistanceMetric, options: CoverageOptions) throws -> CoverageResult {
        var timings = StageTimings()
        switch metric {
        case .euclidean:
            return try StraightLineCoverage.run(buildings: layers["buildings"]!, facilities: layers["facilities"]!, areas: layers["areas"],
                                                standard: try Standard.shipped(), options: options, timings: &timings)
        case .network:
            return try NetworkCoverage.run(buildings: layers["buildings"]!, facilities: layers["facilities"]!, roads: layers["roads"]!,
                                           areas: layers["areas"], standard: try Standard.shipped(), options: options, timings: &timings)
        }
    }

    /// What `cim split`, `cim coverage` on every tile and `cim merge` do, in memory: the merged result.
    static func splitRunMerge(_ layers: [String: FeatureTable], scheme: TileScheme, halo: Double, metric: DistanceMetric,
                              options: CoverageOptions) throws -> (merged: MergedCoverage, tiles: Int) {
        let plan = try TilePlan(buildings: layers["buildings"]!, areas: layers["areas"], scheme: scheme, halo: halo)
        var tileRows: [(id: String, rows: FeatureTable)] = []
        for tile in plan.tiles {
            var tileLayers = ["buildings": layers["buildings"]!.rows(tile.buildingRows)]
            for name in layersInTiles { tileLayers[name] = layers[name]!.rows(plan.rowsWithinHalo(layers[name]!, of: tile)) }
            let result = try coverage(tileLayers, metric: metric, options: options)
            tileRows.append((tile.id, result.buildingLayer(footprints: tileLayers["buildings"]!)))
        }
        var timings = StageTimings()
        let merged = try TileMerge.coverage(tiles: tileRows, buildings: layers["buildings"]!, facilities: layers["facilities"]!,
                                            roads: layers["roads"], areas: layers["areas"], standard: try Standard.shipped(),
                                            options: options, halo: halo, timings: &timings)
        return (merged, plan.tiles.count)
    }

    /// Every column of `whole` equals the same column of `merged`, row by row, bit for bit (null for null);
    /// `merged` has every column of `whole`.
    static func expectSameRows(_ whole: FeatureTable, _ merged: FeatureTable, _ label: String) {
        #expect(whole.count == merged.count, "\(label): \(whole.name) rows")
        for column in whole.columns {
            guard let other = merged.column(column.name) else { Issue.record("\(label): \(whole.name) has no column \(column.name) after the merge"); continue }
            var differing = 0
            for i in 0 ..< min(whole.count, merged.count) where column.values[i] != other[i] { differing += 1 }
            #expect(differing == 0, "\(label): \(whole.name).\(column.name) differs in \(differing) row(s)")
        }
        #expect(whole.geometries.xy == merged.geometries.xy, "\(label): \(whole.name) geometries")
    }

    /// The merged result equals the whole-city run: both layers and the city figures.
    static func expectSameResult(_ whole: CoverageResult, _ merged: CoverageResult, footprints: FeatureTable, _ label: String) {
        expectSameRows(whole.buildingLayer(footprints: footprints), merged.buildingLayer(footprints: footprints), label)
        expectSameRows(whole.areaLayer(), merged.areaLayer(), label)
        for (a, b) in zip(whole.city, merged.city) {
            #expect(a.key == b.key && a.facilities == b.facilities && a.buildingsInReach == b.buildingsInReach
                    && a.residentsInReach == b.residentsInReach && a.residentsOutOfReach == b.residentsOutOfReach
                    && a.buildingRate == b.buildingRate && a.residentRate == b.residentRate, "\(label): city figures of \(a.key)")
        }
    }

    @Test("random grid tilings with a halo at least the cutoff equal the whole-city run (straight line)", arguments: [UInt64(3), 17, 29])
    func randomGridTilingsStraightLine(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let layers = try Self.city(buildings: 1500, seed: seed)
        let cutoff = random.uniform(400, 900)
        let options = CoverageOptions(cutoff: cutoff)
        let whole = try Self.coverage(layers, metric: .euclidean, options: options)
        for _ in 0 ..< 2 {
            let size = random.uniform(150, 700)
            let halo = random.int(2) == 0 ? cutoff : cutoff + random.uniform(0, 300)
            let (merged, tiles) = try Self.splitRunMerge(layers, scheme: .grid(size), halo: halo, metric: .euclidean, options: options)
            #expect(tiles > 3, "the tiling cuts the city (\(tiles) tiles)")
            #expect(!merged.beyondHalo.contains(true), "a halo ≥ the cutoff vouches for every building")
            Self.expectSameResult(whole, merged.result, footprints: layers["buildings"]!, "seed \(seed) grid \(size) halo \(halo)")
        }
    }

    @Test("district tiles (and the 'outside' tile) equal the whole-city run, areas crossing districts included")
    func districtTiles() throws {
        let layers = try Self.city(buildings: 1500, seed: 5)
        let options = CoverageOptions(cutoff: 600)
        let whole = try Self.coverage(layers, metric: .euclidean, options: options)
        let (merged, tiles) = try Self.splitRunMerge(layers, scheme: .district, halo: 600, metric: .euclidean, options: options)
        #expect(tiles > 1)
        Self.expectSameResult(whole, merged.result, footprints: layers["buildings"]!, "district tiles")
    }

    @Test("network coverage on random grid tilings equals the whole-city run", arguments: [UInt64(7), 41])
    func randomGridTilingsNetwork(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let layers = try Self.city(buildings: 1200, seed: seed)
        let cutoff = random.uniform(500, 900)
        let options = CoverageOptions(cutoff: cutoff)
        let whole = try Self.coverage(layers, metric: .network, options: options)
        let size = random.uniform(200, 600)
        let (merged, tiles) = try Self.splitRunMerge(layers, scheme: .grid(size), halo: cutoff, metric: .network, options: options)
        #expect(tiles > 3)
        #expect(!merged.beyondHalo.contains(true))
        Self.expectSameResult(whole, merged.result, footprints: layers["buildings"]!, "network seed \(seed) grid \(size)")
        #expect(whole.network!.areaDetour.elementsEqual(merged.result.network!.areaDetour) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "area detours")
    }

    @Test("a kindergarten at exactly the threshold across a tile border is in reach after the merge")
    func facilityAtThresholdAcrossBorder() throws {
        var layers = try Self.city(buildings: 1500, seed: 23)
        let standard = try Standard.shipped()
        let threshold = standard.category("kindergarten")!.thresholdMetres
        let before = try Self.coverage(layers, metric: .euclidean, options: CoverageOptions(cutoff: 800))
        let c = before.categories.firstIndex { $0.key == "kindergarten" }!
        // The first building out of reach: a kindergarten exactly `threshold` east of its reference point
        // (x + threshold is exact at these magnitudes, so the distance is exactly the threshold).
        let b = try #require((0 ..< before.buildings.count).first { !before.inReach(c, $0) })
        let x = before.buildings.points[2 * b], y = before.buildings.points[2 * b + 1]
        #expect((x + threshold) - x == threshold)
        var facilities = layers["facilities"]!
        var point = GeometryColumn()
        point.beginFeature(.point); point.addRing([(x + threshold, y)]); point.endPart(); point.endFeature()
        facilities.geometries.append(point, feature: 0)
        facilities.columns = facilities.columns.map { column in
            switch column.values {
            case let .text(v): return AttributeColumn(column.name, .text(v + [column.name == "category" ? "kindergarten" : "K-border"]))
            case let .integer(v): return AttributeColumn(column.name, .integer(v + [nil]))
            case let .real(v): return AttributeColumn(column.name, .real(v + [nil]))
            case let .realOrNaN(v): return AttributeColumn(column.name, .realOrNaN(v + [.nan]))
            case let .flag(v): return AttributeColumn(column.name, .flag(v + [false]))
            }
        }
        facilities.fids = []
        layers["facilities"] = facilities
        // A grid whose cell border lies half-way between the building and the kindergarten.
        let border = x + threshold / 2
        let size = border / (border / 500).rounded(.down)
        #expect(Int((x / size).rounded(.down)) != Int(((x + threshold) / size).rounded(.down)), "the border separates them")
        let options = CoverageOptions(cutoff: 800)
        let whole = try Self.coverage(layers, metric: .euclidean, options: options)
        #expect(whole.distances[c][b] == threshold && whole.inReach(c, b))
        let (merged, _) = try Self.splitRunMerge(layers, scheme: .grid(size), halo: 800, metric: .euclidean, options: options)
        #expect(merged.result.distances[c][b] == threshold && merged.result.inReach(c, b))
        Self.expectSameResult(whole, merged.result, footprints: layers["buildings"]!, "facility at the threshold")
    }

    @Test("a reference point exactly on a tile border and footprints crossing borders: merged equals whole (both metrics)",
          arguments: [DistanceMetric.euclidean, .network])
    func buildingsOnTileBorders(metric: DistanceMetric) throws {
        let layers = try Self.city(buildings: 1000, seed: 13)
        let options = CoverageOptions(cutoff: 700)
        let whole = try Self.coverage(layers, metric: metric, options: options)
        // A grid whose vertical line x = 2^k · size passes exactly through one building's reference point
        // (dividing by a power of two is exact, so x / size = 2^k exactly).
        let b = whole.buildings.count / 2
        let x = whole.buildings.points[2 * b]
        var size = x
        while size >= 600 { size /= 2 }
        #expect(size >= 300 && (x / size).rounded(.down) * size == x, "the reference point lies on a cell border")
        let plan = try TilePlan(buildings: layers["buildings"]!, areas: nil, scheme: .grid(size), halo: 700)
        let owners = plan.tiles.filter { $0.buildingRows.contains(whole.buildings.rows[b]) }
        #expect(owners.count == 1 && owners.first?.region.minX == x, "the building on the border is owned by the one tile east of it ([x0, x0 + s))")
        // Footprints that cross a cell border (their envelope spans a multiple of the cell size).
        let footprints = layers["buildings"]!.geometries
        let crossing = (0 ..< layers["buildings"]!.count).filter { row in
            let e = footprints.envelope(row)
            return (e.minX / size).rounded(.down) != (e.maxX / size).rounded(.down) || (e.minY / size).rounded(.down) != (e.maxY / size).rounded(.down)
        }
        #expect(crossing.count > 5, "footprints crossing tile borders: \(crossing.count)")
        let (merged, tiles) = try Self.splitRunMerge(layers, scheme: .grid(size), halo: 700, metric: metric, options: options)
        #expect(tiles > 3)
        #expect(!merged.beyondHalo.contains(true))
        Self.expectSameResult(whole, merged.result, footprints: layers["buildings"]!, "\(metric) border grid \(size)")
    }

    /// `table` with one more feature: `geometry`'s first feature and the given values (others null).
    static func appending(_ table: FeatureTable, _ geometry: GeometryColumn, _ values: [String: Any]) -> FeatureTable {
        var result = table
        result.geometries.append(geometry, feature: 0)
        result.columns = table.columns.map { column in
            let value = values[column.name]
            switch column.values {
            case let .text(v): return AttributeColumn(column.name, .text(v + [value as? String]))
            case let .integer(v): return AttributeColumn(column.name, .integer(v + [(value as? Int).map(Int64.init)]))
            case let .real(v): return AttributeColumn(column.name, .real(v + [value as? Double]))
            case let .realOrNaN(v): return AttributeColumn(column.name, .realOrNaN(v + [value as? Double ?? .nan]))
            case let .flag(v): return AttributeColumn(column.name, .flag(v + [value as? Bool ?? false]))
            }
        }
        result.fids = []
        return result
    }

    @Test("network: a kindergarten at exactly the threshold along the road, across a tile border, is in reach after the merge")
    func facilityAtNetworkThresholdAcrossBorder() throws {
        var layers = try Self.city(buildings: 800, seed: 19)
        let threshold = try Standard.shipped().category("kindergarten")!.thresholdMetres
        #expect(threshold == 300)
        // East of the city (2 km and more from anything in it), on whole metres so every length is exact:
        // a road along y = y0 with vertices at x0 - 100, x0, x0 + 140, x0 + 280, x0 + 400; a building whose
        // reference point is (x0, y0 + 20) (access leg 20 m, snapped onto the vertex x0); a kindergarten on
        // the vertex x0 + 280. Network distance = 20 + 140 + 140 + 0 = 300 = the threshold.
        let envelopes = ["buildings", "facilities", "roads"].flatMap { name in (0 ..< layers[name]!.count).map { layers[name]!.geometries.envelope($0) } }
        let x0 = ((envelopes.map(\.maxX).max()! / 1000).rounded(.down) + 3) * 1000
        let y0 = ((envelopes.map(\.minY).min()! + envelopes.map(\.maxY).max()!) / 2).rounded(.down)
        var road = GeometryColumn()
        road.beginFeature(.lineString); road.addRing([(x0 - 100, y0), (x0, y0), (x0 + 140, y0), (x0 + 280, y0), (x0 + 400, y0)]); road.endPart(); road.endFeature()
        layers["roads"] = Self.appending(layers["roads"]!, road, ["id": "R-border", "class": "footway", "walkable": 1])
        var footprint = GeometryColumn()
        footprint.beginFeature(.multiPolygon)
        footprint.addRing([(x0 - 5, y0 + 15), (x0 + 5, y0 + 15), (x0 + 5, y0 + 25), (x0 - 5, y0 + 25), (x0 - 5, y0 + 15)])
        footprint.endPart(); footprint.endFeature()
        layers["buildings"] = Self.appending(layers["buildings"]!, footprint, ["id": "B-border", "use": "residential", "floors": 3])
        var point = GeometryColumn()
        point.beginFeature(.point); point.addRing([(x0 + 280, y0)]); point.endPart(); point.endFeature()
        layers["facilities"] = Self.appending(layers["facilities"]!, point, ["id": "K-border", "category": "kindergarten", "name": "K-border"])

        let options = CoverageOptions(cutoff: 800)
        let whole = try Self.coverage(layers, metric: .network, options: options)
        let c = try #require(whole.categories.firstIndex { $0.key == "kindergarten" })
        let b = try #require(whole.buildings.ids.firstIndex(of: "B-border"))
        #expect(whole.buildings.points[2 * b] == x0 && whole.buildings.points[2 * b + 1] == y0 + 20, "the reference point")
        #expect(whole.distances[c][b] == threshold && whole.inReach(c, b), "whole city: \(whole.distances[c][b]) m")
        // A grid line at x0 + 140 (x0 + 140 = 2^k · size exactly), between the building and the kindergarten.
        var size = x0 + 140
        while size >= 600 { size /= 2 }
        #expect(((x0 + 140) / size).rounded(.down) * size == x0 + 140)
        #expect((x0 / size).rounded(.down) != ((x0 + 280) / size).rounded(.down), "the border separates them")
        let (merged, tiles) = try Self.splitRunMerge(layers, scheme: .grid(size), halo: 800, metric: .network, options: options)
        #expect(tiles > 3)
        #expect(merged.result.distances[c][b] == threshold && merged.result.inReach(c, b), "merged: \(merged.result.distances[c][b]) m")
        #expect(!merged.beyondHalo.contains(true))
        Self.expectSameResult(whole, merged.result, footprints: layers["buildings"]!, "network facility at the threshold")
    }

    @Test("with a halo below the cutoff every building whose result may differ is flagged beyond_halo")
    func shortHaloIsFlagged() throws {
        let layers = try Self.city(buildings: 1500, seed: 31)
        let options = CoverageOptions(cutoff: 900)
        let whole = try Self.coverage(layers, metric: .euclidean, options: options)
        let (merged, _) = try Self.splitRunMerge(layers, scheme: .grid(250), halo: 150, metric: .euclidean, options: options)
        var differing = 0, unflaggedDiffering = 0
        for b in 0 ..< whole.buildings.count {
            let same = whole.distances.indices.allSatisfy {
                let u = whole.distances[$0][b], v = merged.result.distances[$0][b]
                return u == v || (u.isNaN && v.isNaN)
            }
            if !same { differing += 1; if !merged.beyondHalo[b] { unflaggedDiffering += 1 } }
        }
        #expect(differing > 0, "a 150 m halo must cut some searches short (else this test proves nothing)")
        #expect(unflaggedDiffering == 0, "every building whose distances differ is flagged")
        #expect(merged.result.warnings.contains { $0.contains("beyond_halo") })
    }

    @Test("every building is owned by exactly one tile; ids must be unique")
    func ownership() throws {
        let layers = try Self.city(buildings: 800, seed: 2)
        let plan = try TilePlan(buildings: layers["buildings"]!, areas: nil, scheme: .grid(300), halo: 100)
        let owned = plan.tiles.flatMap(\.buildingRows).sorted()
        #expect(owned == Array(0 ..< layers["buildings"]!.count))
        var duplicated = layers["buildings"]!
        let ids = duplicated.text("id")!
        duplicated.columns = duplicated.columns.map { $0.name == "id" ? AttributeColumn("id", .text([ids[1]] + ids.dropFirst())) : $0 }
        #expect(throws: AnalysisError.self) { try TilePlan(buildings: duplicated, areas: nil, scheme: .grid(300), halo: 100) }
        #expect(throws: AnalysisError.self) { try TileScheme(parsing: "grid:-5") }
        #expect(throws: AnalysisError.self) { try TilePlan(buildings: layers["buildings"]!, areas: nil, scheme: .district, halo: 100) }
    }
}
