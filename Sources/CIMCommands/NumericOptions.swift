import ArgumentParser

/// Range checks of numeric options for `plan` and `explain`, with the signatures and messages of the
/// reliability branch's `OptionValidation` (real, integer), so that those calls switch to it by name when
/// the branches meet: NaN, infinities, out-of-range values and meaningless zeros are refused with one line
/// naming the option and its range.
enum NumericOptions {
    /// A real option: finite and within `range`; `zeroAllowed: false` refuses 0.
    static func real(_ value: Double?, _ option: String, in range: ClosedRange<Double>, zeroAllowed: Bool = true, unit: String = "m") throws {
        guard let value else { return }
        guard value.isFinite, range.contains(value), zeroAllowed || value != 0 else {
            let open = range.lowerBound == 0 && !zeroAllowed ? "(" : "["
            throw ValidationError("\(option) must be a number in \(open)\(fmt(range.lowerBound)), \(fmt(range.upperBound))]\(unit.isEmpty ? "" : " \(unit)"), got \(value)")
        }
    }

    /// An integer option within `range`.
    static func integer<T: BinaryInteger>(_ value: T?, _ option: String, in range: ClosedRange<T>) throws {
        guard let value else { return }
        guard range.contains(value) else {
            throw ValidationError("\(option) must be a whole number from \(range.lowerBound) to \(range.upperBound), got \(value)")
        }
    }

    private static func fmt(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
}
