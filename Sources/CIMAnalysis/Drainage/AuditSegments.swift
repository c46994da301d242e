import CIMGeometry
import CIMIndex
import Foundation

/// Per-pipe checks: zero-length and over-long pipes, duplicates and overlaps, missing attributes.
enum AuditSegments {
    /// Zero-length pipes (at their start; value: length) and pipes longer than the largest manhole spacing
    /// for their diameter (at their midpoint; value: length).
    static func lengths(pipes: PipeSet, options: AuditOptions) -> [PipeDefect] {
        var defects: [PipeDefect] = []
        for k in 0 ..< pipes.count {
            let length = pipes.lengths[k]
            if length < options.zeroLength {
                defects.append(PipeAudit.defect(.zeroLength, String(format: "%.4f m long", length), .medium, pipes: [k], in: pipes,
                                                at: pipes.start(k), value: length, unit: "m"))
                continue
            }
            let limit = options.maximumLength(diameter: pipes.diameters[k])
            if length > limit {
                let size = pipes.diameters[k].map { String(format: "DN %g", $0) } ?? "unknown diameter"
                defects.append(PipeAudit.defect(.overLong, String(format: "%.1f m, over the %g m limit for %@", length, limit, size), .low,
                                                pipes: [k], in: pipes, at: pipes.midpoint(k), value: length, unit: "m"))
            }
        }
        return defects
    }

    /// Pipes on top of each other: every pair of segments of different pipes that lie on one line (within
    /// the duplicate tolerance across) and overlap (the kernel's ``collinearOverlap``); per pipe pair, the total overlap. Pairs overlapping by
    /// at least the minimum overlap are reported at the midpoint of their longest shared stretch, as
    /// "identical" when both pipes have the same coordinates (in either direction). Value: overlap (m).
    static func duplicates(pipes: PipeSet, options: AuditOptions) -> [PipeDefect] {
        let tolerance = options.duplicateTolerance
        let found = ChunkCollector<(Int32, Int32, Double, Double, Double)>()
        let segments = pipes.segments, segmentPipe = pipes.segmentPipe, tree = pipes.segmentTree
        parallelChunks(pipes.segmentCount, minimumChunk: 2048) { range, _ in
            var local: [(Int32, Int32, Double, Double, Double)] = []
            for s in range {
                let ax = segments[4 * s], ay = segments[4 * s + 1], bx = segments[4 * s + 2], by = segments[4 * s + 3]
                let window = Envelope(minX: min(ax, bx) - tolerance, minY: min(ay, by) - tolerance, maxX: max(ax, bx) + tolerance, maxY: max(ay, by) + tolerance)
                tree.forEach(intersecting: window) { t in
                    guard t > s, segmentPipe[t] != segmentPipe[s] else { return }
                    let cx = segments[4 * t], cy = segments[4 * t + 1], dx = segments[4 * t + 2], dy = segments[4 * t + 3]
                    // Measure along the longer segment so a short one cannot tilt the line.
                    let first = (bx - ax) * (bx - ax) + (by - ay) * (by - ay) >= (dx - cx) * (dx - cx) + (dy - cy) * (dy - cy)
                    let overlap = first ? collinearOverlap(ax, ay, bx, by, cx, cy, dx, dy, tolerance: tolerance)
                                        : collinearOverlap(cx, cy, dx, dy, ax, ay, bx, by, tolerance: tolerance)
                    guard let overlap else { return }
                    let p = min(segmentPipe[s], segmentPipe[t]), q = max(segmentPipe[s], segmentPipe[t])
                    local.append((p, q, overlap.length, overlap.x, overlap.y))
                }
            }
            found.append(contentsOf: local)
        }
        var byPair: [Int64: (total: Double, longest: Double, x: Double, y: Double)] = [:]
        for (p, q, length, x, y) in found.all.sorted(by: { ($0.0, $0.1, $0.3, $0.4) < ($1.0, $1.1, $1.3, $1.4) }) {
            let key = Int64(p) << 32 | Int64(q)
            var entry = byPair[key] ?? (0, -1, x, y)
            entry.total += length
            if length > entry.longest { entry.longest = length; entry.x = x; entry.y = y }
            byPair[key] = entry
        }
        var defects: [PipeDefect] = []
        for key in byPair.keys.sorted() {
            let entry = byPair[key]!
            guard entry.total >= options.minimumOverlap else { continue }
            let p = Int(key >> 32), q = Int(key & 0xFFFF_FFFF)
            let identical = sameCoordinates(pipes.geometries, p, q)
            let detail = identical ? "identical pipes" : String(format: "pipes overlap along %.2f m", entry.total)
            defects.append(PipeAudit.defect(.duplicatePipe, detail, identical ? .high : .medium, pipes: [p, q], in: pipes,
                                            at: (entry.x, entry.y), value: entry.total, unit: "m"))
        }
        return defects
    }

    /// Whether two features have the same coordinates, in the same or the reverse order.
    static func sameCoordinates(_ g: GeometryColumn, _ a: Int, _ b: Int) -> Bool {
        func coordinates(_ i: Int) -> [Double] {
            guard let first = g.parts(of: i).first, let last = g.parts(of: i).last else { return [] }
            let from = Int(g.ringCoordinates[g.rings(of: first).lowerBound]), to = Int(g.ringCoordinates[g.rings(of: last).upperBound])
            return Array(g.xy[(2 * from) ..< (2 * to)])
        }
        let ca = coordinates(a), cb = coordinates(b)
        guard ca.count == cb.count else { return false }
        if ca == cb { return true }
        let n = ca.count / 2
        for i in 0 ..< n where ca[2 * i] != cb[2 * (n - 1 - i)] || ca[2 * i + 1] != cb[2 * (n - 1 - i) + 1] { return false }
        return true
    }

    /// Pipes without a diameter, an upstream or downstream invert (neither on the pipe nor at the pipe node
    /// there) or, when pipes without a kind are audited, a kind. One defect per pipe (value: the number of
    /// missing attributes), except for attributes no pipe has: those are counted, not listed per pipe.
    static func missingAttributes(pipes: PipeSet, graph: PipeGraph, includeKind: Bool) -> (defects: [PipeDefect], missing: [String: Int], missingEverywhere: [String]) {
        // A census record is complete when the pipe itself carries the value: inverts that the slope check
        // borrows from pipe nodes do not make the pipe's record complete.
        var fields: [(name: String, missing: (Int) -> Bool)] = [
            ("diameter_mm", { pipes.diameters[$0] == nil }),
            ("up_invert", { pipes.upInverts[$0] == nil }),
            ("down_invert", { pipes.downInverts[$0] == nil }),
        ]
        if includeKind { fields.append(("kind", { pipes.kinds[$0] == nil })) }
        var missing: [String: Int] = [:]
        for field in fields { missing[field.name] = (0 ..< pipes.count).filter(field.missing).count }
        let everywhere = fields.map(\.name).filter { missing[$0] == pipes.count && pipes.count > 0 }
        var defects: [PipeDefect] = []
        for k in 0 ..< pipes.count {
            let names = fields.filter { !everywhere.contains($0.name) && $0.missing(k) }.map(\.name)
            guard !names.isEmpty else { continue }
            defects.append(PipeAudit.defect(.missingAttributes, "no " + names.joined(separator: ", "), .low, pipes: [k], in: pipes,
                                            at: pipes.midpoint(k), value: Double(names.count), unit: "attributes"))
        }
        return (defects, missing, everywhere)
    }
}
