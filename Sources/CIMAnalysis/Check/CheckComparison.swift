import CIMTables
import Foundation

/// How a value moved since the baseline, by the indicator's direction.
public enum Trend: String, Sendable {
    case improved, declined, unchanged
    /// No value in one of the two checks (not computable, no residents, a new or removed area).
    case notComparable = "not_comparable"
}

/// One indicator at one place compared with the baseline check.
public struct Change: Sendable {
    public var indicator: String
    public var areaKind: String
    public var areaId: String
    public var areaName: String?
    public var baseline: Double?
    public var current: Double?
    /// current − baseline.
    public var change: Double?
    public var trend: Trend
    /// A decline beyond the tolerance (relative to the baseline value).
    public var declineBeyondTolerance: Bool
    /// The current value breaches the bottom line.
    public var bottomLineBreach: Bool
}

/// The year-on-year comparison (复查 and 监测预警): every indicator and area against a baseline check.
public struct CheckComparison: Sendable {
    public var baseline: CheckRecord
    /// Where the baseline came from ("this store" or the other store's path).
    public var baselineSource: String
    public var changes: [Change]
    /// Monitoring warnings: declines beyond the tolerance and bottom-line breaches, one line each.
    public var warnings: [String]

    /// Compares the current check's values with the baseline's, matching indicator, area kind and area id.
    public static func compare(current: CheckResult, baseline: CheckRecord, baselineValues: [CheckValueRecord], source: String) -> CheckComparison {
        compare(values: current.valueRecords(), system: current.system, baseline: baseline, baselineValues: baselineValues, source: source)
    }

    /// Compares the values of a check (computed now or read back from the store) with the baseline's.
    public static func compare(values: [CheckValueRecord], system: IndicatorSystem, baseline: CheckRecord, baselineValues: [CheckValueRecord],
                               source: String) -> CheckComparison {
        var old: [String: CheckValueRecord] = [:]
        for v in baselineValues { old["\(v.indicator)|\(v.areaKind)|\(v.areaId)"] = v }
        var changes: [Change] = []
        var warnings: [String] = []
        let rules = system.rules
        for record in values {
            guard let indicator = system.indicator(record.indicator) else { continue }
            let before = old["\(record.indicator)|\(record.areaKind)|\(record.areaId)"]?.value
            let now = record.value
            var change = Change(indicator: record.indicator, areaKind: record.areaKind, areaId: record.areaId, areaName: record.areaName,
                                baseline: before, current: now, change: nil, trend: .notComparable, declineBeyondTolerance: false,
                                bottomLineBreach: now.map { IndicatorSystem.Rules.breaches($0, bottomLine: indicator.bottomLine, direction: indicator.direction) } ?? false)
            if let before, let now {
                let delta = now - before
                change.change = delta
                let better = indicator.direction == .positive ? delta : -delta
                let noise = 1e-9 * max(1, abs(before))
                change.trend = better > noise ? .improved : better < -noise ? .declined : .unchanged
                if change.trend == .declined {
                    let tolerance = indicator.declineTolerance ?? rules.declineTolerance
                    change.declineBeyondTolerance = before == 0 || abs(delta) / abs(before) > tolerance
                }
            }
            let place = record.areaKind == "city" ? "the city" : "\(record.areaKind) \(record.areaId)\(record.areaName.map { " (\($0))" } ?? "")"
            if change.declineBeyondTolerance, let before, let now {
                warnings.append("\(CheckWarning.yellow.rawValue) \(record.indicator) declined in \(place): \(fmtValue(before)) → \(fmtValue(now)) \(indicator.measure.unit), beyond the \(fmtNumber((indicator.declineTolerance ?? rules.declineTolerance) * 100)) % tolerance")
            }
            if change.bottomLineBreach, let now {
                warnings.append("\(CheckWarning.red.rawValue) \(record.indicator) breaches its bottom line \(fmtValue(indicator.bottomLine ?? 0)) in \(place): \(fmtValue(now)) \(indicator.measure.unit)")
            }
            changes.append(change)
        }
        return CheckComparison(baseline: baseline, baselineSource: source, changes: changes, warnings: warnings)
    }
}

/// A value with up to 4 significant decimals, no trailing zeros.
func fmtValue(_ value: Double) -> String {
    var text = String(format: "%.4f", value)
    while text.contains(".") && (text.hasSuffix("0") || text.hasSuffix(".")) { text.removeLast() }
    return text
}
