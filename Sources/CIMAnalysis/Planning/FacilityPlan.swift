import CIMGeometry
import CIMNetwork
import CIMTables
import Foundation

/// What a plan maximises: residents (default), residential floor area, or residential buildings.
public enum PlanWeight: String, Sendable, CaseIterable {
    case residents
    case floorArea = "floor_area"
    case buildings
}

/// Options of `cim plan`.
public struct PlanOptions: Sendable {
    /// The category key (see ``Standard/categoryKey(named:)``).
    public var category: String
    /// How many sites to add.
    public var sites: Int
    public var metric: DistanceMetric
    public var weight: PlanWeight
    /// A site must newly serve at least this much weight (0: any positive gain).
    public var minimumGain: Double
    public var unknownIsResidential: Bool
    public var snapTolerance: Double
    public var maxAccess: Double

    public init(category: String, sites: Int, metric: DistanceMetric = .euclidean, weight: PlanWeight = .residents, minimumGain: Double = 0,
                unknownIsResidential: Bool = false, snapTolerance: Double = 0, maxAccess: Double = NetworkCoverage.defaultMaxAccess) {
        self.category = category
        self.sites = sites
        self.metric = metric
        self.weight = weight
        self.minimumGain = minimumGain
        self.unknownIsResidential = unknownIsResidential
        self.snapTolerance = snapTolerance
        self.maxAccess = maxAccess
    }
}

/// One site of a plan.
public struct PlannedSite: Sendable {
    public var rank: Int
    /// Index in the candidates.
    public var candidate: Int
    public var id: String
    public var name: String?
    /// Newly in reach by this site (given the sites ranked before it).
    public var gain: Double
    public var residentsGained: Double
    public var floorAreaGained: Double
    public var buildingsGained: Int
    /// Residents in reach of the category once this site and those before it are built.
    public var residentsInReach: Double
    /// residentsInReach ÷ all residents.
    public var coverage: Double
}

/// A plan: the chosen sites and the coverage before and after.
public struct FacilityPlan: Sendable {
    public var category: Standard.Category
    public var options: PlanOptions
    public var candidates: SitingCandidates
    public var sites: [PlannedSite]
    public var residents: Double
    public var residentsInReachBefore: Double
    public var coverageBefore: Double
    /// The total weight gained.
    public var gain: Double
    /// Candidates whose gain was evaluated (lazy evaluation re-evaluates only the top ones).
    public var evaluations: Int
    public var buildings: ResidentialBuildings
    public var warnings: [String]
    public var timings: StageTimings

    public var coverageAfter: Double { sites.last?.coverage ?? coverageBefore }
    public var residentsInReachAfter: Double { sites.last?.residentsInReach ?? residentsInReachBefore }
}

