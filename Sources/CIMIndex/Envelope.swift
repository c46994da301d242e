/// An axis-aligned bounding box in the plane, `[minX, maxX] × [minY, maxY]`.
///
/// Envelopes are *closed* boxes: two envelopes that only touch along an edge or
/// at a corner intersect. A zero-size envelope (`minX == maxX`, `minY == maxY`)
/// represents a point.
///
/// An envelope is *valid* when all four coordinates are finite and
/// `minX <= maxX`, `minY <= maxY` (see ``isValid``). The helpers below do not
/// check validity; their results for invalid envelopes are documented per
/// method.
public struct Envelope: Sendable, Hashable {
    /// Smallest x coordinate.
    public var minX: Double
    /// Smallest y coordinate.
    public var minY: Double
    /// Largest x coordinate.
    public var maxX: Double
    /// Largest y coordinate.
    public var maxY: Double

    /// Creates an envelope from its four bounds, stored as given (no
    /// normalisation). O(1).
    @inlinable
    public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
        self.minX = minX
        self.minY = minY
        self.maxX = maxX
        self.maxY = maxY
    }

    /// Creates the zero-size envelope of the point `(x, y)`. O(1).
    @inlinable
    public init(x: Double, y: Double) {
        self.init(minX: x, minY: y, maxX: x, maxY: y)
    }

    /// `true` when all four bounds are finite and `minX <= maxX`,
    /// `minY <= maxY`. NaN or infinite bounds and inverted boxes are invalid.
    /// O(1).
    @inlinable
    public var isValid: Bool {
        minX.isFinite && minY.isFinite && maxX.isFinite && maxY.isFinite
            && minX <= maxX && minY <= maxY
    }

    /// Width `maxX - minX`. O(1).
    @inlinable
    public var width: Double { maxX - minX }

    /// Height `maxY - minY`. O(1).
    @inlinable
    public var height: Double { maxY - minY }

    /// Whether the two closed boxes share at least one point (touching counts).
    /// Returns `false` if any involved bound is NaN. O(1).
    @inlinable
    public func intersects(_ other: Envelope) -> Bool {
        minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
    }

    /// Whether the point `(x, y)` lies in the closed box (the boundary counts).
    /// O(1).
    @inlinable
    public func contains(x: Double, y: Double) -> Bool {
        minX <= x && x <= maxX && minY <= y && y <= maxY
    }

    /// The smallest envelope containing both `self` and `other`. O(1).
    /// Meaningful for valid envelopes only.
    @inlinable
    public func union(_ other: Envelope) -> Envelope {
        Envelope(
            minX: Swift.min(minX, other.minX), minY: Swift.min(minY, other.minY),
            maxX: Swift.max(maxX, other.maxX), maxY: Swift.max(maxY, other.maxY))
    }

    /// Squared Euclidean distance from `(x, y)` to the closest point of the
    /// closed box; `0` when the point is inside or on the boundary. O(1).
    ///
    /// Computed as `dx*dx + dy*dy` with `dx = max(minX - x, x - maxX, 0)`,
    /// likewise for `dy`. This is exactly the formula the R-tree uses, so it is
    /// monotone under box containment: a box never reports a larger distance
    /// than a box it contains. No overflow protection: coordinate differences
    /// beyond about 1e154 square to infinity. Unspecified for NaN inputs.
    @inlinable
    public func distanceSquared(toX x: Double, y: Double) -> Double {
        let dx = Swift.max(Swift.max(minX - x, x - maxX), 0)
        let dy = Swift.max(Swift.max(minY - y, y - maxY), 0)
        return dx * dx + dy * dy
    }

    /// Euclidean distance between the two closed boxes: 0 when they intersect, else the length of the
    /// shortest gap (computed as `sqrt(dx*dx + dy*dy)` with `dx = max(0, minX - other.maxX, other.minX -
    /// maxX)`, likewise for `dy`): a lower bound of the distance between anything inside them. O(1).
    @inlinable
    public func distance(to other: Envelope) -> Double {
        let dx = Swift.max(0, Swift.max(minX - other.maxX, other.minX - maxX))
        let dy = Swift.max(0, Swift.max(minY - other.maxY, other.minY - maxY))
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Euclidean distance from `(x, y)` to the closed box:
    /// `distanceSquared(toX:y:).squareRoot()`. This is the *envelope distance*
    /// that ``PackedRTree`` compares against the caller's exact distances. O(1).
    @inlinable
    public func distance(toX x: Double, y: Double) -> Double {
        distanceSquared(toX: x, y: y).squareRoot()
    }
}
