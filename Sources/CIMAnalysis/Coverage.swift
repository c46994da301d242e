import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// How distances are measured.
public enum DistanceMetric: String, Sendable, CaseIterable {
    /// Straight line from the building's reference point to the facility geometry.
    case euclidean
    /// Along the walk network (see CIMNetwork).
    case network
}

/// Options of a coverage run.
public struct CoverageOptions: Sendable {
    /// Distances beyond this are not searched (null); the standard's default when nil.
    public var cutoff: Double?
    /// Whether buildings of unknown use count as residential.
    public var unknownIsResidential: Bool
    /// Which `areas` kind to aggregate over.
    public var areaKind: String
    /// Grid cell size when the store has no areas of that kind.
    public var gridSize: Double

    public init(cutoff: Double? = nil, unknownIsResidential: Bool = false, areaKind: String = "community", gridSize: Double = 500) {
        self.cutoff = cutoff
        self.unknownIsResidential = unknownIsResidential
        self.areaKind = areaKind
        self.gridSize = gridSize
    }
}

/// Per-area results.
public struct AreaCoverage: Sendable {
    public var index: Int
    public var id: String
    public var name: String?
    public var buildings: Int
    public var residents: Double
    /// Per category (in ``CoverageResult/categories`` order): residential buildings in reach.
    public var buildingsInReach: [Int]
    /// Per category: residents in reach.
    public var residentsInReach: [Double]
    /// Required categories whose residents' share in reach is below the standard's complete share.
    public var missing: [String]
    /// True when the area has residents and no required category is missing.
    public var complete: Bool

    public func buildingRate(_ c: Int) -> Double { buildings == 0 ? 0 : Double(buildingsInReach[c]) / Double(buildings) }
    public func residentRate(_ c: Int) -> Double { residents <= 0 ? 0 : residentsInReach[c] / residents }
}

/// Per-category city results.
public struct CategoryCoverage: Sendable {
    public var key: String
    public var facilities: Int
    public var buildingsInReach: Int
    public var residentsInReach: Double
    public var residentsOutOfReach: Double
    public var buildingRate: Double
    public var residentRate: Double
}

/// Everything a coverage run produces.
public struct CoverageResult: Sendable {
    public var standard: Standard
    public var metric: DistanceMetric
    public var cutoff: Double
    public var categories: [Standard.Category]
    public var buildings: ResidentialBuildings
    /// distances[c][b] in metres, NaN when beyond the cutoff or unreachable.
    public var distances: [[Double]]
    /// Per building: required categories missing (out of reach) per level key.
    public var missingByLevel: [String: [Int]]
    /// Per building: number of required categories out of reach.
    public var missingRequired: [Int]
    /// Per building: every required category in reach.
    public var complete: [Bool]
    public var units: AreaUnits
    /// Per building: index of its unit, -1 when outside every unit.
    public var unitOfBuilding: [Int32]
    public var areas: [AreaCoverage]
    public var city: [CategoryCoverage]
    public var warnings: [String]
    /// Network-only facts (nil for the straight-line metric).
    public var network: NetworkFacts?

    /// Whether building b reaches category c.
    @inline(__always) public func inReach(_ c: Int, _ b: Int) -> Bool {
        let d = distances[c][b]
        return !d.isNaN && d <= categories[c].thresholdMetres
    }

    /// Areas ranked worst first: most missing required categories, then lowest mean resident coverage
    /// of the required categories.
    public var worstAreas: [AreaCoverage] {
        let required = categories.indices.filter { categories[$0].required }
        func mean(_ a: AreaCoverage) -> Double { required.isEmpty ? 1 : required.map { a.residentRate($0) }.reduce(0, +) / Double(required.count) }
        return areas.filter { $0.buildings > 0 }.sorted {
            $0.missing.count != $1.missing.count ? $0.missing.count > $1.missing.count : (mean($0), $0.index) < (mean($1), $1.index)
        }
    }

    /// Categories ranked by residents out of reach (the short boards, 短板).
    public var shortBoards: [CategoryCoverage] {
        city.sorted { $0.residentsOutOfReach != $1.residentsOutOfReach ? $0.residentsOutOfReach > $1.residentsOutOfReach : $0.key < $1.key }
    }
}

