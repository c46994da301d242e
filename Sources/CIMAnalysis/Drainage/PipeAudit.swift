import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// How serious a defect is for the network's function.
public enum DefectSeverity: String, CaseIterable, Sendable, Codable {
    case high, medium, low
}

/// One defect found by the audit.
public struct PipeDefect: Sendable {
    public var type: DefectType
    /// What exactly, e.g. "downstream end at no pipe node".
    public var detail: String
    public var severity: DefectSeverity
    /// The pipes involved (indices into the audited ``PipeSet``), ascending.
    public var pipes: [Int]
    public var pipeIds: [String]
    /// Where: the end, node, gap midpoint, or a point halfway along the pipe (see each check).
    public var x: Double
    public var y: Double
    /// The measured value (see ``unit``), nil when none.
    public var value: Double?
    public var unit: String
}

/// Options of an audit (`cim audit`).
public struct AuditOptions: Sendable {
    /// Pipe kinds audited: storm, sewer and combined (the drainage network) by default.
    public var kinds: PipeKinds
    /// Two ends closer than this that do not connect are a near-miss break (m). Default 2 m.
    public var gapTolerance: Double
    /// A pipe node matches a pipe end within this distance (m). Default 1 cm: census nodes and pipe ends
    /// share coordinates.
    public var nodeTolerance: Double
    /// Pipes shorter than this are zero-length (m). Default 1 cm.
    public var zeroLength: Double
    /// One maximum pipe length for every diameter (m); nil: by diameter, see ``maximumLength(diameter:)``.
    public var maxLength: Double?
    /// Two segments closer than this across are collinear for the duplicate check (m). Default 5 cm.
    public var duplicateTolerance: Double
    /// Two pipes overlapping along at least this length are duplicates (m). Default 10 cm.
    public var minimumOverlap: Double

    public init(kinds: PipeKinds = .drainage, gapTolerance: Double = 2, nodeTolerance: Double = 0.01, zeroLength: Double = 0.01,
                maxLength: Double? = nil, duplicateTolerance: Double = 0.05, minimumOverlap: Double = 0.1) {
        self.kinds = kinds
        self.gapTolerance = gapTolerance
        self.nodeTolerance = nodeTolerance
        self.zeroLength = zeroLength
        self.maxLength = maxLength
        self.duplicateTolerance = duplicateTolerance
        self.minimumOverlap = minimumOverlap
    }

    /// The largest length of a pipe between two manholes for a diameter (mm), after the census practice of
    /// flagging segments over 75–200 m by diameter: below DN 600 75 m, below DN 1000 100 m, below DN 1500
    /// 150 m, larger 200 m; 200 m when the diameter is unknown (only clearly over-long pipes are flagged).
    public static func maximumLength(diameter: Double?) -> Double {
        guard let d = diameter else { return 200 }
        if d < 600 { return 75 }
        if d < 1000 { return 100 }
        if d < 1500 { return 150 }
        return 200
    }

    public func maximumLength(diameter: Double?) -> Double { maxLength ?? Self.maximumLength(diameter: diameter) }
}

/// A connected component of the audited network.
public struct PipeComponent: Sendable {
    public var index: Int
    public var pipes: [Int]
    public var length: Double
    /// The outfall or plant nodes it reaches (ids).
    public var outlets: [String]
    public var hasOutlet: Bool { !outlets.isEmpty }
}

/// Everything an audit produces.
public struct AuditResult: Sendable {
    public var options: AuditOptions
    public var pipes: PipeSet
    public var graph: PipeGraph
    public var components: [PipeComponent]
    /// Defects in check order (topology, flow, segments, attributes), each check's in a deterministic order.
    public var defects: [PipeDefect]
    /// Pipes missing each attribute ("diameter_mm", "up_invert", "down_invert", "kind").
    public var missing: [String: Int]
    /// Attributes no audited pipe has (reported once, not per pipe).
    public var missingEverywhere: [String]
    /// Pipe ends whose invert came from the pipe node there.
    public var invertsFromNodes: Int
    public var pipeNodeCount: Int
    public var warnings: [String]

    public func count(_ type: DefectType) -> Int { defects.filter { $0.type == type }.count }
    public var totalLength: Double { pipes.lengths.reduce(0, +) }
}

