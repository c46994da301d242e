@testable import CIMAnalysis
import CIMGeometry
import CIMIndex
import CIMStore
import Foundation
import Testing

/// A pipe network built by a test: nodes and pipes with their attributes.
struct TestNetwork {
    struct Node { var x: Double; var y: Double; var kind: String?; var id: String; var invert: Double? }
    struct Pipe { var id: String; var coords: [(Double, Double)]; var kind: String? = "sewer"; var diameter: Double?; var up: Double?; var down: Double? }
    var nodes: [Node] = []
    var pipes: [Pipe] = []

    var pipeTable: FeatureTable {
        pipesTable(pipes.map(\.coords), kinds: pipes.map(\.kind), diameters: pipes.map(\.diameter), up: pipes.map(\.up),
                   down: pipes.map(\.down), ids: pipes.map(\.id))
    }
    var nodeTable: FeatureTable {
        nodesTable(nodes.map { ($0.x, $0.y) }, kinds: nodes.map(\.kind), ids: nodes.map(\.id), inverts: nodes.map(\.invert))
    }
    func node(_ id: String) -> Node { nodes.first { $0.id == id }! }
    /// A pipe between two nodes with their inverts.
    mutating func connect(_ from: String, _ to: String, diameter: Double?, id: String? = nil) {
        let a = node(from), b = node(to)
        pipes.append(Pipe(id: id ?? "\(from)-\(to)", coords: [(a.x, a.y), (b.x, b.y)], diameter: diameter, up: a.invert, down: b.invert))
    }
    func audit(_ options: AuditOptions = AuditOptions()) throws -> AuditResult {
        var timings = StageTimings()
        return try PipeAudit.run(pipes: pipeTable, nodes: nodeTable, options: options, timings: &timings)
    }
}

/// What a test planted: type, place, pipes and (optionally) the measured value.
struct PlantedDefect: CustomStringConvertible {
    var type: DefectType
    var x: Double
    var y: Double
    var pipes: [String]
    var value: Double?
    /// For duplicates: the place is anywhere on this pipe.
    var onPipe: [(Double, Double)]? = nil
    var description: String { "\(type.rawValue) at (\(x), \(y)) pipes \(pipes)" }

    func matches(_ d: PipeDefect) -> Bool {
        guard d.type == type, Set(pipes).isSubset(of: Set(d.pipeIds)) else { return false }
        if let line = onPipe {
            let on = zip(line, line.dropFirst()).contains { a, b in pointSegmentDistance(d.x, d.y, a.0, a.1, b.0, b.1) <= 1e-6 }
            guard on else { return false }
        } else if abs(d.x - x) > 1e-6 || abs(d.y - y) > 1e-6 {
            return false
        }
        if let value, abs((d.value ?? .nan) - value) > 1e-6 { return false }
        return true
    }
}

/// A small clean network: outfall O; manholes M1, M2; inlets I1, I2, I3.
///
///     I3 (50,-50)            I2 (100,50)
///        |                      |
///   O ── M1 (50,0) ──────── M2 (100,0) ── I1 (150,0)
func cleanNetwork() -> TestNetwork {
    var net = TestNetwork()
    net.nodes = [
        .init(x: 0, y: 0, kind: "outfall", id: "O", invert: 9.0),
        .init(x: 50, y: 0, kind: "manhole", id: "M1", invert: 9.5),
        .init(x: 100, y: 0, kind: "manhole", id: "M2", invert: 9.8),
        .init(x: 150, y: 0, kind: "inlet", id: "I1", invert: 10.0),
        .init(x: 100, y: 50, kind: "inlet", id: "I2", invert: 10.0),
        .init(x: 50, y: -50, kind: "inlet", id: "I3", invert: 9.9),
    ]
    net.connect("I1", "M2", diameter: 300)
    net.connect("I2", "M2", diameter: 300)
    net.connect("M2", "M1", diameter: 400)
    net.connect("I3", "M1", diameter: 300)
    net.connect("M1", "O", diameter: 500)
    return net
}

