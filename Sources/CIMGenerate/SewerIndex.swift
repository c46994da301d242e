import CIMGeometry
import CIMIndex

/// The sewer and combined pipe segments of a generated city in a packed R-tree (CIMIndex), for "how far
/// is this footprint from the nearest sewer" while buildings are placed. Distances are the planar kernel's
/// exact polygon-to-segment distance (``GeometryColumn/distance(polygon:toSegment:_:_:_:)``), the same
/// that `cim gaps` measures.
struct SewerIndex: Sendable {
    /// Segment s is `segments[4s ..< 4s+4]` = (ax, ay, bx, by).
    let segments: [Double]
    /// Segments of a component with no outlet (left out by `includeOrphans: false` queries).
    let orphan: [Bool]
    let tree: PackedRTree

    init(ax: [Double], ay: [Double], bx: [Double], by: [Double], orphan: [Bool]) {
        var segments: [Double] = [], envelopes: [Double] = []
        segments.reserveCapacity(4 * ax.count)
        envelopes.reserveCapacity(4 * ax.count)
        for s in 0 ..< ax.count {
            segments += [ax[s], ay[s], bx[s], by[s]]
            envelopes += [min(ax[s], bx[s]), min(ay[s], by[s]), max(ax[s], bx[s]), max(ay[s], by[s])]
        }
        self.segments = segments
        self.orphan = orphan
        tree = PackedRTree(envelopes: envelopes)
    }

    /// The smallest distance from polygon `feature` of `footprint` to a segment, if one is within `radius`
    /// (else nil). With `stopBelow`, answers as soon as a segment closer than that is found (a distance
    /// below `stopBelow`, not necessarily the smallest).
    func nearest(footprint: GeometryColumn, feature: Int, radius: Double, includeOrphans: Bool, stopBelow: Double = -1) -> Double? {
        let e = footprint.envelope(feature)
        var best = Double.infinity
        var stopped = false
        tree.forEach(intersecting: Envelope(minX: e.minX - radius, minY: e.minY - radius, maxX: e.maxX + radius, maxY: e.maxY + radius)) { s in
            guard !stopped, includeOrphans || !orphan[s] else { return }
            let d = footprint.distance(polygon: feature, toSegment: segments[4 * s], segments[4 * s + 1], segments[4 * s + 2], segments[4 * s + 3])
            if d < best {
                best = d
                if best < stopBelow { stopped = true }
            }
        }
        return best <= radius ? best : nil
    }

    /// The exact smallest distance from polygon `feature` of `footprint` to any segment (infinity when
    /// there is none): the distance from its first vertex to the nearest segment bounds it (best-first
    /// search), then every segment within that bound is measured.
    func distance(footprint: GeometryColumn, feature: Int, includeOrphans: Bool) -> Double {
        var workspace = NearestWorkspace()
        let (x, y) = footprint.firstCoordinate(of: feature)
        let segments = self.segments, orphan = self.orphan
        guard let bound = tree.nearest(x: x, y: y, workspace: &workspace, exactDistance: { s in
            guard includeOrphans || !orphan[s] else { return .nan }
            let d = pointSegmentDistance(x, y, segments[4 * s], segments[4 * s + 1], segments[4 * s + 2], segments[4 * s + 3])
            let box = Envelope(minX: min(segments[4 * s], segments[4 * s + 2]), minY: min(segments[4 * s + 1], segments[4 * s + 3]),
                               maxX: max(segments[4 * s], segments[4 * s + 2]), maxY: max(segments[4 * s + 1], segments[4 * s + 3]))
            return max(d, box.distance(toX: x, y: y))
        }) else { return .infinity }
        return nearest(footprint: footprint, feature: feature, radius: bound.distance, includeOrphans: includeOrphans) ?? bound.distance
    }
}
