/// A static, packed, Hilbert-sorted R-tree over axis-aligned envelopes
/// (the flatbush layout: <https://github.com/mourner/flatbush>).
///
/// ## Layout
/// All nodes live in two flat arrays, ordered level by level, bottom-up:
/// - `_boxes`: `[minX, minY, maxX, maxY]` per node position. Positions
///   `0 ..< indexedCount` are the items (leaf entries) in Hilbert order; the
///   internal levels follow, the root is the last position.
/// - `_indices`: for a leaf position, the caller's item index; for an internal
///   node, the position of its first child. A node's children are the
///   `nodeSize` consecutive positions starting there, clipped at the end of the
///   child level.
/// - `_levelBounds[l]`: one past the last position of level `l` (level 0 = items).
///
/// ## Invalid envelopes
/// Items whose envelope is not valid (any NaN or infinite coordinate, or
/// `minX > maxX` / `minY > maxY`; see ``Envelope/isValid``) are **skipped**:
/// they are not stored, so no query ever returns them and the `exactDistance`
/// closures are never called for them. ``count`` still counts them;
/// ``indexedCount`` does not.
///
/// ## Distances
/// All distances are planar Euclidean. Envelope distances are computed as
/// `sqrt(dx² + dy²)` (see ``Envelope/distance(toX:y:)``) without overflow
/// protection, so distance queries assume coordinate differences well below
/// ~1e150 (any projected or geographic coordinates qualify). Internally boxes
/// are compared by squared distance with a conservative threshold and items by
/// true distance, so results are exactly those of comparing true distances.
///
/// ## Determinism
/// The build is fully deterministic (items are sorted by Hilbert value, ties by
/// item index), so two trees built from the same input are identical. Window
/// and within-distance queries return items in an unspecified but deterministic
/// order; nearest queries break distance ties by the smallest item index.
///
/// ## Thread safety
/// The tree is immutable after `init` and `Sendable`: any number of threads may
/// query it concurrently. Nearest queries need a ``NearestWorkspace``, which is
/// mutable scratch space: use one per thread / task.
public struct PackedRTree: Sendable {
    /// Number of items given to `init` (`envelopes.count / 4`), including items
    /// skipped because their envelope is invalid. Every returned index is in
    /// `0 ..< count`.
    public let count: Int

    /// Maximum number of children per node (fan-out), as given to `init`.
    public let nodeSize: Int

    /// Number of items actually stored in the tree (items with a valid
    /// envelope). `indexedCount <= count`.
    public let indexedCount: Int

    /// The envelope of all indexed items, or `nil` when the tree indexes no item
    /// (empty input, or every envelope invalid). O(1).
    public let bounds: Envelope?

    /// Node boxes, 4 doubles per position (items first, then internal levels).
    @usableFromInline let _boxes: [Double]
    /// Item index (leaf positions) or first-child position (internal nodes).
    @usableFromInline let _indices: [Int32]
    /// End position (exclusive) of each level, level 0 = items. Empty when
    /// `indexedCount == 0`.
    @usableFromInline let _levelBounds: [Int]

    /// Default fan-out. 16 is flatbush's default and the usual sweet spot for
    /// packed trees: a node's 16 boxes are 512 contiguous bytes (8 cache lines)
    /// scanned linearly with a few branch-free operations per box, while the
    /// tree stays shallow (5 internal levels for 1M items), so a query does
    /// few node expansions and the window-query stack stays under 1 KiB.
    /// Smaller sizes (4–8) prune a little better per box but pay in depth and
    /// queue traffic; larger ones (32+) test many boxes a finer tree would have
    /// pruned. On 1M random points, 8 and 16 measured about the same for
    /// nearest queries, 4 and 32–64 slower.
    public static let defaultNodeSize = 16

