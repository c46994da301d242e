import CGEOS
import CIMIndex

extension Geometry {
    /// Planar area (`GEOSArea_r`).
    public func area() throws -> Double {
        try context.measure("GEOSArea_r") { GEOSArea_r(context.handle, handle, $0) }
    }

    /// Planar length, perimeter for polygons (`GEOSLength_r`).
    public func length() throws -> Double {
        try context.measure("GEOSLength_r") { GEOSLength_r(context.handle, handle, $0) }
    }

    /// Minimum Euclidean distance to another geometry, 0 when they intersect (`GEOSDistance_r`).
    public func distance(to other: Geometry) throws -> Double {
        try context.measure("GEOSDistance_r") { GEOSDistance_r(context.handle, handle, other.handle, $0) }
    }

    /// The discrete Hausdorff distance: the largest distance from a vertex of either geometry to the other
    /// one, with the vertices densified so no segment is longer than `densify` × its length when given
    /// (`GEOSHausdorffDistance_r`, `GEOSHausdorffDistanceDensify_r` with a fraction in (0, 1]).
    public func hausdorffDistance(to other: Geometry, densify: Double? = nil) throws -> Double {
        if let densify {
            return try context.measure("GEOSHausdorffDistanceDensify_r") { GEOSHausdorffDistanceDensify_r(context.handle, handle, other.handle, densify, $0) }
        }
        return try context.measure("GEOSHausdorffDistance_r") { GEOSHausdorffDistance_r(context.handle, handle, other.handle, $0) }
    }

    /// The bounding box (`GEOSGeom_getXMin_r` … `GEOSGeom_getYMax_r`); nil for an empty geometry.
    public func envelope() throws -> Envelope? {
        if isEmpty { return nil }
        let minX = try context.measure("GEOSGeom_getXMin_r") { GEOSGeom_getXMin_r(context.handle, handle, $0) }
        let minY = try context.measure("GEOSGeom_getYMin_r") { GEOSGeom_getYMin_r(context.handle, handle, $0) }
        let maxX = try context.measure("GEOSGeom_getXMax_r") { GEOSGeom_getXMax_r(context.handle, handle, $0) }
        let maxY = try context.measure("GEOSGeom_getYMax_r") { GEOSGeom_getYMax_r(context.handle, handle, $0) }
        return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
    }

    /// X of a point (`GEOSGeomGetX_r`).
    public func x() throws -> Double { try context.measure("GEOSGeomGetX_r") { GEOSGeomGetX_r(context.handle, handle, $0) } }
    /// Y of a point (`GEOSGeomGetY_r`).
    public func y() throws -> Double { try context.measure("GEOSGeomGetY_r") { GEOSGeomGetY_r(context.handle, handle, $0) } }
}
