import Foundation

/// Flow checks: reversed slope (by inverts, and by flow directions at a node) and diameters shrinking
/// downstream.
enum AuditFlow {
    /// Rises below this (m) are rounding noise, not a reversed slope.
    static let riseTolerance = 1e-6

    /// A pipe's inverts: its own `up_invert`/`down_invert`, else the `invert_z` of the pipe node at that
    /// end, and how many came from nodes.
    static func inverts(pipes: PipeSet, graph: PipeGraph) -> (up: [Double?], down: [Double?], fromNodes: Int) {
        var fromNodes = 0
        var up = pipes.upInverts, down = pipes.downInverts
        for k in 0 ..< pipes.count {
            if up[k] == nil, let z = graph.nodeInvert[Int(graph.startNode[k])] { up[k] = z; fromNodes += 1 }
            if down[k] == nil, let z = graph.nodeInvert[Int(graph.endNode[k])] { down[k] = z; fromNodes += 1 }
        }
        return (up, down, fromNodes)
    }

    /// `hasOutlet[c]`: whether component c reaches an outfall, plant or pump.
    static func check(pipes: PipeSet, graph: PipeGraph, hasOutlet: [Bool]) -> (defects: [PipeDefect], invertsFromNodes: Int) {
        var defects: [PipeDefect] = []
        let (up, down, fromNodes) = inverts(pipes: pipes, graph: graph)

        // Reversed slope by inverts: the downstream invert above the upstream one. At the pipe's midpoint;
        // the value is the rise (m).
        for k in 0 ..< pipes.count {
            guard let u = up[k], let d = down[k], d - u > riseTolerance else { continue }
            let source = (pipes.upInverts[k] != nil && pipes.downInverts[k] != nil) ? "pipe inverts" : "inverts from pipe nodes"
            defects.append(PipeAudit.defect(.reversedSlope, String(format: "down invert %.3f m above up invert %.3f m (%@)", d, u, source), .high,
                                            pipes: [k], in: pipes, at: pipes.midpoint(k), value: d - u, unit: "m"))
        }

        // Flow directions that disagree: a vertex that two or more pipes flow into and none out of, which is
        // not an outfall, plant or pump (one of the pipes is drawn against the flow). At the vertex; the value
        // is the number of pipes flowing in. In a component that reaches no outlet at all such a sink is where
        // its water ends: that is reported once, as the component's no_outlet_component, not here.
        for v in 0 ..< graph.nodeCount where graph.outDegree(v) == 0 && graph.inDegree(v) >= 2 {
            if let kind = graph.nodeKind[v], PipeGraph.outletKinds.contains(kind) || kind == "pump" { continue }
            let incoming = graph.pipesIn(v).map(Int.init)
            if !hasOutlet[Int(graph.component[incoming[0]])] { continue }
            defects.append(PipeAudit.defect(.reversedSlope, "flow directions disagree: \(incoming.count) pipes flow into this node and none out", .high,
                                            pipes: incoming, in: pipes, at: (graph.nodeX[v], graph.nodeY[v]), value: Double(incoming.count), unit: "pipes"))
        }

        // Diameter shrinking downstream: a pipe leaving a vertex narrower than the widest pipe arriving
        // there. At the vertex; the value is the reduction (mm).
        for v in 0 ..< graph.nodeCount where graph.inDegree(v) > 0 && graph.outDegree(v) > 0 {
            var widest = -1
            for k in graph.pipesIn(v).map(Int.init) {
                guard let d = pipes.diameters[k] else { continue }
                if widest < 0 || d > pipes.diameters[widest]! || (d == pipes.diameters[widest]! && k < widest) { widest = k }
            }
            guard widest >= 0, let wide = pipes.diameters[widest] else { continue }
            for k in graph.pipesOut(v).map(Int.init).sorted() {
                guard k != widest, let d = pipes.diameters[k], d < wide else { continue }
                defects.append(PipeAudit.defect(.diameterShrink, String(format: "DN %g arrives, DN %g leaves", wide, d), .medium,
                                                pipes: [widest, k], in: pipes, at: (graph.nodeX[v], graph.nodeY[v]), value: wide - d, unit: "mm"))
            }
        }
        return (defects, fromNodes)
    }
}
