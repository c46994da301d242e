import ArgumentParser
import CIMAnalysis
import CIMStore
import Foundation

/// `cim audit STORE`: the pipe-network quality check of a drainage census.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Pipe-network audit (排水管网普查数据检查): connectivity, outlets and defects of the pipes layer.",
        discussion: """
        The pipe graph joins pipe ends whose coordinates are exactly equal; each pipe flows from its first \
        coordinate (up_invert) to its last (down_invert). Pipe nodes within --node-tolerance of an end give it a \
        kind (outfall, plant, inlet, pump, manhole) and, for pipes without inverts, an invert (invert_z).

        Defects (the type names are shared with `cim generate`'s truth files):
          dangling_end         an end meeting no pipe, outfall, inlet or plant
          near_miss_break      ends within --gap-tolerance that do not connect
          no_outlet_component  connected pipes reaching no outfall or plant
          reversed_slope       down invert above up invert, or flows head-on
          diameter_shrink      a pipe leaving a node narrower than one arriving
          zero_length          a pipe shorter than 1 cm
          over_long            over 75/100/150/200 m below DN 600/1000/1500/
                               above (200 m if unknown), or --max-length
          duplicate_pipe       pipes identical or overlapping along ≥ 10 cm
          missing_attributes   no diameter or invert (an attribute no pipe
                               has is counted, not listed per pipe)

        Each defect has a place (the end, the node, the gap's midpoint, or halfway along the pipe), the pipes \
        involved, a severity (high, medium, low) and a measured value: dangling_end the distance to the nearest \
        other pipe (m); near_miss_break the gap (m); no_outlet_component its pipe count; reversed_slope the rise \
        (m), or the pipes flowing into the node; diameter_shrink the reduction (mm); zero_length and over_long \
        the length (m); duplicate_pipe the overlap (m); missing_attributes how many are missing.

        Results go to the layer pipe_defects of the store (or of --out); a summary is printed.
        """
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @Option(name: .long, help: "Ends closer than this many metres that do not connect are a near-miss break.") var gapTolerance: Double = 2
    @Option(name: .long, help: "Pipe kinds to audit: storm, sewer, combined, water, other, unknown (no kind) or all.") var kinds: String = "storm,sewer,combined"
    @Option(name: .long, help: "One maximum pipe length in metres (default: by diameter).") var maxLength: Double?
    @Option(name: .long, help: "A pipe node matches a pipe end within this many metres.") var nodeTolerance: Double = 0.01
    @Option(name: .long, help: "Write the defect layer to this GeoPackage instead of the store.") var out: String?
    @Option(name: .long, help: "How many defects and components to list.") var top: Int = 20
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionValidation.tolerance(gapTolerance, "--gap-tolerance")
        try OptionValidation.tolerance(nodeTolerance, "--node-tolerance")
        try OptionValidation.distance(maxLength, "--max-length", zeroAllowed: false)
        try OptionValidation.integer(top, "--top", in: 0 ... OptionValidation.maximumCount)
        do { _ = try PipeKinds.parse(kinds) } catch let error as AnalysisError { throw ValidationError("--kinds: \(error)") }
    }

    func run() throws {
        let kinds = try PipeKinds.parse(self.kinds)
        let store = try openStore(self.store, update: out == nil)
        if let out { try checkResultTarget(out, for: store) }
        guard store.hasLayer("pipes") else {
            throw StoreError("the store has no pipes layer", file: store.address,
                             hint: "import one: cim import \(store.address) pipes FILE --map kind=FIELD --map diameter_mm=FIELD")
        }
        var timings = StageTimings()
        let pipes = try store.snapshot("pipes", fields: GapsCommand.existing(store, "pipes", ["id", "kind", "diameter_mm", "up_invert", "down_invert"]))
        if pipes.count == 0 {
            throw StoreError("the pipes layer is empty", file: store.address, layer: "pipes",
                             hint: "import pipes: cim import \(store.address) pipes FILE --map kind=FIELD --map diameter_mm=FIELD")
        }
        let nodes = store.hasLayer("pipe_nodes") ? try store.snapshot("pipe_nodes", fields: GapsCommand.existing(store, "pipe_nodes", ["id", "kind", "ground_z", "invert_z"])) : nil
        timings.lap("load")
        let options = AuditOptions(kinds: kinds, gapTolerance: gapTolerance, nodeTolerance: nodeTolerance, maxLength: maxLength)
        let progress = StageProgress()
        let result: AuditResult
        do {
            result = try PipeAudit.run(pipes: pipes, nodes: nodes, options: options, timings: &timings) { progress.update($0, $1, $2) }
        } catch let error as AnalysisError {
            progress.finish()
            throw StoreError(error.message, file: store.address, hint: error.hint)
        }
        progress.finish()
        let layer = result.defectLayer()
        let target = try out.map { try openResultTarget($0, for: store) } ?? store
        try target.writeLayer(layer, provenance: LayerProvenance(source: "cim audit --kinds \(kinds) --gap-tolerance \(gapTolerance)"))
        try QGISMetadata.audit(target)
        timings.lap("write")
        for warning in result.warnings { printError("warning: \(warning)") }
        try output.emit(Self.summary(result, timings: timings, target: target.address, top: top))
    }

    static let descriptions: [DefectType: String] = [
        .danglingEnd: "end meets no pipe, outfall, inlet or plant",
        .nearMissBreak: "ends within the gap tolerance do not connect",
        .noOutletComponent: "connected pipes reach no outfall or plant",
        .reversedSlope: "down invert above up invert, or flows meet head-on",
        .diameterShrink: "narrower pipe leaves a node",
        .zeroLength: "pipe shorter than the zero-length limit",
        .overLong: "longer than the manhole spacing for its diameter",
        .duplicatePipe: "pipes identical or overlapping",
        .missingAttributes: "no diameter or invert",
    ]

    static func summary(_ r: AuditResult, timings: StageTimings, target: String, top: Int) -> [SummaryTable] {
        let withOutlet = r.components.filter(\.hasOutlet).count
        let matched = r.graph.matchedNode.filter { $0 >= 0 }.count
        var overview = SummaryTable(title: "Pipe-network audit — kinds \(r.options.kinds), gap tolerance \(fmt(r.options.gapTolerance)) m",
                                    key: "overview", headers: ["measure", "value"])
        overview.rows = [
            [.text("pipes audited"), .int(r.pipes.count)],
            [.text("pipe length (km)"), .real(r.totalLength / 1000, digits: 2)],
            [.text("graph vertices (distinct pipe ends)"), .int(r.graph.nodeCount)],
            [.text("pipe nodes in the store"), .int(r.pipeNodeCount)],
            [.text("vertices at a pipe node"), .int(matched)],
            [.text("connected components"), .int(r.components.count)],
            [.text("components reaching an outfall or plant"), .int(withOutlet)],
            [.text("pipe ends with inverts from pipe nodes"), .int(r.invertsFromNodes)],
            [.text("defects"), .int(r.defects.count)],
        ]
        for severity in DefectSeverity.allCases {
            overview.rows.append([.text("  \(severity.rawValue) severity"), .int(r.defects.filter { $0.severity == severity }.count)])
        }
        overview.rows.append([.text("results written to"), .text("\(target): pipe_defects")])

        var byType = SummaryTable(title: "Defects by type", key: "defect_types", headers: ["type", "count", "high", "medium", "low", "meaning"])
        for type in DefectType.allCases {
            let found = r.defects.filter { $0.type == type }
            byType.rows.append([.text(type.rawValue), .int(found.count), .int(found.filter { $0.severity == .high }.count),
                                .int(found.filter { $0.severity == .medium }.count), .int(found.filter { $0.severity == .low }.count),
                                .text(descriptions[type] ?? "")])
        }
        var missing = SummaryTable(title: "Missing attributes (pipes without a value; inverts also from pipe nodes)", key: "missing",
                                   headers: ["field", "pipes_missing", "share_%", "listed_per_pipe"])
        for field in ["kind", "diameter_mm", "up_invert", "down_invert"] {
            guard let count = r.missing[field] else { continue }
            missing.rows.append([.text(field), .int(count), .real(r.pipes.count > 0 ? Double(count) / Double(r.pipes.count) * 100 : 0, digits: 1),
                                 .bool(!r.missingEverywhere.contains(field))])
        }
        var components = SummaryTable(title: "Largest components", key: "components", headers: ["component", "pipes", "length_m", "outlets"])
        for c in r.components.sorted(by: { $0.length != $1.length ? $0.length > $1.length : $0.index < $1.index }).prefix(top) {
            components.rows.append([.int(c.index + 1), .int(c.pipes.count), .real(c.length, digits: 1),
                                    .list(c.outlets)])
        }
        if r.components.count > top { components.notes.append("\(r.components.count - top) more") }
        var list = SummaryTable(title: "Defects, most severe first", key: "defects",
                                headers: ["id", "type", "severity", "pipes", "value", "unit", "x", "y", "detail"])
        let rank: [DefectSeverity: Int] = [.high: 0, .medium: 1, .low: 2]
        let ordered = r.defects.indices.sorted { rank[r.defects[$0].severity]! != rank[r.defects[$1].severity]! ? rank[r.defects[$0].severity]! < rank[r.defects[$1].severity]! : $0 < $1 }
        for i in ordered.prefix(top) {
            let d = r.defects[i]
            list.rows.append([.text("D\(i + 1)"), .text(d.type.rawValue), .text(d.severity.rawValue), .list(d.pipeIds),
                              d.value.map { .real($0, digits: 3) } ?? .null, .text(d.unit), .real(d.x, digits: 2), .real(d.y, digits: 2), .text(d.detail)])
        }
        if r.defects.count > top { list.notes.append("\(r.defects.count - top) more in the layer pipe_defects") }
        var stages = SummaryTable(title: "Timings", key: "timings", headers: ["stage", "seconds"])
        stages.rows = timings.stages.map { [.text($0.name), .real($0.seconds, digits: 3)] }
        return [overview, byType, missing, components, list, stages]
    }
}
