/// Deterministic pseudo-random numbers (SplitMix64): the same seed gives the same sequence on every run and
/// every platform with IEEE doubles. The generator never touches the system's random source.
///
/// Independent streams are derived from (seed, stream, index) by hashing, so a block's buildings do not
/// depend on how many numbers another block drew: blocks can be generated in any order, or twice (the
/// capacity pass and the writing pass), and come out the same.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// A stream for `(seed, stream, index)`, independent of every other triple.
    public init(seed: UInt64, stream: Stream, index: Int = 0) {
        var h = SeededRandom.mix(seed &+ 0x9E37_79B9_7F4A_7C15)
        h = SeededRandom.mix(h ^ (stream.rawValue &* 0xD6E8_FEB8_6659_FD93))
        h = SeededRandom.mix(h ^ (UInt64(bitPattern: Int64(index)) &* 0xA076_1D64_78BD_642F))
        state = h
    }

    /// The named streams of the generator (one per decision family).
    public enum Stream: UInt64, Sendable {
        case grid = 1, lines, diagonals, regions, blockTypes, lanes, cuts, stubs, facilities, parks
        case blockSlots, blockAttributes, blockSelect, ground, sewer, storm, combined, orphan, defects
        case outlets, waterlogging, facilityNames
    }

    /// The SplitMix64 finaliser.
    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SeededRandom.mix(state)
    }

    /// Uniform in [0, 1).
    @inline(__always) public mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in [a, b).
    @inline(__always) public mutating func uniform(_ a: Double, _ b: Double) -> Double { a + unit() * (b - a) }

    /// Uniform integer in `range` (non-empty).
    @inline(__always) public mutating func int(_ range: Range<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// Uniform integer in `range`.
    @inline(__always) public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// True with probability `p`.
    @inline(__always) public mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// An index drawn with the given (non-negative, not all zero) weights.
    public mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var r = unit() * total
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    /// A deterministic Fisher–Yates shuffle.
    public mutating func shuffle<T>(_ values: inout [T]) {
        guard values.count > 1 else { return }
        for i in stride(from: values.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            if i != j { values.swapAt(i, j) }
        }
    }
}
