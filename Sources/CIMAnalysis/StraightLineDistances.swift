import CIMGeometry
import CIMIndex

/// Straight-line (Euclidean) distance from every residential building's reference point to the nearest
/// facility of each category: one best-first nearest search per building and category on the category's
/// packed R-tree, refined with exact distances; no GEOS call in the loop. Buildings run in parallel, one
/// search workspace per worker.
public enum StraightLineDistances {
    /// distances[c][b]: metres from building b to the nearest facility of categories[c], NaN when none is
    /// within `cutoff`.
    public static func compute(points: [Double], categories: [CategoryFacilities], cutoff: Double,
                               progress: ((Int) -> Void)? = nil) -> [[Double]] {
        let n = points.count / 2
        var result: [[Double]] = []
        for (c, facilities) in categories.enumerated() {
            let output = SharedBuffer(repeating: Double.nan, count: n)
            if facilities.count > 0 {
                parallelChunks(n, minimumChunk: 1024) { range, _ in
                    var workspace = NearestWorkspace()
                    output.withPointer { out in
                        for b in range {
                            if let hit = facilities.nearest(x: points[2 * b], y: points[2 * b + 1], cutoff: cutoff, workspace: &workspace) {
                                out[b] = hit.distance
                            }
                        }
                    }
                }
            }
            result.append(output.storage)
            progress?(c + 1)
        }
        return result
    }
}
