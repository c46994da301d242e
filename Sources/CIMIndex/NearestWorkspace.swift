/// Reusable scratch space for ``PackedRTree`` nearest-neighbour queries.
///
/// Holds the best-first priority queue (a binary min-heap of
/// `(squared distance, id)` entries on a flat array), the per-expanded-node
/// child distances it refers to (a flat `[Double]` arena), and, for k-nearest
/// queries, a bounded max-heap of the k best candidates. The buffers only ever
/// grow: a query starts with a logically empty queue and arena on the existing
/// storage, and the k-best heap is cleared with
/// `removeAll(keepingCapacity: true)`, so once a workspace has grown to what
/// the queries need, further queries do no heap allocation.
///
/// Keep one workspace per thread / task and reuse it across queries (it may be
/// shared by different trees). It is a value type: pass it `inout`; copying it
/// copies the buffers (copy-on-write).
///
/// Memory: a typical query expands a few dozen nodes, i.e. a few dozen
/// `(nodeSize + 1) · 8`-byte arena groups plus 16 bytes of queue each. A
/// degenerate query (thousands of items tied at the same distance) may expand
/// every internal node: at most about `8 · (nodeSize + 3) / (nodeSize - 1)`
/// bytes per indexed item (≈ 10 for nodeSize 16, 40 for nodeSize 2).
public struct NearestWorkspace: Sendable {
    /// A heap entry: a distance and an opaque id (`group << 16 | child offset`
    /// with a squared distance in the queue; item index and exact distance in
    /// the k-best heap).
    @usableFromInline
    struct Entry: Sendable {
        @usableFromInline var distance: Double
        @usableFromInline var id: Int

        @inlinable @inline(__always)
        init(_ distance: Double, _ id: Int) {
            self.distance = distance
            self.id = id
        }
    }

    /// Storage of the best-first min-heap (one entry per arena group). Its
    /// `count` is the usable capacity; the live size is local to a query.
    @usableFromInline var _queue: [Entry]
    /// k-nearest candidates: max-heap on `(distance, id)`, the worst on top.
    @usableFromInline var _best: [Entry]
    /// Per-expanded-node child distances (see `PackedRTree._bestFirst`). Its
    /// `count` is the usable capacity.
    @usableFromInline var _arena: [Double]

    /// Creates an empty workspace. O(1); buffers grow on first use.
    public init() {
        _queue = []
        _best = []
        _arena = []
    }

    /// Creates a workspace with room for `capacity` queue entries, arena groups
    /// (for nodeSize <= 16) and k-nearest candidates, to avoid growth during
    /// the first queries.
    public init(capacity: Int) {
        let c = Swift.max(0, capacity)
        _queue = [Entry](repeating: Entry(0, 0), count: c)
        _best = []
        _best.reserveCapacity(c)
        _arena = [Double](repeating: 0, count: c * 17)
    }

    // MARK: - Min-heap on distance (queue), on raw storage

    /// Pushes `entry` onto the min-heap `heap[0 ..< count]`; the caller
    /// guarantees room for one more. O(log count).
    @inlinable @inline(__always)
    static func _push(_ heap: UnsafeMutablePointer<Entry>, _ count: inout Int, _ entry: Entry) {
        var i = count
        count &+= 1
        while i > 0 {
            let parent = (i &- 1) >> 1
            let p = heap[parent]
            if p.distance <= entry.distance { break }
            heap[i] = p
            i = parent
        }
        heap[i] = entry
    }

    /// Pops the smallest-distance entry of the non-empty min-heap
    /// `heap[0 ..< count]`. O(log count).
    @inlinable @inline(__always)
    static func _popMin(_ heap: UnsafeMutablePointer<Entry>, _ count: inout Int) -> Entry {
        let top = heap[0]
        count &-= 1
        let n = count
        if n == 0 { return top }
        let last = heap[n]
        var i = 0
        while true {
            var child = 2 &* i &+ 1
            if child >= n { break }
            let right = child &+ 1
            if right < n && heap[right].distance < heap[child].distance { child = right }
            let c = heap[child]
            if c.distance >= last.distance { break }
            heap[i] = c
            i = child
        }
        heap[i] = last
        return top
    }

    // MARK: - Max-heap on (distance, id) (k best)

    /// `a` is worse than `b`: farther, or as far with a larger index.
    @inlinable @inline(__always)
    static func _worse(_ a: Entry, _ b: Entry) -> Bool {
        a.distance > b.distance || (a.distance == b.distance && a.id > b.id)
    }

    /// Pushes onto the k-best max-heap. O(log k) amortised.
    @inlinable
    static func _bestPush(_ best: inout [Entry], _ entry: Entry) {
        best.append(entry)
        best.withUnsafeMutableBufferPointer { h in
            var i = h.count &- 1
            while i > 0 {
                let parent = (i &- 1) >> 1
                if !_worse(entry, h[parent]) { break }
                h[i] = h[parent]
                i = parent
            }
            h[i] = entry
        }
    }

    /// Sifts `entry` down from the root of the max-heap `h` (the root slot is
    /// overwritten). O(log k).
    @inlinable @inline(__always)
    static func _bestSiftDown(_ h: UnsafeMutableBufferPointer<Entry>, _ entry: Entry) {
        let n = h.count
        var i = 0
        while true {
            var child = 2 &* i &+ 1
            if child >= n { break }
            let right = child &+ 1
            if right < n && _worse(h[right], h[child]) { child = right }
            if !_worse(h[child], entry) { break }
            h[i] = h[child]
            i = child
        }
        h[i] = entry
    }

    /// Replaces the worst candidate with `entry`. Precondition: not empty. O(log k).
    @inlinable
    static func _bestReplaceTop(_ best: inout [Entry], _ entry: Entry) {
        best.withUnsafeMutableBufferPointer { h in _bestSiftDown(h, entry) }
    }

    /// Removes and returns the worst candidate, or `nil` when empty. O(log k).
    @inlinable
    static func _bestPopMax(_ best: inout [Entry]) -> Entry? {
        guard let last = best.popLast() else { return nil }
        if best.isEmpty { return last }
        return best.withUnsafeMutableBufferPointer { h -> Entry in
            let top = h[0]
            _bestSiftDown(h, last)
            return top
        }
    }
}
