import CIMGeometry
import CIMTables
import Foundation

extension HealthCheck {
    /// `point_density`: points of a layer inside the built-up land per built-up km² (a point counts in the
    /// built-up part of the area holding it).
    static func pointDensity(layer: String, context: CheckContext) throws -> MeasureOutcome {
        let table = try context.layer(layer)
        let land = try context.builtUp()
        var points: [Double] = []
        points.reserveCapacity(2 * table.count)
        for i in 0 ..< table.count where !table.geometries.parts(of: i).isEmpty {
            let p = table.geometries.firstCoordinate(of: i)
            points.append(p.x); points.append(p.y)
        }
        func outcome(_ units: AreaUnits) -> [MeasureValue] {
            let inside = units.assign(points: points)
            var counts = [Double](repeating: 0, count: units.count)
            for u in inside where u >= 0 { counts[Int(u)] += 1 }
            return (0 ..< units.count).map { u in
                let km2 = units.geometries.area(u) / 1e6
                var v = MeasureValue.ratio(counts[u], per: km2)
                if counts[u] > 0 { v.behind = "\(Int(counts[u])) \(layer) point(s) on \(String(format: "%.3f", km2)) km² of built-up land" }
                return v
            }
        }
        let city = outcome(land.city)
        let count = city.reduce(0) { $0 + $1.numerator }, km2 = city.reduce(0) { $0 + ($1.denominator ?? 0) }
        var cityValue = MeasureValue.ratio(count, per: km2)
        if count > 0 { cityValue.behind = "\(Int(count)) \(layer) point(s) on \(String(format: "%.3f", km2)) km² of built-up land" }
        return MeasureOutcome(city: cityValue, areas: land.areas.map(outcome))
    }

    /// `line_density`: length (km) of roads, or of pipes of the given kinds, inside the built-up land per
    /// built-up km² (lines clipped exactly to the built-up part of each area).
    static func lineDensity(layer: String, kinds: String?, context: CheckContext) throws -> MeasureOutcome {
        let table = try context.layer(layer)
        let lines: GeometryColumn
        if layer == "pipes" {
            var ignored: [String] = []
            lines = try PipeSet(pipes: table, kinds: kinds.map { try PipeKinds.parse($0) } ?? .all, warnings: &ignored).geometries
        } else {
            lines = table.geometries
        }
        let land = try context.builtUp()
        func outcome(_ units: AreaUnits) throws -> [MeasureValue] {
            let lengths = try units.lineLengths(of: lines)
            return (0 ..< units.count).map { u in
                let km = lengths[u] / 1000, km2 = units.geometries.area(u) / 1e6
                var v = MeasureValue.ratio(km, per: km2)
                v.behind = String(format: "%.2f km of %@ on %.3f km² of built-up land", km, layer, km2)
                return v
            }
        }
        let city = try outcome(land.city)
        let km = city.reduce(0) { $0 + $1.numerator }, km2 = city.reduce(0) { $0 + ($1.denominator ?? 0) }
        var cityValue = MeasureValue.ratio(km, per: km2)
        cityValue.behind = String(format: "%.2f km of %@ on %.3f km² of built-up land", km, layer, km2)
        return MeasureOutcome(city: cityValue, areas: try land.areas.map(outcome))
    }

    /// `dense_land`: the area (km²) of grid cells of `cellMetres` (aligned on multiples of the size) whose
    /// residents (by building reference point) ÷ cell area exceed `residentsPerKm2`; a cell counts in the
    /// area holding its centre.
    static func denseLand(cellMetres: Double, residentsPerKm2: Double, context: CheckContext) throws -> MeasureOutcome {
        let stock = context.stock
        let cells = AreaUnits.grid(covering: stock.points, size: cellMetres)
        let cellOf = cells.assign(points: stock.points)
        var residents = [Double](repeating: 0, count: cells.count)
        for k in 0 ..< stock.count where cellOf[k] >= 0 { residents[Int(cellOf[k])] += stock.residents[k] }
        let cellKm2 = cellMetres * cellMetres / 1e6
        let dense = residents.map { $0 / cellKm2 > residentsPerKm2 }
        var centres: [Double] = []
        for c in 0 ..< cells.count {
            let e = cells.geometries.envelope(c)
            centres.append(0.5 * (e.minX + e.maxX)); centres.append(0.5 * (e.minY + e.maxY))
        }
        let unitOf = context.areaSets.map { $0.units.assign(points: centres) }
        let count = UnitSums(count: cells.count, unitCounts: context.unitCounts, unitOf: unitOf, weight: { _ in 1 }, include: { dense[$0] })
        let people = UnitSums(count: cells.count, unitCounts: context.unitCounts, unitOf: unitOf, weight: { residents[$0] }, include: { dense[$0] })
        func value(_ pick: (UnitSums) -> Double) -> MeasureValue {
            let n = pick(count)
            var v = MeasureValue(value: n * cellKm2, numerator: n * cellKm2, denominator: nil, beside: ["cells": n])
            v.affected = pick(people)
            if n > 0 {
                v.behind = "\(Int(n)) cell(s) of \(fmtNumber(cellMetres)) m over \(fmtNumber(residentsPerKm2)) residents/km², \(Int(pick(people).rounded())) residents"
            }
            return v
        }
        return MeasureOutcome(city: value { $0.city },
                              areas: context.areaSets.indices.map { s in (0 ..< context.areaSets[s].units.count).map { u in value { $0.areas[s][u] } } })
    }
}