/// Turns per-building distances into flags, area and city aggregates; shared by every metric.
public enum CoverageAggregation {
    public static func aggregate(standard: Standard, metric: DistanceMetric, cutoff: Double, buildings: ResidentialBuildings,
                                 distances: [[Double]], facilityCounts: [Int], units: AreaUnits, unitOfBuilding: [Int32],
                                 warnings: [String]) -> CoverageResult {
        let categories = standard.categories
        let n = buildings.count
        var missingByLevel: [String: [Int]] = [:]
        for level in standard.levels { missingByLevel[level.key] = Array(repeating: 0, count: n) }
        var missingRequired = Array(repeating: 0, count: n)
        // One pass per category over flat arrays (a dictionary look-up per building and category cost
        // more than the rest of the aggregation at 1M buildings).
        for (c, category) in categories.enumerated() where category.required {
            let threshold = category.thresholdMetres
            var level = missingByLevel.removeValue(forKey: category.level)!
            distances[c].withUnsafeBufferPointer { d in
                for b in 0 ..< n where d[b].isNaN || d[b] > threshold {
                    missingRequired[b] += 1
                    level[b] += 1
                }
            }
            missingByLevel[category.level] = level
        }
        let complete = missingRequired.map { $0 == 0 }

        // Areas.
        var areas = (0 ..< units.count).map {
            AreaCoverage(index: $0, id: units.ids[$0], name: units.names[$0], buildings: 0, residents: 0,
                         buildingsInReach: Array(repeating: 0, count: categories.count),
                         residentsInReach: Array(repeating: 0, count: categories.count), missing: [], complete: false)
        }
        for b in 0 ..< n {
            let a = Int(unitOfBuilding[b])
            guard a >= 0 else { continue }
            areas[a].buildings += 1
            areas[a].residents += buildings.residents[b]
        }
        for (c, category) in categories.enumerated() {
            let threshold = category.thresholdMetres
            var count = [Int](repeating: 0, count: units.count)
            var residents = [Double](repeating: 0, count: units.count)
            distances[c].withUnsafeBufferPointer { d in
                buildings.residents.withUnsafeBufferPointer { r in
                    unitOfBuilding.withUnsafeBufferPointer { unit in
                        for b in 0 ..< n {
                            let a = Int(unit[b])
                            guard a >= 0, !d[b].isNaN, d[b] <= threshold else { continue }
                            count[a] += 1
                            residents[a] += r[b]
                        }
                    }
                }
            }
            for a in areas.indices {
                areas[a].buildingsInReach[c] = count[a]
                areas[a].residentsInReach[c] = residents[a]
            }
        }
        let share = standard.parameters.completeShare
        for a in areas.indices {
            areas[a].missing = categories.indices.filter { categories[$0].required && areas[a].residentRate($0) < share }.map { categories[$0].key }
            areas[a].complete = areas[a].residents > 0 && areas[a].missing.isEmpty
        }

        // City.
        let totalResidents = buildings.residents.reduce(0, +)
        let city = categories.enumerated().map { c, category -> CategoryCoverage in
            var inReachBuildings = 0
            var inReachResidents = 0.0
            for b in 0 ..< n {
                let d = distances[c][b]
                if !d.isNaN && d <= category.thresholdMetres { inReachBuildings += 1; inReachResidents += buildings.residents[b] }
            }
            return CategoryCoverage(key: category.key, facilities: facilityCounts[c], buildingsInReach: inReachBuildings,
                                    residentsInReach: inReachResidents, residentsOutOfReach: totalResidents - inReachResidents,
                                    buildingRate: n == 0 ? 0 : Double(inReachBuildings) / Double(n),
                                    residentRate: totalResidents <= 0 ? 0 : inReachResidents / totalResidents)
        }
        return CoverageResult(standard: standard, metric: metric, cutoff: cutoff, categories: categories, buildings: buildings,
                              distances: distances, missingByLevel: missingByLevel, missingRequired: missingRequired,
                              complete: complete, units: units, unitOfBuilding: unitOfBuilding, areas: areas, city: city,
                              warnings: warnings, network: nil)
    }
}

/// Timings of a run's stages, in order.
public struct StageTimings: Sendable {
    public private(set) var stages: [(name: String, seconds: Double)] = []
    private var started = Date()
    public init() {}
    /// Closes the current stage under `name` and starts the next.
    public mutating func lap(_ name: String) {
        let now = Date()
        stages.append((name, now.timeIntervalSince(started)))
        started = now
    }

