import CIMGeometry
import Foundation

/// Pipe kinds written to the `pipes` layer.
enum PipeKind: UInt8, Sendable {
    case sewer, combined, storm
    var name: String { self == .sewer ? "sewer" : self == .combined ? "combined" : "storm" }
}

/// Node kinds written to the `pipe_nodes` layer.
enum NodeKind: UInt8, Sendable {
    case manhole, outfall, plant, inlet
    var name: String {
        switch self {
        case .manhole: return "manhole"
        case .outfall: return "outfall"
        case .plant: return "plant"
        case .inlet: return "inlet"
        }
    }
    var isOutlet: Bool { self == .outfall || self == .plant }
}

/// Why a pipe exists (clean pipes are `chain`; the rest are planted or special).
enum PipeRole: UInt8, Sendable {
    case chain, overlong, orphan, stub, zeroLength, duplicate
}

/// The drainage network: nodes (manholes, inlets, outfalls, plants) and pipes from upstream to downstream.
/// Missing values are NaN internally (null in the layer).
struct PipeNetwork: Sendable {
    var nx: [Double] = []
    var ny: [Double] = []
    var ground: [Double] = []
    var invert: [Double] = []
    var nodeKind: [NodeKind] = []

    /// Upstream and downstream node of each pipe; `from` is −1 after a near-miss break moved the start.
    var from: [Int32] = []
    var to: [Int32] = []
    /// Start (upstream) and end coordinates.
    var sx: [Double] = []
    var sy: [Double] = []
    var ex: [Double] = []
    var ey: [Double] = []
    var kind: [PipeKind] = []
    var diameter: [Double] = []
    var upInvert: [Double] = []
    var downInvert: [Double] = []
    var role: [PipeRole] = []
    var streetEdge: [Int32] = []

    /// Reserves room so that the arrays do not grow by doubling (memory at a million pipes).
    mutating func reserve(pipes: Int, nodes: Int) {
        nx.reserveCapacity(nodes); ny.reserveCapacity(nodes); ground.reserveCapacity(nodes); invert.reserveCapacity(nodes)
        nodeKind.reserveCapacity(nodes);
        from.reserveCapacity(pipes); to.reserveCapacity(pipes); sx.reserveCapacity(pipes); sy.reserveCapacity(pipes)
        ex.reserveCapacity(pipes); ey.reserveCapacity(pipes); kind.reserveCapacity(pipes); diameter.reserveCapacity(pipes)
        upInvert.reserveCapacity(pipes); downInvert.reserveCapacity(pipes); role.reserveCapacity(pipes); streetEdge.reserveCapacity(pipes)
    }

    /// Drops the pipe arrays (after the pipes layer was made), keeping the nodes.
    mutating func releasePipes() {
        from = []; to = []; sx = []; sy = []; ex = []; ey = []; kind = []
        diameter = []; upInvert = []; downInvert = []; role = []; streetEdge = []
    }

    var nodeCount: Int { nx.count }
    var pipeCount: Int { from.count }

    mutating func addNode(_ p: P, ground g: Double) -> Int {
        nx.append(p.x); ny.append(p.y); ground.append(g); invert.append(.nan); nodeKind.append(.manhole);
        return nx.count - 1
    }

    @discardableResult
    mutating func addPipe(from a: Int, to b: Int, kind k: PipeKind, role r: PipeRole, edge: Int) -> Int {
        from.append(Int32(a)); to.append(Int32(b))
        sx.append(nx[a]); sy.append(ny[a]); ex.append(nx[b]); ey.append(ny[b])
        kind.append(k); diameter.append(.nan); upInvert.append(.nan); downInvert.append(.nan)
        role.append(r); streetEdge.append(Int32(edge))
        return from.count - 1
    }

    func length(_ p: Int) -> Double { P(sx[p], sy[p]).distance(to: P(ex[p], ey[p])) }
}

/// Ground level (m): lowest at the treatment plants and rising 2.5 m per km of street distance from them,
/// with a gentle rolling term — about 17–25 m over the city.
struct GroundField: Sendable {
    let distance: [Double]
    let phase: (Double, Double, Double)
    static let base = 17.5
    static let gradient = 0.0025

