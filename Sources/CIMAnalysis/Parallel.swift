import CIMGeometry
import Dispatch
import Foundation

/// Runs `body` over `0 ..< count` split into contiguous chunks on all cores
/// (`DispatchQueue.concurrentPerform`). `body` gets the chunk's range and a worker slot in
/// `0 ..< workers`, so each slot can own a GEOS context or a search workspace (a slot runs one chunk at a
/// time).
func parallelChunks(_ count: Int, minimumChunk: Int = 256, _ body: @Sendable (Range<Int>, Int) -> Void) {
    guard count > 0 else { return }
    let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
    let chunks = max(1, min(workers * 8, (count + minimumChunk - 1) / minimumChunk))
    let size = (count + chunks - 1) / chunks
    let slots = SlotPool(workers)
    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
        let start = chunk * size
        let end = min(count, start + size)
        guard start < end else { return }
        let slot = slots.take()
        body(start ..< end, slot)
        slots.give(slot)
    }
}

/// Runs `body` over `0 ..< count` in parallel chunks (``parallelChunks(_:minimumChunk:_:)``), giving each
/// chunk the GEOS context of the worker slot that runs it: the one place where GEOS work is spread over
/// threads. A ``GEOSContext`` and every geometry made in it are bound to one thread at a time (they are not
/// `Sendable`), so `body` makes its geometries in the context it is given (from WKB or coordinates of
/// `Sendable` inputs such as a ``GeometryColumn``) and hands back only `Sendable` values (columns,
/// coordinates, numbers); geometries themselves come back through ``parallelGEOSChunks(_:minimumChunk:into:_:)``,
/// which clones them.
func parallelGEOSChunks(_ count: Int, minimumChunk: Int = 256, _ body: @Sendable (Range<Int>, GEOSContext) -> Void) {
    guard count > 0 else { return }
    let contexts = WorkerContexts(workerCount)
    parallelChunks(count, minimumChunk: minimumChunk) { range, slot in
        body(range, contexts.context(slot))
    }
}

/// Runs `body` over `0 ..< count` in parallel chunks with a GEOS context per worker (as
/// ``parallelGEOSChunks(_:minimumChunk:_:)``); each chunk returns one geometry made in its worker's
/// context. When every worker is done, the geometries are cloned into `context` (`GEOSGeom_clone_r`) and
/// returned in chunk order: the explicit move of a geometry from a worker to the caller. Throws the first
/// error a chunk threw (the other chunks still run).
func parallelGEOSChunks(_ count: Int, minimumChunk: Int = 256, into context: GEOSContext,
                        _ body: @Sendable (Range<Int>, GEOSContext) throws -> Geometry) throws -> [Geometry] {
    guard count > 0 else { return [] }
    let contexts = WorkerContexts(workerCount)
    let results = WorkerGeometries()
    parallelChunks(count, minimumChunk: minimumChunk) { range, slot in
        do {
            results.add(range.lowerBound, try body(range, contexts.context(slot)))
        } catch {
            results.fail(error)
        }
    }
    return try results.collect(into: context)
}

/// The GEOS contexts of the worker slots of one parallel run.
///
/// `@unchecked Sendable` is safe here: `parallelChunks` gives a slot to one chunk at a time (``SlotPool``),
/// so each context is used by one thread at a time; the contexts are made on the calling thread and, with
/// this object, released there after `DispatchQueue.concurrentPerform` has returned.
private final class WorkerContexts: @unchecked Sendable {
    private let contexts: [GEOSContext]
    init(_ n: Int) { contexts = (0 ..< n).map { _ in GEOSContext() } }
    func context(_ slot: Int) -> GEOSContext { contexts[slot] }
}

/// The geometries the chunks of one ``parallelGEOSChunks(_:minimumChunk:into:_:)`` run made, keyed by the
/// chunk's first index, and the first error.
///
/// `@unchecked Sendable` is safe here: every access to `items` and `error` holds `lock`; a geometry is
/// stored by the worker that made it, after its last use there, and only read (cloned into the caller's
/// context) by `collect` on the calling thread once every worker is done.
private final class WorkerGeometries: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [(Int, Geometry)] = []
    private var error: (any Error)?
    func add(_ key: Int, _ geometry: Geometry) { lock.lock(); items.append((key, geometry)); lock.unlock() }
    func fail(_ error: any Error) { lock.lock(); if self.error == nil { self.error = error }; lock.unlock() }
    func collect(into context: GEOSContext) throws -> [Geometry] {
        lock.lock(); defer { lock.unlock() }
        if let error { throw error }
        return try items.sorted { $0.0 < $1.0 }.map { try $0.1.clone(in: context) }
    }
}

/// The number of worker slots `parallelChunks` uses.
var workerCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

/// A pool of worker slot numbers.
///
/// `@unchecked Sendable` is safe here: `free` is only read and written while holding `lock`, and the
/// semaphore (itself thread-safe) keeps `take` from running on an empty pool.
final class SlotPool: @unchecked Sendable {
    private var free: [Int]
    private let lock = NSLock()
    private let available: DispatchSemaphore
    init(_ n: Int) { free = Array((0 ..< n).reversed()); available = DispatchSemaphore(value: n) }
    func take() -> Int {
        available.wait()
        lock.lock(); defer { lock.unlock() }
        return free.removeLast()
    }
    func give(_ slot: Int) {
        lock.lock(); free.append(slot); lock.unlock()
        available.signal()
    }
}

/// A fixed-size buffer that parallel chunks write disjoint ranges of. It owns raw memory (not a Swift
/// array), so concurrent writes to different indices are not exclusive accesses to one variable.
///
/// `@unchecked Sendable` is safe for `Sendable` elements as it is used: parallel chunks write disjoint
/// indices (or one slot's index, one chunk at a time) and `storage` is read on the calling thread after
/// every worker is done (`DispatchQueue.concurrentPerform` returns only then). Elements must be `Sendable`,
/// so no GEOS geometry can be parked here on one thread and used on another.
final class SharedBuffer<Element: Sendable>: @unchecked Sendable {
    private let base: UnsafeMutableBufferPointer<Element>
    init(repeating value: Element, count: Int) {
        base = UnsafeMutableBufferPointer.allocate(capacity: max(count, 1))
        base.initialize(repeating: value)
        self.count = count
    }
    let count: Int
    deinit {
        base.deinitialize()
        base.deallocate()
    }
    /// Direct access for disjoint writes from parallel chunks.
    func withPointer<R>(_ body: (UnsafeMutableBufferPointer<Element>) -> R) -> R { body(base) }
    /// A copy of the contents as an array.
    var storage: [Element] { Array(base.prefix(count)) }
}
