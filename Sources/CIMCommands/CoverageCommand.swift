import ArgumentParser
import CIMAnalysis
import CIMStore
import Foundation

extension DistanceMetric: ExpressibleByArgument {}

/// `cim coverage STORE`: life-circle facility coverage of every residential building, per area and city.
struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Life-circle facility coverage (GB 50180-2018) of every residential building; complete communities; short boards.",
        discussion: """
        For each residential building (use residential or mixed) and each category of the standard: the distance \
        from the building's reference point (PointOnSurface of its footprint) to the nearest facility of that \
        category, whether it is within the category's threshold, and whether every category a complete \
        community requires is in reach. Results go to the layers coverage_buildings and coverage_areas of the \
        store (or of --out); the summary is printed.
        """
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @Option(name: .long, help: "A standard file (default: the shipped GB 50180-2018 file).") var standard: String?
    @Option(name: .long, help: "Distance metric: euclidean (straight line) or network (along walkable roads).") var metric: DistanceMetric = .euclidean
    @Option(name: .long, help: "Network: merge road vertices closer than this (m), for roads that are not noded.") var snapTolerance: Double = 0
    @Option(name: .long, help: "Network: buildings and facilities farther than this (m) from every walkable road are off-network.") var maxAccess: Double = NetworkCoverage.defaultMaxAccess
    @Option(name: .long, help: "The areas kind to aggregate over (community, district …).") var areas: String = "community"
    @Option(name: .long, help: "Grid cell size in metres when the store has no areas of that kind.") var grid: Double = 500
    @Option(name: .long, help: "Search cutoff in metres (default: the standard's, 2000 m).") var cutoff: Double?
    @Flag(name: .long, help: "Count buildings of unknown use as residential.") var unknownResidential = false
    @Option(name: .long, help: "Write the result layers to this GeoPackage instead of the store.") var out: String?
    @Option(name: .long, help: "How many worst areas to list.") var top: Int = 10
    @Option(name: .long, help: "Planned facilities (sites.gpkg[:LAYER], field category): coverage with them added, in memory; prints the changes. The store is not changed (layers go to --out only).") var whatIf: String?
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionValidation.standardFile(standard)
        try OptionValidation.distance(grid, "--grid", zeroAllowed: false)
        try OptionValidation.distance(cutoff, "--cutoff", zeroAllowed: false)
        try OptionValidation.tolerance(snapTolerance, "--snap-tolerance")
        try OptionValidation.distance(maxAccess, "--max-access", zeroAllowed: false)
        try OptionValidation.integer(top, "--top", in: 0 ... OptionValidation.maximumCount)
        if let whatIf { _ = try WhatIfSites(whatIf) }
    }

    func run() throws {
        let standard = try self.standard.map { try Standard.load(URL(fileURLWithPath: $0)) } ?? Standard.shipped()
        let store = try openStore(self.store, update: out == nil && whatIf == nil)
        if let out { try checkResultTarget(out, for: store) }
        for layer in ["buildings", "facilities"] where !store.hasLayer(layer) {
            throw StoreError("the store has no \(layer) layer", file: store.address, hint: "import one: cim import \(store.address) \(layer) FILE")
        }
        if metric == .network && !store.hasLayer("roads") {
            throw StoreError("--metric network needs a roads layer", file: store.address, hint: "import one: cim import \(store.address) roads FILE")
        }
        var timings = StageTimings()
        let buildings = try store.snapshot("buildings", fields: GapsCommand.existing(store, "buildings", ["id", "floors", "height", "use", "residents", "households"]))
        let facilities = try store.snapshot("facilities", fields: ["category"])
        let areaTable = store.hasLayer("areas") ? try store.snapshot("areas", fields: ["id", "kind", "name"]) : nil
        if buildings.count == 0 { throw StoreError("the buildings layer is empty", file: store.address, layer: "buildings") }
        timings.lap("load")
        let progress = ProgressReporter("coverage search (categories)", total: standard.categories.count)
        let options = CoverageOptions(cutoff: cutoff, unknownIsResidential: unknownResidential, areaKind: areas, gridSize: grid)
        let roads = metric == .network ? try store.snapshot("roads", fields: ["walkable"]) : nil
        if metric == .network { timings.lap("load roads") }
        func coverage(_ facilities: FeatureTable, timings: inout StageTimings) throws -> CoverageResult {
            switch metric {
            case .euclidean:
                return try StraightLineCoverage.run(buildings: buildings, facilities: facilities, areas: areaTable, standard: standard,
                                                    options: options, timings: &timings) { _, done, _ in progress.update(done) }
            case .network:
                return try NetworkCoverage.run(buildings: buildings, facilities: facilities, roads: roads!, areas: areaTable, standard: standard,
                                               options: options, snapTolerance: snapTolerance, maxAccess: maxAccess,
                                               timings: &timings) { _, done, _ in progress.update(done) }
            }
        }
        var plain: CoverageResult?
        var sitesLabel = ""
        let result: CoverageResult
        if let whatIf {
            let sites = try WhatIfSites(whatIf)
            sitesLabel = sites.label
            var unused = StageTimings()
            plain = try coverage(facilities, timings: &unused)
            result = try coverage(try sites.facilities(adding: facilities, store: store, standard: standard), timings: &timings)
        } else {
            result = try coverage(facilities, timings: &timings)
        }
        progress.finish()
        // --what-if never writes into the store: its layers go to --out only.
        let target = try out.map { try openResultTarget($0, for: store) } ?? (whatIf == nil ? store : nil)
        if let target {
            let provenance = LayerProvenance(source: "cim coverage --metric \(metric.rawValue) (\(standard.name))\(whatIf.map { " --what-if \($0)" } ?? "")")
            // Both layers in one transaction: either both land or neither.
            let writer = ProgressReporter("writing coverage_buildings, coverage_areas", total: result.buildings.count)
            try target.writeLayers([result.buildingLayer(footprints: buildings), result.areaLayer()], provenance: provenance) { name, count in
                if name == "coverage_buildings" { writer.update(count) }
            }
            writer.finish()
            try QGISMetadata.coverage(target, standard: standard)
            timings.lap("write")
        }
        for warning in result.warnings { printError("warning: \(warning)") }
        var tables = Self.summary(result, timings: timings, target: target?.address ?? "(not written: --what-if without --out)", top: top)
        if let plain { tables.insert(Self.whatIfTable(plain: plain, whatIf: result, sites: sitesLabel), at: 0) }
        try output.emit(tables)
    }

    /// Per category: residents in reach without and with the planned sites.
    static func whatIfTable(plain: CoverageResult, whatIf: CoverageResult, sites: String) -> SummaryTable {
        var table = SummaryTable(title: "What if \(sites) were built: residents in reach per category", key: "what_if",
                                 headers: ["category", "facilities", "what_if_facilities", "residents_%", "what_if_residents_%", "change_pct_points",
                                           "residents_in_reach", "what_if_residents_in_reach", "residents_gained"])
        for (p, w) in zip(plain.city, whatIf.city) {
            table.rows.append([.text(p.key), .int(p.facilities), .int(w.facilities), .real(p.residentRate * 100, digits: 2),
                               .real(w.residentRate * 100, digits: 2), .real((w.residentRate - p.residentRate) * 100, digits: 2),
                               .real(p.residentsInReach, digits: 1), .real(w.residentsInReach, digits: 1),
                               .real(w.residentsInReach - p.residentsInReach, digits: 1)])
        }
        table.notes.append("computed in memory with the sites added; the store is unchanged")
        return table
    }

    static func summary(_ r: CoverageResult, timings: StageTimings, target: String, top: Int) -> [SummaryTable] {
        let residents = r.buildings.residents.reduce(0, +)
        let completeBuildings = r.complete.filter { $0 }.count
        let completeResidents = zip(r.complete, r.buildings.residents).filter { $0.0 }.map(\.1).reduce(0, +)
        let withBuildings = r.areas.filter { $0.buildings > 0 }
        var overview = SummaryTable(title: "Life-circle coverage — \(r.standard.nameZh.isEmpty ? r.standard.name : r.standard.nameZh) (\(r.metric.rawValue), cutoff \(Int(r.cutoff)) m)",
                                    key: "overview", headers: ["measure", "value"])
        overview.rows = [
            [.text("residential buildings"), .int(r.buildings.count)],
            [.text("estimated residents"), .real(residents, digits: 0)],
            [.text("buildings reaching every required category (%)"), .real(r.buildings.count == 0 ? 0 : Double(completeBuildings) / Double(r.buildings.count) * 100, digits: 1)],
            [.text("residents reaching every required category (%)"), .real(residents <= 0 ? 0 : completeResidents / residents * 100, digits: 1)],
            [.text("\(r.units.isGrid ? "grid cells" : "areas (\(r.units.kind))") with residents"), .int(withBuildings.count)],
            [.text("complete \(r.units.isGrid ? "grid cells" : "areas") (完整居住社区)"), .int(withBuildings.filter(\.complete).count)],
            [.text("complete share of residents required per area (%)"), .real(r.standard.parameters.completeShare * 100, digits: 0)],
            [.text("results written to"), .text("\(target): coverage_buildings, coverage_areas")],
        ]
        var boards = SummaryTable(title: "Categories, short boards first (短板: residents out of reach)", key: "categories",
                                  headers: ["category", "名称", "level", "threshold_m", "required", "facilities", "buildings_%", "residents_%", "residents_out"])
        // Categories with no facility at all are listed apart (data quality): they are a gap in the data or the city, not a short board.
        for c in r.shortBoards where c.facilities > 0 {
            let category = r.standard.category(c.key)!
            boards.rows.append([.text(c.key), .text(category.nameZh), .text(category.level), .real(category.thresholdMetres, digits: 0),
                                .bool(category.required), .int(c.facilities), .real(c.buildingRate * 100, digits: 1),
                                .real(c.residentRate * 100, digits: 1), .real(c.residentsOutOfReach, digits: 0)])
        }
        var worst = SummaryTable(title: "Worst \(r.units.isGrid ? "grid cells" : "areas") (most required categories missing)", key: "worst_areas",
                                 headers: ["area", "name", "buildings", "residents", "missing", "missing_categories"])
        for a in r.worstAreas.prefix(top) {
            worst.rows.append([.text(a.id), .text(a.name ?? ""), .int(a.buildings), .real(a.residents, digits: 0), .int(a.missing.count),
                               .list(a.missing)])
        }
        let noFacility = r.shortBoards.filter { $0.facilities == 0 }.map { "\($0.key) (\(r.standard.category($0.key)?.nameZh ?? ""))" }
        var tables = [overview, dataQualityTable(r.buildings.quality, counted: r.buildings.count, categoriesWithoutFacilities: noFacility), boards, worst]
        if let network = r.network {
            let g = network.graph
            var graph = SummaryTable(title: "Walk network", key: "network", headers: ["measure", "value"])
            let offNetwork = network.offNetwork.filter { $0 }.count
            let detours = network.detour.filter { !$0.isNaN }.sorted()
            graph.rows = [
                [.text("roads / walkable"), .text("\(g.roads) / \(g.walkableRoads)")],
                [.text("network length (km)"), .real(g.totalLength / 1000, digits: 2)],
                [.text("components"), .int(g.components)],
                [.text("largest component share of length (%)"), .real(g.largestComponentLengthShare * 100, digits: 1)],
                [.text("vertices merged by --snap-tolerance \(g.snapTolerance) m"), .int(g.snappedVertices)],
                [.text("road parts left out (degenerate or NaN)"), .int(g.degenerateRoads)],
                [.text("buildings off-network (> \(Int(network.maxAccess)) m)"), .int(offNetwork)],
                [.text("buildings on a small component"), .int(network.smallComponent.filter { $0 }.count)],
                [.text("median detour ratio (network ÷ straight line)"), detours.isEmpty ? .null : .real(detours[detours.count / 2], digits: 3)],
                [.text("90th percentile detour ratio"), detours.isEmpty ? .null : .real(detours[min(detours.count - 1, detours.count * 9 / 10)], digits: 3)],
            ]
            tables.append(graph)
        }
        var stages = SummaryTable(title: "Timings", key: "timings", headers: ["stage", "seconds"])
        stages.rows = timings.stages.map { [.text($0.name), .real($0.seconds, digits: 3)] }
        return tables + [stages]
    }
}
