import ArgumentParser
import CIMAnalysis
import Foundation

/// The one check of every numeric command-line option, called from the commands' `validate()` so that
/// nothing is read or written before it passes: NaN, infinities, negatives, zero where it makes no sense
/// and values too large to mean anything are refused with one line naming the option and its range.
enum OptionValidation {
    /// The largest distance any option accepts: 100 km, beyond any city's walking, piping or search
    /// distances (a larger value is a typo or a unit mix-up).
    static let maximumDistance = 100_000.0
    /// The largest tolerance (snapping, near-miss breaks, node matching): 1 km.
    static let maximumTolerance = 1_000.0
    /// The most items a listing option (`--top`, `--limit`) accepts.
    static let maximumCount = 100_000_000

    /// Checks a real option: it must be finite and within `range`; `zeroAllowed: false` refuses 0 even
    /// when the range starts at 0.
    static func real(_ value: Double, _ option: String, in range: ClosedRange<Double>, zeroAllowed: Bool = true, unit: String = "m") throws {
        guard value.isFinite, range.contains(value), zeroAllowed || value != 0 else {
            throw ValidationError("\(option) must be \(describe(range, zeroAllowed: zeroAllowed, unit: unit)), got \(value)")
        }
    }

    /// Checks an optional real option (nil passes: the default applies).
    static func real(_ value: Double?, _ option: String, in range: ClosedRange<Double>, zeroAllowed: Bool = true, unit: String = "m") throws {
        if let value { try real(value, option, in: range, zeroAllowed: zeroAllowed, unit: unit) }
    }

    /// A distance in metres: 0 …  ``maximumDistance`` (0 refused unless `zeroAllowed`).
    static func distance(_ value: Double?, _ option: String, zeroAllowed: Bool) throws {
        try real(value, option, in: 0 ... maximumDistance, zeroAllowed: zeroAllowed)
    }

    /// A tolerance in metres: 0 … ``maximumTolerance``.
    static func tolerance(_ value: Double, _ option: String) throws {
        try real(value, option, in: 0 ... maximumTolerance)
    }

    /// Checks an integer option against `range`.
    static func integer<T: BinaryInteger>(_ value: T?, _ option: String, in range: ClosedRange<T>) throws {
        guard let value else { return }
        guard range.contains(value) else {
            throw ValidationError("\(option) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)")
        }
    }

    /// Parses a list of numbers ("5,10,15"), each checked like ``real(_:_:in:zeroAllowed:unit:)``.
    static func realList(_ text: String, _ option: String, in range: ClosedRange<Double>, zeroAllowed: Bool, unit: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        return try parts.map { part in
            guard let value = Double(part) else {
                throw ValidationError("\(option) takes numbers separated by commas, each \(describe(range, zeroAllowed: zeroAllowed, unit: unit)); got '\(text)'")
            }
            try real(value, option, in: range, zeroAllowed: zeroAllowed, unit: unit)
            return value
        }
    }

    /// "a number in (0, 100000] m".
    static func describe(_ range: ClosedRange<Double>, zeroAllowed: Bool, unit: String) -> String {
        let open = range.lowerBound == 0 && !zeroAllowed ? "(" : "["
        let suffix = unit.isEmpty ? "" : " \(unit)"
        return "a number in \(open)\(fmt(range.lowerBound)), \(fmt(range.upperBound))]\(suffix)"
    }
}

extension OptionValidation {
    /// Loads and checks a `--standard` file before any work (its thresholds and parameters are validated
    /// like the options: ``Standard/load(_:)``); a bad file is a command line that cannot be used.
    static func standardFile(_ path: String?) throws {
        guard let path else { return }
        do { _ = try Standard.load(URL(fileURLWithPath: path)) } catch {
            throw ValidationError("--standard \(path): \(error)")
        }
    }
}
