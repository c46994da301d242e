import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// The walk graph of a road layer: one vertex per distinct coordinate of the walkable roads, one undirected
/// edge per consecutive coordinate pair weighted by its length. Roads that share a coordinate share a
/// vertex; lines that cross without a shared coordinate do not connect. Adjacency is in compressed flat
/// arrays (CSR): the neighbours of vertex v are `adjacency[offsets[v] ..< offsets[v+1]]`.
///
/// With a snap tolerance, vertices closer than the tolerance are merged first (for survey data that is not
/// noded); edge lengths then follow the merged vertices.
public struct WalkGraph: Sendable {
    /// Vertex coordinates, interleaved x,y.
    public var vertices: [Double]
    /// Edge endpoints: edge e joins `edgeFrom[e]` and `edgeTo[e]`.
    public var edgeFrom: [Int32]
    public var edgeTo: [Int32]
    /// Edge lengths in metres.
    public var edgeLength: [Double]
    /// The road row each edge comes from.
    public var edgeRoad: [Int32]
    /// CSR offsets (vertexCount + 1).
    public var offsets: [Int32]
    /// CSR neighbour vertex per adjacency slot.
    public var adjacency: [Int32]
    /// CSR edge id per adjacency slot.
    public var adjacencyEdge: [Int32]
    /// Packed R-tree over edge envelopes (for snapping).
    public var edgeTree: PackedRTree
    /// What building the graph found in the input.
    public var report: WalkGraphReport

    public var vertexCount: Int { vertices.count / 2 }
    public var edgeCount: Int { edgeFrom.count }
}

/// Facts about the input and the graph, for the user.
public struct WalkGraphReport: Sendable {
    public var roads = 0
    public var walkableRoads = 0
    public var notWalkable = 0
    /// Roads with fewer than two distinct coordinates, or NaN coordinates, left out.
    public var degenerateRoads = 0
    /// Zero-length steps (repeated coordinates) skipped.
    public var repeatedCoordinates = 0
    /// Vertices merged into another by the snap tolerance.
    public var snappedVertices = 0
    public var snapTolerance: Double = 0
    public var components = 0
    /// Share of the total edge length in the largest component.
    public var largestComponentLengthShare = 0.0
    public var totalLength = 0.0
    public var warnings: [String] = []
}

/// An error in the road input.
public struct NetworkError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) { self.message = message; self.hint = hint }
    public var description: String { hint.map { "\(message) (hint: \($0))" } ?? message }
}

