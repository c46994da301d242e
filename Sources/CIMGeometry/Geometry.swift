import CGEOS
import CIMIndex

/// The kind of a geometry, matching the OGC simple-feature types (and GEOS's type ids).
public enum GeometryType: UInt8, Sendable, CustomStringConvertible {
    case point = 1, lineString = 2, polygon = 3, multiPoint = 4, multiLineString = 5, multiPolygon = 6
    case geometryCollection = 7, linearRing = 101

    public var description: String {
        switch self {
        case .point: return "Point"
        case .lineString: return "LineString"
        case .polygon: return "Polygon"
        case .multiPoint: return "MultiPoint"
        case .multiLineString: return "MultiLineString"
        case .multiPolygon: return "MultiPolygon"
        case .geometryCollection: return "GeometryCollection"
        case .linearRing: return "LinearRing"
        }
    }

    /// The single-part type of a multi type (itself otherwise).
    public var singular: GeometryType {
        switch self {
        case .multiPoint: return .point
        case .multiLineString: return .lineString
        case .multiPolygon: return .polygon
        default: return self
        }
    }

    /// Maps `GEOSGeomTypeId_r` results to a type.
    init?(geosTypeId: Int32) {
        switch geosTypeId {
        case 0: self = .point
        case 1: self = .lineString
        case 2: self = .linearRing
        case 3: self = .polygon
        case 4: self = .multiPoint
        case 5: self = .multiLineString
        case 6: self = .multiPolygon
        case 7: self = .geometryCollection
        default: return nil
        }
    }
}

/// A geometry that owns its GEOS handle (`GEOSGeometry*`), destroyed with `GEOSGeom_destroy_r` on deinit.
///
/// A geometry keeps a strong reference to the ``GEOSContext`` it was made in and every operation runs in
/// that context, so a geometry must not be used from two threads at once: it is not `Sendable`. To reach
/// another thread it goes as WKB or a ``GeometryColumn`` (both `Sendable`) and is made again there, or is
/// cloned into the receiving thread's context (``clone(in:)``) once the thread that made it is done with it.
public final class Geometry: CustomStringConvertible {
    let handle: OpaquePointer
    /// The context that created this geometry and runs its operations.
    public let context: GEOSContext

    /// Takes ownership of a GEOS geometry made in `context`.
    init(owning handle: OpaquePointer, context: GEOSContext) {
        self.handle = handle
        self.context = context
    }

    deinit { GEOSGeom_destroy_r(context.handle, handle) }

    /// Parses well-known text (`GEOSWKTReader_read_r`); the error carries GEOS's parse message.
    public convenience init(wkt: String, context: GEOSContext = .current) throws {
        context.clearError()
        guard let reader = GEOSWKTReader_create_r(context.handle) else { throw context.error("GEOSWKTReader_create_r") }
        defer { GEOSWKTReader_destroy_r(context.handle, reader) }
        guard let geometry = GEOSWKTReader_read_r(context.handle, reader, wkt) else {
            throw context.error("GEOSWKTReader_read_r")
        }
        self.init(owning: geometry, context: context)
    }

    /// Parses well-known binary, either byte order (`GEOSWKBReader_read_r`).
    public convenience init(wkb: [UInt8], context: GEOSContext = .current) throws {
        context.clearError()
        guard let reader = GEOSWKBReader_create_r(context.handle) else { throw context.error("GEOSWKBReader_create_r") }
        defer { GEOSWKBReader_destroy_r(context.handle, reader) }
        let geometry = wkb.withUnsafeBufferPointer { GEOSWKBReader_read_r(context.handle, reader, $0.baseAddress, $0.count) }
        guard let geometry else { throw context.error("GEOSWKBReader_read_r") }
        self.init(owning: geometry, context: context)
    }