/// A random tree network draining to one outfall: every new manhole joins an existing node by a 20–60 m
/// pipe; inverts rise upstream; diameters grow with the pipes upstream; heads are inlets. Clean.
func randomTree(seed: UInt64, nodes count: Int) -> TestNetwork {
    var rng = SeededRandom(seed: seed)
    var net = TestNetwork()
    net.nodes.append(.init(x: 10_000, y: 20_000, kind: "outfall", id: "N0", invert: 5))
    var parent: [Int] = [-1]
    while net.nodes.count < count {
        let p = rng.int(max(0, net.nodes.count - 40) ..< net.nodes.count)
        let angle = rng.uniform(0 ... 2 * .pi), length = rng.uniform(20 ... 60)
        let x = net.nodes[p].x + length * cos(angle), y = net.nodes[p].y + length * sin(angle)
        if net.nodes.contains(where: { ($0.x - x) * ($0.x - x) + ($0.y - y) * ($0.y - y) < 25 }) { continue }
        // Pipes meeting at a node keep 0.3 rad apart, so no two lie on top of each other.
        let neighbours = (1 ..< net.nodes.count).filter { parent[$0] == p }.map { net.nodes[$0] } + (parent[p] >= 0 ? [net.nodes[parent[p]]] : [])
        if neighbours.contains(where: { n in
            var d = abs(atan2(n.y - net.nodes[p].y, n.x - net.nodes[p].x) - angle).truncatingRemainder(dividingBy: 2 * .pi)
            if d > .pi { d = 2 * .pi - d }
            return d < 0.3
        }) { continue }
        net.nodes.append(.init(x: x, y: y, kind: "manhole", id: "N\(net.nodes.count)", invert: net.nodes[p].invert! + length * rng.uniform(0.003 ... 0.01)))
        parent.append(p)
    }
    var upstream = [Int](repeating: 1, count: count)  // pipes in the subtree of each node's outgoing pipe
    for v in stride(from: count - 1, through: 1, by: -1) where parent[v] > 0 { upstream[parent[v]] += upstream[v] }
    var hasChild = [Bool](repeating: false, count: count)
    for v in 1 ..< count { hasChild[parent[v]] = true }
    for v in 1 ..< count {
        if !hasChild[v] { net.nodes[v].kind = "inlet" }
        let dn = 300 + 100 * Double(Int(log2(Double(upstream[v] + 1))))
        net.connect("N\(v)", "N\(parent[v])", diameter: dn, id: "P\(v)")
    }
    return net
}

@Suite("Drainage: pipe-network audit with planted defects")
struct DrainageAuditTests {
    @Test("a clean network reports no defect; one component reaching the outfall")
    func cleanHandMade() throws {
        let r = try cleanNetwork().audit()
        #expect(r.defects.isEmpty, "\(r.defects.map { "\($0.type.rawValue): \($0.detail)" })")
        #expect(r.components.count == 1 && r.components[0].outlets == ["O"])
        #expect(r.graph.nodeCount == 6)
        #expect(r.graph.matchedNode.allSatisfy { $0 >= 0 })
        #expect(r.warnings.isEmpty)
    }

    @Test("clean random tree networks report no defect", arguments: [21, 22, 23] as [UInt64])
    func cleanRandom(seed: UInt64) throws {
        let net = randomTree(seed: seed, nodes: 300)
        let r = try net.audit()
        #expect(r.defects.isEmpty, "\(r.defects.prefix(5).map { "\($0.type.rawValue): \($0.detail) \($0.pipeIds)" })")
        #expect(r.components.count == 1 && r.components[0].hasOutlet)
        #expect(r.pipes.count == 299)
    }

