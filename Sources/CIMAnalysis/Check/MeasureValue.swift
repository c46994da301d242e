import Foundation

/// What a measure gives for one place (the city or one area): value = numerator ÷ denominator (× 100
/// for shares), other bases reported beside, and what the diagnosis needs.
public struct MeasureValue: Sendable, Equatable {
    /// The value in the measure's unit; nil when the denominator is 0 (an area without residents, without
    /// built-up land …): no value, never 0.
    public var value: Double?
    public var numerator: Double
    /// nil for measures without a denominator (counts, areas).
    public var denominator: Double?
    /// The same quantity on other bases, e.g. a resident-based coverage with its floor-area and
    /// residential-land shares beside (name → value; nil when that base is 0).
    public var beside: [String: Double?]
    /// Residents behind a shortfall (not covered, in blank zones …), for the diagnosis.
    public var affected: Double?
    /// What is behind the value, in words (the missing categories, the blank zones, the defects …).
    public var behind: String?

    public init(value: Double?, numerator: Double, denominator: Double?, beside: [String: Double?] = [:],
                affected: Double? = nil, behind: String? = nil) {
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
        self.beside = beside
        self.affected = affected
        self.behind = behind
    }

    /// A share in percent: 100 · numerator ÷ denominator, no value when the denominator is 0.
    static func share(_ numerator: Double, of denominator: Double) -> MeasureValue {
        MeasureValue(value: percent(numerator, denominator), numerator: numerator, denominator: denominator)
    }

    /// A ratio: numerator ÷ denominator (times `scale`), no value when the denominator is 0.
    static func ratio(_ numerator: Double, per denominator: Double, scale: Double = 1) -> MeasureValue {
        MeasureValue(value: denominator > 0 ? numerator / denominator * scale : nil, numerator: numerator, denominator: denominator)
    }

    static func percent(_ a: Double, _ b: Double) -> Double? { b > 0 ? a / b * 100 : nil }
}

/// A measure's values for the city and for every unit of every area set, or why it cannot be computed.
public struct MeasureOutcome: Sendable {
    public var city: MeasureValue
    /// areas[s][u]: area set s (``CheckResult/areaSets``), unit u.
    public var areas: [[MeasureValue]]
}

/// Sums per-item weights over the city and the units of every area set: the building of item k belongs to
/// unit unitOf[s][k] of set s (-1: none). `include` selects the items.
struct UnitSums {
    var city: Double
    var areas: [[Double]]

    init(count: Int, unitCounts: [Int], unitOf: [[Int32]], weight: (Int) -> Double, include: (Int) -> Bool = { _ in true }) {
        city = 0
        areas = unitCounts.map { [Double](repeating: 0, count: $0) }
        for k in 0 ..< count where include(k) {
            let w = weight(k)
            city += w
            for s in unitOf.indices {
                let u = Int(unitOf[s][k])
                if u >= 0 { areas[s][u] += w }
            }
        }
    }
}
