import CGEOS

extension GeometryColumn {
    /// Appends a GEOS geometry: its parts, rings and coordinates (`GEOSGeom_getCoordSeq_r`,
    /// `GEOSCoordSeq_copyToBuffer_r`). A geometry collection keeps all its parts under the collection type
    /// (nested collections flattened; part types are inferred again on the way out, see `wkb(_:)`);
    /// empty geometries become features with no parts.
    public mutating func append(_ geometry: Geometry) throws {
        let context = geometry.context
        var type = geometry.type
        if type == .linearRing { type = .lineString }
        beginFeature(type)
        try appendParts(geometry.handle, context: context)
        endFeature()
    }

    private mutating func appendParts(_ handle: OpaquePointer, context: GEOSContext) throws {
        let typeId = GEOSGeomTypeId_r(context.handle, handle)
        switch typeId {
        case 0, 1, 2: // point, line, ring
            if GEOSisEmpty_r(context.handle, handle) == 1 { return }
            try appendRing(handle, context: context)
            endPart()
        case 3: // polygon
            if GEOSisEmpty_r(context.handle, handle) == 1 { return }
            guard let shell = GEOSGetExteriorRing_r(context.handle, handle) else { throw context.error("GEOSGetExteriorRing_r") }
            try appendRing(shell, context: context)
            let holes = GEOSGetNumInteriorRings_r(context.handle, handle)
            for h in 0 ..< max(holes, 0) {
                guard let hole = GEOSGetInteriorRingN_r(context.handle, handle, h) else { throw context.error("GEOSGetInteriorRingN_r") }
                try appendRing(hole, context: context)
            }
            endPart()
        default: // multi and collections
            let n = GEOSGetNumGeometries_r(context.handle, handle)
            for k in 0 ..< max(n, 0) {
                guard let child = GEOSGetGeometryN_r(context.handle, handle, k) else { throw context.error("GEOSGetGeometryN_r") }
                try appendParts(child, context: context)
            }
        }
    }

    private mutating func appendRing(_ handle: OpaquePointer, context: GEOSContext) throws {
        context.clearError()
        guard let sequence = GEOSGeom_getCoordSeq_r(context.handle, handle) else { throw context.error("GEOSGeom_getCoordSeq_r") }
        var size: UInt32 = 0
        guard GEOSCoordSeq_getSize_r(context.handle, sequence, &size) != 0 else { throw context.error("GEOSCoordSeq_getSize_r") }
        var buffer = [Double](repeating: 0, count: Int(size) * 2)
        let ok = buffer.withUnsafeMutableBufferPointer {
            GEOSCoordSeq_copyToBuffer_r(context.handle, sequence, $0.baseAddress, 0, 0)
        }
        guard ok != 0 else { throw context.error("GEOSCoordSeq_copyToBuffer_r") }
        buffer.withUnsafeBufferPointer { addRing(interleaved: $0) }
    }

    /// Feature `i` as a GEOS geometry in `context` (`GEOSCoordSeq_copyFromBuffer_r`,
    /// `GEOSGeom_createLinearRing_r`, `GEOSGeom_createPolygon_r`, `GEOSGeom_createCollection_r`).
    public func geometry(_ i: Int, context: GEOSContext = .current) throws -> Geometry {
        let parts = self.parts(of: i)
        let type = types[i]
        context.clearError()
        if parts.isEmpty {
            let made: OpaquePointer?
            switch type.singular {
            case .point: made = GEOSGeom_createEmptyPoint_r(context.handle)
            case .lineString: made = GEOSGeom_createEmptyLineString_r(context.handle)
            default: made = GEOSGeom_createEmptyPolygon_r(context.handle)
            }
            return try context.make("GEOSGeom_createEmpty*_r") { made }
        }
        switch type {
        case .point, .lineString, .polygon, .linearRing:
            return try context.make("GEOSGeom_create*_r") { makePart(parts.lowerBound, type: type, context: context) }
        default:
            var children: [OpaquePointer?] = []
            for p in parts {
                let partType = type == .geometryCollection ? inferredPartType(p) : type.singular
                guard let child = makePart(p, type: partType, context: context) else {
                    for made in children { GEOSGeom_destroy_r(context.handle, made) }
                    throw context.error("GEOSGeom_create*_r")
                }
                children.append(child)
            }
            let typeId: Int32
            switch type {
            case .multiPoint: typeId = Int32(GEOS_MULTIPOINT.rawValue)
            case .multiLineString: typeId = Int32(GEOS_MULTILINESTRING.rawValue)
            case .multiPolygon: typeId = Int32(GEOS_MULTIPOLYGON.rawValue)
            default: typeId = Int32(GEOS_GEOMETRYCOLLECTION.rawValue)
            }
            return try context.make("GEOSGeom_createCollection_r") {
                children.withUnsafeMutableBufferPointer {
                    GEOSGeom_createCollection_r(context.handle, typeId, $0.baseAddress, UInt32($0.count))
                }
            }
        }
    }

    private func makeSequence(_ r: Int, context: GEOSContext) -> OpaquePointer? {
        let range = coordinates(of: r)
        return xy.withUnsafeBufferPointer { buffer in
            GEOSCoordSeq_copyFromBuffer_r(context.handle, buffer.baseAddress! + 2 * range.lowerBound, UInt32(range.count), 0, 0)
        }
    }

    private func makePart(_ p: Int, type: GeometryType, context: GEOSContext) -> OpaquePointer? {
        let rings = self.rings(of: p)
        switch type {
        case .point:
            guard let sequence = makeSequence(rings.lowerBound, context: context) else { return nil }
            return GEOSGeom_createPoint_r(context.handle, sequence)
        case .lineString, .linearRing:
            guard let sequence = makeSequence(rings.lowerBound, context: context) else { return nil }
            return GEOSGeom_createLineString_r(context.handle, sequence)
        default:
            var made: [OpaquePointer?] = []
            for r in rings {
                guard let sequence = makeSequence(r, context: context),
                      let ring = GEOSGeom_createLinearRing_r(context.handle, sequence) else {
                    for ring in made { GEOSGeom_destroy_r(context.handle, ring) }
                    return nil
                }
                made.append(ring)
            }
            let shell = made[0]
            var holes = Array(made.dropFirst())
            return holes.withUnsafeMutableBufferPointer {
                GEOSGeom_createPolygon_r(context.handle, shell, $0.baseAddress, UInt32($0.count))
            }
        }
    }
}

extension Geometry {
    /// All coordinates as interleaved x,y (`GEOSCoordSeq_copyToBuffer_r` per ring).
    public func coordinates() throws -> [Double] {
        var column = GeometryColumn()
        try column.append(self)
        return column.xy
    }
}
