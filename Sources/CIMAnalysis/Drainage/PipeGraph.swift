import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// The pipe graph of a census audit. One vertex per distinct pipe end coordinate: ends join only where
/// their coordinates are exactly equal (-0 and +0 alike). Each pipe is a directed edge from its first
/// coordinate (upstream) to its last (downstream) — the digitising convention of pipe census data, whose
/// `up_invert` belongs to the first coordinate. Vertices are matched to the `pipe_nodes` point nearest them
/// within the node tolerance, which gives them a kind (manhole, outfall, plant, pump, inlet) and an invert.
public struct PipeGraph: Sendable {
    public var nodeX: [Double]
    public var nodeY: [Double]
    /// Start (upstream) and end (downstream) vertex of each pipe.
    public var startNode: [Int32]
    public var endNode: [Int32]
    /// Pipes leaving each vertex (CSR: `outgoing[outOffsets[v] ..< outOffsets[v+1]]`), and arriving.
    public var outOffsets: [Int32]
    public var outgoing: [Int32]
    public var inOffsets: [Int32]
    public var incoming: [Int32]
    /// The matched pipe node of each vertex (row in the pipe_nodes snapshot), -1 when none.
    public var matchedNode: [Int32]
    /// Its kind (manhole when the node has no kind), nil when there is no node.
    public var nodeKind: [String?]
    public var nodeId: [String?]
    public var nodeInvert: [Double?]
    /// Connected component of each pipe (ends joined as above, direction ignored), numbered 0… in order of
    /// their smallest pipe index.
    public var component: [Int32]
    public var componentCount: Int

    public var nodeCount: Int { nodeX.count }

    @inline(__always) public func outDegree(_ v: Int) -> Int { Int(outOffsets[v + 1] - outOffsets[v]) }
    @inline(__always) public func inDegree(_ v: Int) -> Int { Int(inOffsets[v + 1] - inOffsets[v]) }
    /// Pipe ends at the vertex (a pipe whose two ends coincide counts twice).
    @inline(__always) public func degree(_ v: Int) -> Int { outDegree(v) + inDegree(v) }
    public func pipesOut(_ v: Int) -> ArraySlice<Int32> { outgoing[Int(outOffsets[v]) ..< Int(outOffsets[v + 1])] }
    public func pipesIn(_ v: Int) -> ArraySlice<Int32> { incoming[Int(inOffsets[v]) ..< Int(inOffsets[v + 1])] }
    /// Every pipe at the vertex, ascending, once each.
    public func pipes(at v: Int) -> [Int] { Array(Set((pipesOut(v) + pipesIn(v)).map(Int.init))).sorted() }

    /// Kinds where a network may legitimately end: outlets (outfall, plant) and heads (inlet).
    public static let terminalKinds: Set<String> = ["outfall", "plant", "inlet"]
    /// Kinds that take the water out of the network.
    public static let outletKinds: Set<String> = ["outfall", "plant"]

