import CIMGeometry
import Foundation

/// Footprints and heights of CityJSON buildings.
///
/// The footprint of one city object is the 2D union of the ground surfaces (semantic `GroundSurface`)
/// of its geometries of the lowest level of detail, or, when those geometries have no ground surface,
/// of every surface of them (the projection of the solid). Each surface is projected to 2D by dropping
/// z; consecutive repeated points are removed, and surfaces (or holes) left with fewer than 3 points or
/// an area of at most ``minimumFaceArea`` (vertical walls) are dropped. A projected surface that GEOS
/// finds invalid is repaired with make-valid (structure method) and its polygons kept. The union is done
/// by GEOS (`Geometry.unaryUnion(of:)`) and its polygons kept.
///
/// A building's footprint is the union of its BuildingParts' footprints (parts of parts included) when
/// any part has one, its own footprint otherwise. Its z extent covers every vertex of its own and its
/// parts' geometries, all levels of detail.
struct CityJSONFootprints {
    /// Projected surfaces with at most this area (in the source CRS's units squared) are vertical.
    static let minimumFaceArea = 1e-9

    let context: GEOSContext
    /// Interleaved x, y, z of the vertices (transform applied).
    let vertices: [Double]

    /// The footprint of one object and what was done to get it.
    struct Result {
        var polygons: [Geometry]
        /// Projected surfaces that GEOS found invalid and make-valid repaired.
        var repairedFaces: Int
        var usedGroundSurfaces: Bool
    }

    /// The footprint of `geometries` (one object's), nil when it has no surface geometry or no area.
    func footprint(_ geometries: [CityJSONGeometry]) throws -> Result? {
        let surfaceGeometries = geometries.filter { CityJSONGeometry.surfaceTypes.contains($0.type) }
        guard !surfaceGeometries.isEmpty else { return nil }
        let lowest = surfaceGeometries.map { $0.lod ?? .infinity }.min()!
        let selected = surfaceGeometries.filter { ($0.lod ?? .infinity) == lowest }
        let all = selected.flatMap(\.surfaces)
        let ground = all.filter { $0.semantic == "GroundSurface" }
        let faces = ground.isEmpty ? all : ground

        var column = GeometryColumn()
        var triangles: [Bool] = []
        for face in faces {
            var rings: [[(Double, Double)]] = []
            for (k, ring) in face.rings.enumerated() {
                guard let projected = projectedRing(ring) else {
                    if k == 0 { break } else { continue }
                }
                rings.append(projected)
            }
            guard !rings.isEmpty else { continue }
            column.beginFeature(.polygon)
            for ring in rings { column.addRing(ring) }
            column.endPart()
            column.endFeature()
            triangles.append(rings.count == 1 && rings[0].count == 4)
        }
        guard column.count > 0 else { return nil }

        var polygons: [Geometry] = []
        polygons.reserveCapacity(column.count)
        var repaired = 0
        for i in 0 ..< column.count {
            let polygon = try column.geometry(i, context: context)
            // A triangle with an area is always valid; other rings are checked.
            let valid = triangles[i] ? true : try polygon.isValid()
            if valid {
                polygons.append(polygon)
            } else {
                repaired += 1
                polygons.append(contentsOf: try Self.polygonalParts(try polygon.makeValid()))
            }
        }
        guard !polygons.isEmpty else { return nil }
        let union = try Self.polygonalParts(try Geometry.unaryUnion(of: polygons, context: context))
        guard !union.isEmpty else { return nil }
        return Result(polygons: union, repairedFaces: repaired, usedGroundSurfaces: !ground.isEmpty)
    }

    /// A ring projected to 2D and closed, without consecutive repeated points; nil when it has fewer than
    /// 3 distinct points or no area.
    private func projectedRing(_ ring: [Int]) -> [(Double, Double)]? {
        var points: [(Double, Double)] = []
        points.reserveCapacity(ring.count + 1)
        for index in ring {
            let p = (vertices[3 * index], vertices[3 * index + 1])
            if let last = points.last, last == p { continue }
            points.append(p)
        }
        while points.count > 1, points[0] == points[points.count - 1] { points.removeLast() }
        guard points.count >= 3 else { return nil }
        // Shoelace, shifted to the first point for precision with large coordinates.
        let (x0, y0) = points[0]
        var twice = 0.0
        for k in 0 ..< points.count {
            let (ax, ay) = points[k], (bx, by) = points[(k + 1) % points.count]
            twice += (ax - x0) * (by - y0) - (bx - x0) * (ay - y0)
        }
        guard abs(twice) / 2 > Self.minimumFaceArea else { return nil }
        points.append(points[0])
        return points
    }

    /// The union of several footprints (a building's parts), as polygons.
    func union(_ footprints: [[Geometry]]) throws -> [Geometry] {
        let all = footprints.flatMap { $0 }
        if footprints.count == 1 { return all }
        return try Self.polygonalParts(try Geometry.unaryUnion(of: all, context: context))
    }

    /// (min z, max z) over the given vertex indices; nil when there are none.
    func zExtent(_ indices: [Int]) -> (min: Double, max: Double)? {
        guard !indices.isEmpty else { return nil }
        var lo = Double.infinity, hi = -Double.infinity
        for index in indices {
            let z = vertices[3 * index + 2]
            lo = min(lo, z)
            hi = max(hi, z)
        }
        return (lo, hi)
    }

    /// The non-empty polygons of a geometry (the geometry itself, its parts, recursively).
    static func polygonalParts(_ geometry: Geometry) throws -> [Geometry] {
        switch geometry.type {
        case .polygon: return geometry.isEmpty ? [] : [geometry]
        case .multiPolygon, .geometryCollection: return try geometry.parts().flatMap { try polygonalParts($0) }
        default: return []
        }
    }
}
