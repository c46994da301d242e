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
    /// temporary allocation of `levels · nodeSize + 1` entries (on the stack for
    /// the usual sizes), so a traversal does not touch the heap.
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
                    // Each stack entry is (position, level): two Ints.
                    let capacity = 2 &* (levels &* nodeSize &+ 1)
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: capacity) { stack in
                        stack[0] = rootPos
                        stack[1] = levels &- 1
                        var sp = 2
                        while sp > 0 {
                            sp &-= 2
                            let pos = stack[sp], level = stack[sp &+ 1]
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
                                        stack[sp] = c
                                        stack[sp &+ 1] = level &- 1
                                        sp &+= 2
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