    /// Builds the tree by Hilbert bulk loading.
    ///
    /// - Parameters:
    ///   - envelopes: flat `[minX, minY, maxX, maxY]` per item; item `i` is
    ///     `envelopes[4*i ..< 4*i + 4]`. `envelopes.count` must be a multiple
    ///     of 4 (precondition). Items with invalid envelopes (NaN, infinite,
    ///     inverted) are skipped and never returned.
    ///   - nodeSize: fan-out, `2 ... 65_535` (precondition). See
    ///     ``defaultNodeSize`` for why the default is 16.
    ///
    /// Items are sorted by the Hilbert value (16 bits per axis, over the
    /// bounds of all indexed items) of their envelope centre, ties broken by
    /// item index; then every `nodeSize` consecutive entries of a level are
    /// packed into one parent node, until a single root remains.
    ///
    /// Complexity: O(n log n) time (one sort of n 64-bit keys), memory
    /// about `n · (1 + 1/(nodeSize−1)) · 36` bytes plus the temporary keys.
    /// Preconditions: the number of items and the total node count must fit
    /// in `Int32`.
    public init(envelopes: [Double], nodeSize: Int = PackedRTree.defaultNodeSize) {
        precondition(envelopes.count % 4 == 0, "PackedRTree: envelopes.count must be a multiple of 4")
        precondition(nodeSize >= 2 && nodeSize <= 65_535, "PackedRTree: nodeSize must be in 2...65535")
        let n = envelopes.count / 4
        precondition(n <= Int(Int32.max), "PackedRTree: too many items for Int32 indices")
        self.count = n
        self.nodeSize = nodeSize

        // Pass 1: which items are valid, and the bounds of the valid ones.
        var bMinX = Double.infinity, bMinY = Double.infinity
        var bMaxX = -Double.infinity, bMaxY = -Double.infinity
        var valid = 0
        envelopes.withUnsafeBufferPointer { e in
            for i in 0 ..< n {
                let minX = e[4 &* i], minY = e[4 &* i &+ 1], maxX = e[4 &* i &+ 2], maxY = e[4 &* i &+ 3]
                guard PackedRTree._isValid(minX, minY, maxX, maxY) else { continue }
                valid &+= 1
                if minX < bMinX { bMinX = minX }
                if minY < bMinY { bMinY = minY }
                if maxX > bMaxX { bMaxX = maxX }
                if maxY > bMaxY { bMaxY = maxY }
            }
        }
        self.indexedCount = valid
        guard valid > 0 else {
            self.bounds = nil
            self._boxes = []
            self._indices = []
            self._levelBounds = []
            return
        }
        self.bounds = Envelope(minX: bMinX, minY: bMinY, maxX: bMaxX, maxY: bMaxY)

        // Level layout (flatbush): items, then ceil(previous / nodeSize) nodes
        // per level until one root remains (a one-item tree has a root too).
        var levelBounds = [valid]
        var numNodes = valid
        var levelCount = valid
        repeat {
            levelCount = (levelCount + nodeSize - 1) / nodeSize
            numNodes += levelCount
            levelBounds.append(numNodes)
        } while levelCount != 1
        precondition(numNodes <= Int(Int32.max), "PackedRTree: too many nodes for Int32 indices")
        self._levelBounds = levelBounds

        // Pass 2: Hilbert keys (hilbert << 32 | item index), sorted.
        var keys = [UInt64]()
        keys.reserveCapacity(valid)
        let width = bMaxX - bMinX, height = bMaxY - bMinY
        let sx = width > 0 ? width : 1, sy = height > 0 ? height : 1
        envelopes.withUnsafeBufferPointer { e in
            for i in 0 ..< n {
                let minX = e[4 &* i], minY = e[4 &* i &+ 1], maxX = e[4 &* i &+ 2], maxY = e[4 &* i &+ 3]
                guard PackedRTree._isValid(minX, minY, maxX, maxY) else { continue }
                // Halve before adding so huge finite coordinates cannot overflow.
                let cx = minX * 0.5 + maxX * 0.5, cy = minY * 0.5 + maxY * 0.5
                let hx = PackedRTree._hilbertCoordinate((cx - bMinX) / sx)
                let hy = PackedRTree._hilbertCoordinate((cy - bMinY) / sy)
                keys.append(UInt64(PackedRTree._hilbert(hx, hy)) << 32 | UInt64(i))
            }
        }
        keys.sort()

        // Pass 3: leaves in Hilbert order, then pack the internal levels.
        let nodeSizeLocal = nodeSize
        var indices = [Int32](repeating: 0, count: numNodes)
        let boxes = [Double](unsafeUninitializedCapacity: numNodes * 4) { boxes, initialized in
            indices.withUnsafeMutableBufferPointer { indices in
                envelopes.withUnsafeBufferPointer { e in
                    keys.withUnsafeBufferPointer { keys in
                        for p in 0 ..< valid {
                            let item = Int(truncatingIfNeeded: keys[p] & 0xFFFF_FFFF)
                            indices[p] = Int32(truncatingIfNeeded: item)
                            boxes[4 &* p] = e[4 &* item]
                            boxes[4 &* p &+ 1] = e[4 &* item &+ 1]
                            boxes[4 &* p &+ 2] = e[4 &* item &+ 2]
                            boxes[4 &* p &+ 3] = e[4 &* item &+ 3]
                        }
                    }
                }
                var pos = valid
                var childStart = 0
                for level in 1 ..< levelBounds.count {
                    let childEnd = levelBounds[level - 1]
                    var c = childStart
                    while c < childEnd {
                        let end = Swift.min(c + nodeSizeLocal, childEnd)
                        var nMinX = boxes[4 &* c], nMinY = boxes[4 &* c &+ 1]
                        var nMaxX = boxes[4 &* c &+ 2], nMaxY = boxes[4 &* c &+ 3]
                        var k = c &+ 1
                        while k < end {
                            let b = 4 &* k
                            if boxes[b] < nMinX { nMinX = boxes[b] }
                            if boxes[b &+ 1] < nMinY { nMinY = boxes[b &+ 1] }
                            if boxes[b &+ 2] > nMaxX { nMaxX = boxes[b &+ 2] }
                            if boxes[b &+ 3] > nMaxY { nMaxY = boxes[b &+ 3] }
                            k &+= 1
                        }
                        boxes[4 &* pos] = nMinX
                        boxes[4 &* pos &+ 1] = nMinY
                        boxes[4 &* pos &+ 2] = nMaxX
                        boxes[4 &* pos &+ 3] = nMaxY
                        indices[pos] = Int32(truncatingIfNeeded: c)
                        pos &+= 1
                        c = end
                    }
                    childStart = childEnd
                }
                precondition(pos == numNodes)
            }
            initialized = numNodes * 4
        }
        self._boxes = boxes
        self._indices = indices
    }