    init(street: StreetGraph, sources: [Int], seed: UInt64) {
        distance = dijkstra(nodeCount: street.nodeCount, adjacency: StreetAdjacency(street, edges: nil), sources: sources).distance
        var rng = SeededRandom(seed: seed, stream: .ground)
        phase = (rng.uniform(0, 6.28), rng.uniform(0, 6.28), rng.uniform(0, 6.28))
    }

    func noise(_ p: P) -> Double {
        0.4 * sin(p.x / 700 + phase.0) * cos(p.y / 900 + phase.1) + 0.2 * sin((p.x + p.y) / 350 + phase.2)
    }

    /// Ground at `t` metres along street edge `e` from its first node.
    func at(street: StreetGraph, edge e: Int, t: Double, point p: P) -> Double {
        let a = Int(street.edgeA[e]), b = Int(street.edgeB[e])
        let length = street.length(e)
        var d = min(distance[a] + t, distance[b] + length - t)
        if !d.isFinite { d = 0 }
        return GroundField.base + GroundField.gradient * d + noise(p)
    }

    func atNode(_ n: Int, point p: P) -> Double {
        let d = distance[n].isFinite ? distance[n] : 0
        return GroundField.base + GroundField.gradient * d + noise(p)
    }
}

/// Compressed adjacency (CSR) of the street graph, optionally over a subset of its edges.
struct StreetAdjacency {
    var start: [Int32]
    var neighbour: [Int32]
    var edge: [Int32]
    var weight: [Double]

    init(_ g: StreetGraph, edges subset: [Int32]?) {
        let edges = subset ?? (0 ..< Int32(g.edgeCount)).map { $0 }
        var degree = [Int32](repeating: 0, count: g.nodeCount + 1)
        for e in edges { degree[Int(g.edgeA[Int(e)])] += 1; degree[Int(g.edgeB[Int(e)])] += 1 }
        start = [Int32](repeating: 0, count: g.nodeCount + 1)
        for n in 0 ..< g.nodeCount { start[n + 1] = start[n] + degree[n] }
        var fill = start
        neighbour = [Int32](repeating: 0, count: Int(start[g.nodeCount]))
        edge = neighbour
        weight = [Double](repeating: 0, count: neighbour.count)
        for e in edges {
            let a = Int(g.edgeA[Int(e)]), b = Int(g.edgeB[Int(e)]), w = g.length(Int(e))
            neighbour[Int(fill[a])] = Int32(b); edge[Int(fill[a])] = e; weight[Int(fill[a])] = w; fill[a] += 1
            neighbour[Int(fill[b])] = Int32(a); edge[Int(fill[b])] = e; weight[Int(fill[b])] = w; fill[b] += 1
        }
    }
}

/// A binary min-heap of (key, value) pairs.
struct MinHeap {
    var keys: [Double] = []
    var values: [Int32] = []
    var isEmpty: Bool { keys.isEmpty }

    mutating func push(_ key: Double, _ value: Int32) {
        keys.append(key); values.append(value)
        var i = keys.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if keys[parent] < keys[i] || (keys[parent] == keys[i] && values[parent] <= values[i]) { break }
            keys.swapAt(parent, i); values.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> (Double, Int32) {
        let top = (keys[0], values[0])
        let last = keys.count - 1
        keys.swapAt(0, last); values.swapAt(0, last)
        keys.removeLast(); values.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < keys.count && (keys[l] < keys[m] || (keys[l] == keys[m] && values[l] < values[m])) { m = l }
            if r < keys.count && (keys[r] < keys[m] || (keys[r] == keys[m] && values[r] < values[m])) { m = r }
            if m == i { break }
            keys.swapAt(i, m); values.swapAt(i, m)
            i = m
        }
        return top
    }
}