    /// Adds a stage that ran alongside the others (on another thread), with its own duration; the current
    /// stage goes on.
    public mutating func record(_ name: String, seconds: Double) {
        stages.append((name, seconds))
    }
}

/// What every coverage metric starts from: residential buildings with reference points, facilities
/// indexed by category, and the aggregation units.
struct CoveragePreparation {
    var buildings: ResidentialBuildings
    var categories: [CategoryFacilities]
    var units: AreaUnits
    var unitOfBuilding: [Int32]
    var cutoff: Double
    var warnings: [String]

    init(buildings buildingTable: FeatureTable, facilities: FeatureTable, areas: FeatureTable?, standard: Standard,
         options: CoverageOptions, timings: inout StageTimings) throws {
        if let crs = buildingTable.crs, crs.isGeographic {
            throw AnalysisError("the store's CRS \(crs.identifier) is lon/lat: distances are never measured in degrees",
                                hint: "re-import into a store with a projected CRS (cim chooses one automatically)")
        }
        let cutoff = options.cutoff ?? standard.parameters.defaultCutoffMetres
        guard cutoff > 0 else { throw AnalysisError("the cutoff must be positive") }
        self.cutoff = cutoff
        var warnings: [String] = []
        if cutoff < standard.maxThreshold {
            warnings.append("the cutoff \(Int(cutoff)) m is below the largest threshold \(Int(standard.maxThreshold)) m: those categories cannot be reached")
        }
        buildings = try ResidentialBuildings(buildings: buildingTable, standard: standard, unknownIsResidential: options.unknownIsResidential)
        if buildings.count == 0 {
            warnings.append("no residential buildings (use residential or mixed\(options.unknownIsResidential ? " or unknown" : "; pass --unknown-residential to count buildings of unknown use"))")
        }
        timings.lap("reference points")
        let byCategory = try CategoryFacilities.byCategory(facilities, keys: standard.categories.map(\.key), serving: standard.servingCategories)
        categories = standard.categories.map { byCategory[$0.key]! }
        for (category, f) in zip(standard.categories, categories) where f.count == 0 {
            warnings.append("no facility of category '\(category.key)' (\(category.nameZh)): its coverage is 0 %")
        }
        let known = Set(standard.categories.map(\.key))
        let unknownCategories = Set((facilities.text("category") ?? []).compactMap { $0 }).subtracting(known)
        if !unknownCategories.isEmpty {
            warnings.append("facility categories not in the standard are ignored: \(unknownCategories.sorted().joined(separator: ", "))")
        }
        units = areas.flatMap { AreaUnits.fromAreas($0, kind: options.areaKind) } ?? AreaUnits.grid(covering: buildings.points, size: options.gridSize)
        if units.isGrid {
            warnings.append("no areas of kind '\(options.areaKind)': results are aggregated over a \(Int(options.gridSize)) m grid")
        }
        unitOfBuilding = units.assign(points: buildings.points)
        let outside = unitOfBuilding.filter { $0 < 0 }.count
        if outside > 0 { warnings.append("\(outside) residential building(s) lie outside every \(options.areaKind) area") }
        self.warnings = warnings
        timings.lap("index")
    }
}

/// The straight-line coverage analysis: facility indexes, distances, flags and aggregates.
public enum StraightLineCoverage {
    /// Runs the analysis on snapshots. `areas` may be nil (then a grid is used).
    public static func run(buildings buildingTable: FeatureTable, facilities: FeatureTable, areas: FeatureTable?, standard: Standard,
                           options: CoverageOptions, timings: inout StageTimings,
                           progress: (@Sendable (String, Int, Int) -> Void)? = nil) throws -> CoverageResult {
        let prepared = try CoveragePreparation(buildings: buildingTable, facilities: facilities, areas: areas, standard: standard,
                                               options: options, timings: &timings)
        let distances = StraightLineDistances.compute(points: prepared.buildings.points, categories: prepared.categories, cutoff: prepared.cutoff) {
            progress?("distances", $0, prepared.categories.count)
        }
        timings.lap("search")
        let result = CoverageAggregation.aggregate(standard: standard, metric: .euclidean, cutoff: prepared.cutoff, buildings: prepared.buildings,
                                                   distances: distances, facilityCounts: prepared.categories.map(\.count), units: prepared.units,
                                                   unitOfBuilding: prepared.unitOfBuilding, warnings: prepared.warnings)
        timings.lap("aggregate")
        return result
    }
}
