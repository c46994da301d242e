import Foundation

/// A point or vector in the projected plane (metres).
struct P: Equatable, Sendable {
    var x: Double
    var y: Double
    init(_ x: Double, _ y: Double) { self.x = x; self.y = y }

    static func + (a: P, b: P) -> P { P(a.x + b.x, a.y + b.y) }
    static func - (a: P, b: P) -> P { P(a.x - b.x, a.y - b.y) }
    static func * (a: P, k: Double) -> P { P(a.x * k, a.y * k) }
    var length: Double { (x * x + y * y).squareRoot() }
    var unit: P { let l = length; return l > 0 ? P(x / l, y / l) : P(0, 0) }
    /// Rotated +90° (the left normal of a direction).
    var left: P { P(-y, x) }
    func dot(_ b: P) -> Double { x * b.x + y * b.y }
    func cross(_ b: P) -> Double { x * b.y - y * b.x }
    func distance(to b: P) -> Double { (self - b).length }
}

/// Formats a number for text output with at most `digits` decimals, trailing zeros removed
/// (deterministic, locale-free).
func formatNumber(_ value: Double, digits: Int) -> String {
    var s = String(format: "%.\(digits)f", value)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    if s == "-0" { s = "0" }
    return s
}

/// `prefix` followed by `n` zero-padded to `width` digits (ids such as B0000012).
func paddedId(_ prefix: String, _ n: Int, width: Int) -> String {
    let digits = String(n)
    return prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
}