    public init(pipes: PipeSet, nodes: FeatureTable?, nodeTolerance: Double) {
        var index: [SIMD2<UInt64>: Int32] = [:]
        var nodeX: [Double] = [], nodeY: [Double] = []
        func vertex(_ p: (x: Double, y: Double)) -> Int32 {
            // Normalise -0 to +0 so equal coordinates share a key.
            let x = p.x == 0 ? 0 : p.x, y = p.y == 0 ? 0 : p.y
            let key = SIMD2(x.bitPattern, y.bitPattern)
            if let v = index[key] { return v }
            let v = Int32(nodeX.count)
            index[key] = v
            nodeX.append(x); nodeY.append(y)
            return v
        }
        var startNode: [Int32] = [], endNode: [Int32] = []
        for k in 0 ..< pipes.count {
            startNode.append(vertex(pipes.start(k)))
            endNode.append(vertex(pipes.end(k)))
        }
        let n = nodeX.count
        func csr(_ from: [Int32]) -> ([Int32], [Int32]) {
            var offsets = [Int32](repeating: 0, count: n + 1)
            for v in from { offsets[Int(v) + 1] += 1 }
            for v in 0 ..< n { offsets[v + 1] += offsets[v] }
            var fill = offsets
            var items = [Int32](repeating: 0, count: from.count)
            for (k, v) in from.enumerated() { items[Int(fill[Int(v)])] = Int32(k); fill[Int(v)] += 1 }
            return (offsets, items)
        }
        (outOffsets, outgoing) = csr(startNode)
        (inOffsets, incoming) = csr(endNode)
        self.nodeX = nodeX
        self.nodeY = nodeY
        self.startNode = startNode
        self.endNode = endNode

        // Pipe nodes: the nearest within the tolerance, outlets and inlets before manholes.
        matchedNode = Array(repeating: -1, count: n)
        nodeKind = Array(repeating: nil, count: n)
        nodeId = Array(repeating: nil, count: n)
        nodeInvert = Array(repeating: nil, count: n)
        if let nodes, nodes.count > 0 {
            let kinds = nodes.text("kind") ?? Array(repeating: nil, count: nodes.count)
            let ids = nodes.text("id") ?? Array(repeating: nil, count: nodes.count)
            let inverts = nodes.reals("invert_z") ?? Array(repeating: nil, count: nodes.count)
            let g = nodes.geometries
            let usable = (0 ..< nodes.count).filter { !g.parts(of: $0).isEmpty }
            var points: [Double] = []
            var envelopes: [Double] = []
            for i in usable {
                let c = g.firstCoordinate(of: i)
                points.append(c.x); points.append(c.y)
                envelopes.append(c.x); envelopes.append(c.y); envelopes.append(c.x); envelopes.append(c.y)
            }
            let tree = PackedRTree(envelopes: envelopes)
            func priority(_ kind: String?) -> Int {
                switch kind { case "outfall": return 0; case "plant": return 1; case "inlet": return 2; case "pump": return 3; default: return 4 }
            }
            for v in 0 ..< n {
                var best = -1, bestDistance = Double.infinity
                tree.forEach(withinDistanceOfX: nodeX[v], y: nodeY[v], maxDistance: nodeTolerance, exactDistance: { q in
                    let dx = points[2 * q] - nodeX[v], dy = points[2 * q + 1] - nodeY[v]
                    return (dx * dx + dy * dy).squareRoot()
                }) { q, d in
                    if best < 0 { best = q; bestDistance = d; return }
                    let pq = priority(kinds[usable[q]]), pb = priority(kinds[usable[best]])
                    if pq < pb || (pq == pb && (d < bestDistance || (d == bestDistance && q < best))) { best = q; bestDistance = d }
                }
                guard best >= 0 else { continue }
                let row = usable[best]
                matchedNode[v] = Int32(row)
                nodeKind[v] = kinds[row] ?? "manhole"
                nodeId[v] = ids[row] ?? "fid \(nodes.fids.isEmpty ? row + 1 : Int(nodes.fids[row]))"
                nodeInvert[v] = inverts[row].flatMap { $0.isFinite ? $0 : nil }
            }
        }

        // Components over vertices, numbered by smallest pipe.
        var sets = UnionFind(n)
        for k in 0 ..< pipes.count { sets.union(Int(startNode[k]), Int(endNode[k])) }
        var number: [Int: Int32] = [:]
        var component = [Int32](repeating: 0, count: pipes.count)
        for k in 0 ..< pipes.count {
            let root = sets.find(Int(startNode[k]))
            if let c = number[root] { component[k] = c } else { let c = Int32(number.count); number[root] = c; component[k] = c }
        }
        self.component = component
        componentCount = number.count
    }

    /// Whether vertex v is a dangling end: exactly one pipe end there, and no outfall, inlet or plant.
    public func isDangling(_ v: Int) -> Bool {
        degree(v) == 1 && !(nodeKind[v].map(Self.terminalKinds.contains) ?? false)
    }
}
