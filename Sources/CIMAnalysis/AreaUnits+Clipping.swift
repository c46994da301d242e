import CIMGeometry
import CIMIndex
import Foundation

/// Exact overlaps of other geometries with the units: polygon areas, line lengths, and the units clipped to
/// a polygon set (GEOS intersections, candidates from a packed R-tree over the units).
extension AreaUnits {
    /// The area of `polygons` inside each unit (Σ over polygons of the GEOS intersection area,
    /// `GEOSIntersection_r`). A polygon inside one unit only is taken whole.
    public func intersectionAreas(of polygons: GeometryColumn) throws -> [Double] {
        var result = [Double](repeating: 0, count: count)
        guard polygons.count > 0, count > 0 else { return result }
        let tree = PackedRTree(envelopes: geometries.envelopes)
        let context = GEOSContext()
        let unitGeometries = try (0 ..< count).map { try geometries.geometry($0, context: context) }
        for i in 0 ..< polygons.count where !polygons.parts(of: i).isEmpty {
            let piece = try polygons.geometry(i, context: context)
            var candidates: [Int32] = []
            tree.search(polygons.envelope(i), into: &candidates)
            for u in candidates.sorted() {
                result[Int(u)] += try piece.intersection(unitGeometries[Int(u)]).area()
            }
        }
        return result
    }

    /// Each unit intersected with the union of `polygons` (e.g. the built-up part of each district), in
    /// the same order and with the same ids; a unit that does not meet them gets an empty geometry.
    public func clipped(to polygons: GeometryColumn) throws -> AreaUnits {
        let context = GEOSContext()
        let tree = PackedRTree(envelopes: polygons.envelopes)
        let parts = try (0 ..< polygons.count).map { try polygons.geometry($0, context: context) }
        var column = GeometryColumn()
        for u in 0 ..< count {
            var candidates: [Int32] = []
            tree.search(geometries.envelope(u), into: &candidates)
            let unit = try geometries.geometry(u, context: context)
            var pieces: [Geometry] = []
            for c in candidates.sorted() {
                let piece = try unit.intersection(parts[Int(c)])
                if try piece.area() > 0 { pieces.append(piece) }
            }
            if pieces.isEmpty {
                column.beginFeature(.multiPolygon)
                column.endFeature()
            } else {
                try column.append(try Geometry.unaryUnion(of: pieces, context: context))
            }
        }
        return AreaUnits(ids: ids, names: names, kind: kind, geometries: column, isGrid: isGrid)
    }

    /// The length of `lines` inside each unit (its boundary included), exactly, in Swift: each line segment
    /// is cut where it meets a ring edge of a candidate unit (``UnitEdges``), and every piece whose midpoint
    /// the unit covers counts. A piece lying along a boundary shared by two units counts in both (as a GEOS
    /// intersection would). Lines run in parallel; no GEOS call.
    public func lineLengths(of lines: GeometryColumn) throws -> [Double] {
        guard lines.count > 0, count > 0 else { return [Double](repeating: 0, count: count) }
        let edges = UnitEdges(self)
        let tree = PackedRTree(envelopes: geometries.envelopes)
        // Each block of lines keeps its pieces (unit, length) in line and segment order; they are added up
        // block after block below, so the sums are those of one sequential pass, the same to the last digit
        // whatever the number of threads or the order in which they finish.
        let block = 256
        let blocks = (lines.count + block - 1) / block
        let pieces = SharedBuffer<[(unit: Int32, length: Double)]>(repeating: [], count: blocks)
        parallelChunks(blocks, minimumChunk: 1) { range, _ in
            var candidates: [Int32] = [], near: [Int32] = [], cuts: [Double] = []
            for b in range {
                var found: [(unit: Int32, length: Double)] = []
                for i in b * block ..< min(lines.count, (b + 1) * block) {
                    lines.forEachSegment(of: i) { px, py, qx, qy, _ in
                        // A one-point line has no length to count.
                        guard px != qx || py != qy else { return }
                        let box = Envelope(minX: min(px, qx), minY: min(py, qy), maxX: max(px, qx), maxY: max(py, qy))
                        candidates.removeAll(keepingCapacity: true)
                        tree.search(box, into: &candidates)
                        guard !candidates.isEmpty else { return }
                        let length = ((qx - px) * (qx - px) + (qy - py) * (qy - py)).squareRoot()
                        near.removeAll(keepingCapacity: true)
                        edges.tree.search(box, into: &near)
                        for u in candidates {
                            cuts.removeAll(keepingCapacity: true)
                            cuts.append(0); cuts.append(1)
                            for e in near where edges.unit[Int(e)] == u { edges.addCuts(Int(e), px, py, qx, qy, into: &cuts) }
                            cuts.sort()
                            var inside = 0.0
                            for k in 0 ..< cuts.count - 1 where cuts[k + 1] > cuts[k] {
                                let t = 0.5 * (cuts[k] + cuts[k + 1])
                                if edges.covers(Int(u), x: px + t * (qx - px), y: py + t * (qy - py)) { inside += cuts[k + 1] - cuts[k] }
                            }
                            if inside > 0 { found.append((u, inside * length)) }
                        }
                    }
                }
                pieces.withPointer { $0[b] = found }
            }
        }
        var result = [Double](repeating: 0, count: count)
        for found in pieces.storage { for piece in found { result[Int(piece.unit)] += piece.length } }
        return result
    }
}

