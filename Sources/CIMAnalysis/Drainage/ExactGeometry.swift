import CIMIndex

/// The exact planar geometry of the drainage searches now lives in the planar kernel of CIMGeometry
/// (`PlanarSegments.swift`, `GeometryColumn+Distance.swift`, `GeometryColumn+Segments.swift`, `UnionFind`).
/// This name is kept only for `BlankZones.swift`, which another branch is editing at the same time; it
/// forwards to ``Envelope/distance(to:)`` and goes once that file calls it directly.
enum ExactGeometry {
    /// Euclidean distance between two envelopes (0 when they intersect): ``Envelope/distance(to:)``.
    @available(*, deprecated, renamed: "Envelope.distance(to:)")
    @inline(__always)
    static func envelopeDistance(_ a: Envelope, _ b: Envelope) -> Double { a.distance(to: b) }
}
