import CIMGeometry
import CIMTables
import Foundation

extension HealthCheck {
    /// `blank_share`: the pipe-service blank share of `cim gaps` (buildings of the built-up land with no pipe
    /// of `kinds` within `radius`): unserved residents ÷ residents, unserved floor area ÷ floor area, or
    /// unserved buildings ÷ buildings of the built-up land — the same three shares `cim gaps` prints.
    static func blankShare(kinds: String, radius: Double, denominator: IndicatorSystem.Denominator, context: CheckContext) throws -> MeasureOutcome {
        let gaps = try context.gaps(kinds: kinds, radius: radius)
        let stock = context.stock
        let n = stock.count
        let unserved = (0 ..< n).map { gaps.isUnserved($0) }
        func pair(_ weight: @escaping (Int) -> Double, base: @escaping (Int) -> Bool = { _ in true }) -> (UnitSums, UnitSums) {
            (UnitSums(count: n, unitCounts: context.unitCounts, unitOf: context.unitOfStock, weight: weight, include: { unserved[$0] }),
             UnitSums(count: n, unitCounts: context.unitCounts, unitOf: context.unitOfStock, weight: weight, include: base))
        }
        let bases: [(String, (UnitSums, UnitSums))] = [("residents", pair { stock.residents[$0] }), ("floor_area", pair { stock.floorArea[$0] }),
                                                      ("buildings", pair({ _ in 1 }, base: { gaps.inScope[$0] }))]
        func value(_ pick: (UnitSums) -> Double, _ members: [Int]) -> MeasureValue {
            let main = bases.first { $0.0 == denominator.rawValue }!.1
            var v = MeasureValue.share(pick(main.0), of: pick(main.1))
            for (name, sums) in bases where name != denominator.rawValue { v.beside[name] = MeasureValue.percent(pick(sums.0), pick(sums.1)) }
            v.affected = pick(bases[0].1.0)
            var zoneResidents: [Int32: Double] = [:]
            for k in members where unserved[k] && gaps.zoneOfBuilding[k] >= 0 { zoneResidents[gaps.zoneOfBuilding[k], default: 0] += stock.residents[k] }
            let zones = zoneResidents.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            if !zones.isEmpty {
                v.behind = "\(zones.count) blank zone(s): " + zones.prefix(5).map { z in
                    let zone = gaps.zones[Int(z.key)]
                    return "\(zone.id) (\(zone.buildings) buildings, \(Int(z.value.rounded())) residents here, nearest pipe \(zone.nearestPipeDistance.isFinite ? "\(Int(zone.nearestPipeDistance.rounded())) m" : "none"))"
                }.joined(separator: "; ")
            }
            return v
        }
        let all = Array(0 ..< n)
        return MeasureOutcome(
            city: value({ $0.city }, all),
            areas: context.areaSets.indices.map { s in
                var members = [[Int]](repeating: [], count: context.areaSets[s].units.count)
                for k in all where context.unitOfStock[s][k] >= 0 { members[Int(context.unitOfStock[s][k])].append(k) }
                return (0 ..< context.areaSets[s].units.count).map { u in value({ $0.areas[s][u] }, members[u]) }
            })
    }

    /// `defects_per_km`: defects of `cim audit` (of the given severity, or all) per km of the audited
    /// drainage pipes; per area, the defects at a place inside it per km of pipe clipped to it.
    static func defectsPerKm(severity: String?, context: CheckContext) throws -> MeasureOutcome {
        let audit = try context.audit()
        let defects = audit.defects.filter { severity == nil || $0.severity.rawValue == severity }
        var points: [Double] = []
        for d in defects { points.append(d.x); points.append(d.y) }
        func describe(_ list: [PipeDefect]) -> String? {
            guard !list.isEmpty else { return nil }
            var byType: [String: Int] = [:]
            for d in list { byType[d.type.rawValue, default: 0] += 1 }
            return byType.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }
        let cityKm = audit.totalLength / 1000
        var city = MeasureValue.ratio(Double(defects.count), per: cityKm)
        city.behind = describe(defects)
        var areas: [[MeasureValue]] = []
        for set in context.areaSets {
            let unitOf = set.units.assign(points: points)
            let lengths = try set.units.lineLengths(of: audit.pipes.geometries)
            var members = [[PipeDefect]](repeating: [], count: set.units.count)
            for (i, d) in defects.enumerated() where unitOf[i] >= 0 { members[Int(unitOf[i])].append(d) }
            areas.append((0 ..< set.units.count).map { u in
                var v = MeasureValue.ratio(Double(members[u].count), per: lengths[u] / 1000)
                v.behind = describe(members[u])
                return v
            })
        }
        return MeasureOutcome(city: city, areas: areas)
    }
}
