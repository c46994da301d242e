import ArgumentParser
import CIMGeometry
import CIMIndex

/// Parses "x,y" pairs and "minx,miny,maxx,maxy" boxes.
enum CoordinateParsing {
    /// The largest coordinate accepted (metres in a projected CRS, degrees in lon/lat): 10 000 km.
    static let maximumCoordinate = 1e7

    static func numbers(_ text: String, count: Int, what: String) throws -> [Double] {
        let parts = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == count, parts.allSatisfy({ $0 != nil && $0!.isFinite && abs($0!) <= maximumCoordinate }) else {
            throw ValidationError("\(what) must be \(count) comma-separated finite numbers of at most \(fmt(maximumCoordinate)) in size, got '\(text)'")
        }
        return parts.map { $0! }
    }

    static func crs(_ text: String, option: String) throws -> CoordinateReferenceSystem {
        do { return try CoordinateReferenceSystem(text) } catch {
            throw ValidationError("\(option) \(text): \(error)")
        }
    }
}