/// `cim plan`: where to build the next facilities of a category so that the most residents are newly within
/// its threshold (see ``GreedyCovering``). Existing coverage comes from the coverage engine of the chosen
/// metric, restricted to the category; the candidates' reach from ``CandidateReach`` on the same distances.
public enum FacilityPlanning {
    public static func run(buildings: FeatureTable, facilities: FeatureTable?, roads: FeatureTable?, areas: FeatureTable?,
                           candidates: SitingCandidates, standard: Standard, options: PlanOptions,
                           timings: StageTimings = StageTimings()) throws -> FacilityPlan {
        var timings = timings
        guard options.sites > 0 else { throw AnalysisError("the number of sites to add must be positive") }
        guard let category = standard.category(options.category) else { throw AnalysisError("no category '\(options.category)' in the standard") }
        let restricted = standard.restricted(to: category.key)
        let facilities = facilities ?? FeatureTable(name: "facilities", geometryType: .point, columns: [AttributeColumn("category", .text([]))], crs: buildings.crs)
        let coverageOptions = CoverageOptions(unknownIsResidential: options.unknownIsResidential)
        var inner = StageTimings()
        let coverage: CoverageResult
        var graph: WalkGraph?
        switch options.metric {
        case .euclidean:
            coverage = try StraightLineCoverage.run(buildings: buildings, facilities: facilities, areas: areas, standard: restricted,
                                                    options: coverageOptions, timings: &inner)
        case .network:
            guard let roads else { throw AnalysisError("--metric network needs a roads layer") }
            coverage = try NetworkCoverage.run(buildings: buildings, facilities: facilities, roads: roads, areas: areas, standard: restricted,
                                               options: coverageOptions, snapTolerance: options.snapTolerance, maxAccess: options.maxAccess,
                                               timings: &inner)
            do { graph = try WalkGraph(roads: roads, snapTolerance: options.snapTolerance) } catch let error as NetworkError {
                throw AnalysisError(error.message, hint: error.hint)
            }
        }
        timings.lap("coverage (\(options.metric.rawValue))")
        let c = coverage.categories.firstIndex { $0.key == category.key }!
        let people = coverage.buildings
        let weights: [Double] = switch options.weight {
        case .residents: people.residents
        case .floorArea: people.floorArea
        case .buildings: Array(repeating: 1, count: people.count)
        }
        let eligible = (0 ..< people.count).map { !coverage.inReach(c, $0) && weights[$0] > 0 }
        let threshold = category.thresholdMetres
        let reach: CandidateReach
        if let graph {
            let snapped = graph.snap(points: people.points, maxAccess: options.maxAccess)
            reach = try CandidateReach.network(candidates: candidates, points: people.points, eligible: eligible, threshold: threshold,
                                               graph: graph, buildings: snapped, maxAccess: options.maxAccess)
        } else {
            reach = CandidateReach.straightLine(candidates: candidates, points: people.points, eligible: eligible, threshold: threshold)
        }
        timings.lap("candidate reach (\(candidates.count) candidates)")
        let solved = GreedyCovering.solve(reach: reach, weights: weights, sites: options.sites, minimumGain: options.minimumGain)
        timings.lap("greedy")
        let residents = people.residents.reduce(0, +)
        let before = coverage.city[c].residentsInReach
        var inReach = before
        var sites: [PlannedSite] = []
        for (k, pick) in solved.picks.enumerated() {
            let gainedResidents = pick.buildings.reduce(0.0) { $0 + people.residents[Int($1)] }
            inReach += gainedResidents
            sites.append(PlannedSite(rank: k + 1, candidate: pick.candidate, id: candidates.ids[pick.candidate], name: candidates.names[pick.candidate],
                                     gain: pick.gain, residentsGained: gainedResidents,
                                     floorAreaGained: pick.buildings.reduce(0.0) { $0 + people.floorArea[Int($1)] },
                                     buildingsGained: pick.buildings.count, residentsInReach: inReach,
                                     coverage: residents > 0 ? inReach / residents : 0))
        }
        // The coverage run saw only this category: warnings about the others, the grid and the areas do not apply.
        var warnings = coverage.warnings.filter { !$0.contains("grid") && !$0.contains("outside every") && !$0.hasPrefix("facility categories not in the standard") }
        if sites.count < options.sites {
            warnings.append("only \(sites.count) of \(options.sites) site(s): no other candidate newly serves \(options.minimumGain > 0 ? "at least \(fmtNumber(options.minimumGain)) (\(options.weight.rawValue))" : "anyone")")
        }
        return FacilityPlan(category: category, options: options, candidates: candidates, sites: sites, residents: residents,
                            residentsInReachBefore: before, coverageBefore: residents > 0 ? before / residents : 0,
                            gain: solved.picks.reduce(0) { $0 + $1.gain }, evaluations: solved.evaluations, buildings: people,
                            warnings: warnings, timings: timings)
    }
}

extension FacilityPlan {
    /// The layer `plan_<category>`: the chosen sites' geometries with rank, id, name, category, gains and
    /// the cumulative coverage.
    public func layer() -> FeatureTable {
        var geometries = GeometryColumn()
        for site in sites { geometries.append(candidates.geometries, feature: site.candidate) }
        return FeatureTable(name: "plan_\(category.key)", geometryType: candidates.geometryType, geometries: geometries, columns: [
            AttributeColumn("rank", .integer(sites.map { Int64($0.rank) })),
            AttributeColumn("id", .text(sites.map { $0.id })),
            AttributeColumn("name", .text(sites.map { $0.name })),
            AttributeColumn("category", .text(sites.map { _ in category.key })),
            AttributeColumn("residents_gained", .real(sites.map { $0.residentsGained })),
            AttributeColumn("floor_area_gained_m2", .real(sites.map { $0.floorAreaGained })),
            AttributeColumn("buildings_gained", .integer(sites.map { Int64($0.buildingsGained) })),
            AttributeColumn("cumulative_residents_in_reach", .real(sites.map { $0.residentsInReach })),
            AttributeColumn("cumulative_coverage_pct", .real(sites.map { $0.coverage * 100 })),
        ])
    }

    /// The sites as facilities for `--what-if` (id, category, name): a layer named `layer`.
    public func whatIfLayer(named layer: String = "sites") -> FeatureTable {
        var geometries = GeometryColumn()
        for site in sites { geometries.append(candidates.geometries, feature: site.candidate) }
        return FeatureTable(name: layer, geometryType: candidates.geometryType, geometries: geometries, columns: [
            AttributeColumn("id", .text(sites.map { "plan-\(category.key)-\($0.rank)" })),
            AttributeColumn("category", .text(sites.map { _ in category.key })),
            AttributeColumn("name", .text(sites.map { $0.name ?? "planned \(category.key) \($0.rank) (\($0.id))" })),
        ])
    }
}
