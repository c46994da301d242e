import ArgumentParser
import CIMAnalysis
import CIMStore
import Foundation

extension PlanWeight: ExpressibleByArgument {}

/// `cim plan STORE --category KEY --add N`: where to build the next facilities of a category.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Sites new facilities of a category so that the most residents are newly within its threshold (maximal covering location, greedy).",
        discussion: """
        Candidates are the features of --candidates LAYER (vacant parcels, public buildings …) or the points of a \
        --grid METRES grid (default 200 m) inside the built-up land (areas of kind builtup, else derived from the \
        buildings) that are not inside a building. Each candidate reaches the residential buildings, not yet in \
        reach of the category, within the category's threshold — by the distance of cim coverage (straight line, \
        or along the walk network with --metric network). The greedy choice with lazy evaluation adds the \
        candidate that newly serves the most --weight each time: coverage is submodular, so the result is within \
        (1 − 1/e) ≈ 63 % of the optimum (in tests on small cities it is within a few percent of an exact integer \
        program). Writes the layer plan_<category> (rank, residents gained, cumulative coverage) to the store; \
        --what-if-out FILE.gpkg writes the sites as facilities for cim check --what-if.
        """
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @Option(name: .long, help: "The category to site (a key, e.g. kindergarten, or its Chinese name, e.g. 幼儿园).") var category: String
    @Option(name: .long, help: "How many sites to add.") var add: Int
    @Option(name: .long, help: "A layer of the store with the candidate sites.") var candidates: String?
    @Option(name: .long, help: "Candidate grid spacing in metres (default 200, when no --candidates).") var grid: Double?
    @Option(name: .long, help: "Distance metric: euclidean (straight line) or network (along walkable roads).") var metric: DistanceMetric = .euclidean
    @Option(name: .long, help: "What a site's gain counts: residents, floor_area or buildings.") var weight: PlanWeight = .residents
    @Option(name: .long, help: "Stop when the best site newly serves less than this (in --weight units).") var minGain: Double = 0
    @Option(name: .long, help: "Also write the sites as facilities (id, category, name) to this GeoPackage, for --what-if.") var whatIfOut: String?
    @Option(name: .long, help: "A standard file (default: the shipped GB 50180-2018 file).") var standard: String?
    @Option(name: .long, help: "Network: merge road vertices closer than this (m).") var snapTolerance: Double = 0
    @Option(name: .long, help: "Network: buildings and sites farther than this (m) from every walkable road are off-network.") var maxAccess: Double = NetworkCoverage.defaultMaxAccess
    @Flag(name: .long, help: "Count buildings of unknown use as residential.") var unknownResidential = false
    @OptionGroup var output: OutputOptions

    /// The default candidate grid spacing (m).
    static let defaultGrid = 200.0

    func validate() throws {
        try OptionValidation.integer(add, "--add", in: 1 ... 10_000)
        try OptionValidation.distance(grid, "--grid", zeroAllowed: false)
        try OptionValidation.real(minGain, "--min-gain", in: 0 ... 1e12, unit: "")
        try OptionValidation.tolerance(snapTolerance, "--snap-tolerance")
        try OptionValidation.distance(maxAccess, "--max-access", zeroAllowed: false)
        try OptionValidation.standardFile(standard)
        if candidates != nil && grid != nil { throw ValidationError("--candidates and --grid exclude each other: give one") }
    }

    func run() throws {
        let standard = try self.standard.map { try Standard.load(URL(fileURLWithPath: $0)) } ?? Standard.shipped()
        let key = try standard.categoryKey(named: category)
        let store = try openStore(self.store, update: true)
        guard store.hasLayer("buildings") else {
            throw StoreError("the store has no buildings layer", file: store.address, hint: "import one: cim import \(store.address) buildings FILE")
        }
        if metric == .network && !store.hasLayer("roads") {
            throw StoreError("--metric network needs a roads layer", file: store.address, hint: "import one: cim import \(store.address) roads FILE")
        }
        if let candidates, !store.hasLayer(candidates) {
            throw StoreError("no candidate layer '\(candidates)'", file: store.address, hint: "layers here: \(store.layerNames.joined(separator: ", "))")
        }
        var timings = StageTimings()
        let buildings = try store.snapshot("buildings", fields: ["id", "floors", "height", "use"])
        if buildings.count == 0 { throw StoreError("the buildings layer is empty", file: store.address, layer: "buildings") }
        let facilities = store.hasLayer("facilities") ? try store.snapshot("facilities", fields: ["category"]) : nil
        let areas = store.hasLayer("areas") ? try store.snapshot("areas", fields: ["id", "kind", "name"]) : nil
        let roads = metric == .network ? try store.snapshot("roads", fields: ["walkable"]) : nil
        timings.lap("load")
        let plan: FacilityPlan
        do {
            let sites: SitingCandidates
            if let candidates {
                let table = try store.snapshot(candidates, fields: GapsCommand.existing(store, candidates, ["id", "name"]))
                sites = try SitingCandidates.fromLayer(table)
            } else {
                sites = try SitingCandidates.grid(spacing: grid ?? Self.defaultGrid, buildings: buildings, areas: areas)
            }
            timings.lap("candidates (\(sites.count))")
            let options = PlanOptions(category: key, sites: add, metric: metric, weight: weight, minimumGain: minGain,
                                      unknownIsResidential: unknownResidential, snapTolerance: snapTolerance, maxAccess: maxAccess)
            plan = try FacilityPlanning.run(buildings: buildings, facilities: facilities, roads: roads, areas: areas, candidates: sites,
                                            standard: standard, options: options, timings: timings)
        } catch let error as AnalysisError {
            throw StoreError(error.message, file: store.address, hint: error.hint)
        }
        timings = plan.timings
        let layer = plan.layer()
        try store.writeLayer(layer, provenance: LayerProvenance(source: "cim plan --category \(key) --add \(add) --metric \(metric.rawValue) --weight \(weight.rawValue) (\(plan.candidates.source))"))
        if let whatIfOut {
            let target = try openOrCreateStore(whatIfOut, crs: store.crs)
            try target.writeLayer(plan.whatIfLayer(), provenance: LayerProvenance(source: "cim plan --category \(key) --add \(add) (planned sites for --what-if)"))
        }
        timings.lap("write")
        for warning in plan.warnings { printError("warning: \(warning)") }
        print(SummaryRenderer.render(Self.summary(plan, layer: layer.name, store: store.address, whatIfOut: whatIfOut, timings: timings), as: output.resolved, language: output.language), terminator: "")
    }

    static func summary(_ plan: FacilityPlan, layer: String, store: String, whatIfOut: String?, timings: StageTimings) -> [SummaryTable] {
        let c = plan.category
        var overview = SummaryTable(title: "Plan: \(plan.options.sites) × \(c.key) (\(c.nameZh)), threshold \(fmt(c.thresholdMetres)) m, \(plan.options.metric.rawValue), by \(plan.options.weight.rawValue)",
                                    key: "plan", headers: ["measure", "value"])
        overview.rows = [
            [.text("category"), .text(c.key)],
            [.text("threshold_m"), .real(c.thresholdMetres, digits: 0)],
            [.text("metric"), .text(plan.options.metric.rawValue)],
            [.text("weight"), .text(plan.options.weight.rawValue)],
            [.text("candidates"), .int(plan.candidates.count)],
            [.text("candidate source"), .text(plan.candidates.source)],
            [.text("sites chosen"), .int(plan.sites.count)],
            [.text("residents"), .real(plan.residents, digits: 0)],
            [.text("residents in reach before"), .real(plan.residentsInReachBefore, digits: 0)],
            [.text("coverage before (%)"), .real(plan.coverageBefore * 100, digits: 2)],
            [.text("residents in reach after"), .real(plan.residentsInReachAfter, digits: 0)],
            [.text("coverage after (%)"), .real(plan.coverageAfter * 100, digits: 2)],
            [.text("gain (\(plan.options.weight.rawValue))"), .real(plan.gain, digits: 1)],
            [.text("candidate evaluations (lazy greedy)"), .int(plan.evaluations)],
            [.text("guarantee"), .text("greedy ≥ (1 − 1/e) ≈ 63.2 % of the optimal gain")],
            [.text("written to"), .text("\(store): \(layer)" + (whatIfOut.map { "; \($0): sites" } ?? ""))],
        ]
        var sites = SummaryTable(title: "Sites in order of choice", key: "sites",
                                 headers: ["rank", "id", "name", "x", "y", "gain", "residents_gained", "floor_area_gained_m2", "buildings_gained",
                                           "cumulative_residents_in_reach", "cumulative_coverage_pct"])
        for s in plan.sites {
            let p = plan.candidates.geometries.firstCoordinate(of: s.candidate)
            sites.rows.append([.int(s.rank), .text(s.id), s.name.map { .text($0) } ?? .null, .real(p.x, digits: 1), .real(p.y, digits: 1),
                               .real(s.gain, digits: 1), .real(s.residentsGained, digits: 1), .real(s.floorAreaGained, digits: 1), .int(s.buildingsGained),
                               .real(s.residentsInReach, digits: 1), .real(s.coverage * 100, digits: 2)])
        }
        var stages = SummaryTable(title: "Timings", key: "timings", headers: ["stage", "seconds"])
        stages.rows = timings.stages.map { [.text($0.name), .real($0.seconds, digits: 3)] }
        return [overview, sites, stages]
    }

    static func fmt(_ x: Double) -> String { String(format: "%g", x) }
}
