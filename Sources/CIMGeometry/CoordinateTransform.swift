import CPROJ
import Foundation

/// A transformation between two CRSs (`proj_create_crs_to_crs_from_pj`, then
/// `proj_normalize_for_visualization` so x is always easting or longitude, whatever the CRS's axis order).
///
/// It owns its own PROJ context, so it must not be used by two threads at once: make one per worker.
public final class CoordinateTransform {
    public let source: CoordinateReferenceSystem
    public let target: CoordinateReferenceSystem
    private let context: PROJContext
    private let pj: OpaquePointer

    /// Creates the transformation; throws PROJ's message when no operation exists.
    public init(from source: CoordinateReferenceSystem, to target: CoordinateReferenceSystem) throws {
        self.source = source
        self.target = target
        let context = try PROJContext()
        self.context = context
        guard let s = proj_create(context.handle, source.definition) else { throw context.error("proj_create(source)") }
        defer { proj_destroy(s) }
        guard let t = proj_create(context.handle, target.definition) else { throw context.error("proj_create(target)") }
        defer { proj_destroy(t) }
        guard let raw = proj_create_crs_to_crs_from_pj(context.handle, s, t, nil, nil) else {
            throw context.error("proj_create_crs_to_crs_from_pj")
        }
        defer { proj_destroy(raw) }
        guard let normalised = proj_normalize_for_visualization(context.handle, raw) else {
            throw context.error("proj_normalize_for_visualization")
        }
        self.pj = normalised
    }

    deinit { proj_destroy(pj) }

    /// Transforms one point (`proj_trans`).
    public func transform(x: Double, y: Double) throws -> (x: Double, y: Double) {
        var xy = [x, y]
        try transform(&xy)
        return (xy[0], xy[1])
    }

    /// Transforms interleaved x,y coordinates in place in one batch (`proj_trans_generic`).
    /// Throws when any coordinate cannot be transformed (PROJ returns infinity for it).
    public func transform(_ xy: inout [Double]) throws {
        let n = xy.count / 2
        if n == 0 { return }
        proj_errno_reset(pj)
        let stride = MemoryLayout<Double>.stride * 2
        let done = xy.withUnsafeMutableBufferPointer { buffer -> Int in
            let base = buffer.baseAddress!
            return proj_trans_generic(pj, PJ_FWD, base, stride, n, base + 1, stride, n, nil, 0, 0, nil, 0, 0)
        }
        guard done == n else { throw GeometryError.proj(operation: "proj_trans_generic", message: "transformed \(done) of \(n) points") }
        for i in 0 ..< n where !xy[2 * i].isFinite || !xy[2 * i + 1].isFinite {
            let errno = proj_errno(pj)
            let reason = errno != 0 ? (proj_context_errno_string(context.handle, errno).map { String(cString: $0) } ?? "") : "no result"
            throw GeometryError.proj(operation: "proj_trans_generic",
                                     message: "point \(i + 1) could not be transformed from \(source.identifier) to \(target.identifier): \(reason)")
        }
    }

    /// Transforms interleaved x,y coordinates in place in one batch (`proj_trans_generic`) and returns the
    /// indices of the points PROJ could not transform (left non-finite) instead of throwing.
    public func transformAllowingFailures(_ xy: inout [Double]) -> Set<Int> {
        let n = xy.count / 2
        if n == 0 { return [] }
        proj_errno_reset(pj)
        let stride = MemoryLayout<Double>.stride * 2
        _ = xy.withUnsafeMutableBufferPointer { buffer -> Int in
            let base = buffer.baseAddress!
            return proj_trans_generic(pj, PJ_FWD, base, stride, n, base + 1, stride, n, nil, 0, 0, nil, 0, 0)
        }
        var failed = Set<Int>()
        for i in 0 ..< n where !xy[2 * i].isFinite || !xy[2 * i + 1].isFinite { failed.insert(i) }
        return failed
    }

    /// Transforms every coordinate of a column (one batch) and recomputes its envelopes; returns the
    /// features with a coordinate PROJ could not transform (their coordinates are left non-finite).
    public func transformAllowingFailures(_ column: inout GeometryColumn) -> [Int] {
        var failedPoints = Set<Int>()
        column.transformCoordinates { failedPoints = transformAllowingFailures(&$0) }
        guard !failedPoints.isEmpty else { return [] }
        return (0 ..< column.count).filter { column.coordinateRange(of: $0).contains(where: failedPoints.contains) }
    }

    /// Transforms every coordinate of a column (one batch) and recomputes its envelopes.
    public func transform(_ column: inout GeometryColumn) throws {
        try column.transformCoordinates { try transform(&$0) }
    }

    /// The geometry reprojected (flattened, transformed in one batch, rebuilt in the geometry's context).
    public func transform(_ geometry: Geometry) throws -> Geometry {
        var column = GeometryColumn()
        try column.append(geometry)
        try transform(&column)
        return try column.geometry(0, context: geometry.context)
    }
}
