import CIMGeometry
import Testing

@_exported import CIMTestSupport

/// The deterministic generator under the name these tests use.
typealias SeededGenerator = SplitMix64

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
