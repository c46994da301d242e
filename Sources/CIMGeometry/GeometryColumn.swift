import CIMIndex

/// Many geometries in flat arrays (the layout of GeoArrow): coordinates interleaved x,y and three levels of
/// offsets. Hot loops of the analyses run on this, never on one GEOS object per feature.
///
/// - feature `i` has parts `featureParts[i] ..< featureParts[i+1]`;
/// - part `p` has rings `partRings[p] ..< partRings[p+1]` (a polygon part: exterior ring first, then holes;
///   a point or line part: exactly one ring);
/// - ring `r` has coordinates `ringCoordinates[r] ..< ringCoordinates[r+1]`, coordinate `c` is
///   `(xy[2c], xy[2c+1])`;
/// - `envelopes[4i ..< 4i+4]` is feature `i`'s (minX, minY, maxX, maxY).
///
/// Offsets are `Int32` to halve memory: a column holds at most 2³¹ − 1 coordinates.
public struct GeometryColumn: Sendable {
    public internal(set) var types: [GeometryType] = []
    public internal(set) var featureParts: [Int32] = [0]
    public internal(set) var partRings: [Int32] = [0]
    public internal(set) var ringCoordinates: [Int32] = [0]
    public internal(set) var xy: [Double] = []
    public internal(set) var envelopes: [Double] = []

    public init() {}

    /// Number of features.
    public var count: Int { types.count }
    /// Number of coordinates over all features.
    public var coordinateCount: Int { xy.count / 2 }

    /// Reserves room for `features` features and `coordinates` coordinates.
    public mutating func reserve(features: Int, coordinates: Int) {
        types.reserveCapacity(features)
        featureParts.reserveCapacity(features + 1)
        partRings.reserveCapacity(features + 1)
        ringCoordinates.reserveCapacity(features + 1)
        envelopes.reserveCapacity(features * 4)
        xy.reserveCapacity(coordinates * 2)
    }

    /// Feature `i`'s envelope.
    @inline(__always) public func envelope(_ i: Int) -> Envelope {
        Envelope(minX: envelopes[4 * i], minY: envelopes[4 * i + 1], maxX: envelopes[4 * i + 2], maxY: envelopes[4 * i + 3])
    }

    /// Feature `i`'s part range.
    @inline(__always) public func parts(of i: Int) -> Range<Int> { Int(featureParts[i]) ..< Int(featureParts[i + 1]) }
    /// Part `p`'s ring range.
    @inline(__always) public func rings(of p: Int) -> Range<Int> { Int(partRings[p]) ..< Int(partRings[p + 1]) }
    /// Ring `r`'s coordinate range.
    @inline(__always) public func coordinates(of r: Int) -> Range<Int> { Int(ringCoordinates[r]) ..< Int(ringCoordinates[r + 1]) }

    /// The first coordinate of feature `i` (the point itself for a point).
    public func firstCoordinate(of i: Int) -> (x: Double, y: Double) {
        let c = Int(ringCoordinates[Int(partRings[Int(featureParts[i])])])
        return (xy[2 * c], xy[2 * c + 1])
    }

    // MARK: building

    /// Starts a feature of `type`; add its parts with `beginPart`/`addRing`, then call `endFeature`.
    public mutating func beginFeature(_ type: GeometryType) {
        types.append(type)
        pendingMinX = .infinity; pendingMinY = .infinity; pendingMaxX = -.infinity; pendingMaxY = -.infinity
    }

    /// Closes the current part (call after its rings were added).
    public mutating func endPart() { partRings.append(Int32(ringCoordinates.count - 1)) }

    /// Adds a ring (or a point's single coordinate, or a line's coordinates) to the current part.
    public mutating func addRing<C: Collection>(_ coordinates: C) where C.Element == (Double, Double) {
        for (x, y) in coordinates { addCoordinate(x, y) }
        ringCoordinates.append(Int32(xy.count / 2))
    }

    /// Adds a ring from interleaved x,y values.
    public mutating func addRing(interleaved values: UnsafeBufferPointer<Double>) {
        var i = 0
        while i + 1 < values.count { addCoordinate(values[i], values[i + 1]); i += 2 }
        ringCoordinates.append(Int32(xy.count / 2))
    }