/// Multi-source Dijkstra: distances and the adjacency slot each node was reached through (−1 at sources
/// and unreached nodes).
func dijkstra(nodeCount: Int, adjacency: StreetAdjacency, sources: [Int]) -> (distance: [Double], via: [Int32]) {
    var distance = [Double](repeating: .infinity, count: nodeCount)
    var via = [Int32](repeating: -1, count: nodeCount)
    var heap = MinHeap()
    for s in sources where distance[s] != 0 { distance[s] = 0; heap.push(0, Int32(s)) }
    while !heap.isEmpty {
        let (d, n32) = heap.pop()
        let n = Int(n32)
        if d > distance[n] { continue }
        for k in Int(adjacency.start[n]) ..< Int(adjacency.start[n + 1]) {
            let m = Int(adjacency.neighbour[k])
            let nd = d + adjacency.weight[k]
            if nd < distance[m] { distance[m] = nd; via[m] = Int32(k); heap.push(nd, Int32(m)) }
        }
    }
    return (distance, via)
}

/// Pipe sizes (mm) by the length of pipe upstream (m), a stand-in for the catchment.
func diameterFor(upstream: Double, kind: PipeKind) -> Double {
    let sewer: [(Double, Double)] = [(600, 300), (1500, 400), (3000, 500), (6000, 600), (12000, 800), (25000, 1000), (50000, 1200)]
    let storm: [(Double, Double)] = [(300, 300), (700, 400), (1400, 500), (2500, 600), (5000, 800), (9000, 1000), (16000, 1200)]
    for (limit, d) in kind == .sewer ? sewer : storm where upstream < limit { return d }
    return 1500
}

/// The standard pipe sizes, smallest first.
let pipeSizes: [Double] = [300, 400, 500, 600, 800, 1000, 1200, 1500]

