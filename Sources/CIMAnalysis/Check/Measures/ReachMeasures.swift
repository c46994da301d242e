import CIMGeometry
import CIMTables
import Foundation

/// One run of the coverage engine (``StraightLineCoverage`` or ``NetworkCoverage``, by the check's metric)
/// that answers every reach clause of the indicator system. A clause that is just a category of the standard
/// uses that category's distances; a clause with its own distance or a facility size filter (the park
/// rule) becomes an extra category of the run — key `check_<n>`, the clause's distance as its threshold,
/// not required — whose facilities are the category's (and those that count as it) within the size range.
/// So every distance comes from the same engine as `cim coverage`, metric for metric.
struct CoverageRun {
    var result: CoverageResult
    /// The category index (in ``CoverageResult/categories``) of each clause.
    var clauseCategory: [IndicatorSystem.Reach: Int]
    /// Stock index (``CheckContext/stock``) of each residential building of the run, -1 when none.
    var stockIndex: [Int]
    /// unitOf[s][b]: unit in area set s of residential building b.
    var unitOf: [[Int32]]

    init(context: CheckContext) throws {
        let facilities = try context.layer("facilities")
        let standard = context.standard
        guard var categoryValues = facilities.text("category") else { throw AnalysisError("the facilities layer has no 'category' field") }
        var geometries = facilities.geometries
        var extended = standard
        var extra: [IndicatorSystem.Reach: String] = [:]
        for indicator in context.system.indicators {
            guard case let .reachShare(clauses) = indicator.measure else { continue }
            for clause in clauses where !clause.isPlain && extra[clause] == nil {
                let base = standard.category(clause.category)!
                let key = "check_\(extra.count + 1)"
                extra[clause] = key
                let serving = Set(standard.servingCategories(clause.category))
                for row in 0 ..< facilities.count {
                    guard let value = categoryValues[row], serving.contains(value) else { continue }
                    if clause.minAreaM2 != nil || clause.maxAreaM2 != nil {
                        // Size classes apply to polygons only: a point has no area.
                        let type = facilities.geometries.types[row]
                        guard type == .polygon || type == .multiPolygon else { continue }
                        let area = facilities.geometries.area(row)
                        if let lo = clause.minAreaM2, area < lo { continue }
                        if let hi = clause.maxAreaM2, area >= hi { continue }
                    }
                    geometries.append(facilities.geometries, feature: row)
                    categoryValues.append(key)
                }
                extended.categories.append(Standard.Category(
                    key: key, nameZh: base.nameZh, nameEn: base.nameEn, level: base.level,
                    thresholdMetres: clause.distanceMetres ?? base.thresholdMetres, required: false, confirmed: base.confirmed,
                    note: "health-check clause of \(base.key)", countsAs: []))
            }
        }
        let table = FeatureTable(name: "facilities", geometryType: facilities.geometryType, geometries: geometries,
                                 columns: [AttributeColumn("category", .text(categoryValues))], crs: facilities.crs)
        let completeKind = context.system.indicators.lazy.compactMap { indicator -> String? in
            if case let .completeShare(kind) = indicator.measure { return kind }
            return nil
        }.first ?? "community"
        let cutoff = max(standard.parameters.defaultCutoffMetres, extended.maxThreshold)
        let options = CoverageOptions(cutoff: cutoff, unknownIsResidential: context.options.unknownIsResidential, areaKind: completeKind,
                                      gridSize: context.options.gridSize)
        var timings = StageTimings()
        switch context.options.metric {
        case .euclidean:
            result = try StraightLineCoverage.run(buildings: context.inputs.buildings, facilities: table, areas: context.inputs.areas,
                                                  standard: extended, options: options, timings: &timings)
        case .network:
            let roads = try context.layer("roads")
            result = try NetworkCoverage.run(buildings: context.inputs.buildings, facilities: table, roads: roads, areas: context.inputs.areas,
                                             standard: extended, options: options, snapTolerance: context.options.snapTolerance,
                                             maxAccess: context.options.maxAccess, timings: &timings)
        }
        var clauseCategory: [IndicatorSystem.Reach: Int] = [:]
        for indicator in context.system.indicators {
            guard case let .reachShare(clauses) = indicator.measure else { continue }
            for clause in clauses {
                let key = extra[clause] ?? clause.category
                clauseCategory[clause] = result.categories.firstIndex { $0.key == key }!
            }
        }
        self.clauseCategory = clauseCategory
        var stockOfRow: [Int: Int] = [:]
        for (k, row) in context.stock.rows.enumerated() { stockOfRow[row] = k }
        stockIndex = result.buildings.rows.map { stockOfRow[$0] ?? -1 }
        let stockIndex = self.stockIndex
        unitOf = context.unitOfStock.map { units in stockIndex.map { $0 >= 0 ? units[$0] : -1 } }
    }
}