    /// One planted defect per case on the hand-made network: the defect, plus the consequences it implies.
    @Test("each planted defect is found with its type, place, pipes and value", arguments: DefectType.allCases)
    func plantedByHand(type: DefectType) throws {
        var net = cleanNetwork()
        var planted: [PlantedDefect] = []
        func index(_ id: String) -> Int { net.pipes.firstIndex { $0.id == id }! }
        switch type {
        case .danglingEnd:
            net.pipes.append(.init(id: "d", coords: [(130, 30), (100, 0)], diameter: 200, up: 10.5, down: 9.8))
            planted = [PlantedDefect(type: .danglingEnd, x: 130, y: 30, pipes: ["d"], value: nil)]
        case .nearMissBreak:
            net.pipes[index("I1-M2")].coords[1] = (101, 0)
            planted = [PlantedDefect(type: .nearMissBreak, x: 100.5, y: 0, pipes: ["I1-M2", "I2-M2", "M2-M1"], value: 1),
                       PlantedDefect(type: .noOutletComponent, x: 101, y: 0, pipes: ["I1-M2"], value: 1)]
        case .noOutletComponent:
            net.nodes += [.init(x: 500, y: 500, kind: "inlet", id: "I9", invert: 12), .init(x: 550, y: 500, kind: "manhole", id: "M9", invert: 11.5),
                          .init(x: 600, y: 500, kind: "manhole", id: "M10", invert: 11)]
            net.connect("I9", "M9", diameter: 300)
            net.connect("M9", "M10", diameter: 300)
            planted = [PlantedDefect(type: .noOutletComponent, x: 600, y: 500, pipes: ["I9-M9", "M9-M10"], value: 2),
                       PlantedDefect(type: .danglingEnd, x: 600, y: 500, pipes: ["M9-M10"], value: nil)]
        case .reversedSlope:
            // Inverts swapped on one pipe, and another pipe drawn against the flow.
            let k = index("I2-M2")
            (net.pipes[k].up, net.pipes[k].down) = (9.8, 10.0)
            let m = index("M2-M1")
            net.pipes[m].coords.reverse()
            net.pipes[m].up = nil
            net.pipes[m].down = nil
            planted = [PlantedDefect(type: .reversedSlope, x: 100, y: 25, pipes: ["I2-M2"], value: 0.2),
                       PlantedDefect(type: .reversedSlope, x: 75, y: 0, pipes: ["M2-M1"], value: 0.3),          // inverts from the nodes
                       PlantedDefect(type: .reversedSlope, x: 100, y: 0, pipes: ["I1-M2", "I2-M2", "M2-M1"], value: 3),  // flows meet at M2
                       // The pipe's own record has no inverts (the slope check borrows the nodes'): incomplete.
                       PlantedDefect(type: .missingAttributes, x: 75, y: 0, pipes: ["M2-M1"], value: 2)]
        case .diameterShrink:
            net.pipes[index("M1-O")].diameter = 350
            planted = [PlantedDefect(type: .diameterShrink, x: 50, y: 0, pipes: ["M2-M1", "M1-O"], value: 50)]
        case .zeroLength:
            net.pipes.append(.init(id: "z", coords: [(50, 0), (50, 0)], diameter: 400, up: 9.5, down: 9.5))
            planted = [PlantedDefect(type: .zeroLength, x: 50, y: 0, pipes: ["z"], value: 0)]
        case .overLong:
            let k = index("I1-M2")
            net.pipes[k].coords[0] = (300, 0)
            if let i = net.nodes.firstIndex(where: { $0.id == "I1" }) { net.nodes[i].x = 300 }
            planted = [PlantedDefect(type: .overLong, x: 200, y: 0, pipes: ["I1-M2"], value: 200)]
        case .duplicatePipe:
            var copy = net.pipes[index("I3-M1")]
            copy.id = "dup"
            net.pipes.append(copy)
            planted = [PlantedDefect(type: .duplicatePipe, x: 50, y: -25, pipes: ["I3-M1", "dup"], value: 50)]
        case .missingAttributes:
            net.pipes[index("I2-M2")].diameter = nil
            planted = [PlantedDefect(type: .missingAttributes, x: 100, y: 25, pipes: ["I2-M2"], value: 1)]
        }
        let r = try net.audit()
        for p in planted {
            #expect(r.defects.contains(where: p.matches), "not found: \(p)\nfound: \(r.defects.map { "\($0.type.rawValue) (\($0.x), \($0.y)) \($0.pipeIds) \($0.value ?? .nan)" })")
        }
        #expect(r.defects.count == planted.count, "\(r.defects.map { "\($0.type.rawValue): \($0.detail)" })")
    }