    // MARK: - Build helpers

    @inline(__always)
    static func _isValid(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) -> Bool {
        minX.isFinite && minY.isFinite && maxX.isFinite && maxY.isFinite && minX <= maxX && minY <= maxY
    }

    /// Maps `t` in `[0, 1]` to `0 ... 65535`, clamping (NaN maps to 0).
    @inline(__always)
    static func _hilbertCoordinate(_ t: Double) -> UInt32 {
        let v = t * 65_535
        if !(v > 0) { return 0 }
        if v >= 65_535 { return 65_535 }
        // Truncation == floor for positive values; avoids `rounded(.down)`,
        // which would pull in libm's `floor` (not linked without Foundation).
        return UInt32(v)
    }

    /// Hilbert curve index of `(x, y)` on a 2^16 × 2^16 grid (the branch-free
    /// algorithm used by flatbush, after rawrunprotected's "Fast Hilbert curve").
    static func _hilbert(_ x: UInt32, _ y: UInt32) -> UInt32 {
        var a = x ^ y
        var b = 0xFFFF ^ a
        var c = 0xFFFF ^ (x | y)
        var d = x & (y ^ 0xFFFF)

        var A = a | (b >> 1)
        var B = (a >> 1) ^ a
        var C = ((c >> 1) ^ (b & (d >> 1))) ^ c
        var D = ((a & (c >> 1)) ^ (d >> 1)) ^ d

        a = A; b = B; c = C; d = D
        A = (a & (a >> 2)) ^ (b & (b >> 2))
        B = (a & (b >> 2)) ^ (b & ((a ^ b) >> 2))
        C ^= (a & (c >> 2)) ^ (b & (d >> 2))
        D ^= (b & (c >> 2)) ^ ((a ^ b) & (d >> 2))

        a = A; b = B; c = C; d = D
        A = (a & (a >> 4)) ^ (b & (b >> 4))
        B = (a & (b >> 4)) ^ (b & ((a ^ b) >> 4))
        C ^= (a & (c >> 4)) ^ (b & (d >> 4))
        D ^= (b & (c >> 4)) ^ ((a ^ b) & (d >> 4))

        a = A; b = B; c = C; d = D
        C ^= (a & (c >> 8)) ^ (b & (d >> 8))
        D ^= (b & (c >> 8)) ^ ((a ^ b) & (d >> 8))

        a = C ^ (C >> 1)
        b = D ^ (D >> 1)

        var i0 = x ^ y
        var i1 = b | (0xFFFF ^ (i0 | a))

        i0 = (i0 | (i0 << 8)) & 0x00FF_00FF
        i0 = (i0 | (i0 << 4)) & 0x0F0F_0F0F
        i0 = (i0 | (i0 << 2)) & 0x3333_3333
        i0 = (i0 | (i0 << 1)) & 0x5555_5555

        i1 = (i1 | (i1 << 8)) & 0x00FF_00FF
        i1 = (i1 | (i1 << 4)) & 0x0F0F_0F0F
        i1 = (i1 | (i1 << 2)) & 0x3333_3333
        i1 = (i1 | (i1 << 1)) & 0x5555_5555

        return (i1 << 1) | i0
    }

