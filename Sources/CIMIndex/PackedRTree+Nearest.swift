extension PackedRTree {
    /// Nearest neighbour with exact-distance refinement.
    ///
    /// Returns the item with the smallest exact distance to `(x, y)` that is
    /// `<= maxDistance`, or `nil` if there is none. Ties are broken by the
    /// smallest item index, so the answer is deterministic.
    ///
    /// Lazy best-first search: nodes and items wait in a priority queue keyed
    /// by their envelope distance (``Envelope/distance(toX:y:)``). An item's
    /// `exactDistance` is called only when it reaches the front of the queue
    /// and its envelope distance can still beat the current best (strictly
    /// smaller, or equal with a smaller index), and at most once per item. The
    /// search stops as soon as the front of the queue is farther than the
    /// current best. Consequently every item whose exact distance was computed
    /// has an envelope distance `<=` the returned distance (or `<= maxDistance`
    /// when the result is `nil`).
    ///
    /// - Parameters:
    ///   - maxDistance: inclusive cut-off (true distance, not squared).
    ///     Negative or NaN returns `nil`.
    ///   - workspace: scratch space holding the priority queue; reused
    ///     without shrinking, so a warmed-up workspace makes the query
    ///     allocation-free. One per thread.
    ///   - exactDistance: the item's true Euclidean distance to `(x, y)`; must
    ///     be `>=` its envelope distance as computed by `Envelope` (if rounding
    ///     in your geometry code could break this by an ulp, return
    ///     `max(exact, envelope.distance(toX: x, y: y))`). NaN means "never a
    ///     match". The closure must not query through the same `workspace`.
    ///
    /// Returns `nil` for an empty tree or a non-finite `x` / `y`.
    ///
    /// Complexity: typically O(nodeSize · log n) box distances and group
    /// rescans plus O(log n) small-heap operations, and one or a few closure
    /// calls; worst case (many items at the same envelope distance, e.g. heavy
    /// duplicates) O(n · nodeSize) with n closure calls. No heap allocation
    /// once `workspace` has grown.
    @inlinable
    public func nearest(
        x: Double, y: Double, maxDistance: Double = .infinity,
        workspace: inout NearestWorkspace,
        exactDistance: (Int) -> Double
    ) -> (index: Int, distance: Double)? {
        guard indexedCount > 0, x.isFinite, y.isFinite, maxDistance >= 0 else { return nil }
        var bestIndex = -1
        var bestDistance = maxDistance  // the current bound: best so far, or the cut-off
        _bestFirst(x: x, y: y, bound: maxDistance, queue: &workspace._queue, arena: &workspace._arena) { item, envelopeDistance in
            // Exact >= envelope == best: this item can only win on index.
            if bestIndex >= 0 && envelopeDistance == bestDistance && item > bestIndex { return bestDistance }
            let d = exactDistance(item)
            if d <= bestDistance && (bestIndex < 0 || d < bestDistance || item < bestIndex) {
                bestDistance = d
                bestIndex = item
            }
            return bestDistance
        }
        return bestIndex >= 0 ? (bestIndex, bestDistance) : nil
    }

    /// k nearest neighbours with exact-distance refinement.
    ///
    /// Appends to `results` (which is **not** cleared) up to `k` items with
    /// the smallest exact distances `<= maxDistance`, sorted by
    /// `(distance, index)` ascending: ties are broken by the smallest item
    /// index, so the answer equals the first `k` entries of all items sorted by
    /// `(exact distance, index)` and filtered by `maxDistance`.
    ///
    /// Same lazy best-first contract as
    /// ``nearest(x:y:maxDistance:workspace:exactDistance:)``: each item's exact
    /// distance is computed at most once, and only when its envelope distance
    /// can still beat the current k-th best (or `maxDistance` while fewer than
    /// `k` candidates are known).
    ///
    /// Appends nothing when `k <= 0`, the tree is empty, `x` / `y` is not
    /// finite, or `maxDistance` is negative or NaN. `k` may exceed ``count``.
    ///
    /// Complexity: typically O((log n + k) · nodeSize) box distances and group
    /// rescans plus O((log n + k) · log k) heap work, and about k closure calls;
    /// allocation-free once the workspace has grown (besides growing `results`).
    @inlinable
    public func nearest(
        x: Double, y: Double, k: Int, maxDistance: Double = .infinity,
        workspace: inout NearestWorkspace,
        exactDistance: (Int) -> Double,
        into results: inout [(index: Int, distance: Double)]
    ) {
        guard k > 0, indexedCount > 0, x.isFinite, y.isFinite, maxDistance >= 0 else { return }
        // Move the k-best buffer out so the visitor can own it while the
        // traversal owns the queue (a swap: no copy, no allocation).
        var best: [NearestWorkspace.Entry] = []
        swap(&best, &workspace._best)
        best.removeAll(keepingCapacity: true)
        // The k-th best distance once k candidates are known, else the cut-off.
        var limit = maxDistance
        _bestFirst(x: x, y: y, bound: maxDistance, queue: &workspace._queue, arena: &workspace._arena) { item, envelopeDistance in
            let full = best.count >= k
            if full {
                let worst = best[0]
                if envelopeDistance == worst.distance && item > worst.id { return limit }
            }
            let d = exactDistance(item)
            guard d <= limit else { return limit }
            if !full {
                NearestWorkspace._bestPush(&best, .init(d, item))
                if best.count >= k { limit = best[0].distance }
            } else {
                let worst = best[0]
                if d < worst.distance || item < worst.id {
                    NearestWorkspace._bestReplaceTop(&best, .init(d, item))
                    limit = best[0].distance
                }
            }
            return limit
        }
        // Drain the max-heap from the back so results come out ascending.
        let found = best.count
        if found > 0 {
            let base = results.count
            results.append(contentsOf: repeatElement((index: 0, distance: 0.0), count: found))
            var i = base &+ found &- 1
            while let e = NearestWorkspace._bestPopMax(&best) {
                results[i] = (index: e.id, distance: e.distance)
                i &-= 1
            }
        }
        swap(&best, &workspace._best)
    }

    /// Best-first traversal shared by the nearest queries.
    ///
    /// Pops nodes and items in non-decreasing envelope distance. For each item
    /// whose envelope distance `e` is `<=` the current bound, calls
    /// `visit(item, e)`, which returns the new bound (it may only shrink). Stops
    /// when the closest pending entry is farther than the bound.
    ///
    /// Pending entries are kept per *expanded node*: expanding a node writes
    /// its children's squared distances into one arena slot of the workspace
    /// (a "group"), and the priority queue holds one entry per group, keyed by
    /// that group's closest pending child. Popping the queue front takes that
    /// child, rescans its group for the next closest and re-queues the group.
    /// This visits entries in exactly the order of a queue holding every child,
    /// but with a queue of a few dozen groups instead of every child ever seen
    /// (most of which are never popped): about 2× faster than pushing every
    /// child. Queue ids are `group << 16 | childOffset` (nodeSize <= 65535).
    ///
    /// Boxes are keyed and pruned by squared distance against a slightly
    /// generous threshold (see `_squaredUpperBound`); items are compared with
    /// the true envelope distance, so the result is exactly as if everything
    /// were compared in true distances.
    ///
    /// The workspace buffers only grow (their `count` is the usable capacity;
    /// live sizes are local), so nothing is cleared or allocated once warm.
    @inlinable @inline(__always)
    func _bestFirst(
        x: Double, y: Double, bound initialBound: Double,
        queue: inout [NearestWorkspace.Entry],
        arena: inout [Double],
        visit: (_ item: Int, _ envelopeDistance: Double) -> Double
    ) {
        let nodeSize = self.nodeSize
        // Group layout in the arena: [packed first child / level, d2 × nodeSize].
        let stride = nodeSize &+ 1
        var bound = initialBound
        var limit2 = PackedRTree._squaredUpperBound(bound)
        _boxes.withUnsafeBufferPointer { boxes in
            _indices.withUnsafeBufferPointer { indices in
                _levelBounds.withUnsafeBufferPointer { levelBounds in
                    let levels = levelBounds.count
                    let rootPos = levelBounds[levels &- 1] &- 1
                    guard PackedRTree._distanceSquared(boxes, rootPos, x, y) <= limit2 else { return }
                    var count = 0  // live queue entries
                    var groups = 0  // groups used in the arena
                    var seeded = false
                    var finished = false
                    while !finished {
                        // Room for one step: pop 1, push <= 2; one new group.
                        if queue.count &- count < 2 {
                            let grow = Swift.max(queue.count, 16)
                            queue.append(contentsOf: repeatElement(NearestWorkspace.Entry(0, 0), count: grow))
                        }
                        if arena.count < (groups &+ 1) &* stride {
                            let grow = Swift.max(arena.count, 8 &* stride)
                            arena.append(contentsOf: repeatElement(0, count: grow))
                        }
                        finished = queue.withUnsafeMutableBufferPointer { queueBuffer -> Bool in
                            arena.withUnsafeMutableBufferPointer { arenaBuffer -> Bool in
                                let heap = queueBuffer.baseAddress!
                                let queueCapacity = queueBuffer.count
                                let slots = arenaBuffer.baseAddress!
                                let groupCapacity = arenaBuffer.count / stride

                                /// Writes the children of node `pos` (at `level` >= 1) as
                                /// a new group and queues its closest child.
                                @inline(__always)
                                func expand(_ pos: Int, _ level: Int) {
                                    let start = Int(indices[pos])
                                    let end = Swift.min(start &+ nodeSize, levelBounds[level &- 1])
                                    let base = slots + groups &* stride
                                    base[0] = Double(bitPattern: UInt64(truncatingIfNeeded: start << PackedRTree._levelBits | (level &- 1)))
                                    // Pruned (and later: taken) children are NaN, which
                                    // never compares as a minimum.
                                    var minD2 = Double.infinity
                                    var minJ = -1
                                    var j = 0
                                    let n = end &- start
                                    while j < n {
                                        var d2 = PackedRTree._distanceSquared(boxes, start &+ j, x, y)
                                        if !(d2 <= limit2) { d2 = .nan }
                                        base[1 &+ j] = d2
                                        if d2 < minD2 || (d2 == minD2 && minJ < 0) { minD2 = d2; minJ = j }
                                        j &+= 1
                                    }
                                    if minJ >= 0 {
                                        NearestWorkspace._push(heap, &count, .init(minD2, groups << 16 | minJ))
                                    }
                                    groups &+= 1
                                }

                                if !seeded {
                                    seeded = true
                                    expand(rootPos, levels &- 1)
                                }
                                while count > 0 {
                                    if queueCapacity &- count < 2 || groups >= groupCapacity { return false }
                                    let entry = NearestWorkspace._popMin(heap, &count)
                                    // Everything left is at least this far.
                                    if entry.distance > limit2 { return true }
                                    let group = entry.id >> 16, j = entry.id & 0xFFFF
                                    let base = slots + group &* stride
                                    let packed = Int(truncatingIfNeeded: base[0].bitPattern)
                                    let start = packed >> PackedRTree._levelBits
                                    let level = packed & PackedRTree._levelMask
                                    // Take child j, re-queue the group at its next closest child.
                                    base[1 &+ j] = .nan
                                    let n = Swift.min(start &+ nodeSize, levelBounds[level]) &- start
                                    var minD2 = Double.infinity
                                    var minJ = -1
                                    var k = 0
                                    while k < n {
                                        let d2 = base[1 &+ k]
                                        if d2 < minD2 || (d2 == minD2 && minJ < 0) { minD2 = d2; minJ = k }
                                        k &+= 1
                                    }
                                    if minJ >= 0 && minD2 <= limit2 {
                                        NearestWorkspace._push(heap, &count, .init(minD2, group << 16 | minJ))
                                    }
                                    let child = start &+ j
                                    if level == 0 {
                                        let e = entry.distance.squareRoot()
                                        if e > bound { return true }
                                        let newBound = visit(Int(indices[child]), e)
                                        if newBound != bound {
                                            bound = newBound
                                            limit2 = PackedRTree._squaredUpperBound(bound)
                                        }
                                    } else {
                                        expand(child, level)
                                    }
                                }
                                return true
                            }
                        }
                    }
                }
            }
        }
    }
}
