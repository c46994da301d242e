import ArgumentParser
import CIMAnalysis
import CIMGeometry
import CIMStore
import Foundation

/// `cim explain STORE BUILDING_ID`: one building's story.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Tells one residential building's story: per category the nearest facility, distance, threshold and reach; why it is not complete; its area.",
        discussion: """
        The distances are those of cim coverage (the same run). With --metric network the walking path of each \
        category (building → snap point → streets → facility) is written to the layer explain_paths of the store.
        """
    )

    @Argument(help: "The store (.gpkg).") var store: String
    @Argument(help: "The building's id (field id of the buildings layer).") var buildingId: String
    @Option(name: .long, help: "Distance metric: euclidean (straight line) or network (along walkable roads).") var metric: DistanceMetric = .euclidean
    @Option(name: .long, help: "The areas kind the building's area is of (community, district …).") var areas: String = "community"
    @Option(name: .long, help: "Grid cell size in metres when the store has no areas of that kind.") var grid: Double = 500
    @Option(name: .long, help: "A standard file (default: the shipped GB 50180-2018 file).") var standard: String?
    @Option(name: .long, help: "Network: merge road vertices closer than this (m).") var snapTolerance: Double = 0
    @Option(name: .long, help: "Network: buildings and facilities farther than this (m) from every walkable road are off-network.") var maxAccess: Double = NetworkCoverage.defaultMaxAccess
    @Flag(name: .long, help: "Count buildings of unknown use as residential.") var unknownResidential = false
    @OptionGroup var output: OutputOptions

    func validate() throws {
        try OptionValidation.distance(grid, "--grid", zeroAllowed: false)
        try OptionValidation.tolerance(snapTolerance, "--snap-tolerance")
        try OptionValidation.distance(maxAccess, "--max-access", zeroAllowed: false)
        try OptionValidation.standardFile(standard)
    }

    func run() throws {
        let standard = try self.standard.map { try Standard.load(URL(fileURLWithPath: $0)) } ?? Standard.shipped()
        let store = try openStore(self.store, update: metric == .network)
        for layer in ["buildings", "facilities"] where !store.hasLayer(layer) {
            throw StoreError("the store has no \(layer) layer", file: store.address, hint: "import one: cim import \(store.address) \(layer) FILE")
        }
        if metric == .network && !store.hasLayer("roads") {
            throw StoreError("--metric network needs a roads layer", file: store.address, hint: "import one: cim import \(store.address) roads FILE")
        }
        let buildings = try store.snapshot("buildings", fields: ["id", "floors", "height", "use"])
        let facilities = try store.snapshot("facilities", fields: GapsCommand.existing(store, "facilities", ["id", "category", "name"]))
        let areaTable = store.hasLayer("areas") ? try store.snapshot("areas", fields: ["id", "kind", "name"]) : nil
        let roads = metric == .network ? try store.snapshot("roads", fields: ["walkable"]) : nil
        let explanation: BuildingExplanation
        do {
            explanation = try BuildingExplainer.run(buildingId: buildingId, buildings: buildings, facilities: facilities, roads: roads, areas: areaTable,
                                                    standard: standard, metric: metric,
                                                    options: CoverageOptions(unknownIsResidential: unknownResidential, areaKind: areas, gridSize: grid),
                                                    snapTolerance: snapTolerance, maxAccess: maxAccess)
        } catch let error as AnalysisError {
            throw StoreError(error.message, file: store.address, layer: "buildings", feature: buildingId, hint: error.hint)
        }
        if metric == .network {
            try store.writeLayer(Self.pathLayer(explanation), provenance: LayerProvenance(source: "cim explain \(buildingId) --metric network"))
        }
        switch output.resolved {
        case .json: print(Self.json(explanation))
        default: print(SummaryRenderer.render(Self.tables(explanation, store: store.address), as: output.resolved, language: output.language), terminator: "")
        }
    }

    /// `explain_paths`: one line per category with a path (building id, category, facility, distance, reach).
    static func pathLayer(_ e: BuildingExplanation) -> FeatureTable {
        let rows = e.categories.filter { $0.path != nil }
        var geometries = GeometryColumn()
        for row in rows {
            let p = row.path!
            geometries.beginFeature(.lineString)
            geometries.addRing(stride(from: 0, to: p.count, by: 2).map { (p[$0], p[$0 + 1]) })
            geometries.endPart()
            geometries.endFeature()
        }
        return FeatureTable(name: "explain_paths", geometryType: .lineString, geometries: geometries, columns: [
            AttributeColumn("building_id", .text(rows.map { _ in e.buildingId })),
            AttributeColumn("category", .text(rows.map { $0.category.key })),
            AttributeColumn("facility_id", .text(rows.map { $0.facilityId })),
            AttributeColumn("distance_m", .real(rows.map { $0.distance })),
            AttributeColumn("threshold_m", .real(rows.map { $0.category.thresholdMetres })),
            AttributeColumn("in_reach", .integer(rows.map { $0.inReach ? 1 : 0 })),
        ])
    }

    static func tables(_ e: BuildingExplanation, store: String) -> [SummaryTable] {
        var overview = SummaryTable(title: "Building \(e.buildingId) (\(e.metric.rawValue))", key: "building", headers: ["measure", "value"])
        overview.rows = [
            [.text("estimated residents"), .real(e.residents, digits: 1)],
            [.text("complete (every required category in reach)"), .bool(e.complete)],
            [.text("why not complete"), .text(e.missing.isEmpty ? "—" : e.missing.map(Self.why).joined(separator: "; "))],
            [.text("area"), .text(e.area.map { "\($0.id)\($0.name.map { " \($0)" } ?? "") (\(e.areaKind))" } ?? "outside every area")],
            [.text("area complete"), .text(e.area.map { $0.complete ? "yes" : "no (missing: \($0.missing.joined(separator: ", ")))" } ?? "—")],
        ]
        if e.offNetwork { overview.rows.append([.text("off-network"), .text("farther than --max-access from every walkable road")]) }
        if e.metric == .network { overview.rows.append([.text("paths written to"), .text("\(store): explain_paths")]) }
        var categories = SummaryTable(title: "Nearest facility per category", key: "categories",
                                      headers: ["category", "名称", "required", "facility_id", "facility_name", "distance_m", "threshold_m", "in_reach", "short_by_m"])
        for c in e.categories {
            categories.rows.append([.text(c.category.key), .text(c.category.nameZh), .bool(c.category.required),
                                    c.facilityId.map { .text($0) } ?? .null, c.facilityName.map { .text($0) } ?? .null,
                                    c.distance.map { .real($0, digits: 1) } ?? .null, .real(c.category.thresholdMetres, digits: 0),
                                    .bool(c.inReach), c.shortBy.map { .real($0, digits: 1) } ?? .null])
        }
        return [overview, categories]
    }

    /// "kindergarten 120 m too far" / "kindergarten: none within 2000 m".
    static func why(_ c: CategoryExplanation) -> String {
        c.shortBy.map { "\(c.category.key) \(String(format: "%.0f", $0)) m too far" } ?? "\(c.category.key): none within the cutoff"
    }

    static func json(_ e: BuildingExplanation) -> String {
        func number(_ x: Double?) -> Any { x.map { $0 as Any } ?? NSNull() }
        let categories: [[String: Any]] = e.categories.map { c in
            ["category": c.category.key, "name_zh": c.category.nameZh, "required": c.category.required,
             "facility_id": c.facilityId ?? NSNull(), "facility_name": c.facilityName ?? NSNull(),
             "distance_m": number(c.distance), "threshold_m": c.category.thresholdMetres, "in_reach": c.inReach,
             "short_by_m": number(c.shortBy)]
        }
        let area: Any = e.area.map { a -> [String: Any] in
            ["kind": e.areaKind, "id": a.id, "name": a.name ?? NSNull(), "residents": a.residents, "complete": a.complete, "missing": a.missing]
        } ?? NSNull()
        let root: [String: Any] = [
            "building_id": e.buildingId, "metric": e.metric.rawValue, "residents": e.residents, "complete": e.complete,
            "off_network": e.offNetwork,
            "missing": e.missing.map { ["category": $0.category.key, "distance_m": number($0.distance), "threshold_m": $0.category.thresholdMetres,
                                        "short_by_m": number($0.shortBy)] as [String: Any] },
            "area": area, "categories": categories,
        ]
        let data = try! JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
