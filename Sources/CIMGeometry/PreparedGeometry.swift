import CGEOS

/// A geometry prepared for many predicate calls against it (`GEOSPrepare_r`): indexes its segments once,
/// so `contains`/`intersects` against many other geometries is fast. Destroyed with `GEOSPreparedGeom_destroy_r`.
///
/// It keeps its base geometry alive and runs in the base geometry's context (one thread at a time: not
/// `Sendable`).
public final class PreparedGeometry {
    let handle: OpaquePointer
    /// The geometry that was prepared.
    public let base: Geometry

    /// Prepares `geometry` (`GEOSPrepare_r`).
    public init(_ geometry: Geometry) throws {
        let context = geometry.context
        context.clearError()
        guard let handle = GEOSPrepare_r(context.handle, geometry.handle) else { throw context.error("GEOSPrepare_r") }
        self.handle = handle
        self.base = geometry
    }

    deinit { GEOSPreparedGeom_destroy_r(base.context.handle, handle) }

    private var context: GEOSContext { base.context }

    /// `GEOSPreparedContains_r`.
    public func contains(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSPreparedContains_r") { GEOSPreparedContains_r(context.handle, handle, other.handle) }
    }
    /// Contains or touches the boundary (`GEOSPreparedCovers_r`).
    public func covers(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSPreparedCovers_r") { GEOSPreparedCovers_r(context.handle, handle, other.handle) }
    }
    /// `GEOSPreparedIntersects_r`.
    public func intersects(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSPreparedIntersects_r") { GEOSPreparedIntersects_r(context.handle, handle, other.handle) }
    }
    /// `GEOSPreparedWithin_r`.
    public func within(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSPreparedWithin_r") { GEOSPreparedWithin_r(context.handle, handle, other.handle) }
    }
    /// Covers the point (x, y): `GEOSPreparedContainsXY_r` is GEOS 3.12, so this builds a point and calls
    /// `GEOSPreparedIntersects_r`, which for a point equals "covers".
    public func covers(x: Double, y: Double) throws -> Bool {
        let point = try Geometry(x: x, y: y, context: context)
        return try intersects(point)
    }
    /// Minimum distance (`GEOSPreparedDistance_r`).
    public func distance(to other: Geometry) throws -> Double {
        try context.measure("GEOSPreparedDistance_r") { GEOSPreparedDistance_r(context.handle, handle, other.handle, $0) }
    }
    /// `GEOSPreparedDistanceWithin_r`.
    public func isWithinDistance(_ distance: Double, of other: Geometry) throws -> Bool {
        try context.predicate("GEOSPreparedDistanceWithin_r") { GEOSPreparedDistanceWithin_r(context.handle, handle, other.handle, distance) }
    }
}