    @Test("random networks with one planted defect of every type: all found in place, nothing else", arguments: [31, 32, 33] as [UInt64])
    func plantedRandom(seed: UInt64) throws {
        var net = randomTree(seed: seed, nodes: 250)
        var rng = SeededRandom(seed: seed &* 7)
        var planted: [PlantedDefect] = []
        var touched = Set<Int>()    // nodes whose pipes a plant changed
        let n = net.nodes.count
        /// The nodes at a pipe's first and last coordinate (-1 where there is none).
        func ends(_ k: Int) -> (Int, Int) {
            let from = net.nodes.firstIndex { $0.x == net.pipes[k].coords.first!.0 && $0.y == net.pipes[k].coords.first!.1 } ?? -1
            let to = net.nodes.firstIndex { $0.x == net.pipes[k].coords.last!.0 && $0.y == net.pipes[k].coords.last!.1 } ?? -1
            return (from, to)
        }
        func children(_ v: Int) -> [Int] { net.pipes.indices.filter { ends($0).1 == v } }
        func outgoing(_ v: Int) -> Int? { net.pipes.indices.first { ends($0).0 == v } }
        func pick(_ ok: (Int) -> Bool, among range: Range<Int>) -> Int {
            for _ in 0 ..< 10_000 { let k = rng.int(range); if ok(k) { return k } }
            fatalError("no candidate")
        }
        func free(_ vs: Int...) -> Bool { vs.allSatisfy { !touched.contains($0) } }
        func mid(_ k: Int) -> (Double, Double) {
            let a = net.pipes[k].coords.first!, b = net.pipes[k].coords.last!
            return ((a.0 + b.0) / 2, (a.1 + b.1) / 2)
        }
        let pipeCount = net.pipes.count
        // Neighbourhoods of touched nodes stay apart: a plant touches a node and its neighbours.
        func touch(_ vs: Int...) { for v in vs { touched.insert(v); for k in children(v) { touched.insert(ends(k).0) }; if let o = outgoing(v) { touched.insert(ends(o).1) } } }

        // reversed_slope: swap one pipe's inverts.
        let k1 = pick({ let (a, b) = ends($0); return free(a, b) }, among: 0 ..< pipeCount)
        let (u1, d1) = (net.pipes[k1].up!, net.pipes[k1].down!)
        (net.pipes[k1].up, net.pipes[k1].down) = (d1, u1)
        planted.append(PlantedDefect(type: .reversedSlope, x: mid(k1).0, y: mid(k1).1, pipes: [net.pipes[k1].id], value: u1 - d1))
        touch(ends(k1).0, ends(k1).1)

        // diameter_shrink: the pipe leaving an internal node made 100 mm narrower than the widest arriving.
        let v2 = pick({ v in free(v) && !children(v).isEmpty && outgoing(v) != nil && free(ends(outgoing(v)!).1) }, among: 1 ..< n)
        let widest = children(v2).map { net.pipes[$0].diameter! }.max()!
        let out2 = outgoing(v2)!
        net.pipes[out2].diameter = widest - 100
        planted.append(PlantedDefect(type: .diameterShrink, x: net.nodes[v2].x, y: net.nodes[v2].y, pipes: [net.pipes[out2].id],
                                     value: 100))
        touch(v2, ends(out2).1)

        // zero_length: a pipe from an internal manhole to itself.
        let v3 = pick({ v in free(v) && !children(v).isEmpty && outgoing(v) != nil }, among: 1 ..< n)
        let node3 = net.nodes[v3]
        net.pipes.append(.init(id: "zero", coords: [(node3.x, node3.y), (node3.x, node3.y)], diameter: children(v3).map { net.pipes[$0].diameter! }.max()!,
                               up: node3.invert, down: node3.invert))
        planted.append(PlantedDefect(type: .zeroLength, x: node3.x, y: node3.y, pipes: ["zero"], value: 0))
        touch(v3)

        // over_long: a head pipe stretched to 120–180 m.
        let k4 = pick({ k in let (a, b) = ends(k); return free(a, b) && net.nodes[a].kind == "inlet" }, among: 0 ..< pipeCount)
        let (a4, b4) = ends(k4)
        let length4 = rng.uniform(120 ... 180)
        let dx4 = net.nodes[a4].x - net.nodes[b4].x, dy4 = net.nodes[a4].y - net.nodes[b4].y, l4 = (dx4 * dx4 + dy4 * dy4).squareRoot()
        let head = (net.nodes[b4].x + dx4 / l4 * length4, net.nodes[b4].y + dy4 / l4 * length4)
        net.nodes[a4].x = head.0; net.nodes[a4].y = head.1
        net.nodes[a4].invert = net.nodes[b4].invert! + 0.005 * length4
        net.pipes[k4].coords[0] = head
        net.pipes[k4].up = net.nodes[a4].invert
        planted.append(PlantedDefect(type: .overLong, x: (head.0 + net.nodes[b4].x) / 2, y: (head.1 + net.nodes[b4].y) / 2, pipes: [net.pipes[k4].id], value: length4))
        touch(a4, b4)

        // duplicate_pipe: one pipe copied.
        let k5 = pick({ k in let (a, b) = ends(k); return free(a, b) }, among: 0 ..< pipeCount)
        var copy = net.pipes[k5]
        copy.id = "dup"
        net.pipes.append(copy)
        let l5 = zip(copy.coords, copy.coords.dropFirst()).reduce(0.0) { $0 + (($1.1.0 - $1.0.0) * ($1.1.0 - $1.0.0) + ($1.1.1 - $1.0.1) * ($1.1.1 - $1.0.1)).squareRoot() }
        planted.append(PlantedDefect(type: .duplicatePipe, x: 0, y: 0, pipes: [net.pipes[k5].id, "dup"], value: l5, onPipe: copy.coords))
        touch(ends(k5).0, ends(k5).1)

        // missing_attributes: one pipe without a diameter.
        let k6 = pick({ k in let (a, b) = ends(k); return free(a, b) }, among: 0 ..< pipeCount)
        net.pipes[k6].diameter = nil
        planted.append(PlantedDefect(type: .missingAttributes, x: mid(k6).0, y: mid(k6).1, pipes: [net.pipes[k6].id], value: 1))
        touch(ends(k6).0, ends(k6).1)

        // dangling_end: a new pipe into an internal manhole from a point with no node, 30 m away.
        let v7 = pick({ v in free(v) && !children(v).isEmpty && outgoing(v) != nil }, among: 1 ..< n)
        var w7 = (0.0, 0.0)
        repeat {
            let angle = rng.uniform(0 ... 2 * .pi)
            w7 = (net.nodes[v7].x + 30 * cos(angle), net.nodes[v7].y + 30 * sin(angle))
        } while net.nodes.contains { ($0.x - w7.0) * ($0.x - w7.0) + ($0.y - w7.1) * ($0.y - w7.1) < 25 }
        net.pipes.append(.init(id: "dangling", coords: [w7, (net.nodes[v7].x, net.nodes[v7].y)], diameter: 200,
                               up: net.nodes[v7].invert! + 0.3, down: net.nodes[v7].invert))
        planted.append(PlantedDefect(type: .danglingEnd, x: w7.0, y: w7.1, pipes: ["dangling"], value: nil))
        touch(v7)

        // near_miss_break: a head pipe's downstream end moved 1 m off its manhole; the head pipe then reaches
        // no outlet (a consequence the audit must report too).
        let k8 = pick({ k in let (a, b) = ends(k); return free(a, b) && net.nodes[a].kind == "inlet" && b != 0 }, among: 0 ..< pipeCount)
        let (a8, b8) = ends(k8)
        var moved = (0.0, 0.0)
        repeat {
            let angle = rng.uniform(0 ... 2 * .pi)
            moved = (net.nodes[b8].x + cos(angle), net.nodes[b8].y + sin(angle))
        } while net.nodes.enumerated().contains { $0.offset != b8 && ($0.element.x - moved.0) * ($0.element.x - moved.0) + ($0.element.y - moved.1) * ($0.element.y - moved.1) < 9 }
        let pipesAtB8 = net.pipes.indices.filter { k in k != k8 && (ends(k).0 == b8 || ends(k).1 == b8) }.map { net.pipes[$0].id }
        net.pipes[k8].coords[net.pipes[k8].coords.count - 1] = moved
        planted.append(PlantedDefect(type: .nearMissBreak, x: (moved.0 + net.nodes[b8].x) / 2, y: (moved.1 + net.nodes[b8].y) / 2,
                                     pipes: [net.pipes[k8].id] + pipesAtB8, value: 1))
        planted.append(PlantedDefect(type: .noOutletComponent, x: moved.0, y: moved.1, pipes: [net.pipes[k8].id], value: 1))
        touch(a8, b8)

        // no_outlet_component: a separate chain far from the network; its downstream end dangles too.
        let far = (net.nodes.map(\.x).max()! + 500, net.nodes.map(\.y).max()! + 500)
        net.nodes += [.init(x: far.0, y: far.1, kind: "inlet", id: "C0", invert: 30), .init(x: far.0 + 40, y: far.1, kind: "manhole", id: "C1", invert: 29.8),
                      .init(x: far.0 + 80, y: far.1 + 10, kind: "manhole", id: "C2", invert: 29.5)]
        net.connect("C0", "C1", diameter: 300)
        net.connect("C1", "C2", diameter: 300)
        planted.append(PlantedDefect(type: .noOutletComponent, x: far.0 + 80, y: far.1 + 10, pipes: ["C0-C1", "C1-C2"], value: 2))
        planted.append(PlantedDefect(type: .danglingEnd, x: far.0 + 80, y: far.1 + 10, pipes: ["C1-C2"], value: nil))

        let r = try net.audit()
        for p in planted {
            #expect(r.defects.contains(where: p.matches), "seed \(seed): not found: \(p)")
        }
        for d in r.defects {
            #expect(planted.contains { $0.matches(d) }, "seed \(seed): unexpected \(d.type.rawValue) at (\(d.x), \(d.y)) \(d.pipeIds): \(d.detail)")
        }
        #expect(r.defects.count == planted.count)
        #expect(Set(r.defects.map(\.type)) == Set(DefectType.allCases))
    }

