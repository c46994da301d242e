import CGEOS

extension Geometry {
    /// True when the geometries share at least one point (`GEOSIntersects_r`).
    public func intersects(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSIntersects_r") { GEOSIntersects_r(context.handle, handle, other.handle) }
    }
    /// True when `other` lies in this geometry and their interiors meet (`GEOSContains_r`).
    public func contains(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSContains_r") { GEOSContains_r(context.handle, handle, other.handle) }
    }
    /// True when this geometry lies within `other` (`GEOSWithin_r`).
    public func within(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSWithin_r") { GEOSWithin_r(context.handle, handle, other.handle) }
    }
    /// True when the geometries are within `distance` of each other (`GEOSDistanceWithin_r`).
    public func isWithinDistance(_ distance: Double, of other: Geometry) throws -> Bool {
        try context.predicate("GEOSDistanceWithin_r") { GEOSDistanceWithin_r(context.handle, handle, other.handle, distance) }
    }
    /// True when the geometries are structurally equal within a tolerance (`GEOSEqualsExact_r`).
    public func equalsExact(_ other: Geometry, tolerance: Double = 0) throws -> Bool {
        try context.predicate("GEOSEqualsExact_r") { GEOSEqualsExact_r(context.handle, handle, other.handle, tolerance) }
    }
    /// True when the geometries are topologically equal (`GEOSEquals_r`).
    public func equalsTopologically(_ other: Geometry) throws -> Bool {
        try context.predicate("GEOSEquals_r") { GEOSEquals_r(context.handle, handle, other.handle) }
    }
}