    @inline(__always) mutating func addCoordinate(_ x: Double, _ y: Double) {
        xy.append(x); xy.append(y)
        if x < pendingMinX { pendingMinX = x }
        if x > pendingMaxX { pendingMaxX = x }
        if y < pendingMinY { pendingMinY = y }
        if y > pendingMaxY { pendingMaxY = y }
    }

    /// Closes the current feature and records its envelope.
    public mutating func endFeature() {
        featureParts.append(Int32(partRings.count - 1))
        envelopes.append(pendingMinX); envelopes.append(pendingMinY)
        envelopes.append(pendingMaxX); envelopes.append(pendingMaxY)
    }

    private var pendingMinX = Double.infinity, pendingMinY = Double.infinity
    private var pendingMaxX = -Double.infinity, pendingMaxY = -Double.infinity

    /// Appends feature `i` of `other`.
    public mutating func append(_ other: GeometryColumn, feature i: Int) {
        beginFeature(other.types[i])
        for p in other.parts(of: i) { addRings(of: other, part: p) }
        endFeature()
    }

    /// Appends part `p` of `other` (all its rings) as a feature of its own, of type `type`.
    public mutating func appendPart(_ other: GeometryColumn, part p: Int, as type: GeometryType) {
        beginFeature(type)
        addRings(of: other, part: p)
        endFeature()
    }

    /// Adds the rings of part `p` of `other` as a part of the current feature.
    public mutating func addRings(of other: GeometryColumn, part p: Int) {
        for r in other.rings(of: p) {
            let range = other.coordinates(of: r)
            other.xy.withUnsafeBufferPointer { buffer in
                addRing(interleaved: UnsafeBufferPointer(rebasing: buffer[(2 * range.lowerBound) ..< (2 * range.upperBound)]))
            }
        }
        endPart()
    }

    /// The indices (into the coordinate pairs of `xy`) of feature `i`'s coordinates: they are contiguous.
    public func coordinateRange(of i: Int) -> Range<Int> {
        Int(ringCoordinates[Int(partRings[Int(featureParts[i])])]) ..< Int(ringCoordinates[Int(partRings[Int(featureParts[i + 1])])])
    }

    /// A column of the features at `indices` (in that order).
    public func subset(_ indices: [Int]) -> GeometryColumn {
        var result = GeometryColumn()
        for i in indices { result.append(self, feature: i) }
        return result
    }

    /// Replaces every coordinate by `transform` applied to the whole coordinate array at once
    /// (for batch reprojection), and recomputes the envelopes.
    public mutating func transformCoordinates(_ transform: (inout [Double]) throws -> Void) rethrows {
        try transform(&xy)
        for i in 0 ..< count {
            var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
            let first = Int(ringCoordinates[Int(partRings[Int(featureParts[i])])])
            let last = Int(ringCoordinates[Int(partRings[Int(featureParts[i + 1])])])
            for c in first ..< last {
                minX = Swift.min(minX, xy[2 * c]); maxX = Swift.max(maxX, xy[2 * c])
                minY = Swift.min(minY, xy[2 * c + 1]); maxY = Swift.max(maxY, xy[2 * c + 1])
            }
            envelopes[4 * i] = minX; envelopes[4 * i + 1] = minY; envelopes[4 * i + 2] = maxX; envelopes[4 * i + 3] = maxY
        }
    }
}

extension GeometryColumn {
    /// Truncates the arrays back to the given counts (used to undo a half-appended feature).
    mutating func truncate(_ t: Int, _ fp: Int, _ pr: Int, _ rc: Int, _ c: Int, _ e: Int) {
        types.removeSubrange(t...)
        featureParts.removeSubrange(fp...)
        partRings.removeSubrange(pr...)
        ringCoordinates.removeSubrange(rc...)
        xy.removeSubrange(c...)
        envelopes.removeSubrange(e...)
    }
}

extension GeometryColumn {
    /// Removes every feature, keeping the arrays' capacity (for a reused scratch column).
    public mutating func removeAll() { truncate(0, 1, 1, 1, 0, 0) }

    /// Changes feature `i`'s type, e.g. Polygon → MultiPolygon (the parts stay as they are).
    public mutating func setType(_ type: GeometryType, at i: Int) { types[i] = type }
}
