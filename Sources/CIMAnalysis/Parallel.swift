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

/// The number of worker slots `parallelChunks` uses.
var workerCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

/// A pool of worker slot numbers.
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
final class SharedBuffer<Element>: @unchecked Sendable {
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
