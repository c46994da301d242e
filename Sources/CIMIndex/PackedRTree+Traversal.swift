extension PackedRTree {
    /// Depth-first traversal shared by the window and within-distance queries.
    ///
    /// Visits every node position `p` whose box passes `accept(p)` (the root
    /// included), descending only into accepted internal nodes, and calls
    /// `leaf(boxes, p, item)` for every accepted leaf position. Children are pushed in
    /// reverse so leaves are reported in Hilbert order.
    ///
    /// `accept` must be monotone under containment (if a box fails, every box
    /// inside it fails too) for the query to be exact. The explicit stack is a
    /// `withUnsafeTemporaryAllocation` of `(levels − 1) · nodeSize + 1` Ints,
    /// under the stdlib's 1 KiB always-on-stack limit for nodeSize 16 up to
    /// ~10^8 items, so a traversal does not touch the heap (larger node sizes
    /// may get a heap-allocated temporary).
    @inlinable @inline(__always)
    func _depthFirst(
        accept: (_ boxes: UnsafeBufferPointer<Double>, _ position: Int) -> Bool,
        leaf: (_ boxes: UnsafeBufferPointer<Double>, _ position: Int, _ item: Int32) -> Void
    ) {
        guard indexedCount > 0 else { return }
        let nodeSize = self.nodeSize
        _boxes.withUnsafeBufferPointer { boxes in
            _indices.withUnsafeBufferPointer { indices in
                _levelBounds.withUnsafeBufferPointer { levelBounds in
                    let levels = levelBounds.count
                    let rootPos = levelBounds[levels &- 1] &- 1
                    guard accept(boxes, rootPos) else { return }
                    // Entries are `position << _levelBits | level`. A depth-first
                    // stack holds at most nodeSize - 1 pending siblings per
                    // level plus one expansion: < (levels - 1) · nodeSize + 1.
                    let capacity = (levels &- 1) &* nodeSize &+ 1
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity) { stack in
                        let levelBits = PackedRTree._levelBits, levelMask = PackedRTree._levelMask
                        stack[0] = rootPos << levelBits | (levels &- 1)
                        var sp = 1
                        while sp > 0 {
                            sp &-= 1
                            let pos = stack[sp] >> levelBits, level = stack[sp] & levelMask
                            let start = Int(indices[pos])
                            let end = Swift.min(start &+ nodeSize, levelBounds[level &- 1])
                            if level == 1 {
                                var c = start
                                while c < end {
                                    if accept(boxes, c) { leaf(boxes, c, indices[c]) }
                                    c &+= 1
                                }
                            } else {
                                var c = end &- 1
                                while c >= start {
                                    if accept(boxes, c) {
                                        stack[sp] = c << levelBits | (level &- 1)
                                        sp &+= 1
                                    }
                                    c &-= 1
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
