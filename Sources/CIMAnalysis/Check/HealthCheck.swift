import CIMGeometry
import CIMTables
import Foundation

/// One indicator's value at one place, judged.
public struct IndicatorValue: Sendable {
    public var measure: MeasureValue
    public var judgement: Judgement
    public var value: Double? { measure.value }
}

/// One indicator of a check: the city and every area, or why it cannot be computed.
public struct IndicatorResult: Sendable {
    public var indicator: IndicatorSystem.Indicator
    /// False when a layer (or field, or area kind) it needs is missing: then no value, never 0.
    public var computable: Bool
    /// What is missing, e.g. "layer waterlogging".
    public var needs: String?
    public var city: IndicatorValue?
    /// areas[s][u], empty when not computable.
    public var areas: [[IndicatorValue]]
}

/// The health index: weighted mean of the indicator scores, overall and per dimension.
public struct HealthIndex: Sendable {
    public var overall: Double?
    /// In the order of ``IndicatorSystem/dimensions`` (dimensions without scored indicators are left out).
    public var dimensions: [(dimension: String, value: Double?)]
}

/// One area behind a shortfall.
public struct DiagnosisArea: Sendable {
    public var kind: String
    public var id: String
    public var name: String?
    public var value: Double
    /// How far the value is from the standard, in the value's unit (> 0).
    public var shortfall: Double
    public var residentsAffected: Double?
    public var behind: String?
}

/// The diagnosis (诊断) of one indicator below its standard (or breaching its bottom line).
public struct DiagnosisEntry: Sendable {
    public var key: String
    public var value: Double
    public var standard: Double?
    public var shortfall: Double?
    public var bottomLineBreach: Bool
    public var residentsAffected: Double?
    public var behind: String?
    /// Areas of ``CheckResult/diagnosisSet`` ranked by shortfall, largest first.
    public var areas: [DiagnosisArea]
}

/// Everything a check produces.
public struct CheckResult: Sendable {
    public var system: IndicatorSystem
    public var options: CheckOptions
    public var areaSets: [AreaSet]
    public var indicators: [IndicatorResult]
    public var index: HealthIndex
    /// areaIndex[s][u]: the overall index of each area.
    public var areaIndex: [[Double?]]
    /// The area set the diagnosis ranks (the one with the most units: the finest).
    public var diagnosisSet: Int
    public var diagnosis: [DiagnosisEntry]
    public var warnings: [String]
    public var timings: StageTimings
}

/// The city health check (城市体检): every indicator of an indicator system for the city and for every area
/// kind, scored, graded, warned, indexed and diagnosed. The measures (Check/Measures) reuse the engines of
/// `cim coverage`, `cim gaps` and `cim audit` through ``CheckContext``.
public enum HealthCheck {
    public static func run(inputs: CheckInputs, standard: Standard, system: IndicatorSystem, options: CheckOptions,
                           diagnosisTop: Int = 10, timings: StageTimings = StageTimings()) throws -> CheckResult {
        guard options.gridSize.isFinite, options.gridSize > 0 else { throw AnalysisError("the grid size must be positive") }
        let context = try CheckContext(inputs: inputs, standard: standard, system: system, options: options, timings: timings)
        var results: [IndicatorResult] = []
        for indicator in system.indicators {
            do {
                let outcome = try measure(indicator, context: context)
                let judge = { (m: MeasureValue) in IndicatorValue(measure: m, judgement: system.rules.judge(m.value, indicator)) }
                results.append(IndicatorResult(indicator: indicator, computable: true, needs: nil, city: judge(outcome.city),
                                               areas: outcome.areas.map { $0.map(judge) }))
            } catch let missing as NotComputable {
                results.append(IndicatorResult(indicator: indicator, computable: false, needs: missing.needs, city: nil, areas: []))
            }
        }
        context.timings.lap("indicators")
        let index = healthIndex(results) { $0.city?.judgement.score }
        let areaIndex = context.areaSets.indices.map { s in
            (0 ..< context.areaSets[s].units.count).map { u in
                healthIndex(results) { $0.areas.isEmpty ? nil : $0.areas[s][u].judgement.score }.overall
            }
        }
        let finest = context.areaSets.indices.max { context.areaSets[$0].units.count < context.areaSets[$1].units.count } ?? 0
        let diagnosis = diagnose(results, areaSets: context.areaSets, set: finest, top: diagnosisTop)
        return CheckResult(system: system, options: options, areaSets: context.areaSets, indicators: results, index: index,
                           areaIndex: areaIndex, diagnosisSet: finest, diagnosis: diagnosis, warnings: context.warnings,
                           timings: context.timings)
    }

