/// An error raised by a geometry or coordinate-reference operation.
///
/// GEOS and PROJ failures carry the library's own message, so a user sees *why* an operation failed
/// (for example "ParseException: Expected word but encountered end of stream").
public enum GeometryError: Error, CustomStringConvertible, Equatable {
    /// A GEOS call failed; `operation` names the C function, `message` is GEOS's error text.
    case geos(operation: String, message: String)
    /// A PROJ call failed; `message` is PROJ's error text.
    case proj(operation: String, message: String)
    /// The input could not be turned into a geometry (bad WKB, NaN coordinates, too few points …).
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .geos(operation, message): return "GEOS \(operation) failed: \(message)"
        case let .proj(operation, message): return "PROJ \(operation) failed: \(message)"
        case let .invalidInput(message): return message
        }
    }
}
