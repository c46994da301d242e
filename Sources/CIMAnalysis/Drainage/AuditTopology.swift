import CIMGeometry
import CIMIndex
import Foundation

/// Topology checks: near-miss breaks, dangling ends, components without an outlet.
enum AuditTopology {
    /// Whether pipes of these kinds may connect: the same kind, or either combined or unknown (a storm pipe
    /// ending next to a sewer is a separate system, not a break).
    static func compatible(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b else { return true }
        return a == b || a == "combined" || b == "combined"
    }

    static func check(pipes: PipeSet, graph: PipeGraph, components: [PipeComponent], options: AuditOptions) -> [PipeDefect] {
        var defects: [PipeDefect] = []
        let n = graph.nodeCount
        var envelopes: [Double] = []
        envelopes.reserveCapacity(4 * n)
        for v in 0 ..< n { envelopes += [graph.nodeX[v], graph.nodeY[v], graph.nodeX[v], graph.nodeY[v]] }
        let tree = PackedRTree(envelopes: envelopes)

        // Near-miss breaks: two vertices within the tolerance (distinct vertices never coincide), at least
        // one of them a dangling end, no pipe in common, kinds that may connect. Reported once per pair at
        // the gap's midpoint; the dangling ends they explain are not reported again as dangling.
        var explained = [Bool](repeating: false, count: n)
        let tolerance = options.gapTolerance
        for a in 0 ..< n where tolerance > 0 {
            let ax = graph.nodeX[a], ay = graph.nodeY[a]
            var pairs: [(b: Int, d: Double)] = []
            tree.forEach(withinDistanceOfX: ax, y: ay, maxDistance: tolerance, exactDistance: { q in
                let dx = graph.nodeX[q] - ax, dy = graph.nodeY[q] - ay
                return (dx * dx + dy * dy).squareRoot()
            }) { b, d in
                guard b > a, graph.isDangling(a) || graph.isDangling(b) else { return }
                pairs.append((b, d))
            }
            for (b, d) in pairs.sorted(by: { $0.b < $1.b }) {
                let pa = graph.pipes(at: a), pb = graph.pipes(at: b)
                guard Set(pa).isDisjoint(with: pb) else { continue }
                guard pa.contains(where: { i in pb.contains { j in compatible(pipes.kinds[i], pipes.kinds[j]) } }) else { continue }
                explained[a] = true
                explained[b] = true
                let bx = graph.nodeX[b], by = graph.nodeY[b]
                defects.append(PipeAudit.defect(.nearMissBreak, String(format: "ends %.3f m apart do not connect", d), .high, pipes: pa + pb, in: pipes,
                                                at: ((ax + bx) / 2, (ay + by) / 2), value: d, unit: "m"))
            }
        }

        // Dangling ends.
        var workspace = NearestWorkspace()
        for v in 0 ..< n where graph.isDangling(v) && !explained[v] {
            let downstream = graph.outDegree(v) == 0
            let k = Int(downstream ? graph.pipesIn(v).first! : graph.pipesOut(v).first!)
            let x = graph.nodeX[v], y = graph.nodeY[v]
            // How far the nearest other pipe is (0: the end touches a pipe without a shared vertex).
            let segmentPipe = pipes.segmentPipe
            let other = pipes.segmentTree.nearest(x: x, y: y, workspace: &workspace) { s in
                Int(segmentPipe[s]) == k ? .nan : pipes.distance(fromX: x, y: y, toSegment: s)
            }
            let end = downstream ? "downstream end" : "upstream end"
            var detail: String
            let severity: DefectSeverity
            if let kind = graph.nodeKind[v] {
                let reason = downstream ? "the network continues beyond the data, or an outfall is not recorded"
                                        : "a branch head with no inlet recorded, or a missing connection"
                detail = "\(end) at \(kind) \(graph.nodeId[v] ?? ""): \(reason)"
                severity = .low
            } else {
                detail = "\(end) at no pipe node"
                severity = downstream ? .high : .medium
            }
            if let other, other.distance == 0 {
                detail += "; touches pipe \(pipes.ids[Int(segmentPipe[other.index])]) without a shared vertex"
            } else if let other, other.distance <= options.gapTolerance {
                detail += String(format: "; %.3f m from pipe %@ (a junction without a vertex?)", other.distance, pipes.ids[Int(segmentPipe[other.index])])
            }
            defects.append(PipeAudit.defect(.danglingEnd, detail, severity, pipes: [k], in: pipes, at: (x, y), value: other?.distance, unit: "m"))
        }

        // Components that reach no outfall or plant: located at their lowest sink (a vertex that water
        // reaches and does not leave), by known invert, else the first such vertex.
        for component in components where !component.hasOutlet {
            var best = -1
            var bestInvert = Double.infinity
            for k in component.pipes {
                let v = Int(graph.endNode[k])
                guard graph.outDegree(v) == 0 else { continue }
                let invert = graph.nodeInvert[v] ?? pipes.downInverts[k] ?? .infinity
                if best < 0 || invert < bestInvert || (invert == bestInvert && v < best) { best = v; bestInvert = invert }
            }
            if best < 0 { best = Int(graph.endNode[component.pipes[0]]) }
            defects.append(PipeAudit.defect(.noOutletComponent,
                                            String(format: "%d pipe(s), %.1f m, reach no outfall or plant", component.pipes.count, component.length),
                                            .high, pipes: component.pipes, in: pipes, at: (graph.nodeX[best], graph.nodeY[best]),
                                            value: Double(component.pipes.count), unit: "pipes"))
        }
        return defects
    }
}
