import CIMTables
import Foundation

/// A planted defect in terms of pipe indices (ids are given when the layer is written).
struct PlantedDefect: Sendable {
    var type: DefectType
    var pipes: [Int]
    var x: Double
    var y: Double
    var value: Double
    var fields: [String] = []
}

/// Plants defects into a clean network, each at its own spot: a site's pipes, their end nodes and every
/// pipe touching those nodes are not used again. Sites are ordinary sewer or storm pipes on streets at
/// least two blocks from any region (old town, blank areas).
struct DefectPlanter {
    let layout: CityLayout
    var net: PipeNetwork
    var rng: SeededRandom
    var usedNode: [Bool]
    var usedPipe: [Bool]
    /// Pipes into and out of each node of the clean network (compressed rows).
    let inStart: [Int32], inPipe: [Int32], outStart: [Int32], outPipe: [Int32]
    let cleanNodes: Int
    var defects: [PlantedDefect] = []

    /// Stub length of a dangling end (m).
    static let stubLength = 8.0
    /// Storm pipes lie this far (+x, +y) from the street centre line, where sewers lie.
    static let stormOffset = P(2.83, 2.83)

    init(layout: CityLayout, net: PipeNetwork) {
        self.layout = layout
        self.net = net
        rng = SeededRandom(seed: layout.seed, stream: .defects)
        usedNode = [Bool](repeating: false, count: net.nodeCount)
        usedPipe = [Bool](repeating: false, count: net.pipeCount)
        cleanNodes = net.nodeCount
        func rows(_ node: [Int32]) -> (start: [Int32], pipes: [Int32]) {
            var start = [Int32](repeating: 0, count: net.nodeCount + 1)
            for n in node { start[Int(n) + 1] += 1 }
            for i in 0 ..< net.nodeCount { start[i + 1] += start[i] }
            var fill = start
            var pipes = [Int32](repeating: 0, count: node.count)
            for (p, n) in node.enumerated() { pipes[Int(fill[Int(n)])] = Int32(p); fill[Int(n)] += 1 }
            return (start, pipes)
        }
        (inStart, inPipe) = rows(net.to)
        (outStart, outPipe) = rows(net.from)
    }

    /// Pipes ending at node `n` (in the clean network).
    func incoming(_ n: Int) -> ArraySlice<Int32> { n < cleanNodes ? inPipe[Int(inStart[n]) ..< Int(inStart[n + 1])] : [] }
    /// Pipes starting at node `n` (in the clean network).
    func outgoing(_ n: Int) -> ArraySlice<Int32> { n < cleanNodes ? outPipe[Int(outStart[n]) ..< Int(outStart[n + 1])] : [] }

    /// A pipe that may carry a defect: an ordinary sewer or storm pipe on a grid street (not a lane or a
    /// diagonal) whose blocks are at least two blocks from every region and are not orphan blocks.
    func eligible(_ p: Int) -> Bool {
        guard p < usedPipe.count, net.role[p] == .chain, net.kind[p] != .combined, !usedPipe[p] else { return false }
        let street = layout.street
        let e = Int(net.streetEdge[p])
        guard street.edgeOrigin[e] == .grid, street.edgeClass[e] != .service else { return false }
        let (a, b) = layout.grid.edgeBlocks(Int(street.edgeGrid[e]))
        for blk in [a, b] where blk >= 0 {
            if layout.regionDistance[blk] < 2 || layout.plans[blk].orphan { return false }
        }
        return true
    }

    /// A manhole in the middle of a street run: one pipe in, one pipe out, both eligible.
    func chainNode(_ n: Int) -> (into: Int, out: Int)? {
        guard !usedNode[n], net.nodeKind[n] == .manhole, incoming(n).count == 1, outgoing(n).count == 1 else { return nil }
        let p = Int(incoming(n).first!), q = Int(outgoing(n).first!)
        guard eligible(p), eligible(q) else { return nil }
        return (p, q)
    }