    /// Dispatches an indicator to its measure.
    static func measure(_ indicator: IndicatorSystem.Indicator, context: CheckContext) throws -> MeasureOutcome {
        switch indicator.measure {
        case let .reachShare(clauses): return try reachShare(clauses, denominator: indicator.denominator, context: context)
        case let .completeShare(kind): return try completeShare(areaKind: kind, denominator: indicator.denominator, context: context)
        case let .pointDensity(layer): return try pointDensity(layer: layer, context: context)
        case let .lineDensity(layer, kinds): return try lineDensity(layer: layer, kinds: kinds, context: context)
        case let .facilityAreaPerResident(category): return try facilityAreaPerResident(category: category, context: context)
        case let .buildingShare(condition): return try buildingShare(condition, denominator: indicator.denominator, context: context)
        case let .buildingCount(condition): return try buildingCount(condition, context: context)
        case let .blankShare(kinds, radius): return try blankShare(kinds: kinds, radius: radius, denominator: indicator.denominator, context: context)
        case let .denseLand(cell, threshold): return try denseLand(cellMetres: cell, residentsPerKm2: threshold, context: context)
        case let .defectsPerKm(severity): return try defectsPerKm(severity: severity, context: context)
        }
    }

    /// The weighted mean of the scores, overall and per dimension.
    static func healthIndex(_ results: [IndicatorResult], score: (IndicatorResult) -> Double?) -> HealthIndex {
        let items = results.map { (result: $0, score: score($0)) }
        let overall = IndicatorSystem.Rules.weightedMean(items.map { ($0.score, $0.result.indicator.weight) })
        let dimensions = IndicatorSystem.dimensions.compactMap { dimension -> (String, Double?)? in
            let mine = items.filter { $0.result.indicator.dimension == dimension }
            guard mine.contains(where: { $0.score != nil }) else { return nil }
            return (dimension, IndicatorSystem.Rules.weightedMean(mine.map { ($0.score, $0.result.indicator.weight) }))
        }
        return HealthIndex(overall: overall, dimensions: dimensions)
    }

    /// How far a value falls short of the standard (> 0 when it does), in the value's unit.
    public static func shortfall(_ value: Double, _ indicator: IndicatorSystem.Indicator) -> Double? {
        guard let standard = indicator.standard else { return nil }
        return indicator.direction == .positive ? standard - value : value - standard
    }

    /// For each indicator below its standard or breaching its bottom line: the areas of one set ranked by
    /// shortfall (then residents affected), with what is behind each.
    static func diagnose(_ results: [IndicatorResult], areaSets: [AreaSet], set s: Int, top: Int) -> [DiagnosisEntry] {
        var entries: [DiagnosisEntry] = []
        for result in results {
            guard let city = result.city, let value = city.value else { continue }
            let indicator = result.indicator
            let gap = shortfall(value, indicator)
            guard (gap ?? 0) > 1e-12 || city.judgement.bottomLineBreach else { continue }
            var areas: [DiagnosisArea] = []
            if s < result.areas.count {
                let units = areaSets[s].units
                for (u, v) in result.areas[s].enumerated() {
                    guard let x = v.value else { continue }
                    let short = shortfall(x, indicator) ?? 0
                    let breach = v.judgement.bottomLineBreach
                    guard short > 1e-12 || breach else { continue }
                    areas.append(DiagnosisArea(kind: areaSets[s].kind, id: units.ids[u], name: units.names[u], value: x, shortfall: short,
                                               residentsAffected: v.measure.affected, behind: v.measure.behind))
                }
                areas.sort {
                    $0.shortfall != $1.shortfall ? $0.shortfall > $1.shortfall
                        : ($0.residentsAffected ?? 0) != ($1.residentsAffected ?? 0) ? ($0.residentsAffected ?? 0) > ($1.residentsAffected ?? 0) : $0.id < $1.id
                }
            }
            entries.append(DiagnosisEntry(key: indicator.key, value: value, standard: indicator.standard, shortfall: gap,
                                          bottomLineBreach: city.judgement.bottomLineBreach, residentsAffected: city.measure.affected,
                                          behind: city.measure.behind, areas: Array(areas.prefix(top))))
        }
        return entries
    }
}