    @Test("nodes decide outlets and dangling ends; tolerances; kinds that may not connect")
    func nodesAndTolerances() throws {
        // Without pipe nodes every component lacks an outlet and every free end dangles.
        var net = cleanNetwork()
        var timings = StageTimings()
        let bare = try PipeAudit.run(pipes: net.pipeTable, nodes: nil, options: AuditOptions(), timings: &timings)
        #expect(bare.count(.noOutletComponent) == 1)
        #expect(bare.count(.danglingEnd) == 4)   // three inlets and the outfall end
        #expect(bare.defects.filter { $0.type == .danglingEnd }.allSatisfy { $0.severity != .low })
        #expect(bare.warnings.contains { $0.contains("no pipe nodes") })
        // A gap of 1.5 m is a near miss at the default tolerance, not at 1 m.
        net.pipes[0].coords[1] = (101.5, 0)
        #expect(try net.audit().count(.nearMissBreak) == 1)
        let strict = try net.audit(AuditOptions(gapTolerance: 1))
        #expect(strict.count(.nearMissBreak) == 0)
        #expect(strict.count(.danglingEnd) == 1)    // the moved end; M2 keeps two pipes
        #expect(strict.count(.noOutletComponent) == 1)
        // A storm pipe ending next to a sewer is not a break between them.
        var mixed = cleanNetwork()
        mixed.pipes.append(.init(id: "s", coords: [(120, 80), (101, 0)], kind: "storm", diameter: 300, up: 11, down: 10))
        let m = try mixed.audit(AuditOptions(kinds: .drainage))
        #expect(m.count(.nearMissBreak) == 0)
        #expect(m.count(.danglingEnd) == 2)
        // A one-point-off node does not match an end at the default 1 cm tolerance.
        var off = cleanNetwork()
        off.nodes[0].x = 0.5
        #expect(try off.audit().count(.noOutletComponent) == 1)
        #expect(try off.audit(AuditOptions(nodeTolerance: 1)).count(.noOutletComponent) == 0)
        // --max-length overrides the diameter table.
        #expect(try cleanNetwork().audit(AuditOptions(maxLength: 49)).count(.overLong) == 5)
    }