/// The pipe-network quality check of a drainage census (城市排水防涝设施普查 data checks): the pipe graph,
/// its components and outlets, and the defects of ``DefectType``. Works on snapshots; validates its input
/// before any result is produced.
public enum PipeAudit {
    public static func run(pipes pipeTable: FeatureTable, nodes: FeatureTable?, options: AuditOptions, timings: inout StageTimings,
                           progress: (@Sendable (String, Int, Int) -> Void)? = nil) throws -> AuditResult {
        for (name, value) in [("gap tolerance", options.gapTolerance), ("node tolerance", options.nodeTolerance), ("zero length", options.zeroLength),
                              ("duplicate tolerance", options.duplicateTolerance), ("minimum overlap", options.minimumOverlap)] {
            guard value.isFinite, value >= 0 else { throw AnalysisError("the \(name) must be a distance >= 0 m, got \(value)") }
        }
        if let m = options.maxLength, !(m.isFinite && m > 0) { throw AnalysisError("the maximum length must be positive, got \(m)") }
        try DrainageInputChecks.checkCRS([pipeTable] + (nodes.map { [$0] } ?? []))
        if let nodes, nodes.count > 0 { try DrainageInputChecks.checkNear(pipeTable, nodes) }
        var warnings: [String] = []
        let pipes = try PipeSet(pipes: pipeTable, kinds: options.kinds, warnings: &warnings)
        let graph = PipeGraph(pipes: pipes, nodes: nodes, nodeTolerance: options.nodeTolerance)
        timings.lap("graph")

        let nodeKinds = nodes?.text("kind") ?? []
        let outletNodes = nodeKinds.filter { $0.map(PipeGraph.outletKinds.contains) ?? false }.count
        if nodes == nil || nodes!.count == 0 {
            warnings.append("no pipe nodes: outlets are unknown, so every component is reported without an outlet and every free end as dangling (import pipe_nodes with outfalls, plants and inlets)")
        } else if outletNodes == 0 {
            warnings.append("no outfall or plant among the \(nodes!.count) pipe nodes: every component is reported without an outlet")
        }

        var components = (0 ..< graph.componentCount).map { PipeComponent(index: $0, pipes: [], length: 0, outlets: []) }
        for k in 0 ..< pipes.count {
            components[Int(graph.component[k])].pipes.append(k)
            components[Int(graph.component[k])].length += pipes.lengths[k]
        }
        for c in components.indices {
            var outlets = Set<String>()
            for k in components[c].pipes {
                for v in [Int(graph.startNode[k]), Int(graph.endNode[k])] where graph.nodeKind[v].map(PipeGraph.outletKinds.contains) ?? false {
                    outlets.insert(graph.nodeId[v] ?? "")
                }
            }
            components[c].outlets = outlets.sorted()
        }

        var defects: [PipeDefect] = []
        let topology = AuditTopology.check(pipes: pipes, graph: graph, components: components, options: options)
        defects += topology
        progress?("checks", 1, 4)
        let flow = AuditFlow.check(pipes: pipes, graph: graph, hasOutlet: components.map { !$0.outlets.isEmpty })
        defects += flow.defects
        progress?("checks", 2, 4)
        defects += AuditSegments.lengths(pipes: pipes, options: options)
        defects += AuditSegments.duplicates(pipes: pipes, options: options)
        progress?("checks", 3, 4)
        let attributes = AuditSegments.missingAttributes(pipes: pipes, graph: graph, includeKind: options.kinds.includeUnknown)
        defects += attributes.defects
        progress?("checks", 4, 4)
        timings.lap("checks")

        if attributes.missingEverywhere.contains("diameter_mm") {
            warnings.append("no audited pipe has a diameter: diameter checks are skipped and over-long limits use the unknown-diameter length")
        }
        if attributes.missingEverywhere.contains("up_invert") && attributes.missingEverywhere.contains("down_invert") {
            warnings.append("no audited pipe has inverts (up_invert, down_invert), from its fields or from pipe nodes' invert_z: reversed slope is checked by flow direction only")
        }
        return AuditResult(options: options, pipes: pipes, graph: graph, components: components, defects: defects,
                           missing: attributes.missing, missingEverywhere: attributes.missingEverywhere,
                           invertsFromNodes: flow.invertsFromNodes, pipeNodeCount: nodes?.count ?? 0, warnings: warnings)
    }

    /// A defect with the pipes' ids filled in.
    static func defect(_ type: DefectType, _ detail: String, _ severity: DefectSeverity, pipes: [Int], in set: PipeSet,
                       at point: (x: Double, y: Double), value: Double?, unit: String) -> PipeDefect {
        let sorted = Array(Set(pipes)).sorted()
        return PipeDefect(type: type, detail: detail, severity: severity, pipes: sorted, pipeIds: sorted.map { set.ids[$0] },
                          x: point.x, y: point.y, value: value, unit: unit)
    }
}