@inline(__always) func millimetres(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

/// Builds one drainage system (sewer, combined or storm) along a set of street edges.
///
/// Flow follows a shortest-path forest towards the system's outlets (each connected part gets one when it
/// has none): forest edges flow to the parent; other edges of 60 m or more are split at a summit manhole
/// from which two pipes fall to either end; shorter ones flow to the end nearer an outlet. Each edge is cut
/// into pipes of at most 60 m between manholes, so manholes are at least 25 m from junctions. Diameters
/// follow the upstream pipe length (never shrinking downstream); inverts fall at 0.2–1 % from heads laid
/// 1.6–2.2 m deep, keep at least 1.5 m of cover at every manhole and drop where the ground rises.
struct SystemBuilder {
    let kind: PipeKind
    let outletKind: NodeKind
    let street: StreetGraph
    let ground: GroundField
    let edges: [Int32]
    /// Street nodes another system uses: this system's pipes stop 10 m short of them.
    let avoid: [Bool]?
    let outletCandidates: [Int]
    /// Street edges (in preference order) that may carry one over-long pipe, and how many to make.
    let overlongCandidates: [Int32]
    let overlongQuota: Int
    let offset: P
    let seed: UInt64
    let stream: SeededRandom.Stream

    static let maxPiece = 60.0
    static let truncation = 10.0

    /// Adds the system to `net`; returns the over-long pipes made.
    func build(into net: inout PipeNetwork) -> [Int] {
        var rng = SeededRandom(seed: seed, stream: stream)
        let nodeBase = net.nodeCount, pipeBase = net.pipeCount

        // Local graph: one node per street node used (or a truncated end), one edge per street edge.
        var localOf = [Int32](repeating: -1, count: street.nodeCount)
        var lx: [Double] = [], ly: [Double] = [], lg: [Double] = [], lStreet: [Int32] = []
        var ea: [Int32] = [], eb: [Int32] = [], eStreet: [Int32] = [], eta: [Double] = [], etb: [Double] = []
        func streetNode(_ n: Int) -> Int32 {
            if localOf[n] < 0 {
                let p = street.point(n)
                localOf[n] = Int32(lx.count)
                lx.append(p.x); ly.append(p.y); lg.append(ground.atNode(n, point: p)); lStreet.append(Int32(n))
            }
            return localOf[n]
        }
        func cutNode(_ e: Int, t: Double) -> Int32 {
            let a = street.point(Int(street.edgeA[e])), b = street.point(Int(street.edgeB[e]))
            let p = a + (b - a).unit * t
            lx.append(p.x); ly.append(p.y); lg.append(ground.at(street: street, edge: e, t: t, point: p)); lStreet.append(-1)
            return Int32(lx.count - 1)
        }
        var localEdgeOf = [Int32](repeating: -1, count: street.edgeCount)
        for e32 in edges {
            let e = Int(e32)
            let a = Int(street.edgeA[e]), b = Int(street.edgeB[e]), length = street.length(e)
            let cut = min(SystemBuilder.truncation, length / 3)
            let avoidA = avoid?[a] ?? false, avoidB = avoid?[b] ?? false
            let la = avoidA ? cutNode(e, t: cut) : streetNode(a)
            let lb = avoidB ? cutNode(e, t: length - cut) : streetNode(b)
            localEdgeOf[e] = Int32(ea.count)
            ea.append(la); eb.append(lb); eStreet.append(e32)
            eta.append(avoidA ? cut : 0); etb.append(avoidB ? length - cut : length)
        }
        let n = lx.count, m = ea.count
        guard m > 0 else { return [] }

        // Adjacency of the local graph.
        var start = [Int32](repeating: 0, count: n + 1)
        for k in 0 ..< m { start[Int(ea[k]) + 1] += 1; start[Int(eb[k]) + 1] += 1 }
        for i in 0 ..< n { start[i + 1] += start[i] }
        var fill = start
        var adjNode = [Int32](repeating: 0, count: 2 * m), adjEdge = [Int32](repeating: 0, count: 2 * m)
        for k in 0 ..< m {
            let a = Int(ea[k]), b = Int(eb[k])
            adjNode[Int(fill[a])] = Int32(b); adjEdge[Int(fill[a])] = Int32(k); fill[a] += 1
            adjNode[Int(fill[b])] = Int32(a); adjEdge[Int(fill[b])] = Int32(k); fill[b] += 1
        }

        // Outlets: the candidates in this graph, plus the lowest node of every part without one.
        var isOutlet = [Bool](repeating: false, count: n)
        for c in outletCandidates where localOf[c] >= 0 { isOutlet[Int(localOf[c])] = true }
        var parts = UnionFind(n)
        for k in 0 ..< m { parts.union(Int(ea[k]), Int(eb[k])) }
        var hasOutlet = [Bool](repeating: false, count: n)
        for i in 0 ..< n where isOutlet[i] { hasOutlet[parts.find(i)] = true }
        var lowest = [Int](repeating: -1, count: n)
        for i in 0 ..< n where lStreet[i] >= 0 {
            let r = parts.find(i)
            if !hasOutlet[r], lowest[r] < 0 || lg[i] < lg[lowest[r]] { lowest[r] = i }
        }
        for r in 0 ..< n where lowest[r] >= 0 { isOutlet[lowest[r]] = true }

        // Shortest-path forest to the outlets.
        var dist = [Double](repeating: .infinity, count: n)
        var via = [Int32](repeating: -1, count: n)
        var heap = MinHeap()
        for i in 0 ..< n where isOutlet[i] { dist[i] = 0; heap.push(0, Int32(i)) }
        while !heap.isEmpty {
            let (d, u32) = heap.pop()
            let u = Int(u32)
            if d > dist[u] { continue }
            for s in Int(start[u]) ..< Int(start[u + 1]) {
                let k = Int(adjEdge[s]), w = Int(adjNode[s])
                let nd = d + (etb[k] - eta[k])
                if nd < dist[w] { dist[w] = nd; via[w] = Int32(k); heap.push(nd, Int32(w)) }
            }
        }

        // Over-long pipes: forest edges from the candidate list, one pipe with no manhole between.
        var overlong = [Bool](repeating: false, count: m)
        var made = 0
        for e in overlongCandidates where made < overlongQuota {
            let k = Int(localEdgeOf[Int(e)])
            guard k >= 0, eta[k] == 0, etb[k] == street.length(Int(e)) else { continue }
            if via[Int(ea[k])] == Int32(k) || via[Int(eb[k])] == Int32(k) { overlong[k] = true; made += 1 }
        }

        // Pipe nodes: the local nodes first, then manholes along edges.
        for i in 0 ..< n { _ = net.addNode(P(lx[i], ly[i]), ground: lg[i]) }
        var overlongPipes: [Int] = []
        func point(_ k: Int, _ t: Double) -> P {
            let e = Int(eStreet[k])
            let a = street.point(Int(street.edgeA[e])), b = street.point(Int(street.edgeB[e]))
            return a + (b - a).unit * t
        }
        /// Pipes from street parameter t0 (node u) to t1 (node w) along local edge k.
        func run(_ k: Int, from u: Int, _ t0: Double, to w: Int, _ t1: Double, role: PipeRole = .chain) {
            let pieces = role == .overlong ? 1 : max(1, Int((abs(t1 - t0) / SystemBuilder.maxPiece).rounded(.up)))
            var previous = nodeBase + u
            for s in 1 ... pieces {
                let next: Int
                if s == pieces {
                    next = nodeBase + w
                } else {
                    let t = t0 + (t1 - t0) * Double(s) / Double(pieces)
                    let p = point(k, t)
                    next = net.addNode(p, ground: ground.at(street: street, edge: Int(eStreet[k]), t: t, point: p))
                }
                let pipe = net.addPipe(from: previous, to: next, kind: kind, role: role, edge: Int(eStreet[k]))
                if role == .overlong { overlongPipes.append(pipe) }
                previous = next
            }
        }
        for k in 0 ..< m {
            let a = Int(ea[k]), b = Int(eb[k])
            let length = etb[k] - eta[k]
            if via[a] == Int32(k) {
                run(k, from: a, eta[k], to: b, etb[k], role: overlong[k] ? .overlong : .chain)
            } else if via[b] == Int32(k) {
                run(k, from: b, etb[k], to: a, eta[k], role: overlong[k] ? .overlong : .chain)
            } else if length >= SystemBuilder.maxPiece || (isOutlet[a] && isOutlet[b]) {
                // A summit manhole where the flow towards either end is about equal.
                let margin = length >= SystemBuilder.maxPiece ? max(25, 0.25 * length) : length / 2
                let s = min(max((dist[b] - dist[a] + length) / 2, margin), length - margin)
                let t = eta[k] + s
                let p = point(k, t)
                let summit = net.addNode(p, ground: ground.at(street: street, edge: Int(eStreet[k]), t: t, point: p)) - nodeBase
                run(k, from: summit, t, to: a, eta[k])
                run(k, from: summit, t, to: b, etb[k])
            } else if (dist[a], a) > (dist[b], b) {
                run(k, from: a, eta[k], to: b, etb[k])
            } else {
                run(k, from: b, etb[k], to: a, eta[k])
            }
        }

        // Topological order of the flow (a DAG), upstream length, diameters and inverts.
        let nodeEnd = net.nodeCount, pipeEnd = net.pipeCount
        let count = nodeEnd - nodeBase
        var outStart = [Int32](repeating: 0, count: count + 1)
        var indegree = [Int32](repeating: 0, count: count)
        for p in pipeBase ..< pipeEnd {
            outStart[Int(net.from[p]) - nodeBase + 1] += 1
            indegree[Int(net.to[p]) - nodeBase] += 1
        }
        for i in 0 ..< count { outStart[i + 1] += outStart[i] }
        var outFill = outStart
        var outPipe = [Int32](repeating: 0, count: pipeEnd - pipeBase)
        for p in pipeBase ..< pipeEnd {
            let u = Int(net.from[p]) - nodeBase
            outPipe[Int(outFill[u])] = Int32(p); outFill[u] += 1
        }
        var upstream = [Double](repeating: 0, count: count)
        var lowestArrival = [Double](repeating: .infinity, count: count)
        var remaining = indegree
        var queue: [Int32] = []
        queue.reserveCapacity(count)
        for i in 0 ..< count where indegree[i] == 0 { queue.append(Int32(i)) }
        var head = 0
        while head < queue.count {
            let u = Int(queue[head]); head += 1
            let g = net.ground[nodeBase + u]
            var inv: Double
            if indegree[u] == 0 {
                inv = g - rng.uniform(1.6, 2.2)
            } else {
                inv = min(lowestArrival[u], g - 1.5)
            }
            inv = millimetres(inv)
            net.invert[nodeBase + u] = inv
            for s in Int(outStart[u]) ..< Int(outStart[u + 1]) {
                let p = Int(outPipe[s])
                let w = Int(net.to[p]) - nodeBase
                let length = net.length(p)
                let fall = g - net.ground[nodeBase + w]
                var slope = max(0.002, fall / length) + rng.uniform(0, 0.0008)
                slope = max(slope, (inv - (net.ground[nodeBase + w] - 1.5)) / length)
                slope = min(max(slope, 0.002), 0.01)
                let down = millimetres(inv - slope * length)
                net.upInvert[p] = inv
                net.downInvert[p] = min(down, inv - 0.001)
                let acc = upstream[u] + length
                net.diameter[p] = diameterFor(upstream: acc, kind: kind)
                upstream[w] += acc
                lowestArrival[w] = min(lowestArrival[w], net.downInvert[p])
                remaining[w] -= 1
                if remaining[w] == 0 { queue.append(Int32(w)) }
            }
        }
        precondition(queue.count == count, "the flow of a \(kind.name) system has a cycle")

        // Node kinds: outlets; heads with a single pipe are inlets; the rest manholes.
        for i in 0 ..< count {
            let degree = Int(indegree[i]) + Int(outStart[i + 1] - outStart[i])
            if i < n && isOutlet[i] {
                net.nodeKind[nodeBase + i] = outletKind
            } else if indegree[i] == 0 && degree == 1 {
                net.nodeKind[nodeBase + i] = .inlet
            }
        }
        if offset.x != 0 || offset.y != 0 {
            for i in nodeBase ..< nodeEnd { net.nx[i] += offset.x; net.ny[i] += offset.y }
            for p in pipeBase ..< pipeEnd {
                net.sx[p] = net.nx[Int(net.from[p])]; net.sy[p] = net.ny[Int(net.from[p])]
                net.ex[p] = net.nx[Int(net.to[p])]; net.ey[p] = net.ny[Int(net.to[p])]
            }
        }
        return overlongPipes
    }
}

/// The private sewer of a T-headed lane that was never connected: it starts 10 m inside the lane and ends
/// at the T junction, where the lane and both arms meet and nothing leaves (a component with no outlet).
func buildOrphan(lane: Int, arms: [Int], street: StreetGraph, ground: GroundField, into net: inout PipeNetwork) -> [Int] {
    let a = Int(street.edgeA[lane]), b = Int(street.edgeB[lane])
    let pa = street.point(a), pb = street.point(b)
    let length = pa.distance(to: pb), dir = (pb - pa).unit
    let sink = net.addNode(pb, ground: ground.atNode(b, point: pb))
    var pipes: [Int] = []
    let startT = SystemBuilder.truncation
    let pieces = max(1, Int(((length - startT) / SystemBuilder.maxPiece).rounded(.up)))
    var previous = net.addNode(pa + dir * startT, ground: ground.at(street: street, edge: lane, t: startT, point: pa + dir * startT))
    net.nodeKind[previous] = .inlet
    var inv = millimetres(net.ground[previous] - 1.8)
    net.invert[previous] = inv
    for s in 1 ... pieces {
        let next: Int
        if s == pieces {
            next = sink
        } else {
            let t = startT + (length - startT) * Double(s) / Double(pieces)
            next = net.addNode(pa + dir * t, ground: ground.at(street: street, edge: lane, t: t, point: pa + dir * t))
        }
        let p = net.addPipe(from: previous, to: next, kind: .sewer, role: .orphan, edge: lane)
        let down = millimetres(min(inv - 0.005 * net.length(p), net.ground[next] - 1.5))
        net.upInvert[p] = inv; net.downInvert[p] = down; net.diameter[p] = 300
        if next != sink { inv = down; net.invert[next] = inv }
        pipes.append(p)
        previous = next
    }
    for arm in arms {
        let tip = Int(street.edgeB[arm]) == b ? Int(street.edgeA[arm]) : Int(street.edgeB[arm])
        let pt = street.point(tip)
        let head = net.addNode(pt, ground: ground.atNode(tip, point: pt))
        net.nodeKind[head] = .inlet
        let up = millimetres(net.ground[head] - 1.8)
        net.invert[head] = up
        let p = net.addPipe(from: head, to: sink, kind: .sewer, role: .orphan, edge: arm)
        net.upInvert[p] = up; net.downInvert[p] = millimetres(up - 0.005 * net.length(p)); net.diameter[p] = 300
        pipes.append(p)
    }
    net.invert[sink] = pipes.map { net.downInvert[$0] }.min()!
    return pipes
}