    /// A point (`GEOSGeom_createPointFromXY_r`).
    public convenience init(x: Double, y: Double, context: GEOSContext = .current) throws {
        context.clearError()
        guard let point = GEOSGeom_createPointFromXY_r(context.handle, x, y) else {
            throw context.error("GEOSGeom_createPointFromXY_r")
        }
        self.init(owning: point, context: context)
    }

    /// A deep copy in another (or the same) context (`GEOSGeom_clone_r`).
    public func clone(in target: GEOSContext? = nil) throws -> Geometry {
        let target = target ?? context
        return try target.make("GEOSGeom_clone_r") { GEOSGeom_clone_r(target.handle, handle) }
    }

    /// Well-known text (`GEOSWKTWriter_write_r`), trimmed, full precision unless `precision` is given.
    public func wkt(precision: Int? = nil) throws -> String {
        context.clearError()
        guard let writer = GEOSWKTWriter_create_r(context.handle) else { throw context.error("GEOSWKTWriter_create_r") }
        defer { GEOSWKTWriter_destroy_r(context.handle, writer) }
        GEOSWKTWriter_setTrim_r(context.handle, writer, 1)
        if let precision { GEOSWKTWriter_setRoundingPrecision_r(context.handle, writer, Int32(precision)) }
        guard let text = GEOSWKTWriter_write_r(context.handle, writer, handle) else {
            throw context.error("GEOSWKTWriter_write_r")
        }
        defer { GEOSFree_r(context.handle, text) }
        return String(cString: text)
    }

    /// Little-endian ISO well-known binary, 2D (`GEOSWKBWriter_write_r`; buffer freed with `GEOSFree_r`).
    public func wkb() throws -> [UInt8] {
        context.clearError()
        guard let writer = GEOSWKBWriter_create_r(context.handle) else { throw context.error("GEOSWKBWriter_create_r") }
        defer { GEOSWKBWriter_destroy_r(context.handle, writer) }
        GEOSWKBWriter_setOutputDimension_r(context.handle, writer, 2)
        GEOSWKBWriter_setByteOrder_r(context.handle, writer, Int32(GEOS_WKB_NDR.rawValue))
        var size = 0
        guard let bytes = GEOSWKBWriter_write_r(context.handle, writer, handle, &size) else {
            throw context.error("GEOSWKBWriter_write_r")
        }
        defer { GEOSFree_r(context.handle, bytes) }
        return Array(UnsafeBufferPointer(start: bytes, count: size))
    }

    /// The geometry's type (`GEOSGeomTypeId_r`).
    public var type: GeometryType {
        GeometryType(geosTypeId: GEOSGeomTypeId_r(context.handle, handle)) ?? .geometryCollection
    }

    /// True for an empty geometry (`GEOSisEmpty_r`).
    public var isEmpty: Bool { GEOSisEmpty_r(context.handle, handle) == 1 }

    /// Number of parts: 1 for a single geometry (`GEOSGetNumGeometries_r`).
    public var partCount: Int { Int(GEOSGetNumGeometries_r(context.handle, handle)) }

    /// Total number of coordinates (`GEOSGetNumCoordinates_r`).
    public var coordinateCount: Int { Int(GEOSGetNumCoordinates_r(context.handle, handle)) }

    /// A copy of part `index` (`GEOSGetGeometryN_r` + `GEOSGeom_clone_r`).
    public func part(_ index: Int) throws -> Geometry {
        precondition(index >= 0 && index < partCount, "part index out of range")
        guard let borrowed = GEOSGetGeometryN_r(context.handle, handle, Int32(index)) else {
            throw context.error("GEOSGetGeometryN_r")
        }
        return try context.make("GEOSGeom_clone_r") { GEOSGeom_clone_r(context.handle, borrowed) }
    }

    /// All parts as separate geometries.
    public func parts() throws -> [Geometry] { try (0..<partCount).map { try part($0) } }

    public var description: String { (try? wkt(precision: 6)) ?? "<geometry>" }
}
