import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// Options of a blank-zone run (`cim gaps`).
public struct GapsOptions: Sendable {
    /// Default service radius, 50 m. Practice checks a building's distance to the nearest sewer or combined
    /// main against a lateral (house-connection) length of roughly 30–100 m (no national metre rule); 50 m
    /// is in the lower half of that range: about one street setback plus a block's depth, the run a
    /// house connection can make to a street sewer without a new branch main. Pass --radius for local rules.
    public static let defaultRadius = 50.0
    /// Default merge distance, 100 m: unserved buildings up to two service radii apart form one zone, the
    /// scale at which one new branch main serves them together.
    public static let defaultMerge = 100.0

    /// Pipe kinds that serve a building (sewer and combined by default: wastewater).
    public var kinds: PipeKinds
    /// A building is unserved when its pipe service distance exceeds this (m).
    public var radius: Double
    /// Unserved buildings within this distance of each other form one zone (m).
    public var merge: Double
    /// The `areas` kind of the built-up land; nil: "builtup" when the store has such areas, else built-up
    /// land derived from the buildings. When given, the areas must exist.
    public var builtUpKind: String?
    /// The `areas` kind zones and buildings are reported by.
    public var districtKind: String
    /// Whether buildings of unknown use count as residential (for residents).
    public var unknownIsResidential: Bool
    /// Roundness of the GEOS buffers (segments per quarter circle).
    public var quadrantSegments: Int
    /// Whether to compute the blank areas (built-up land beyond every pipe buffer, the slowest stage); the
    /// health check, which does not use them, turns them off.
    public var computeBlankAreas: Bool = true

    public init(kinds: PipeKinds = .wastewater, radius: Double = GapsOptions.defaultRadius, merge: Double = GapsOptions.defaultMerge,
                builtUpKind: String? = nil, districtKind: String = "district", unknownIsResidential: Bool = false, quadrantSegments: Int = 8) {
        self.kinds = kinds
        self.radius = radius
        self.merge = merge
        self.builtUpKind = builtUpKind
        self.districtKind = districtKind
        self.unknownIsResidential = unknownIsResidential
        self.quadrantSegments = quadrantSegments
    }
}

/// Per-district totals of a blank-zone run.
public struct DistrictGaps: Sendable {
    public var index: Int
    public var id: String
    public var name: String?
    public var buildings: Int
    public var unserved: Int
    public var unservedFloorArea: Double
    public var unservedResidents: Double
    public var zones: Int
    public var blankArea: Double
}

/// Everything a blank-zone run produces.
public struct GapsResult: Sendable {
    public var options: GapsOptions
    public var standard: Standard
    public var buildings: DrainageBuildings
    public var pipes: PipeSet
    public var service: PipeService
    /// Whether each building lies in the built-up land (its reference point inside a built-up area; every
    /// building when the built-up land is derived from the buildings). Only these form zones.
    public var inScope: [Bool]
    public var districts: AreaUnits?
    /// District of each building (by reference point), -1 when none.
    public var districtOfBuilding: [Int32]
    public var zones: [BlankZone]
    /// Zone polygons, in ``zones`` order.
    public var zonePolygons: GeometryColumn
    /// Zone of each building (index into ``zones``), -1 when in none.
    public var zoneOfBuilding: [Int32]
    public var builtUp: BuiltUpArea
    public var builtUpArea: Double
    public var blankAreas: BlankAreas
    /// District of each blank area (by its PointOnSurface), -1 when none.
    public var blankAreaDistrict: [Int32]
    public var byDistrict: [DistrictGaps]
    public var warnings: [String]

    /// Whether building b is within the service radius of a pipe.
    @inline(__always) public func isServed(_ b: Int) -> Bool { service.distances[b] <= options.radius }
    /// Whether building b counts as unserved (in scope and beyond the radius).
    @inline(__always) public func isUnserved(_ b: Int) -> Bool { inScope[b] && !isServed(b) }

    public var unservedBuildings: [Int] { (0 ..< buildings.count).filter(isUnserved) }
}