extension HealthCheck {
    /// `reach_share`: the share of residents (or floor area, or residential land = footprint area) of
    /// residential buildings that satisfy any clause (a facility within the clause's distance), with the
    /// other two bases beside.
    static func reachShare(_ clauses: [IndicatorSystem.Reach], denominator: IndicatorSystem.Denominator, context: CheckContext) throws -> MeasureOutcome {
        let run = try context.coverage()
        let r = run.result
        let categories = clauses.map { run.clauseCategory[$0]! }
        let n = r.buildings.count
        let covered = (0 ..< n).map { b in categories.contains { r.inReach($0, b) } }
        let bases: [(String, [Double])] = [("residents", r.buildings.residents), ("floor_area", r.buildings.floorArea),
                                           ("residential_land", r.buildings.footprintArea)]
        let sums = bases.map { name, weights in
            (name, UnitSums(count: n, unitCounts: context.unitCounts, unitOf: run.unitOf, weight: { weights[$0] }, include: { covered[$0] }),
             UnitSums(count: n, unitCounts: context.unitCounts, unitOf: run.unitOf, weight: { weights[$0] }))
        }
        let uncoveredBuildings = UnitSums(count: n, unitCounts: context.unitCounts, unitOf: run.unitOf, weight: { _ in 1 }, include: { !covered[$0] })
        let what = clauses.map { clause -> String in
            let category = r.categories[run.clauseCategory[clause]!]
            var text = "\(category.nameEn) within \(fmtNumber(category.thresholdMetres)) m"
            if let lo = clause.minAreaM2, let hi = clause.maxAreaM2 { text += " (\(fmtNumber(lo))–\(fmtNumber(hi)) m²)" }
            else if let lo = clause.minAreaM2 { text += " (≥ \(fmtNumber(lo)) m²)" }
            else if let hi = clause.maxAreaM2 { text += " (< \(fmtNumber(hi)) m²)" }
            return text
        }.joined(separator: " or ")
        func value(_ pick: (UnitSums) -> Double) -> MeasureValue {
            let main = sums.first { $0.0 == denominator.rawValue }!
            var v = MeasureValue.share(pick(main.1), of: pick(main.2))
            for (name, inReach, total) in sums where name != denominator.rawValue {
                v.beside[name] = MeasureValue.percent(pick(inReach), pick(total))
            }
            let residentsOut = pick(sums[0].2) - pick(sums[0].1)
            v.affected = residentsOut
            let buildings = Int(pick(uncoveredBuildings))
            v.behind = buildings == 0 ? nil : "\(Int(residentsOut.rounded())) residents in \(buildings) building(s) have no \(what)"
            return v
        }
        return MeasureOutcome(city: value { $0.city },
                              areas: context.areaSets.indices.map { s in (0 ..< context.areaSets[s].units.count).map { u in value { $0.areas[s][u] } } })
    }

    /// `complete_share`: complete communities (areas of `areaKind` whose residents reach every required
    /// category at the standard's complete share, as `cim coverage` judges them) ÷ communities with
    /// residents, or by residents; a community counts in the area holding its PointOnSurface.
    static func completeShare(areaKind: String, denominator: IndicatorSystem.Denominator, context: CheckContext) throws -> MeasureOutcome {
        guard let areas = context.inputs.areas, let communities = AreaUnits.fromAreas(areas, kind: areaKind) else {
            throw NotComputable(needs: "layer areas (kind \(areaKind))")
        }
        let run = try context.coverage()
        let r = run.result
        let judged = CoverageAggregation.aggregate(standard: r.standard, metric: r.metric, cutoff: r.cutoff, buildings: r.buildings,
                                                   distances: r.distances, facilityCounts: r.city.map(\.facilities), units: communities,
                                                   unitOfBuilding: communities.assign(points: r.buildings.points), warnings: []).areas
        let gc = GEOSContext()
        var points: [Double] = []
        for c in 0 ..< communities.count {
            let p = try communities.geometries.geometry(c, context: gc).pointOnSurface()
            points.append(try p.x()); points.append(try p.y())
        }
        let unitOf = context.areaSets.map { $0.units.assign(points: points) }
        let n = communities.count
        let withResidents = UnitSums(count: n, unitCounts: context.unitCounts, unitOf: unitOf, weight: { _ in 1 }, include: { judged[$0].residents > 0 })
        let complete = UnitSums(count: n, unitCounts: context.unitCounts, unitOf: unitOf, weight: { _ in 1 }, include: { judged[$0].complete })
        let residents = UnitSums(count: n, unitCounts: context.unitCounts, unitOf: unitOf, weight: { judged[$0].residents })
        let completeResidents = UnitSums(count: n, unitCounts: context.unitCounts, unitOf: unitOf, weight: { judged[$0].residents },
                                         include: { judged[$0].complete })
        func value(_ pick: (UnitSums) -> Double, _ members: [Int]) -> MeasureValue {
            let byCount = MeasureValue.share(pick(complete), of: pick(withResidents))
            let byResidents = MeasureValue.share(pick(completeResidents), of: pick(residents))
            var v = denominator == .communities ? byCount : byResidents
            v.beside = denominator == .communities ? ["residents": byResidents.value] : ["communities": byCount.value]
            let incomplete = members.filter { judged[$0].residents > 0 && !judged[$0].complete }
                .sorted { judged[$0].residents != judged[$1].residents ? judged[$0].residents > judged[$1].residents : $0 < $1 }
            v.affected = incomplete.reduce(0) { $0 + judged[$1].residents }
            if !incomplete.isEmpty {
                v.behind = "incomplete: " + incomplete.prefix(5).map { "\(judged[$0].id) (missing \(judged[$0].missing.joined(separator: ", ")))" }
                    .joined(separator: "; ") + (incomplete.count > 5 ? "; \(incomplete.count - 5) more" : "")
            }
            return v
        }
        return MeasureOutcome(
            city: value({ $0.city }, Array(0 ..< n)),
            areas: context.areaSets.indices.map { s in
                var members = [[Int]](repeating: [], count: context.areaSets[s].units.count)
                for c in 0 ..< n where unitOf[s][c] >= 0 { members[Int(unitOf[s][c])].append(c) }
                return (0 ..< context.areaSets[s].units.count).map { u in value({ $0.areas[s][u] }, members[u]) }
            })
    }
}
