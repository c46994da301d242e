import CIMGeometry
import CIMIndex
import Foundation

/// The pipe service distance of every building (README, "Semantics"): the minimum distance from the
/// footprint polygon to any selected pipe, 0 when a pipe touches, crosses or lies inside the footprint.
///
/// Search per building, on the packed R-tree over pipe segments, with no GEOS call:
/// 1. an upper bound U: the exact distance from the footprint's first vertex to its nearest segment
///    (best-first nearest search; a vertex is no nearer than the polygon);
/// 2. every segment whose envelope meets the footprint's envelope grown by U (any segment nearer than U
///    is among them), refined with the exact polygon-to-segment distance
///    (``GeometryColumn/distance(polygon:toSegment:_:_:_:)``), skipping segments whose envelope is already
///    farther than the best so far.
/// Buildings run in parallel chunks, one search workspace per chunk. Ties go to the smallest pipe index.
public struct PipeService: Sendable {
    /// Distance in metres from each building to the nearest selected pipe; infinity when there is none.
    public var distances: [Double]
    /// Index (in the ``PipeSet``) of that pipe, -1 when there is none.
    public var nearestPipe: [Int32]

    public static func compute(footprints: GeometryColumn, pipes: PipeSet, progress: (@Sendable (Int) -> Void)? = nil) -> PipeService {
        let n = footprints.count
        let distances = SharedBuffer(repeating: Double.infinity, count: n)
        let nearest = SharedBuffer<Int32>(repeating: -1, count: n)
        let done = ProgressCounter(progress)
        if pipes.segmentCount > 0 {
            parallelChunks(n, minimumChunk: 512) { range, _ in
                var workspace = NearestWorkspace()
                let segments = pipes.segments
                let segmentPipe = pipes.segmentPipe
                for k in range {
                    let (vx, vy) = footprints.firstCoordinate(of: k)
                    guard let bound = pipes.nearest(x: vx, y: vy, workspace: &workspace) else { continue }
                    var best = bound.distance
                    var bestPipe = bound.pipe
                    let e = footprints.envelope(k)
                    let window = Envelope(minX: e.minX - best, minY: e.minY - best, maxX: e.maxX + best, maxY: e.maxY + best)
                    pipes.segmentTree.forEach(intersecting: window) { s in
                        let ax = segments[4 * s], ay = segments[4 * s + 1], bx = segments[4 * s + 2], by = segments[4 * s + 3]
                        let box = Envelope(minX: Swift.min(ax, bx), minY: Swift.min(ay, by), maxX: Swift.max(ax, bx), maxY: Swift.max(ay, by))
                        if e.distance(to: box) > best { return }
                        let pipe = Int(segmentPipe[s])
                        let d = footprints.distance(polygon: k, toSegment: ax, ay, bx, by)
                        if d < best || (d == best && pipe < bestPipe) {
                            best = d
                            bestPipe = pipe
                        }
                    }
                    distances.withPointer { $0[k] = best }
                    nearest.withPointer { $0[k] = Int32(bestPipe) }
                }
                done.add(range.count)
            }
        }
        return PipeService(distances: distances.storage, nearestPipe: nearest.storage)
    }
}

/// A thread-safe running count reported to a progress callback (called from the worker threads).
///
/// `@unchecked Sendable` is safe here: `count` is only read and written while holding `lock`, and
/// `report` is an immutable `@Sendable` closure.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private let report: (@Sendable (Int) -> Void)?
    init(_ report: (@Sendable (Int) -> Void)?) { self.report = report }
    func add(_ n: Int) {
        guard let report else { return }
        lock.lock()
        count += n
        let now = count
        lock.unlock()
        report(now)
    }
}

/// Collects values from parallel chunks.
///
/// `@unchecked Sendable` is safe here: `items` is only read and written while holding `lock`, and the
/// elements are `Sendable` (no GEOS geometry can cross threads through it).
final class ChunkCollector<Element: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [Element] = []
    func append(contentsOf more: [Element]) {
        guard !more.isEmpty else { return }
        lock.lock(); items.append(contentsOf: more); lock.unlock()
    }
    var all: [Element] { lock.lock(); defer { lock.unlock() }; return items }
}