/// The blank-zone analysis (`cim gaps`): pipe service distances, unserved buildings, blank zones and
/// blank areas. Works on snapshots; validates its input before any result is produced.
public enum PipeGaps {
    public static func run(buildings buildingTable: FeatureTable, pipes pipeTable: FeatureTable, areas: FeatureTable?, standard: Standard,
                           options: GapsOptions, timings: inout StageTimings,
                           progress: (@Sendable (String, Int, Int) -> Void)? = nil) throws -> GapsResult {
        guard options.radius.isFinite, options.radius >= 0 else { throw AnalysisError("the service radius must be a distance >= 0 m") }
        guard options.merge.isFinite, options.merge >= 0 else { throw AnalysisError("the merge distance must be a distance >= 0 m") }
        guard buildingTable.count > 0 else { throw AnalysisError("the buildings layer is empty") }
        try DrainageInputChecks.checkCRS([buildingTable, pipeTable] + (areas.map { [$0] } ?? []))
        try DrainageInputChecks.checkNear(buildingTable, pipeTable)
        var warnings: [String] = []
        let pipes = try PipeSet(pipes: pipeTable, kinds: options.kinds, warnings: &warnings)
        timings.lap("pipe index")

        // Built-up land and districts from the areas layer.
        let builtUpKind = options.builtUpKind ?? "builtup"
        let builtUpUnits = areas.flatMap { AreaUnits.fromAreas($0, kind: builtUpKind) }
        if options.builtUpKind != nil && builtUpUnits == nil {
            let kinds = Set((areas?.text("kind") ?? []).compactMap { $0 }).sorted()
            throw AnalysisError("no areas of kind '\(builtUpKind)' for --within",
                                hint: kinds.isEmpty ? "the store has no areas; import them: cim import STORE areas FILE --map kind=FIELD"
                                                    : "area kinds here: \(kinds.joined(separator: ", "))")
        }
        let districts = areas.flatMap { AreaUnits.fromAreas($0, kind: options.districtKind) }
        if districts == nil { warnings.append("no areas of kind '\(options.districtKind)': zones are not assigned to districts") }

        let stock = try DrainageBuildings(buildings: buildingTable, standard: standard, unknownIsResidential: options.unknownIsResidential)
        guard stock.count > 0 else { throw AnalysisError("no building has a polygon footprint") }
        if buildingTable.text("use") == nil {
            warnings.append("the buildings have no 'use' field: no building counts as residential, so residents are 0")
        }
        if buildingTable.integers("floors") == nil && buildingTable.reals("height") == nil {
            warnings.append("the buildings have neither 'floors' nor 'height': every building counts one floor")
        }
        timings.lap("buildings")

        let service = PipeService.compute(footprints: stock.geometries, pipes: pipes) { progress?("pipe service", $0, stock.count) }
        timings.lap("pipe service")

        var inScope = Array(repeating: true, count: stock.count)
        if let builtUpUnits {
            let unit = builtUpUnits.assign(points: stock.points)
            inScope = unit.map { $0 >= 0 }
            let outside = inScope.filter { !$0 }.count
            if outside > 0 { warnings.append("\(outside) building(s) lie outside the built-up areas (kind \(builtUpKind)) and form no zone") }
        }
        let districtOfBuilding = districts?.assign(points: stock.points) ?? Array(repeating: -1, count: stock.count)

        // Zones.
        let radius = options.radius
        let unserved = (0 ..< stock.count).filter { inScope[$0] && service.distances[$0] > radius }
        let groups = BlankZones.cluster(footprints: stock.geometries, members: unserved, merge: options.merge)
        let polygons = try BlankZones.polygons(footprints: stock.geometries, groups: groups, merge: options.merge,
                                               quadrantSegments: options.quadrantSegments) { progress?("zone polygons", $0, groups.count) }
        let (zones, zonePolygons) = BlankZones.zones(groups: groups, polygons: polygons, buildings: stock, service: service,
                                                     districtOfBuilding: districtOfBuilding)
        var zoneOfBuilding = [Int32](repeating: -1, count: stock.count)
        for (z, zone) in zones.enumerated() { for b in zone.members { zoneOfBuilding[b] = Int32(z) } }
        timings.lap("zones")

        // Blank areas.
        let builtUp: BuiltUpArea
        if let builtUpUnits {
            builtUp = try BuiltUpArea.fromAreas(builtUpUnits, kind: builtUpKind)
        } else {
            warnings.append("no areas of kind 'builtup': the built-up land is derived from the buildings (footprints within \(Int(options.merge)) m joined and closed); import built-up areas or pass --within KIND")
            let all = BlankZones.cluster(footprints: stock.geometries, members: Array(0 ..< stock.count), merge: options.merge)
            builtUp = try BuiltUpArea.derived(from: stock.geometries, groups: all, merge: options.merge, quadrantSegments: options.quadrantSegments)
        }
        var byDistrict: [DistrictGaps] = []
        if let districts {
            byDistrict = (0 ..< districts.count).map {
                DistrictGaps(index: $0, id: districts.ids[$0], name: districts.names[$0], buildings: 0, unserved: 0, unservedFloorArea: 0,
                             unservedResidents: 0, zones: 0, blankArea: 0)
            }
            for b in 0 ..< stock.count {
                let d = Int(districtOfBuilding[b])
                guard d >= 0 else { continue }
                byDistrict[d].buildings += 1
                if inScope[b] && service.distances[b] > radius {
                    byDistrict[d].unserved += 1
                    byDistrict[d].unservedFloorArea += stock.floorArea[b]
                    byDistrict[d].unservedResidents += stock.residents[b]
                }
            }
            for zone in zones where zone.district >= 0 { byDistrict[zone.district].zones += 1 }
        }
        var result = GapsResult(options: options, standard: standard, buildings: stock, pipes: pipes, service: service, inScope: inScope,
                                districts: districts, districtOfBuilding: districtOfBuilding, zones: zones, zonePolygons: zonePolygons,
                                zoneOfBuilding: zoneOfBuilding, builtUp: builtUp, builtUpArea: builtUp.area,
                                blankAreas: BlankAreas(geometries: GeometryColumn(), areas: [], builtUp: []),
                                blankAreaDistrict: [], byDistrict: byDistrict, warnings: warnings)
        if options.computeBlankAreas { try addBlankAreas(to: &result, progress: progress) }
        timings.lap(options.computeBlankAreas ? "blank areas" : "built-up land")
        return result
    }

