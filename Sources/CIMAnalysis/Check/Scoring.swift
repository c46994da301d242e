import Foundation

/// A warning level (监测预警).
public enum CheckWarning: String, Sendable, CaseIterable {
    case normal = "正常", yellow = "黄色预警", red = "红色预警"

    public var english: String {
        switch self {
        case .normal: return "normal"
        case .yellow: return "yellow warning"
        case .red: return "red warning"
        }
    }
    public func label(_ language: Language) -> String { language == .zh ? rawValue : english }
}

/// A value judged by the rules of the indicator file.
public struct Judgement: Sendable, Equatable {
    /// 0–100; nil when there is no value or no standard.
    public var score: Double?
    /// The grade (很好 / 较好 / 一般 / 较差), 无标准 without a standard; nil without a value.
    public var grade: String?
    public var gradeEn: String?
    /// nil without a value.
    public var warning: CheckWarning?
    public var bottomLineBreach: Bool

    /// The grade in a language.
    public func grade(_ language: Language) -> String? { language == .zh ? grade : gradeEn }
}

/// The scoring rules (INDICATORS.md default, as data in the indicator file's `rules`).
extension IndicatorSystem.Rules {
    /// The grade name for values without a standard.
    public static let noStandard = (zh: "无标准", en: "no standard")

    /// Score = 100·min(1, x / standard) for positive indicators, 100·min(1, standard / x) for negative ones; a
    /// positive indicator with standard 0 scores 100; a negative one with standard 0 scores 100 at 0, else 0.
    public static func score(_ value: Double, standard: Double, direction: IndicatorSystem.Direction) -> Double {
        switch direction {
        case .positive:
            return standard <= 0 ? 100 : 100 * min(1, max(0, value) / standard)
        case .negative:
            if value <= standard { return 100 }
            return standard <= 0 ? 0 : 100 * min(1, standard / value)
        }
    }

    /// Whether a value breaches the bottom line: below it for positive, above it for negative indicators.
    public static func breaches(_ value: Double, bottomLine: Double?, direction: IndicatorSystem.Direction) -> Bool {
        guard let bottomLine else { return false }
        return direction == .positive ? value < bottomLine : value > bottomLine
    }

    /// Score, grade, warning of a value of an indicator.
    public func judge(_ value: Double?, _ indicator: IndicatorSystem.Indicator) -> Judgement {
        guard let value else { return Judgement(score: nil, grade: nil, gradeEn: nil, warning: nil, bottomLineBreach: false) }
        let breach = Self.breaches(value, bottomLine: indicator.bottomLine, direction: indicator.direction)
        guard let standard = indicator.standard else {
            return Judgement(score: nil, grade: Self.noStandard.zh, gradeEn: Self.noStandard.en,
                             warning: breach && redOnBottomLine ? .red : .normal, bottomLineBreach: breach)
        }
        let score = Self.score(value, standard: standard, direction: indicator.direction)
        let band = grades.first { score >= $0.minScore } ?? grades[grades.count - 1]
        let warning: CheckWarning = (breach && redOnBottomLine) || score < redBelowScore ? .red : score < yellowBelowScore ? .yellow : .normal
        return Judgement(score: score, grade: band.grade, gradeEn: band.gradeEn, warning: warning, bottomLineBreach: breach)
    }

    /// Weighted mean of the scores that exist (nil when none has weight).
    public static func weightedMean(_ items: [(score: Double?, weight: Double)]) -> Double? {
        var sum = 0.0, weights = 0.0
        for item in items { if let s = item.score, item.weight > 0 { sum += s * item.weight; weights += item.weight } }
        return weights > 0 ? sum / weights : nil
    }
}
