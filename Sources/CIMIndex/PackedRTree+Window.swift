extension PackedRTree {
    /// Window query: appends to `results` the index of every item whose
    /// envelope intersects `box`. Boxes are closed, so touching counts.
    ///
    /// `results` is **not** cleared. Each matching item is appended exactly
    /// once, in an unspecified (Hilbert-based, deterministic) order. A `box`
    /// with a NaN bound or `minX > maxX` / `minY > maxY` matches nothing;
    /// infinite bounds are fine (e.g. a half-plane).
    ///
    /// Complexity: O(log_nodeSize(n) · nodeSize + k · nodeSize) box tests
    /// typically, for k results; no heap allocation besides growing `results`.
    @inlinable
    public func search(_ box: Envelope, into results: inout [Int32]) {
        _forEachIntersecting(box) { results.append($0) }
    }

    /// Window query: calls `body` with the index of every item whose envelope
    /// intersects `box` (closed boxes: touching counts), once per item, in an
    /// unspecified but deterministic order. Same rules for degenerate boxes and
    /// same complexity as ``search(_:into:)``; no allocation at all.
    @inlinable
    public func forEach(intersecting box: Envelope, _ body: (Int) -> Void) {
        _forEachIntersecting(box) { body(Int($0)) }
    }

    @inlinable @inline(__always)
    func _forEachIntersecting(_ box: Envelope, _ body: (Int32) -> Void) {
        let qMinX = box.minX, qMinY = box.minY, qMaxX = box.maxX, qMaxY = box.maxY
        // Also rejects NaN bounds (every comparison with NaN is false).
        guard qMinX <= qMaxX, qMinY <= qMaxY else { return }
        _depthFirst(
            accept: { boxes, p in
                let b = 4 &* p
                return boxes[b] <= qMaxX && boxes[b &+ 1] <= qMaxY
                    && boxes[b &+ 2] >= qMinX && boxes[b &+ 3] >= qMinY
            },
            leaf: { _, _, item in body(item) })
    }
}
