/// The defect types of a pipe-network audit: the `type` values of the `pipe_defects` layer written by
/// `cim audit` and of the truth files written by `cim generate`, so planted and found defects compare.
public enum DefectType: String, CaseIterable, Sendable, Codable {
    /// A pipe end that meets no other pipe and no outfall, inlet or plant.
    case danglingEnd = "dangling_end"
    /// Two pipe ends within the gap tolerance that do not connect (at least one of them dangling).
    case nearMissBreak = "near_miss_break"
    /// A connected group of pipes that reaches no outfall or treatment plant.
    case noOutletComponent = "no_outlet_component"
    /// Downstream invert above the upstream invert, or pipes whose flow directions meet head-on at a node.
    case reversedSlope = "reversed_slope"
    /// A pipe leaving a node narrower than the widest pipe arriving there.
    case diameterShrink = "diameter_shrink"
    /// A pipe (nearly) without length.
    case zeroLength = "zero_length"
    /// A pipe longer than the largest manhole spacing for its diameter.
    case overLong = "over_long"
    /// Two pipes on top of each other (identical or overlapping along a stretch).
    case duplicatePipe = "duplicate_pipe"
    /// A pipe record without its diameter, its own inverts or, when used, its kind.
    case missingAttributes = "missing_attributes"
}