    @Test("inverts missing on every pipe: counted once, not listed; node inverts fill them in")
    func missingInverts() throws {
        var net = cleanNetwork()
        for k in net.pipes.indices { net.pipes[k].up = nil; net.pipes[k].down = nil }
        // With node inverts the pipes' inverts come from the nodes: still clean.
        let fromNodes = try net.audit()
        #expect(fromNodes.defects.isEmpty)
        #expect(fromNodes.invertsFromNodes == 10)
        // Without them: no per-pipe rows, a clear warning, the count in the summary.
        for v in net.nodes.indices { net.nodes[v].invert = nil }
        let r = try net.audit()
        #expect(r.count(.missingAttributes) == 0)
        #expect(r.missingEverywhere == ["up_invert", "down_invert"])
        #expect(r.missing["up_invert"] == 5)
        #expect(r.warnings.contains { $0.contains("no audited pipe has inverts") })
        #expect(r.defects.isEmpty)
        // One pipe with inverts among many without: the others are listed.
        net.pipes[0].up = 10; net.pipes[0].down = 9.8
        #expect(try net.audit().count(.missingAttributes) == 4)
    }

    @Test("the defect layer keeps every defect with its type names, through the store")
    func defectLayer() throws {
        var net = cleanNetwork()
        net.pipes[4].diameter = 350
        net.pipes.append(.init(id: "d", coords: [(130, 30), (100, 0)], diameter: 200, up: 10.5, down: 9.8))
        let r = try net.audit()
        let folder = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try GeoPackageStore.openOrCreate(folder.appendingPathComponent("a.gpkg").path, crs: RandomCity.crs)
        try store.writeLayer(r.defectLayer(), provenance: LayerProvenance(source: "test"))
        let back = try store.snapshot("pipe_defects")
        #expect(back.count == 2)
        #expect(Set(back.text("type")!.compactMap { $0 }) == ["diameter_shrink", "dangling_end"])
        #expect(back.text("pipe_ids")!.contains("M2-M1,M1-O"))
        #expect(back.geometryType == .point)
    }
}