/// The ring edges of every unit with a packed R-tree over them: where a segment meets a unit's boundary,
/// and whether a point is covered by a unit (on its boundary, within 1 nm, or inside by the parity of the
/// edges a ray to +x crosses: holes and multi-part units included).
struct UnitEdges {
    var ax: [Double] = [], ay: [Double] = [], bx: [Double] = [], by: [Double] = []
    var unit: [Int32] = []
    var tree: PackedRTree
    /// The right edge of each unit's envelope: a ray to +x ends there.
    var unitMaxX: [Double]
    /// Points this close to an edge are on the boundary (m).
    static let boundaryTolerance = 1e-9

    init(_ units: AreaUnits) {
        let g = units.geometries
        unitMaxX = (0 ..< g.count).map { g.envelope($0).maxX }
        var envelopes: [Double] = []
        var ax: [Double] = [], ay: [Double] = [], bx: [Double] = [], by: [Double] = [], unit: [Int32] = []
        for u in 0 ..< g.count {
            g.forEachSegment(of: u) { x0, y0, x1, y1, _ in
                ax.append(x0); ay.append(y0); bx.append(x1); by.append(y1); unit.append(Int32(u))
                envelopes += [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
            }
        }
        (self.ax, self.ay, self.bx, self.by, self.unit) = (ax, ay, bx, by, unit)
        tree = PackedRTree(envelopes: envelopes)
    }

    /// Adds to `cuts` the parameters t ∈ [0, 1] along segment P→Q where it meets edge e: a crossing, and the
    /// projections of the edge's ends that lie on the segment (touching vertices, collinear overlaps).
    @inline(__always)
    func addCuts(_ e: Int, _ px: Double, _ py: Double, _ qx: Double, _ qy: Double, into cuts: inout [Double]) {
        let dx = qx - px, dy = qy - py
        let len2 = dx * dx + dy * dy
        guard len2 > 0 else { return }
        if let (t, s) = lineIntersection(px, py, dx, dy, ax[e], ay[e], bx[e] - ax[e], by[e] - ay[e]), t > 0 && t < 1 && s >= 0 && s <= 1 {
            cuts.append(t)
        }
        for (x, y) in [(ax[e], ay[e]), (bx[e], by[e])] {
            let t = ((x - px) * dx + (y - py) * dy) / len2
            if t > 0 && t < 1 && pointSegmentDistance(x, y, px, py, qx, qy) <= Self.boundaryTolerance { cuts.append(t) }
        }
    }

    /// Whether unit u covers (x, y): on one of its edges, or inside by the parity of its edges crossed by a
    /// ray to +x (which ends at the unit's envelope: no edge of it lies farther).
    func covers(_ u: Int, x: Double, y: Double) -> Bool {
        var crossings = 0
        var onBoundary = false
        let u32 = Int32(u)
        tree.forEach(intersecting: Envelope(minX: x - Self.boundaryTolerance, minY: y - Self.boundaryTolerance,
                                            maxX: unitMaxX[u] + Self.boundaryTolerance, maxY: y + Self.boundaryTolerance)) { e in
            guard unit[e] == u32, !onBoundary else { return }
            if pointSegmentDistance(x, y, ax[e], ay[e], bx[e], by[e]) <= Self.boundaryTolerance { onBoundary = true; return }
            if (ay[e] > y) != (by[e] > y) {
                let xCross = ax[e] + (y - ay[e]) * (bx[e] - ax[e]) / (by[e] - ay[e])
                if x < xCross { crossings += 1 }
            }
        }
        return onBoundary || crossings % 2 == 1
    }
}
