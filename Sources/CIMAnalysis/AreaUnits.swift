import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// The units results are aggregated over: area polygons of one kind (communities, districts), or a
/// regular grid when the store has none.
public struct AreaUnits: Sendable {
    public var ids: [String]
    public var names: [String?]
    public var kind: String
    public var geometries: GeometryColumn
    /// True when the units are grid cells.
    public var isGrid: Bool

    public var count: Int { ids.count }

    /// The areas of `kind` from an areas snapshot (nil when there are none of that kind).
    public static func fromAreas(_ areas: FeatureTable, kind: String) -> AreaUnits? {
        let kinds = areas.text("kind") ?? []
        let rows = (0 ..< areas.count).filter { $0 < kinds.count && kinds[$0] == kind && !areas.geometries.parts(of: $0).isEmpty }
        guard !rows.isEmpty else { return nil }
        let ids = areas.text("id") ?? []
        let names = areas.text("name") ?? []
        return AreaUnits(ids: rows.map { ids.indices.contains($0) ? (ids[$0] ?? "fid \(areas.fids[$0])") : "\($0)" },
                         names: rows.map { names.indices.contains($0) ? names[$0] : nil },
                         kind: kind, geometries: areas.geometries.subset(rows), isGrid: false)
    }

    /// Square cells of `size` metres, aligned on multiples of `size`, covering the given points; only cells
    /// that hold at least one point are made. Cell ids are "E<x index>N<y index>".
    public static func grid(covering points: [Double], size: Double) -> AreaUnits {
        var cells: [Int64: (Int, Int)] = [:]
        var order: [Int64] = []
        for k in 0 ..< points.count / 2 {
            let gx = Int((points[2 * k] / size).rounded(.down)), gy = Int((points[2 * k + 1] / size).rounded(.down))
            let key = Int64(gx) << 32 ^ Int64(UInt32(bitPattern: Int32(truncatingIfNeeded: gy)))
            if cells[key] == nil { cells[key] = (gx, gy); order.append(key) }
        }
        order.sort { cells[$0]!.1 != cells[$1]!.1 ? cells[$0]!.1 < cells[$1]!.1 : cells[$0]!.0 < cells[$1]!.0 }
        var geometries = GeometryColumn()
        var ids: [String] = []
        for key in order {
            let (gx, gy) = cells[key]!
            let x0 = Double(gx) * size, y0 = Double(gy) * size
            geometries.beginFeature(.polygon)
            geometries.addRing([(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size), (x0, y0)])
            geometries.endPart()
            geometries.endFeature()
            ids.append("E\(gx)N\(gy)")
        }
        return AreaUnits(ids: ids, names: Array(repeating: nil, count: ids.count), kind: "grid \(Int(size)) m", geometries: geometries, isGrid: true)
    }

    /// The unit containing each point (on the boundary counts; with overlaps the unit listed first wins),
    /// -1 when none: candidates from a packed R-tree, exact point-in-polygon test (`distance == 0`, through a
    /// ``PolygonPointLocator`` per unit so a large unit — a city's built-up outline — costs a few edges per
    /// point instead of all of them).
    public func assign(points: [Double]) -> [Int32] {
        let tree = PackedRTree(envelopes: geometries.envelopes)
        let n = points.count / 2
        let output = SharedBuffer<Int32>(repeating: -1, count: n)
        let geometries = self.geometries
        let locators = SharedBuffer<PolygonPointLocator?>(repeating: nil, count: geometries.count)
        parallelChunks(geometries.count, minimumChunk: 64) { range, _ in
            let built = range.map { PolygonPointLocator(geometries, feature: $0) }
            locators.withPointer { for (k, a) in range.enumerated() { $0[a] = built[k] } }
        }
        let locate = locators.storage.map { $0! }
        parallelChunks(n, minimumChunk: 1024) { range, _ in
            output.withPointer { out in
                for k in range {
                    let x = points[2 * k], y = points[2 * k + 1]
                    var best = Int.max
                    tree.forEach(intersecting: Envelope(minX: x, minY: y, maxX: x, maxY: y)) { a in
                        if a < best && locate[a].containsOrTouches(x: x, y: y) { best = a }
                    }
                    if best != Int.max { out[k] = Int32(best) }
                }
            }
        }
        return output.storage
    }
}