extension WalkGraph {
    /// Builds the walk graph from a roads snapshot (`walkable` 0/1; missing or null counts as walkable).
    public init(roads: FeatureTable, snapTolerance: Double = 0) throws {
        var report = WalkGraphReport()
        report.snapTolerance = snapTolerance
        report.roads = roads.count
        guard roads.count > 0 else {
            throw NetworkError("the roads layer is empty: there is no walk network", hint: "import roads, e.g. cim import STORE roads roads.shp")
        }
        let walkable = roads.integers("walkable")
        let geometries = roads.geometries
        var keep: [Int] = []
        for i in 0 ..< roads.count {
            if let walkable, walkable[i] == 0 { report.notWalkable += 1; continue }
            keep.append(i)
        }
        report.walkableRoads = keep.count
        guard !keep.isEmpty else {
            throw NetworkError("none of the \(roads.count) roads is walkable (walkable = 0 everywhere)",
                               hint: "check the roads' walkable field or the class mapping of the import")
        }

        // Vertex ids: exact coordinate identity, then optional merging within the tolerance.
        var vertexOf: [SIMD2<UInt64>: Int32] = [:]
        var vertices: [Double] = []
        var paths: [(road: Int, vertices: [Int32])] = []
        for i in keep {
            for p in geometries.parts(of: i) {
                for r in geometries.rings(of: p) {
                    let cs = geometries.coordinates(of: r)
                    var path: [Int32] = []
                    var bad = false
                    for c in cs {
                        let x = geometries.xy[2 * c], y = geometries.xy[2 * c + 1]
                        guard x.isFinite && y.isFinite else { bad = true; break }
                        let key = SIMD2(x.bitPattern, y.bitPattern)
                        let id: Int32
                        if let existing = vertexOf[key] { id = existing } else {
                            id = Int32(vertices.count / 2)
                            vertexOf[key] = id
                            vertices.append(x); vertices.append(y)
                        }
                        path.append(id)
                    }
                    if bad || Set(path).count < 2 { report.degenerateRoads += 1; continue }
                    paths.append((i, path))
                }
            }
        }
        guard !paths.isEmpty else { throw NetworkError("no walkable road has two distinct valid coordinates") }

        var representative = Array(0 ..< Int32(vertices.count / 2))
        if snapTolerance > 0 {
            representative = Self.mergeVertices(vertices, tolerance: snapTolerance)
            report.snappedVertices = representative.enumerated().filter { Int32($0.offset) != $0.element }.count
        }
        // Compact the representatives to 0..<V.
        var compact = [Int32](repeating: -1, count: representative.count)
        var finalVertices: [Double] = []
        for v in 0 ..< representative.count where representative[v] == Int32(v) {
            compact[v] = Int32(finalVertices.count / 2)
            finalVertices.append(vertices[2 * v]); finalVertices.append(vertices[2 * v + 1])
        }
        var edgeFrom: [Int32] = [], edgeTo: [Int32] = [], edgeLength: [Double] = [], edgeRoad: [Int32] = []
        for (road, path) in paths {
            var previous = compact[Int(representative[Int(path[0])])]
            for k in 1 ..< path.count {
                let current = compact[Int(representative[Int(path[k])])]
                if current == previous { report.repeatedCoordinates += 1; continue }
                let dx = finalVertices[2 * Int(current)] - finalVertices[2 * Int(previous)]
                let dy = finalVertices[2 * Int(current) + 1] - finalVertices[2 * Int(previous) + 1]
                edgeFrom.append(previous); edgeTo.append(current)
                edgeLength.append((dx * dx + dy * dy).squareRoot())
                edgeRoad.append(Int32(road))
                previous = current
            }
        }
        let vertexCount = finalVertices.count / 2
        // CSR adjacency.
        var degree = [Int32](repeating: 0, count: vertexCount + 1)
        for e in edgeFrom.indices { degree[Int(edgeFrom[e])] += 1; degree[Int(edgeTo[e])] += 1 }
        var offsets = [Int32](repeating: 0, count: vertexCount + 1)
        for v in 0 ..< vertexCount { offsets[v + 1] = offsets[v] + degree[v] }
        var fill = Array(offsets.dropLast())
        var adjacency = [Int32](repeating: 0, count: Int(offsets[vertexCount]))
        var adjacencyEdge = [Int32](repeating: 0, count: Int(offsets[vertexCount]))
        for e in edgeFrom.indices {
            let a = Int(edgeFrom[e]), b = Int(edgeTo[e])
            adjacency[Int(fill[a])] = Int32(b); adjacencyEdge[Int(fill[a])] = Int32(e); fill[a] += 1
            adjacency[Int(fill[b])] = Int32(a); adjacencyEdge[Int(fill[b])] = Int32(e); fill[b] += 1
        }
        var envelopes = [Double](repeating: 0, count: edgeFrom.count * 4)
        for e in edgeFrom.indices {
            let a = Int(edgeFrom[e]), b = Int(edgeTo[e])
            envelopes[4 * e] = min(finalVertices[2 * a], finalVertices[2 * b])
            envelopes[4 * e + 1] = min(finalVertices[2 * a + 1], finalVertices[2 * b + 1])
            envelopes[4 * e + 2] = max(finalVertices[2 * a], finalVertices[2 * b])
            envelopes[4 * e + 3] = max(finalVertices[2 * a + 1], finalVertices[2 * b + 1])
        }
        self.vertices = finalVertices
        self.edgeFrom = edgeFrom
        self.edgeTo = edgeTo
        self.edgeLength = edgeLength
        self.edgeRoad = edgeRoad
        self.offsets = offsets
        self.adjacency = adjacency
        self.adjacencyEdge = adjacencyEdge
        self.edgeTree = PackedRTree(envelopes: envelopes)
        self.report = report
        let components = self.components()
        self.report.components = components.count
        self.report.totalLength = edgeLength.reduce(0, +)
        self.report.largestComponentLengthShare = components.largestLengthShare
        if report.degenerateRoads > 0 {
            self.report.warnings.append("\(report.degenerateRoads) road part(s) with fewer than two distinct or with NaN coordinates were left out")
        }
        if components.count > 1 && components.largestLengthShare < 0.5 {
            self.report.warnings.append("the walk network falls apart into \(components.count) components and the largest holds only \(Int(components.largestLengthShare * 100)) % of the length: are the roads noded? Lines that cross without a shared vertex do not connect: re-import them split at every crossing with `cim import STORE roads SOURCE --node` (--snap-tolerance only joins ends that nearly meet)")
        }
    }

    /// Union-find (``UnionFind``) over vertices closer than `tolerance` (grid hashing); returns each vertex's
    /// representative (the smallest vertex id of its group).
    static func mergeVertices(_ vertices: [Double], tolerance: Double) -> [Int32] {
        let n = vertices.count / 2
        var sets = UnionFind(n)
        var cells: [SIMD2<Int64>: [Int32]] = [:]
        for v in 0 ..< n {
            let cell = SIMD2(Int64((vertices[2 * v] / tolerance).rounded(.down)), Int64((vertices[2 * v + 1] / tolerance).rounded(.down)))
            cells[cell, default: []].append(Int32(v))
        }
        let t2 = tolerance * tolerance
        for v in 0 ..< n {
            let x = vertices[2 * v], y = vertices[2 * v + 1]
            let cx = Int64((x / tolerance).rounded(.down)), cy = Int64((y / tolerance).rounded(.down))
            for dx in -1 ... 1 as ClosedRange<Int64> {
                for dy in -1 ... 1 as ClosedRange<Int64> {
                    for w in cells[SIMD2(cx + dx, cy + dy)] ?? [] where Int(w) > v {
                        let ex = vertices[2 * Int(w)] - x, ey = vertices[2 * Int(w) + 1] - y
                        if ex * ex + ey * ey <= t2 { sets.union(v, Int(w)) }
                    }
                }
            }
        }
        return sets.smallestMembers()
    }
}
