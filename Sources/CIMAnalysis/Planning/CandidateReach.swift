import CIMGeometry
import CIMIndex
import CIMNetwork
import Foundation

/// What each siting candidate would newly serve: the eligible buildings (residential, not yet in reach)
/// within the category's threshold of the candidate, by the distance of the coverage engine — straight
/// line (``CategoryFacilities/exactDistance(_:x:y:)``) or along the walk network (a bounded
/// ``MultiSourceDijkstra`` from the candidate's snap point on the same snapped graph, and
/// ``NetworkDistances/distance(graph:search:seeds:buildings:_:)``). Stored compressed: candidate i's
/// buildings are `buildings[offsets[i] ..< offsets[i + 1]]`, in increasing order.
public struct CandidateReach: Sendable {
    public var offsets: [Int]
    public var buildings: [Int32]

    public var candidateCount: Int { offsets.count - 1 }
    /// The buildings candidate i reaches.
    public func reach(_ i: Int) -> ArraySlice<Int32> { buildings[offsets[i] ..< offsets[i + 1]] }

    /// Joins per-candidate lists (each in increasing building order).
    public init(lists: [[Int32]]) {
        offsets = [0]
        offsets.reserveCapacity(lists.count + 1)
        for list in lists { offsets.append(offsets.last! + list.count) }
        buildings = lists.flatMap { $0 }
    }

    /// The eligible buildings' points in a packed R-tree, with the map back to building indices.
    private static func index(points: [Double], eligible: [Bool]) -> (tree: PackedRTree, members: [Int32]) {
        var members: [Int32] = []
        var envelopes: [Double] = []
        for b in eligible.indices where eligible[b] {
            members.append(Int32(b))
            envelopes += [points[2 * b], points[2 * b + 1], points[2 * b], points[2 * b + 1]]
        }
        return (PackedRTree(envelopes: envelopes), members)
    }

    /// The envelope grown by `d` on every side.
    private static func window(_ e: Envelope, _ d: Double) -> Envelope {
        Envelope(minX: e.minX - d, minY: e.minY - d, maxX: e.maxX + d, maxY: e.maxY + d)
    }

    /// Straight-line reach: buildings whose reference point lies within `threshold` of the candidate geometry.
    public static func straightLine(candidates: SitingCandidates, points: [Double], eligible: [Bool], threshold: Double) -> CandidateReach {
        let (tree, members) = index(points: points, eligible: eligible)
        let facilities = candidates.asFacilities(key: "candidates")
        let lists = SharedBuffer<[Int32]>(repeating: [], count: candidates.count)
        parallelChunks(candidates.count, minimumChunk: 8) { range, _ in
            for i in range {
                var list: [Int32] = []
                tree.forEach(intersecting: window(facilities.geometries.envelope(i), threshold)) { k in
                    let b = Int(members[k])
                    if facilities.exactDistance(i, x: points[2 * b], y: points[2 * b + 1]) <= threshold { list.append(Int32(b)) }
                }
                list.sort()
                lists.withPointer { $0[i] = list }
            }
        }
        return CandidateReach(lists: lists.storage)
    }

    /// Network reach: from each candidate's entry point (the point, or PointOnSurface of a polygon) snapped
    /// to the graph, a search bounded by `threshold`; the buildings within the threshold's straight-line
    /// window (a network distance is never shorter) get the coverage engine's network distance. A candidate
    /// farther than `maxAccess` from every walkable road reaches nothing.
    public static func network(candidates: SitingCandidates, points: [Double], eligible: [Bool], threshold: Double,
                               graph: WalkGraph, buildings snapped: SnappedPoints, maxAccess: Double) throws -> CandidateReach {
        let (tree, members) = index(points: points, eligible: eligible)
        let entries = try NetworkCoverage.entryPoints(candidates.geometries)
        let lists = SharedBuffer<[Int32]>(repeating: [], count: candidates.count)
        let searches = SharedBuffer<MultiSourceDijkstra?>(repeating: nil, count: workerCount)
        parallelChunks(candidates.count, minimumChunk: 4) { range, slot in
            var search = searches.withPointer { $0[slot] } ?? MultiSourceDijkstra(vertexCount: graph.vertexCount)
            for i in range {
                let x = entries[2 * i], y = entries[2 * i + 1]
                let seeds = NetworkDistances.seeds(graph: graph, points: [x, y], maxAccess: maxAccess)
                guard !seeds.sources.isEmpty else { continue }
                search.run(graph: graph, sources: seeds.sources, bound: threshold)
                var list: [Int32] = []
                tree.forEach(intersecting: window(candidates.geometries.envelope(i), threshold)) { k in
                    let b = Int(members[k])
                    guard snapped.edge[b] >= 0 else { return }
                    if NetworkDistances.distance(graph: graph, search: search, seeds: seeds, buildings: snapped, b) <= threshold { list.append(Int32(b)) }
                }
                list.sort()
                lists.withPointer { $0[i] = list }
            }
            searches.withPointer { $0[slot] = search }
        }
        return CandidateReach(lists: lists.storage)
    }
}
