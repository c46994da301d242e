import CIMGeometry
import CIMTables
import Foundation

/// The layers a check reads (snapshots); nil where the store has no such layer.
public struct CheckInputs: Sendable {
    public var buildings: FeatureTable
    public var facilities: FeatureTable?
    public var roads: FeatureTable?
    public var pipes: FeatureTable?
    public var pipeNodes: FeatureTable?
    public var areas: FeatureTable?
    public var waterlogging: FeatureTable?

    public init(buildings: FeatureTable, facilities: FeatureTable? = nil, roads: FeatureTable? = nil, pipes: FeatureTable? = nil,
                pipeNodes: FeatureTable? = nil, areas: FeatureTable? = nil, waterlogging: FeatureTable? = nil) {
        self.buildings = buildings
        self.facilities = facilities
        self.roads = roads
        self.pipes = pipes
        self.pipeNodes = pipeNodes
        self.areas = areas
        self.waterlogging = waterlogging
    }

    /// The layer of this name, nil when missing.
    public func layer(_ name: String) -> FeatureTable? {
        switch name {
        case "buildings": return buildings
        case "facilities": return facilities
        case "roads": return roads
        case "pipes": return pipes
        case "pipe_nodes": return pipeNodes
        case "areas": return areas
        case "waterlogging": return waterlogging
        default: return nil
        }
    }
}

/// Options of a check.
public struct CheckOptions: Sendable {
    /// The check year (城市体检 year): the time point of every indicator, and the year of "new" buildings.
    public var year: Int
    public var metric: DistanceMetric
    /// Grid cell size (m) when the store has no areas to report by.
    public var gridSize: Double
    /// Network metric: see ``NetworkCoverage``.
    public var snapTolerance: Double
    public var maxAccess: Double
    public var unknownIsResidential: Bool

    public init(year: Int, metric: DistanceMetric = .euclidean, gridSize: Double = 500, snapTolerance: Double = 0,
                maxAccess: Double = NetworkCoverage.defaultMaxAccess, unknownIsResidential: Bool = false) {
        self.year = year
        self.metric = metric
        self.gridSize = gridSize
        self.snapTolerance = snapTolerance
        self.maxAccess = maxAccess
        self.unknownIsResidential = unknownIsResidential
    }
}

/// One kind of area the check reports by (district, community …, or a grid).
public struct AreaSet: Sendable {
    public var units: AreaUnits
    public var kind: String { units.isGrid ? "grid" : units.kind }
    /// Estimated residents per unit.
    public var residents: [Double]
}

/// Why an indicator cannot be computed: the layer (or field, or area kind) it needs.
struct NotComputable: Error {
    var needs: String
}

/// What the measures of one check share: the building stock, the area sets with every building's unit, and
/// the engines of `cim coverage`, `cim gaps` and `cim audit`, each run at most once (on first use).
final class CheckContext {
    let inputs: CheckInputs
    let standard: Standard
    let system: IndicatorSystem
    let options: CheckOptions
    var timings: StageTimings
    var warnings: [String] = []

    /// Every building with a polygon footprint: floors, floor area, residents, reference points.
    let stock: DrainageBuildings
    let areaSets: [AreaSet]
    /// unitOfStock[s][k]: unit of stock building k in area set s (-1: none).
    let unitOfStock: [[Int32]]
    /// Blank-zone runs by "kinds|radius".
    var gapsRuns: [String: GapsResult]
    /// Blank-zone runs that could not be made (no pipe of the kinds …), by "kinds|radius": the message.
    var gapsFailures: [String: String]

    private var coverageRun: CoverageRun?
    private var auditRun: AuditResult?
    private var builtUpUnits: (city: AreaUnits, areas: [AreaUnits])?

    init(inputs: CheckInputs, standard: Standard, system: IndicatorSystem, options: CheckOptions, timings: StageTimings) throws {
        if let crs = inputs.buildings.crs, crs.isGeographic {
            throw AnalysisError("the store's CRS \(crs.identifier) is lon/lat: distances are never measured in degrees")
        }
        var timings = timings
        var warnings: [String] = []
        // The first blank-share indicator runs `cim gaps` first, so its building stock is shared.
        var runs: [String: GapsResult] = [:]
        var first: GapsResult?
        var gapsFailures: [String: String] = [:]
        if (inputs.pipes?.count ?? 0) > 0, let blank = system.indicators.first(where: { if case .blankShare = $0.measure { return true }; return false }),
           case let .blankShare(kinds, radius) = blank.measure {
            do {
                first = try Self.runGaps(inputs: inputs, standard: standard, options: options, kinds: kinds, radius: radius, timings: &timings)
                runs["\(kinds)|\(radius)"] = first
            } catch let error as AnalysisError {
                gapsFailures["\(kinds)|\(radius)"] = error.message
            }
        }
        let stock = try first?.buildings ?? DrainageBuildings(buildings: inputs.buildings, standard: standard, unknownIsResidential: options.unknownIsResidential)
        guard stock.count > 0 else { throw AnalysisError("no building has a polygon footprint") }
        timings.lap("buildings")

        // Area sets: every kind of the areas layer but the built-up land, in order of first appearance; a grid when none.
        var kinds: [String] = []
        for kind in inputs.areas?.text("kind") ?? [] { if let kind, kind != "builtup", !kinds.contains(kind) { kinds.append(kind) } }
        var units = kinds.compactMap { kind in inputs.areas.flatMap { AreaUnits.fromAreas($0, kind: kind) } }
        if units.isEmpty {
            units = [AreaUnits.grid(covering: stock.points, size: options.gridSize)]
            warnings.append("no areas to report by (areas of kind district, community …): the check reports by a \(Int(options.gridSize)) m grid")
        }
        let unitOfStock = units.map { $0.assign(points: stock.points) }
        let areaSets = zip(units, unitOfStock).map { units, unitOf in
            var residents = [Double](repeating: 0, count: units.count)
            for k in 0 ..< stock.count where unitOf[k] >= 0 { residents[Int(unitOf[k])] += stock.residents[k] }
            return AreaSet(units: units, residents: residents)
        }
        timings.lap("areas")
        self.inputs = inputs
        self.standard = standard
        self.system = system
        self.options = options
        self.gapsRuns = runs
        self.gapsFailures = gapsFailures
        self.stock = stock
        self.unitOfStock = unitOfStock
        self.areaSets = areaSets
        self.timings = timings
        self.warnings = warnings
    }

