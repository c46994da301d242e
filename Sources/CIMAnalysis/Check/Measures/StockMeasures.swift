import CIMGeometry
import CIMTables
import Foundation

extension HealthCheck {
    /// Which stock buildings satisfy a condition (and which are its base: residential when asked), with
    /// the year field and height (height, else floors × the standard's floor height).
    static func matches(_ condition: IndicatorSystem.BuildingCondition, context: CheckContext) throws -> (base: [Bool], match: [Bool]) {
        let stock = context.stock
        let table = context.inputs.buildings
        var years: [Int64?] = []
        if condition.needsYear {
            guard let values = table.integers("year") ?? table.reals("year").map({ $0.map { $0.map { Int64($0) } } }) else {
                throw NotComputable(needs: "field year of layer buildings")
            }
            years = stock.rows.map { values[$0] }
            guard years.contains(where: { $0 != nil }) else { throw NotComputable(needs: "field year of layer buildings (no building has a year)") }
        }
        let heightValues = table.reals("height")
        let floorHeight = context.standard.parameters.floorHeightMetres
        let base = (0 ..< stock.count).map { !condition.residential || stock.residential[$0] }
        let match = (0 ..< stock.count).map { k -> Bool in
            guard base[k] else { return false }
            if condition.needsYear {
                guard let year = years[k] else { return false }
                if let max = condition.yearMax, year > max { return false }
                if let min = condition.yearMin, year < min { return false }
                if condition.builtInCheckYear, year != Int64(context.options.year) { return false }
            }
            if let over = condition.heightOverMetres {
                let height = heightValues?[stock.rows[k]] ?? Double(stock.floors[k]) * floorHeight
                guard height > over else { return false }
            }
            return true
        }
        return (base, match)
    }

    /// `building_share`: floor area (or number) of the buildings that satisfy the condition ÷ that of its
    /// base (residential buildings when the condition asks for them), the other base beside.
    static func buildingShare(_ condition: IndicatorSystem.BuildingCondition, denominator: IndicatorSystem.Denominator,
                              context: CheckContext) throws -> MeasureOutcome {
        let (base, match) = try matches(condition, context: context)
        let stock = context.stock
        let n = stock.count
        func sums(_ weight: @escaping (Int) -> Double) -> (UnitSums, UnitSums) {
            (UnitSums(count: n, unitCounts: context.unitCounts, unitOf: context.unitOfStock, weight: weight, include: { match[$0] }),
             UnitSums(count: n, unitCounts: context.unitCounts, unitOf: context.unitOfStock, weight: weight, include: { base[$0] }))
        }
        let floor = sums { stock.floorArea[$0] }, count = sums { _ in 1 }, residents = sums { stock.residents[$0] }
        func value(_ pick: (UnitSums) -> Double) -> MeasureValue {
            let (main, other, otherName) = denominator == .floorArea ? (floor, count, "buildings") : (count, floor, "floor_area")
            var v = MeasureValue.share(pick(main.0), of: pick(main.1))
            v.beside[otherName] = MeasureValue.percent(pick(other.0), pick(other.1))
            v.affected = pick(residents.0)
            if pick(count.0) > 0 {
                v.behind = "\(Int(pick(count.0))) building(s), \(Int(pick(floor.0).rounded())) m² floor area, \(Int(pick(residents.0).rounded())) residents"
            }
            return v
        }
        return MeasureOutcome(city: value { $0.city },
                              areas: context.areaSets.indices.map { s in (0 ..< context.areaSets[s].units.count).map { u in value { $0.areas[s][u] } } })
    }

    /// `building_count`: the number of buildings that satisfy the condition (the base beside), with their ids.
    static func buildingCount(_ condition: IndicatorSystem.BuildingCondition, context: CheckContext) throws -> MeasureOutcome {
        let (base, match) = try matches(condition, context: context)
        let stock = context.stock
        let n = stock.count
        let matched = UnitSums(count: n, unitCounts: context.unitCounts, unitOf: context.unitOfStock, weight: { _ in 1 }, include: { match[$0] })
        let all = UnitSums(count: n, unitCounts: context.unitCounts, unitOf: context.unitOfStock, weight: { _ in 1 }, include: { base[$0] })
        let residents = UnitSums(count: n, unitCounts: context.unitCounts, unitOf: context.unitOfStock, weight: { stock.residents[$0] }, include: { match[$0] })
        func value(_ pick: (UnitSums) -> Double, _ ids: [String]) -> MeasureValue {
            var v = MeasureValue(value: pick(matched), numerator: pick(matched), denominator: nil, beside: ["base_buildings": pick(all)])
            v.affected = pick(residents)
            if !ids.isEmpty { v.behind = "buildings " + ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? " and \(ids.count - 10) more" : "") }
            return v
        }
        let matchedIds = (0 ..< n).filter { match[$0] }
        return MeasureOutcome(
            city: value({ $0.city }, matchedIds.map { stock.ids[$0] }),
            areas: context.areaSets.indices.map { s in
                var ids = [[String]](repeating: [], count: context.areaSets[s].units.count)
                for k in matchedIds where context.unitOfStock[s][k] >= 0 { ids[Int(context.unitOfStock[s][k])].append(stock.ids[k]) }
                return (0 ..< context.areaSets[s].units.count).map { u in value({ $0.areas[s][u] }, ids[u]) }
            })
    }

    /// `facility_area_per_resident`: polygon area (m²) of the category's facilities (and those that count
    /// as it) ÷ estimated residents; a facility counts in the area holding its PointOnSurface.
    static func facilityAreaPerResident(category: String, context: CheckContext) throws -> MeasureOutcome {
        let facilities = try context.layer("facilities")
        let serving = Set(context.standard.servingCategories(category))
        let values = facilities.text("category") ?? []
        let rows = (0 ..< facilities.count).filter { i in
            let t = facilities.geometries.types[i]
            return (t == .polygon || t == .multiPolygon) && values[i].map(serving.contains) == true
        }
        let gc = GEOSContext()
        var points: [Double] = []
        for i in rows {
            let p = try facilities.geometries.geometry(i, context: gc).pointOnSurface()
            points.append(try p.x()); points.append(try p.y())
        }
        let areas = rows.map { facilities.geometries.area($0) }
        let unitOf = context.areaSets.map { $0.units.assign(points: points) }
        let facilityArea = UnitSums(count: rows.count, unitCounts: context.unitCounts, unitOf: unitOf, weight: { areas[$0] })
        let residents = UnitSums(count: context.stock.count, unitCounts: context.unitCounts, unitOf: context.unitOfStock,
                                 weight: { context.stock.residents[$0] })
        func value(_ pick: (UnitSums) -> Double) -> MeasureValue {
            var v = MeasureValue.ratio(pick(facilityArea), per: pick(residents))
            v.affected = pick(residents)
            v.behind = "\(Int(pick(facilityArea).rounded())) m² of \(category) for \(Int(pick(residents).rounded())) residents"
            return v
        }
        return MeasureOutcome(city: value { $0.city },
                              areas: context.areaSets.indices.map { s in (0 ..< context.areaSets[s].units.count).map { u in value { $0.areas[s][u] } } })
    }
}