    // MARK: - Query helpers (inlinable so closures specialise at the call site)

    /// Squared envelope distance from `(x, y)` to the box at node position
    /// `p`; the same formula as ``Envelope/distanceSquared(toX:y:)``, hence
    /// monotone under containment (a parent never reports more than a child).
    @inlinable @inline(__always)
    static func _distanceSquared(_ boxes: UnsafeBufferPointer<Double>, _ p: Int, _ x: Double, _ y: Double) -> Double {
        let b = 4 &* p
        let minX = boxes[b], minY = boxes[b &+ 1], maxX = boxes[b &+ 2], maxY = boxes[b &+ 3]
        let dx = Swift.max(Swift.max(minX - x, x - maxX), 0)
        let dy = Swift.max(Swift.max(minY - y, y - maxY), 0)
        return dx * dx + dy * dy
    }

    /// A squared-distance threshold `t` such that every `d2 >= 0` with
    /// `d2.squareRoot() <= bound` (as rounded doubles) has `d2 <= t`.
    ///
    /// Pruning nodes by `d2 > t` therefore never drops anything the exact
    /// comparison `d2.squareRoot() <= bound` would keep (it may keep a node a
    /// few ulps too far, which is harmless); items are always re-checked with
    /// the true (square-rooted) envelope distance, so results do not depend on
    /// this slack. Avoids a square root per box in the hot loops.
    @inlinable @inline(__always)
    static func _squaredUpperBound(_ bound: Double) -> Double {
        let b2 = bound * bound
        // 2^-50 relative slack covers the rounding of sqrt and of the two
        // products; below 2^-1000 relative bounds fail (subnormals), so use an
        // absolute one. `.infinity` stays infinite.
        if b2 >= 0x1p-1000 { return b2 * (1 + 0x1p-50) }
        return 0x1p-999
    }

    /// Bits of a queue id reserved for the level (levels < 64 always: at most
    /// 2^31 items and fan-out >= 2 give at most 33 levels).
    @inlinable static var _levelBits: Int { 6 }
    @inlinable static var _levelMask: Int { 63 }
}
