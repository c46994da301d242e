import CIMGeometry
import CIMTables
import Foundation

/// A coverage result merged from the tiles of a split, with the buildings the halo cannot vouch for.
public struct MergedCoverage: Sendable {
    /// The whole city's result: per-building distances from the tiles, everything else recomputed on the
    /// whole city by the code of `cim coverage` (flags, area and city aggregates, network facts).
    public var result: CoverageResult
    /// Per building: some distance of its tile is unknown or beyond the halo while the run's cutoff is beyond
    /// the halo, so a nearer facility outside the tile cannot be ruled out (the `beyond_halo` column).
    public var beyondHalo: [Bool]

    /// `coverage_buildings` as `cim coverage` writes it, plus `beyond_halo` (0/1).
    public func buildingLayer(footprints: FeatureTable) -> FeatureTable {
        var table = result.buildingLayer(footprints: footprints)
        table.columns.append(AttributeColumn("beyond_halo", .flag(beyondHalo)))
        return table
    }
}

/// Joins the `coverage_buildings` rows each tile owns into the whole city's coverage.
///
/// Only the distances come from the tiles (the searches, the expensive part). The rest is recomputed on
/// the whole city through the code `cim coverage` runs: the residential buildings and their reference
/// points, the area units and which building lies in which, the in-reach and complete flags, the area and
/// city aggregates from their numerators and denominators (``CoverageAggregation``), and for the network
/// metric the access legs, off-network and small-component flags and the detour ratios (on the whole walk
/// graph, with the straight-line distances of the whole city; no search). With a halo at least the cutoff
/// the result equals the whole-city run's to the last digit.
public enum TileMerge {
    /// Merges the tiles' `coverage_buildings` (`tiles`: tile id and table). The metric is the tiles' (network
    /// when their rows have `access_m`); `roads` is needed for it. Every residential building of `buildings`
    /// must be owned by exactly one tile, and every tile row must be one of them.
    public static func coverage(tiles: [(id: String, rows: FeatureTable)], buildings: FeatureTable, facilities: FeatureTable,
                                roads: FeatureTable?, areas: FeatureTable?, standard: Standard, options: CoverageOptions,
                                snapTolerance: Double = 0, maxAccess: Double = NetworkCoverage.defaultMaxAccess, halo: Double,
                                timings: inout StageTimings) throws -> MergedCoverage {
        let network = tiles.contains { $0.rows.column("access_m") != nil }
        if let mixed = tiles.first(where: { ($0.rows.column("access_m") != nil) != network }) {
            throw AnalysisError("tile \(mixed.id): its coverage_buildings were computed with another metric than the other tiles'",
                                hint: "run cim coverage with the same --metric on every tile")
        }
        var prepared = try CoveragePreparation(buildings: buildings, facilities: facilities, areas: areas, standard: standard,
                                               options: options, timings: &timings)
        let n = prepared.buildings.count
        var indexOfId = [String: Int](minimumCapacity: n)
        for (b, id) in prepared.buildings.ids.enumerated() { indexOfId[id] = b }
        var owner = [String?](repeating: nil, count: n)
        var distances = prepared.categories.map { _ in [Double](repeating: .nan, count: n) }
        for (tile, rows) in tiles {
            guard let ids = rows.text("id") else { throw AnalysisError("tile \(tile): coverage_buildings has no id column") }
            let columns = try standard.categories.map { category -> [Double?] in
                guard let values = rows.reals("dist_\(category.key)") else {
                    throw AnalysisError("tile \(tile): coverage_buildings has no column dist_\(category.key)",
                                        hint: "run cim coverage on every tile with the standard given to cim merge")
                }
                return values
            }
            for row in 0 ..< rows.count {
                guard let id = ids[row], let b = indexOfId[id] else {
                    throw AnalysisError("tile \(tile): building '\(ids[row] ?? "(no id)")' of coverage_buildings is not a residential building of the store",
                                        hint: "merge into the store that was split, with the options the tiles were run with (--unknown-residential)")
                }
                if let other = owner[b] {
                    throw AnalysisError("building '\(id)' is in the results of two tiles, \(other) and \(tile)")
                }
                owner[b] = tile
                for c in columns.indices { distances[c][b] = columns[c][row] ?? .nan }
            }
        }
        if let missing = owner.firstIndex(where: { $0 == nil }) {
            let count = owner.filter { $0 == nil }.count
            throw AnalysisError("\(count) residential building(s) are in no tile's coverage_buildings, e.g. '\(prepared.buildings.ids[missing])'",
                                hint: "run cim coverage on every tile of the split before merging")
        }
        timings.lap("join")
        var facts: NetworkFacts?
        if network {
            guard let roads else { throw AnalysisError("the tiles were run with --metric network: the store needs a roads layer") }
            let (graph, snapped, seeds) = try NetworkCoverage.snapToNetwork(&prepared, roads: roads, standard: standard, snapTolerance: snapTolerance,
                                                                           maxAccess: maxAccess, timings: &timings)
            let straight = StraightLineDistances.compute(points: prepared.buildings.points, categories: prepared.categories, cutoff: prepared.cutoff)
            facts = NetworkCoverage.networkFacts(graph: graph, snapped: snapped, distances: distances, straight: straight, units: prepared.units,
                                                 unitOfBuilding: prepared.unitOfBuilding, maxAccess: maxAccess,
                                                 facilitiesOffNetwork: seeds.map(\.offNetwork))
            timings.lap("network facts")
        }
        var result = CoverageAggregation.aggregate(standard: standard, metric: network ? .network : .euclidean, cutoff: prepared.cutoff,
                                                   buildings: prepared.buildings, distances: distances,
                                                   facilityCounts: prepared.categories.map(\.count), units: prepared.units,
                                                   unitOfBuilding: prepared.unitOfBuilding, warnings: prepared.warnings)
        if let facts {
            if let warning = facts.smallComponentWarning { result.warnings.append(warning) }
            result.network = facts
        }
        let beyondHalo = (0 ..< n).map { b -> Bool in
            guard prepared.cutoff > halo, facts?.offNetwork[b] != true else { return false }
            return distances.contains { $0[b].isNaN || $0[b] > halo }
        }
        let flagged = beyondHalo.filter { $0 }.count
        if flagged > 0 {
            result.warnings.append("\(flagged) residential building(s) have a distance the halo of \(halo) m cannot vouch for (beyond_halo = 1): split again with --halo \(Int(prepared.cutoff.rounded(.up))) for exact results")
        }
        timings.lap("aggregate")
        return MergedCoverage(result: result, beyondHalo: beyondHalo)
    }
}