    mutating func markNode(_ n: Int) {
        guard n < cleanNodes else { return }
        usedNode[n] = true
        for p in Array(incoming(n)) + Array(outgoing(n)) {
            usedPipe[Int(p)] = true
            for m in [Int(net.from[Int(p)]), Int(net.to[Int(p)])] where m >= 0 && m < cleanNodes {
                usedNode[m] = true
                for r in Array(incoming(m)) + Array(outgoing(m)) { usedPipe[Int(r)] = true }
            }
        }
    }

    mutating func markPipe(_ p: Int) {
        if p < usedPipe.count { usedPipe[p] = true }
        for m in [Int(net.from[p]), Int(net.to[p])] where m >= 0 { markNode(m) }
    }

    func midpoint(_ p: Int) -> P { P((net.sx[p] + net.ex[p]) / 2, (net.sy[p] + net.ey[p]) / 2) }

    mutating func shuffled(_ range: Range<Int>) -> [Int] {
        var values = Array(range)
        rng.shuffle(&values)
        return values
    }

    mutating func plant(units m: Int, overlong: [Int], orphans: [[Int]]) {
        for p in overlong {
            markPipe(p)
            let mid = midpoint(p)
            defects.append(PlantedDefect(type: .overLong, pipes: [p], x: mid.x, y: mid.y, value: net.length(p)))
        }
        for pipes in orphans {
            let sink = Int(net.to[pipes.last!])
            for p in pipes { usedPipe[p] = true }
            usedNode[sink] = true
            defects.append(PlantedDefect(type: .noOutletComponent, pipes: pipes, x: net.nx[sink], y: net.ny[sink], value: Double(pipes.count)))
        }
        let nodes = shuffled(0 ..< net.nodeCount)
        var cursor = 0

        // Dangling ends: an 8 m stub into a street manhole whose free end touches nothing.
        var made = 0
        while made < m && cursor < nodes.count {
            let n = nodes[cursor]; cursor += 1
            guard let (_, q) = chainNode(n), net.ground[n] - net.invert[n] >= 1.8 else { continue }
            let dir = P(net.ex[q] - net.sx[q], net.ey[q] - net.sy[q]).unit
            var normal = dir.left
            // Away from the other system (storm lies on the +offset side of the sewer).
            let towardsStorm = normal.dot(DefectPlanter.stormOffset) > 0
            if (net.kind[q] == .sewer) == towardsStorm { normal = normal * -1 }
            let free = P(net.nx[n], net.ny[n]) + normal * DefectPlanter.stubLength
            let f = net.addNode(free, ground: net.ground[n])
            let down = millimetres(net.invert[n] + 0.05), up = millimetres(down + 0.005 * DefectPlanter.stubLength)
            net.invert[f] = up
            let stub = net.addPipe(from: f, to: n, kind: net.kind[q], role: .stub, edge: Int(net.streetEdge[q]))
            net.diameter[stub] = 300; net.upInvert[stub] = up; net.downInvert[stub] = down
            markNode(n)
            defects.append(PlantedDefect(type: .danglingEnd, pipes: [stub], x: free.x, y: free.y, value: DefectPlanter.stubLength))
            made += 1
        }

        // Near-miss breaks: at a summit manhole (two pipes leave it), one pipe's start is moved 0.4–1.4 m
        // along the pipe, so its start no longer meets the manhole.
        made = 0
        for n in nodes where made < m {
            guard !usedNode[n], net.nodeKind[n] == .manhole, incoming(n).isEmpty, outgoing(n).count == 2 else { continue }
            let a = Int(outgoing(n).first!), b = Int(outgoing(n).last!)
            guard eligible(a), eligible(b), net.length(a) >= 25, net.length(b) >= 25 else { continue }
            let gap = rng.uniform(0.4, 1.4)
            let dir = P(net.ex[a] - net.sx[a], net.ey[a] - net.sy[a]).unit
            let moved = P(net.nx[n], net.ny[n]) + dir * gap
            markNode(n)
            net.sx[a] = moved.x; net.sy[a] = moved.y; net.from[a] = -1
            let actual = moved.distance(to: P(net.nx[n], net.ny[n]))
            defects.append(PlantedDefect(type: .nearMissBreak, pipes: [a, b], x: moved.x, y: moved.y, value: actual))
            made += 1
        }

        // Diameter shrinking downstream: the pipe leaving a street manhole one size below the one entering.
        made = 0
        for n in nodes where made < m {
            guard let (p, q) = chainNode(n), net.diameter[p] >= 400 else { continue }
            let smaller = pipeSizes.last { $0 < net.diameter[p] }!
            net.diameter[q] = smaller
            markNode(n)
            defects.append(PlantedDefect(type: .diameterShrink, pipes: [p, q], x: net.nx[n], y: net.ny[n], value: net.diameter[p] - smaller))
            made += 1
        }

        // Zero-length pipes: a pipe from a street manhole to itself.
        made = 0
        for n in nodes where made < m {
            guard let (_, q) = chainNode(n) else { continue }
            let z = net.addPipe(from: n, to: n, kind: net.kind[q], role: .zeroLength, edge: Int(net.streetEdge[q]))
            net.diameter[z] = net.diameter[q]; net.upInvert[z] = net.invert[n]; net.downInvert[z] = net.invert[n]
            markNode(n)
            defects.append(PlantedDefect(type: .zeroLength, pipes: [z], x: net.nx[n], y: net.ny[n], value: 0))
            made += 1
        }

        let pipes = shuffled(0 ..< net.pipeCount)
        // Reversed slopes: up and down inverts swapped (keeping 1.5 m of cover at the downstream end).
        made = 0
        for p in pipes where made < m {
            guard eligible(p), net.from[p] >= 0 else { continue }
            let up = net.upInvert[p], down = net.downInvert[p]
            guard up - down >= 0.08, net.ground[Int(net.to[p])] - up >= 1.5 else { continue }
            net.upInvert[p] = down; net.downInvert[p] = up
            markPipe(p)
            let mid = midpoint(p)
            defects.append(PlantedDefect(type: .reversedSlope, pipes: [p], x: mid.x, y: mid.y, value: millimetres(up - down)))
            made += 1
        }

        // Duplicates: the same pipe twice (same geometry and attributes).
        made = 0
        for p in pipes where made < m {
            guard eligible(p), net.from[p] >= 0 else { continue }
            let d = net.addPipe(from: Int(net.from[p]), to: Int(net.to[p]), kind: net.kind[p], role: .duplicate, edge: Int(net.streetEdge[p]))
            net.diameter[d] = net.diameter[p]; net.upInvert[d] = net.upInvert[p]; net.downInvert[d] = net.downInvert[p]
            markPipe(p)
            let mid = midpoint(p)
            defects.append(PlantedDefect(type: .duplicatePipe, pipes: [p, d], x: mid.x, y: mid.y, value: net.length(p)))
            made += 1
        }

        // Missing attributes: diameter, inverts, or all three left empty.
        made = 0
        let patterns = [["diameter_mm"], ["up_invert", "down_invert"], ["diameter_mm", "up_invert", "down_invert"]]
        for p in pipes where made < m {
            guard eligible(p), net.from[p] >= 0 else { continue }
            let fields = patterns[made % patterns.count]
            for field in fields {
                switch field {
                case "diameter_mm": net.diameter[p] = .nan
                case "up_invert": net.upInvert[p] = .nan
                default: net.downInvert[p] = .nan
                }
            }
            markPipe(p)
            let mid = midpoint(p)
            defects.append(PlantedDefect(type: .missingAttributes, pipes: [p], x: mid.x, y: mid.y, value: Double(fields.count), fields: fields))
            made += 1
        }

        let order = Dictionary(uniqueKeysWithValues: DefectType.allCases.enumerated().map { ($1, $0) })
        defects.sort { (order[$0.type]!, $0.pipes[0]) < (order[$1.type]!, $1.pipes[0]) }
    }
}
