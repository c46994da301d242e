import CIMGeometry
import CIMIndex
import Foundation

/// Unions of many GEOS geometries (footprints, or their buffers), built for speed at city scale.
///
/// GEOS buffers one large MultiPolygon or MultiLineString an order of magnitude slower than it buffers
/// each part and unites the results by cascaded union (`GEOSUnaryUnion_r`), so every buffer here is taken
/// per part. Items are ordered along a Morton (Z-order) curve of their envelope centres so each chunk is
/// spatially compact, chunks are united in parallel (one GEOS context per worker), and the chunk unions are
/// cloned into the caller's context and united there.
enum BatchUnion {
    /// The union of `make(i)` for every i in `items`, in `context` (an empty GeometryCollection for none).
    /// `make` runs on worker threads with the worker's context and must only use that context. `done`, when
    /// given, is told how many items each finished chunk held (from the worker threads).
    static func union(_ items: [Int], envelopes: (Int) -> Envelope, context: GEOSContext, minimumChunk: Int = 512,
                      done: ProgressCounter? = nil,
                      make: @escaping @Sendable (Int, GEOSContext) throws -> Geometry) throws -> Geometry {
        let ordered = mortonOrder(items, envelopes: envelopes)
        if ordered.count <= minimumChunk {
            let union = try Geometry.unaryUnion(of: ordered.map { try make($0, context) }, context: context)
            done?.add(ordered.count)
            return union
        }
        let pieces: [Geometry]
        do {
            // Each chunk's union, made in its worker's context, comes back cloned into `context`.
            pieces = try parallelGEOSChunks(ordered.count, minimumChunk: minimumChunk, into: context) { range, worker in
                let parts = try range.map { try make(ordered[$0], worker) }
                let union = try Geometry.unaryUnion(of: parts, context: worker)
                done?.add(range.count)
                return union
            }
        } catch {
            throw AnalysisError("a union failed: \(error)")
        }
        return try Geometry.unaryUnion(of: pieces, context: context)
    }

    /// `items` sorted by the Morton code of their envelope centres (16 bits per axis over their extent).
    static func mortonOrder(_ items: [Int], envelopes: (Int) -> Envelope) -> [Int] {
        guard items.count > 1 else { return items }
        var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
        var centres: [(Double, Double)] = []
        centres.reserveCapacity(items.count)
        for i in items {
            let e = envelopes(i)
            let c = ((e.minX + e.maxX) / 2, (e.minY + e.maxY) / 2)
            centres.append(c)
            minX = min(minX, c.0); maxX = max(maxX, c.0); minY = min(minY, c.1); maxY = max(maxY, c.1)
        }
        let sx = maxX > minX ? 65535 / (maxX - minX) : 0, sy = maxY > minY ? 65535 / (maxY - minY) : 0
        func spread(_ v: UInt32) -> UInt64 {
            var x = UInt64(v & 0xFFFF)
            x = (x | (x << 8)) & 0x00FF_00FF
            x = (x | (x << 4)) & 0x0F0F_0F0F
            x = (x | (x << 2)) & 0x3333_3333
            x = (x | (x << 1)) & 0x5555_5555
            return x
        }
        var keyed: [(UInt64, Int)] = []
        keyed.reserveCapacity(items.count)
        for (k, i) in items.enumerated() {
            let qx = UInt32(max(0, min(65535, (centres[k].0 - minX) * sx))), qy = UInt32(max(0, min(65535, (centres[k].1 - minY) * sy)))
            keyed.append((spread(qx) | spread(qy) << 1, i))
        }
        keyed.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        return keyed.map(\.1)
    }
}
