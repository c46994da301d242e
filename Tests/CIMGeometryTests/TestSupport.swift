import CIMGeometry
import Testing

/// A small deterministic random generator (SplitMix64), so that "random" test data is the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Parses WKT in the given (or the thread's) context; a parse failure fails the test with GEOS's message.
func geom(_ wkt: String, _ context: GEOSContext = .current) throws -> Geometry {
    try Geometry(wkt: wkt, context: context)
}

/// |a - b| <= tolerance.
func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

/// The GEOS message carried by a geometry error ("" for other errors).
func geosMessage(_ error: Error) -> String {
    if case let GeometryError.geos(_, message)? = error as? GeometryError { return message }
    return ""
}
