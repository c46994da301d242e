import CIMGeometry
import CIMIndex

/// Straight-line (Euclidean) distance from every residential building's reference point to the nearest
/// facility of each category, refined with exact distances; no GEOS call in the loop. Buildings run in
/// parallel, one search workspace per worker.
///
/// Buildings are searched in blocks of ``blockSize`` consecutive buildings (storage order keeps them
/// close: generated and imported layers are stored block by block). For a block with bounding box B,
/// centre c and half-diagonal h, one nearest search from c finds a facility f* at distance d*; every
/// building p of the block has a facility within d(p, f*) ≤ d* + h, so its nearest facility has an
/// envelope within min(d* + h, cutoff) of B. Those candidates come from one window query, and each
/// building scans them with the same exact distance and tie rule (smallest index) as the per-building
/// search — the answers are identical, and a query costs a few candidate distances instead of a tree
/// descent. A block whose buildings are spread out, or whose candidates are many, falls back to one
/// best-first nearest search per building.
public enum StraightLineDistances {
    /// Consecutive buildings searched together.
    static let blockSize = 32
    /// More candidates than this and a block falls back to per-building searches.
    static let maximumCandidates = 64

    /// distances[c][b]: metres from building b to the nearest facility of categories[c], NaN when none is
    /// within `cutoff`.
    public static func compute(points: [Double], categories: [CategoryFacilities], cutoff: Double,
                               progress: (@Sendable (Int) -> Void)? = nil) -> [[Double]] {
        let n = points.count / 2
        var result: [[Double]] = []
        for (c, facilities) in categories.enumerated() {
            let output = SharedBuffer(repeating: Double.nan, count: n)
            if facilities.count > 0 {
                parallelChunks(n, minimumChunk: 1024) { range, _ in
                    var search = BlockSearch(facilities: facilities, cutoff: cutoff)
                    points.withUnsafeBufferPointer { points in
                        output.withPointer { out in
                            var start = range.lowerBound
                            while start < range.upperBound {
                                let end = Swift.min(start + blockSize, range.upperBound)
                                search.run(points: points, start ..< end, into: out)
                                start = end
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

    /// The per-worker state of block searches on one category.
    struct BlockSearch {
        let facilities: CategoryFacilities
        let cutoff: Double
        var workspace = NearestWorkspace()
        var candidates: [Int32] = []
        /// Blocks answered from one candidate window, and blocks searched building by building.
        var candidateBlocks = 0, fallbackBlocks = 0

        init(facilities: CategoryFacilities, cutoff: Double) {
            self.facilities = facilities
            self.cutoff = cutoff
            candidates.reserveCapacity(StraightLineDistances.maximumCandidates * 4)
        }

        /// Nearest facility distances of buildings `block` (points interleaved x, y) into `out`, which
        /// holds NaN for "none within the cutoff".
        mutating func run(points: UnsafeBufferPointer<Double>, _ block: Range<Int>, into out: UnsafeMutableBufferPointer<Double>) {
            var minX = Double.infinity, minY = Double.infinity, maxX = -Double.infinity, maxY = -Double.infinity
            for b in block {
                let x = points[2 * b], y = points[2 * b + 1]
                minX = Swift.min(minX, x); maxX = Swift.max(maxX, x)
                minY = Swift.min(minY, y); maxY = Swift.max(maxY, y)
            }
            guard minX.isFinite, minY.isFinite, maxX.isFinite, maxY.isFinite else { return perBuilding(points, block, out) }
            let cx = 0.5 * (minX + maxX), cy = 0.5 * (minY + maxY)
            let half = 0.5 * ((maxX - minX) * (maxX - minX) + (maxY - minY) * (maxY - minY)).squareRoot()
            // A spread-out block would gather too many candidates.
            if half > 0.5 * cutoff { return perBuilding(points, block, out) }
            // No facility within cutoff + h of the centre: none within cutoff of any building here.
            guard let hit = facilities.nearest(x: cx, y: cy, cutoff: cutoff + half, workspace: &workspace) else { candidateBlocks += 1; return }
            // Every building's nearest facility lies within `reach` of the block's box (slack for rounding).
            let reach = Swift.min(hit.distance + half, cutoff) * (1 + 0x1p-40) + 1e-9
            candidates.removeAll(keepingCapacity: true)
            facilities.tree.search(Envelope(minX: minX - reach, minY: minY - reach, maxX: maxX + reach, maxY: maxY + reach), into: &candidates)
            if candidates.count > StraightLineDistances.maximumCandidates { return perBuilding(points, block, out) }
            candidateBlocks += 1
            let geometries = facilities.geometries
            for b in block {
                let x = points[2 * b], y = points[2 * b + 1]
                var best = Double.infinity, bestIndex = -1
                for candidate in candidates {
                    let i = Int(candidate)
                    // The exact distance is never below the envelope distance: skip what cannot win or tie.
                    if geometries.envelope(i).distance(toX: x, y: y) > best { continue }
                    let d = facilities.exactDistance(i, x: x, y: y)
                    if d <= cutoff && (d < best || (d == best && i < bestIndex)) {
                        best = d
                        bestIndex = i
                    }
                }
                if bestIndex >= 0 { out[b] = best }
            }
        }

        /// One best-first nearest search per building.
        mutating func perBuilding(_ points: UnsafeBufferPointer<Double>, _ block: Range<Int>, _ out: UnsafeMutableBufferPointer<Double>) {
            fallbackBlocks += 1
            for b in block {
                if let hit = facilities.nearest(x: points[2 * b], y: points[2 * b + 1], cutoff: cutoff, workspace: &workspace) {
                    out[b] = hit.distance
                }
            }
        }
    }
}
