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
    /// Complexity: typically O(nodeSize · log n) box distances and
    /// O(nodeSize · log n · log(queue)) heap work, plus one or a few closure
    /// calls; worst case (many items at the same envelope distance) O(n log n).
    @inlinable
    public func nearest(
        x: Double, y: Double, maxDistance: Double = .infinity,
        workspace: inout NearestWorkspace,
        exactDistance: (Int) -> Double
    ) -> (index: Int, distance: Double)? {
        guard indexedCount > 0, x.isFinite, y.isFinite, maxDistance >= 0 else { return nil }
        var bestIndex = -1
        var bestDistance = maxDistance  // the current bound: best so far, or the cut-off
        _bestFirst(x: x, y: y, bound: maxDistance, queue: &workspace._queue) { item, envelopeDistance in
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
    /// Complexity: typically O((nodeSize · log n + k) · log(k + queue size));
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
        _bestFirst(x: x, y: y, bound: maxDistance, queue: &workspace._queue) { item, envelopeDistance in
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
    /// when the front of the queue is farther than the bound. Boxes are keyed
    /// and pruned by squared distance against a slightly generous threshold
    /// (see `_squaredUpperBound`); items are compared with the true envelope
    /// distance, so the result is exactly as if everything were compared in
    /// true distances.
    ///
    /// `queue` is the workspace's heap storage: its `count` is the usable
    /// capacity (grown by doubling when a node expansion might not fit), the
    /// live heap size is local, so nothing is cleared or allocated once warm.
    @inlinable @inline(__always)
    func _bestFirst(
        x: Double, y: Double, bound initialBound: Double,
        queue: inout [NearestWorkspace.Entry],
        visit: (_ item: Int, _ envelopeDistance: Double) -> Double
    ) {
        let nodeSize = self.nodeSize
        let levelBits = PackedRTree._levelBits, levelMask = PackedRTree._levelMask
        var bound = initialBound
        var limit2 = PackedRTree._squaredUpperBound(bound)
        _boxes.withUnsafeBufferPointer { boxes in
            _indices.withUnsafeBufferPointer { indices in
                _levelBounds.withUnsafeBufferPointer { levelBounds in
                    let levels = levelBounds.count
                    let rootPos = levelBounds[levels &- 1] &- 1
                    let rootD2 = PackedRTree._distanceSquared(boxes, rootPos, x, y)
                    guard rootD2 <= limit2 else { return }
                    var count = 0
                    var finished = false
                    var seeded = false
                    while !finished {
                        // Room for one expansion (pop 1, push <= nodeSize).
                        if queue.count &- count < nodeSize &+ 1 {
                            let grow = Swift.max(queue.count, 4 &* nodeSize)
                            queue.append(contentsOf: repeatElement(NearestWorkspace.Entry(0, 0), count: grow))
                        }
                        finished = queue.withUnsafeMutableBufferPointer { buffer -> Bool in
                            let heap = buffer.baseAddress!
                            let capacity = buffer.count
                            if !seeded {
                                seeded = true
                                NearestWorkspace._push(heap, &count, .init(rootD2, rootPos << levelBits | (levels &- 1)))
                            }
                            while count > 0 {
                                if capacity &- count < nodeSize { return false }  // grow, then resume
                                let entry = NearestWorkspace._popMin(heap, &count)
                                _statPops &+= 1
                                // Everything left is at least this far.
                                if entry.distance > limit2 { return true }
                                let pos = entry.id >> levelBits, level = entry.id & levelMask
                                if level == 0 {
                                    let e = entry.distance.squareRoot()
                                    if e > bound { return true }
                                    let newBound = visit(Int(indices[pos]), e)
                                    if newBound != bound {
                                        bound = newBound
                                        limit2 = PackedRTree._squaredUpperBound(bound)
                                    }
                                } else {
                                    let start = Int(indices[pos])
                                    let end = Swift.min(start &+ nodeSize, levelBounds[level &- 1])
                                    let childLevel = level &- 1
                                    var c = start
                                    while c < end {
                                        let cd2 = PackedRTree._distanceSquared(boxes, c, x, y)
                                        if cd2 <= limit2 {
                                            NearestWorkspace._push(heap, &count, .init(cd2, c << levelBits | childLevel))
                                            _statPushes &+= 1
                                        }
                                        c &+= 1
                                    }
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

nonisolated(unsafe) public var _statPops = 0
nonisolated(unsafe) public var _statPushes = 0