    var unitCounts: [Int] { areaSets.map(\.units.count) }

    /// The required layer, or "not computable" naming it.
    func layer(_ name: String) throws -> FeatureTable {
        guard let table = inputs.layer(name), table.count > 0 else { throw NotComputable(needs: "layer \(name)") }
        return table
    }

    /// `cim gaps` (``PipeGaps``) with these kinds and radius, run once.
    func gaps(kinds: String, radius: Double) throws -> GapsResult {
        let key = "\(kinds)|\(radius)"
        if let run = gapsRuns[key] { return run }
        _ = try layer("pipes")
        if gapsFailures[key] == nil {
            do {
                let run = try Self.runGaps(inputs: inputs, standard: standard, options: options, kinds: kinds, radius: radius, timings: &timings)
                gapsRuns[key] = run
                return run
            } catch let error as AnalysisError {
                gapsFailures[key] = error.message
            }
        }
        throw NotComputable(needs: "layer pipes with pipes of kinds \(kinds) (\(gapsFailures[key]!))")
    }

    static func runGaps(inputs: CheckInputs, standard: Standard, options: CheckOptions, kinds: String, radius: Double,
                        timings: inout StageTimings) throws -> GapsResult {
        var gapsOptions = GapsOptions(kinds: try PipeKinds.parse(kinds), radius: radius, unknownIsResidential: options.unknownIsResidential)
        // Blank shares and zones need no blank areas (the slowest stage of cim gaps): not computed here.
        gapsOptions.computeBlankAreas = false
        var inner = StageTimings()
        let result = try PipeGaps.run(buildings: inputs.buildings, pipes: inputs.pipes!, areas: inputs.areas, standard: standard,
                                      options: gapsOptions, timings: &inner)
        timings.lap("gaps (\(kinds), \(fmtNumber(radius)) m)")
        return result
    }

    /// The coverage engine's run for every reach clause of the system (see ``CoverageRun``), run once.
    func coverage() throws -> CoverageRun {
        if let coverageRun { return coverageRun }
        let run = try CoverageRun(context: self)
        warnings += run.result.warnings.filter { !$0.contains("grid") && !$0.contains("check_") }
        coverageRun = run
        timings.lap("coverage (\(options.metric.rawValue))")
        return run
    }

    /// `cim audit` (``PipeAudit``) with its defaults, run once.
    func audit() throws -> AuditResult {
        if let auditRun { return auditRun }
        let pipes = try layer("pipes")
        var inner = StageTimings()
        let result: AuditResult
        do {
            result = try PipeAudit.run(pipes: pipes, nodes: inputs.pipeNodes, options: AuditOptions(), timings: &inner)
        } catch let error as AnalysisError {
            throw NotComputable(needs: "layer pipes with drainage pipes (\(error.message))")
        }
        auditRun = result
        timings.lap("audit")
        return result
    }

    /// The built-up land (that of `cim gaps` when it ran; else the areas of kind builtup; else derived from
    /// the buildings as `cim gaps` does), as units for the city (its polygons) and clipped to every area set.
    func builtUp() throws -> (city: AreaUnits, areas: [AreaUnits]) {
        if let builtUpUnits { return builtUpUnits }
        let land: BuiltUpArea
        if let gaps = gapsRuns.values.first {
            land = gaps.builtUp
        } else if let areas = inputs.areas, let units = AreaUnits.fromAreas(areas, kind: "builtup") {
            land = try BuiltUpArea.fromAreas(units, kind: "builtup")
        } else {
            let merge = GapsOptions.defaultMerge
            let groups = BlankZones.cluster(footprints: stock.geometries, members: Array(0 ..< stock.count), merge: merge)
            land = try BuiltUpArea.derived(from: stock.geometries, groups: groups, merge: merge, quadrantSegments: 8)
        }
        if !land.fromAreas { warnings.append("no areas of kind builtup: densities use built-up land derived from the buildings") }
        let city = AreaUnits(ids: (0 ..< land.geometries.count).map { "U\($0 + 1)" }, names: Array(repeating: nil, count: land.geometries.count),
                             kind: "builtup", geometries: land.geometries, isGrid: false)
        let clipped = try areaSets.map { try $0.units.clipped(to: land.geometries) }
        builtUpUnits = (city, clipped)
        timings.lap("built-up land")
        return (city, clipped)
    }
}

/// A number without trailing zeros ("50", "12.5").
func fmtNumber(_ value: Double) -> String { String(format: "%g", value) }