    /// Computes the blank areas of a run made without them (``GapsOptions/computeBlankAreas`` false): the
    /// built-up land beyond every pipe buffer (``BlankAreas/compute(builtUp:pipes:radius:quadrantSegments:tileSize:progress:)``),
    /// the district of each (by its PointOnSurface) and the blank area per district. `cim gaps` runs this
    /// while the other two layers are being written.
    public static func addBlankAreas(to result: inout GapsResult, progress: (@Sendable (String, Int, Int) -> Void)? = nil) throws {
        let builtUp = result.builtUp
        let blankAreas = try BlankAreas.compute(builtUp: builtUp, pipes: result.pipes, radius: result.options.radius,
                                                quadrantSegments: result.options.quadrantSegments) {
            progress?("blank areas", $0, builtUp.geometries.count)
        }
        var blankAreaDistrict = [Int32](repeating: -1, count: blankAreas.count)
        if let districts = result.districts, blankAreas.count > 0 {
            let context = GEOSContext()
            var points: [Double] = [], crossings: [Double] = []
            for i in 0 ..< blankAreas.count {
                let point = try blankAreas.geometries.pointOnSurface(i, context: context, crossings: &crossings)
                points.append(point.x); points.append(point.y)
            }
            blankAreaDistrict = districts.assign(points: points)
            let blankByDistrict = try blankAreas.area(in: districts)
            for d in result.byDistrict.indices { result.byDistrict[d].blankArea = blankByDistrict[d] }
        }
        result.blankAreas = blankAreas
        result.blankAreaDistrict = blankAreaDistrict
    }
}
