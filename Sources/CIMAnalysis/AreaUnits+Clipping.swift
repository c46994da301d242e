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

    /// The length of `lines` inside each unit: a line covered by a unit (`GEOSPreparedCovers_r`) counts
    /// whole (its planar length), any other line its GEOS intersection with the unit (`GEOSIntersection_r`,
    /// `GEOSLength_r`). Lines run in parallel, one GEOS context and one set of prepared units per worker.
    public func lineLengths(of lines: GeometryColumn) throws -> [Double] {
        guard lines.count > 0, count > 0 else { return [Double](repeating: 0, count: count) }
        let tree = PackedRTree(envelopes: geometries.envelopes)
        let workers = workerCount
        let contexts = (0 ..< workers).map { _ in GEOSContext() }
        let prepared = SharedBuffer<[Int: PreparedGeometry]>(repeating: [:], count: workers)
        let sums = SharedBuffer<[Double]>(repeating: [Double](repeating: 0, count: count), count: workers)
        let failure = SharedBuffer<String?>(repeating: nil, count: 1)
        let units = geometries
        parallelChunks(lines.count, minimumChunk: 512) { range, slot in
            let context = contexts[slot]
            // Only this slot's entries are touched: other workers write theirs concurrently.
            var local = prepared.withPointer { $0[slot] }
            var total = sums.withPointer { $0[slot] }
            for i in range where !lines.parts(of: i).isEmpty {
                var candidates: [Int] = []
                tree.forEach(intersecting: lines.envelope(i)) { candidates.append($0) }
                guard !candidates.isEmpty else { continue }
                do {
                    let line = try lines.geometry(i, context: context)
                    for u in candidates {
                        if units.parts(of: u).isEmpty { continue }
                        let unit: PreparedGeometry
                        if let p = local[u] { unit = p } else {
                            unit = try PreparedGeometry(try units.geometry(u, context: context))
                            local[u] = unit
                        }
                        if try unit.covers(line) {
                            total[u] += Self.planarLength(lines, i)
                        } else if try unit.intersects(line) {
                            total[u] += try line.intersection(unit.base).length()
                        }
                    }
                } catch {
                    failure.withPointer { $0[0] = "line #\(i + 1): \(error)" }
                }
            }
            prepared.withPointer { $0[slot] = local }
            sums.withPointer { $0[slot] = total }
        }
        if let message = failure.storage[0] { throw AnalysisError("cannot clip lines to the areas: \(message)") }
        var result = [Double](repeating: 0, count: count)
        for partial in sums.storage { for u in 0 ..< count { result[u] += partial[u] } }
        return result
    }

    /// The planar length of line feature `i` (sum of its segments).
    static func planarLength(_ lines: GeometryColumn, _ i: Int) -> Double {
        var length = 0.0
        for p in lines.parts(of: i) {
            for r in lines.rings(of: p) {
                let range = lines.coordinates(of: r)
                guard range.count > 1 else { continue }
                for c in range.lowerBound ..< range.upperBound - 1 {
                    let dx = lines.xy[2 * c + 2] - lines.xy[2 * c], dy = lines.xy[2 * c + 3] - lines.xy[2 * c + 1]
                    length += (dx * dx + dy * dy).squareRoot()
                }
            }
        }
        return length
    }
}
