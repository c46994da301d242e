@testable import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation
import Testing

/// An independent reference audit of a pipes and pipe_nodes layer, following the truth file's conventions,
/// used to check that the truth lists every problem of the network and nothing else.
struct ReferenceAudit {
    struct Finding: Hashable, CustomStringConvertible {
        var type: String
        var pipes: [String]
        var description: String { "\(type) \(pipes)" }
    }

    var findings: Set<Finding> = []
    var locations: [Finding: (Double, Double, Double)] = [:]
    /// Pipe ends closer than 2 m to a pipe they do not share that end with (near-miss ends excluded).
    var crowdedEnds: [String] = []
    /// Pipe ends with no node, nodes with no pipe end.
    var endsWithoutNode: [String] = []
    var nodesWithoutPipe = 0
    /// Clean pipes breaking a design rule (length, slope, cover, size).
    var ruleBreaks: [String] = []

    init(pipes: FeatureTable, nodes: FeatureTable) {
        let ids = texts(pipes, "id").map { $0 ?? "" }
        let kinds = texts(pipes, "kind")
        let diameter = reals(pipes, "diameter_mm"), up = reals(pipes, "up_invert"), down = reals(pipes, "down_invert")
        let ends = (0 ..< pipes.count).map { lineEnds(pipes.geometries, $0) }
        let nodeKinds = texts(nodes, "kind"), ground = reals(nodes, "ground_z")
        var nodeAt: [Key: Int] = [:]
        for n in 0 ..< nodes.count {
            let c = nodes.geometries.firstCoordinate(of: n)
            nodeAt[Key(c.x, c.y)] = n
        }
        var endCount: [Key: Int] = [:]
        var startsAt: [Key: [Int]] = [:], endsAt: [Key: [Int]] = [:]
        for (p, e) in ends.enumerated() {
            endCount[Key(e.sx, e.sy), default: 0] += 1
            endCount[Key(e.ex, e.ey), default: 0] += 1
            startsAt[Key(e.sx, e.sy), default: []].append(p)
            endsAt[Key(e.ex, e.ey), default: []].append(p)
        }
        func length(_ p: Int) -> Double { let e = ends[p]; return ((e.ex - e.sx) * (e.ex - e.sx) + (e.ey - e.sy) * (e.ey - e.sy)).squareRoot() }
        func add(_ type: String, _ pipes: [Int], _ x: Double, _ y: Double, _ value: Double) {
            let f = Finding(type: type, pipes: pipes.map { ids[$0] })
            findings.insert(f)
            locations[f] = (x, y, value)
        }
        let zero = Set((0 ..< pipes.count).filter { ends[$0].sx == ends[$0].ex && ends[$0].sy == ends[$0].ey })
        for p in zero.sorted() { add("zero_length", [p], ends[p].sx, ends[p].sy, 0) }
        var byEnds: [[UInt64]: [Int]] = [:]
        for p in 0 ..< pipes.count where !zero.contains(p) {
            let e = ends[p]
            byEnds[[e.sx.bitPattern, e.sy.bitPattern, e.ex.bitPattern, e.ey.bitPattern], default: []].append(p)
        }
        var duplicates = Set<Int>()
        for group in byEnds.values where group.count > 1 {
            let g = group.sorted()
            for q in g.dropFirst() {
                duplicates.insert(q)
                add("duplicate_pipe", [g[0], q], (ends[q].sx + ends[q].ex) / 2, (ends[q].sy + ends[q].ey) / 2, length(q))
            }
        }
        var missing = Set<Int>()
        for p in 0 ..< pipes.count where diameter[p] == nil || up[p] == nil || down[p] == nil {
            missing.insert(p)
            let count = [diameter[p], up[p], down[p]].filter { $0 == nil }.count
            add("missing_attributes", [p], (ends[p].sx + ends[p].ex) / 2, (ends[p].sy + ends[p].ey) / 2, Double(count))
        }
        var reversed = Set<Int>()
        for p in 0 ..< pipes.count {
            if let u = up[p], let d = down[p], d > u {
                reversed.insert(p)
                add("reversed_slope", [p], (ends[p].sx + ends[p].ex) / 2, (ends[p].sy + ends[p].ey) / 2, d - u)
            }
        }
        var overLong = Set<Int>()
        for p in 0 ..< pipes.count where length(p) > 200 {
            overLong.insert(p)
            add("over_long", [p], (ends[p].sx + ends[p].ex) / 2, (ends[p].sy + ends[p].ey) / 2, length(p))
        }
        var shrinking = Set<Int>()
        for (key, into) in endsAt {
            for p in into where !zero.contains(p) {
                for q in startsAt[key] ?? [] where !zero.contains(q) {
                    if let dp = diameter[p], let dq = diameter[q], dq < dp {
                        shrinking.insert(p); shrinking.insert(q)
                        add("diameter_shrink", [p, q], ends[q].sx, ends[q].sy, dp - dq)
                    }
                }
            }
        }

        // Loose ends: touching no other pipe end and not at an inlet, outfall or plant.
        var loose: [(pipe: Int, x: Double, y: Double, start: Bool)] = []
        for p in 0 ..< pipes.count {
            for (x, y, start) in [(ends[p].sx, ends[p].sy, true), (ends[p].ex, ends[p].ey, false)] {
                let key = Key(x, y)
                let kind = nodeAt[key].flatMap { nodeKinds[$0] }
                if endCount[key] == 1 && !["inlet", "outfall", "plant"].contains(kind ?? "") { loose.append((p, x, y, start)) }
                if nodeAt[key] == nil { endsWithoutNode.append("\(ids[p]) \(start ? "start" : "end")") }
            }
        }
        var usedEnd = Set<Int>()
        var nearMissEnds = Set<Key>()
        for (a, la) in loose.enumerated() where !usedEnd.contains(a) {
            for (b, lb) in loose.enumerated() where b > a && !usedEnd.contains(b) {
                let d = ((la.x - lb.x) * (la.x - lb.x) + (la.y - lb.y) * (la.y - lb.y)).squareRoot()
                if d <= 1.5 {
                    usedEnd.insert(a); usedEnd.insert(b)
                    nearMissEnds.insert(Key(la.x, la.y)); nearMissEnds.insert(Key(lb.x, lb.y))
                    // The moved end is the one without a node.
                    let (moved, other) = nodeAt[Key(la.x, la.y)] == nil ? (la, lb) : (lb, la)
                    add("near_miss_break", [moved.pipe, other.pipe], moved.x, moved.y, d)
                }
            }
        }
        for (a, l) in loose.enumerated() where !usedEnd.contains(a) {
            var nearest = Double.infinity
            for q in 0 ..< pipes.count where q != l.pipe {
                nearest = min(nearest, segmentDistance(l.x, l.y, ends[q].sx, ends[q].sy, ends[q].ex, ends[q].ey))
            }
            add("dangling_end", [l.pipe], l.x, l.y, nearest)
        }

        // Components (pipes sharing an end) and their outlets.
        var sets = DisjointSets(pipes.count)
        for group in Array(startsAt.values) + Array(endsAt.values) { for p in group.dropFirst() { sets.union(group[0], p) } }
        for (key, starting) in startsAt { if let e = endsAt[key]?.first { sets.union(starting[0], e) } }
        var members: [Int: [Int]] = [:]
        for p in 0 ..< pipes.count { members[sets.find(p), default: []].append(p) }
        for group in members.values {
            let outlet = group.contains { p in
                [Key(ends[p].sx, ends[p].sy), Key(ends[p].ex, ends[p].ey)].contains { nodeAt[$0].map { ["outfall", "plant"].contains(nodeKinds[$0] ?? "") } ?? false }
            }
            if !outlet {
                let sink = group.first { p in startsAt[Key(ends[p].ex, ends[p].ey)] == nil }!
                add("no_outlet_component", group.sorted(), ends[sink].ex, ends[sink].ey, Double(group.count))
            }
        }

        // Pipe ends near pipes they do not meet (2 m), on a grid of 10 m cells.
        let cell = 10.0
        var grid: [Key: [Int]] = [:]
        func cellKey(_ x: Double, _ y: Double) -> Key { Key((x / cell).rounded(.down), (y / cell).rounded(.down)) }
        for p in 0 ..< pipes.count {
            let e = ends[p]
            for i in Int((min(e.sx, e.ex) / cell).rounded(.down)) ... Int((max(e.sx, e.ex) / cell).rounded(.down)) {
                for j in Int((min(e.sy, e.ey) / cell).rounded(.down)) ... Int((max(e.sy, e.ey) / cell).rounded(.down)) {
                    grid[Key(Double(i), Double(j)), default: []].append(p)
                }
            }
        }
        for p in 0 ..< pipes.count {
            for (x, y) in [(ends[p].sx, ends[p].sy), (ends[p].ex, ends[p].ey)] where !nearMissEnds.contains(Key(x, y)) {
                let c = cellKey(x, y)
                var candidates = Set<Int>()
                for di in -1 ... 1 { for dj in -1 ... 1 { for q in grid[Key(Key2.value(c.x) + Double(di), Key2.value(c.y) + Double(dj))] ?? [] { candidates.insert(q) } } }
                for q in candidates where q != p {
                    let e = ends[q]
                    if (e.sx == x && e.sy == y) || (e.ex == x && e.ey == y) { continue }
                    let d = segmentDistance(x, y, e.sx, e.sy, e.ex, e.ey)
                    if d < 2 { crowdedEnds.append("\(ids[p]) end (\(x), \(y)) is \(d) m from \(ids[q]) (\(kinds[q] ?? ""))") }
                }
            }
        }
        var touched = Set<Key>()
        for e in ends { touched.insert(Key(e.sx, e.sy)); touched.insert(Key(e.ex, e.ey)) }
        nodesWithoutPipe = nodeAt.keys.filter { !touched.contains($0) }.count

        // Design rules of every pipe not involved in a finding.
        var involved = Set<String>()
        for f in findings { involved.formUnion(f.pipes) }
        for p in 0 ..< pipes.count where !involved.contains(ids[p]) {
            let l = length(p)
            if l < 10 || l > 60 { ruleBreaks.append("\(ids[p]) length \(l)") }
            guard let u = up[p], let d = down[p], let dia = diameter[p] else { continue }
            let slope = (u - d) / l
            if slope < 0.002 - 0.0001 || slope > 0.01 + 0.0001 { ruleBreaks.append("\(ids[p]) slope \(slope)") }
            if !pipeSizes.contains(dia) { ruleBreaks.append("\(ids[p]) diameter \(dia)") }
            if let n = nodeAt[Key(ends[p].sx, ends[p].sy)], let g = ground[n], g - u < 1.5 - 0.002 { ruleBreaks.append("\(ids[p]) cover at start \(g - u)") }
            if let n = nodeAt[Key(ends[p].ex, ends[p].ey)], let g = ground[n], g - d < 1.5 - 0.002 { ruleBreaks.append("\(ids[p]) cover at end \(g - d)") }
        }
    }
}

enum Key2 {
    static func value(_ bits: UInt64) -> Double { Double(bitPattern: bits) }
}
