import CGEOS

extension Geometry {
    /// A point guaranteed to lie on the geometry, inside a polygon (`GEOSPointOnSurface_r`).
    public func pointOnSurface() throws -> Geometry {
        try context.make("GEOSPointOnSurface_r") { GEOSPointOnSurface_r(context.handle, handle) }
    }

    /// The centre of mass (`GEOSGetCentroid_r`).
    public func centroid() throws -> Geometry {
        try context.make("GEOSGetCentroid_r") { GEOSGetCentroid_r(context.handle, handle) }
    }

    /// The area within `distance` (`GEOSBuffer_r`); `quadrantSegments` sets the roundness of corners.
    public func buffer(_ distance: Double, quadrantSegments: Int = 8) throws -> Geometry {
        try context.make("GEOSBuffer_r") { GEOSBuffer_r(context.handle, handle, distance, Int32(quadrantSegments)) }
    }

    /// The shared part (`GEOSIntersection_r`).
    public func intersection(_ other: Geometry) throws -> Geometry {
        try context.make("GEOSIntersection_r") { GEOSIntersection_r(context.handle, handle, other.handle) }
    }

    /// This geometry minus `other` (`GEOSDifference_r`).
    public func difference(_ other: Geometry) throws -> Geometry {
        try context.make("GEOSDifference_r") { GEOSDifference_r(context.handle, handle, other.handle) }
    }

    /// Both geometries merged (`GEOSUnion_r`).
    public func union(_ other: Geometry) throws -> Geometry {
        try context.make("GEOSUnion_r") { GEOSUnion_r(context.handle, handle, other.handle) }
    }

    /// The points in exactly one of the two geometries (`GEOSSymDifference_r`).
    public func symmetricDifference(_ other: Geometry) throws -> Geometry {
        try context.make("GEOSSymDifference_r") { GEOSSymDifference_r(context.handle, handle, other.handle) }
    }

    /// This geometry's parts dissolved into one (`GEOSUnaryUnion_r`).
    public func unaryUnion() throws -> Geometry {
        try context.make("GEOSUnaryUnion_r") { GEOSUnaryUnion_r(context.handle, handle) }
    }

    /// The linework split at every crossing and shared stretch, as a MultiLineString of pieces that meet
    /// only at their ends (`GEOSNode_r`).
    public func noded() throws -> Geometry {
        try context.make("GEOSNode_r") { GEOSNode_r(context.handle, handle) }
    }

    /// Douglas-Peucker simplification that keeps polygons valid (`GEOSTopologyPreserveSimplify_r`).
    public func simplified(tolerance: Double) throws -> Geometry {
        try context.make("GEOSTopologyPreserveSimplify_r") { GEOSTopologyPreserveSimplify_r(context.handle, handle, tolerance) }
    }

    /// The union of many geometries at once (cascaded: `GEOSGeom_createCollection_r` over clones, then
    /// `GEOSUnaryUnion_r`). Returns an empty geometry collection for no input.
    public static func unaryUnion(of geometries: [Geometry], context: GEOSContext = .current) throws -> Geometry {
        let collection = try collection(geometries, context: context)
        return try collection.unaryUnion()
    }

    /// A collection of copies of `geometries`: a Multi* type when all share one single type, a
    /// GeometryCollection otherwise (`GEOSGeom_createCollection_r`).
    public static func collection(_ geometries: [Geometry], context: GEOSContext = .current) throws -> Geometry {
        let types = Set(geometries.map { $0.type })
        let collectionType: Int32
        if types == [.polygon] { collectionType = Int32(GEOS_MULTIPOLYGON.rawValue) }
        else if types == [.lineString] { collectionType = Int32(GEOS_MULTILINESTRING.rawValue) }
        else if types == [.point] { collectionType = Int32(GEOS_MULTIPOINT.rawValue) }
        else { collectionType = Int32(GEOS_GEOMETRYCOLLECTION.rawValue) }
        context.clearError()
        var clones: [OpaquePointer?] = []
        clones.reserveCapacity(geometries.count)
        for geometry in geometries {
            guard let clone = GEOSGeom_clone_r(context.handle, geometry.handle) else {
                for made in clones { GEOSGeom_destroy_r(context.handle, made) }
                throw context.error("GEOSGeom_clone_r")
            }
            clones.append(clone)
        }
        // The collection takes ownership of the clones (and of the array's contents, not the array).
        return try context.make("GEOSGeom_createCollection_r") {
            clones.withUnsafeMutableBufferPointer {
                GEOSGeom_createCollection_r(context.handle, collectionType, $0.baseAddress, UInt32($0.count))
            }
        }
    }
}
