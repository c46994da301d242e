extension PackedRTree {
    /// Distance query: appends to `results` the index of every item whose
    /// exact distance to `(x, y)` is `<= maxDistance`.
    ///
    /// Filter and refine: subtrees and items whose *envelope distance*
    /// (``Envelope/distance(toX:y:)``, a true Euclidean distance, not squared)
    /// exceeds `maxDistance` are pruned; for each remaining item,
    /// `exactDistance(item)` is called exactly once and decides.
    ///
    /// - Parameters:
    ///   - exactDistance: the item's true distance to `(x, y)`. It must be
    ///     `>=` the item's envelope distance (as computed by `Envelope`),
    ///     otherwise items may be missed. If floating-point rounding in your
    ///     geometry code could break this by an ulp, return
    ///     `max(exact, envelope.distance(toX: x, y: y))`. NaN means "not a
    ///     match".
    ///   - results: **not** cleared; matches are appended once each, in an
    ///     unspecified but deterministic order.
    ///
    /// Returns nothing when the tree is empty, `x` or `y` is not finite, or
    /// `maxDistance` is negative or NaN. `maxDistance = .infinity` returns every
    /// item whose exact distance is not NaN.
    ///
    /// Complexity: like a window query on the circle's bounding box, plus one
    /// closure call per candidate item; no heap allocation besides `results`.
    @inlinable
    public func withinDistance(
        x: Double, y: Double, maxDistance: Double,
        exactDistance: (Int) -> Double,
        into results: inout [Int32]
    ) {
        _forEachWithinDistance(x: x, y: y, maxDistance: maxDistance, exactDistance: exactDistance) { item, _ in
            results.append(item)
        }
    }

    /// Distance query, callback form: calls `body(item, exactDistance)` for
    /// every item whose exact distance to `(x, y)` is `<= maxDistance`, once per
    /// item, in an unspecified but deterministic order. Same contract and
    /// complexity as ``withinDistance(x:y:maxDistance:exactDistance:into:)``.
    @inlinable
    public func forEach(
        withinDistanceOfX x: Double, y: Double, maxDistance: Double,
        exactDistance: (Int) -> Double,
        _ body: (_ index: Int, _ distance: Double) -> Void
    ) {
        _forEachWithinDistance(x: x, y: y, maxDistance: maxDistance, exactDistance: exactDistance) { item, d in
            body(Int(item), d)
        }
    }

    @inlinable @inline(__always)
    func _forEachWithinDistance(
        x: Double, y: Double, maxDistance: Double,
        exactDistance: (Int) -> Double,
        _ body: (Int32, Double) -> Void
    ) {
        guard x.isFinite, y.isFinite, maxDistance >= 0 else { return }
        // Boxes are pruned on squared distances with a slightly generous
        // threshold; items then get the exact envelope-distance check.
        let limit2 = PackedRTree._squaredUpperBound(maxDistance)
        _depthFirst(
            accept: { boxes, p in PackedRTree._distanceSquared(boxes, p, x, y) <= limit2 },
            leaf: { boxes, p, item in
                guard PackedRTree._distanceSquared(boxes, p, x, y).squareRoot() <= maxDistance else { return }
                let d = exactDistance(Int(item))
                if d <= maxDistance { body(item, d) }
            })
    }
}
