import CIMGeometry
import CIMTables
import Foundation

/// The residential buildings of a buildings snapshot with what the analyses need: reference points
/// (GEOS `PointOnSurface` of the footprint: always inside it, deterministic), floors, floor area and
/// estimated residents, with the semantics of the README ("Semantics").
public struct ResidentialBuildings: Sendable {
    /// Row index in the buildings snapshot of each residential building.
    public var rows: [Int]
    /// Reference points, interleaved x,y (one per residential building).
    public var points: [Double]
    public var ids: [String]
    public var floors: [Int]
    public var footprintArea: [Double]
    public var floorArea: [Double]
    public var residents: [Double]
    /// What the numbers rest on (buildings left out, floors assumed, residents given).
    public var quality: BuildingDataQuality
    public var count: Int { rows.count }

    /// Residents of a residential building: the source's `residents` where present (not negative), else
    /// its `households` × persons per household, else floor area ÷ floor area per resident (the estimate).
    public static func residents(given: Double?, households: Double?, floorArea: Double, parameters: Standard.Parameters) -> Double {
        if let given, given.isFinite, given >= 0 { return given }
        if let households, households.isFinite, households >= 0 { return households * parameters.personsPerHousehold }
        return floorArea / parameters.floorAreaPerResident
    }

    /// Floors: `floors`, else round(height / floor height) (at least 1), else 1.
    public static func floors(floors: Int64?, height: Double?, floorHeight: Double) -> Int {
        if let floors, floors > 0 { return Int(floors) }
        if let height, height > 0 { return max(1, Int((height / floorHeight).rounded())) }
        return 1
    }

    /// Whether a `use` value counts as residential: residential and mixed always; unknown (or missing)
    /// only when `unknownIsResidential`.
    public static func isResidential(_ use: String?, unknownIsResidential: Bool) -> Bool {
        switch use {
        case "residential", "mixed": return true
        case "unknown", nil: return unknownIsResidential
        default: return false
        }
    }

    /// Selects and describes the residential buildings (reference points in parallel, a GEOS context per worker).
    public init(buildings: FeatureTable, standard: Standard, unknownIsResidential: Bool) throws {
        guard let uses = buildings.text("use") else { throw AnalysisError("the buildings layer has no 'use' field") }
        let floorValues = buildings.integers("floors") ?? Array(repeating: nil, count: buildings.count)
        let heights = buildings.reals("height") ?? Array(repeating: nil, count: buildings.count)
        let idValues = buildings.text("id") ?? Array(repeating: nil, count: buildings.count)
        let geometries = buildings.geometries
        rows = (0 ..< buildings.count).filter {
            Self.isResidential(uses[$0], unknownIsResidential: unknownIsResidential) && !geometries.parts(of: $0).isEmpty
        }
        ids = rows.map { idValues[$0] ?? "fid \(buildings.fids.isEmpty ? $0 : Int(buildings.fids[$0]))" }
        floors = rows.map { Self.floors(floors: floorValues[$0], height: heights[$0], floorHeight: standard.parameters.floorHeightMetres) }
        footprintArea = rows.map { geometries.area($0) }
        floorArea = zip(footprintArea, floors).map { $0 * Double($1) }
        let given = buildings.reals("residents") ?? buildings.integers("residents")?.map { $0.map(Double.init) }
        let households = buildings.reals("households") ?? buildings.integers("households")?.map { $0.map(Double.init) }
        let parameters = standard.parameters
        let selected = self.rows, floorAreas = self.floorArea
        residents = selected.indices.map { k in
            Self.residents(given: given?[selected[k]], households: households?[selected[k]], floorArea: floorAreas[k], parameters: parameters)
        }
        quality = BuildingDataQuality(buildings: buildings, counted: selected, unknownIsResidential: unknownIsResidential)
        let rows = self.rows
        let result = SharedBuffer(repeating: 0.0, count: rows.count * 2)
        let failure = SharedBuffer<String?>(repeating: nil, count: 1)
        parallelGEOSChunks(rows.count) { range, context in
            var crossings: [Double] = []
            for k in range {
                do {
                    let (x, y) = try geometries.pointOnSurface(rows[k], context: context, crossings: &crossings)
                    result.withPointer { $0[2 * k] = x; $0[2 * k + 1] = y }
                } catch {
                    failure.withPointer { $0[0] = "building \(idValues[rows[k]] ?? "#\(rows[k])"): \(error)" }
                }
            }
        }
        if let message = failure.storage[0] { throw AnalysisError("cannot compute a reference point: \(message)") }
        points = result.storage
    }
}

/// What a buildings analysis rests on, said out loud in the summaries: how many buildings were left out
/// because their use is unknown, how many floors were assumed (neither floors nor height: 1 floor) or
/// derived from the height, and whose residents came from the source (`residents`, `households`).
public struct BuildingDataQuality: Sendable, Equatable, Codable {
    /// Buildings of unknown (or missing) use that were not counted as residential (see `--unknown-residential`).
    public var leftOutUnknownUse = 0
    /// Counted buildings with neither floors nor height: 1 floor assumed.
    public var floorsAssumed = 0
    /// Counted buildings whose floors come from height ÷ floor height.
    public var floorsFromHeight = 0
    /// Counted buildings whose residents are the source's `residents`, or its `households` × persons per household.
    public var residentsGiven = 0
    public var residentsFromHouseholds = 0

    public init() {}

    /// Counts for the buildings at `counted` (rows of `buildings`), and the unknown-use ones left out.
    public init(buildings: FeatureTable, counted: [Int], unknownIsResidential: Bool) {
        let uses = buildings.text("use")
        let floors = buildings.integers("floors")
        let heights = buildings.reals("height")
        let given = buildings.reals("residents") ?? buildings.integers("residents")?.map { $0.map(Double.init) }
        let households = buildings.reals("households") ?? buildings.integers("households")?.map { $0.map(Double.init) }
        if !unknownIsResidential, let uses {
            leftOutUnknownUse = uses.filter { $0 == nil || $0 == "unknown" }.count
        }
        for row in counted {
            if let g = given?[row], g.isFinite, g >= 0 { residentsGiven += 1 }
            else if let h = households?[row], h.isFinite, h >= 0 { residentsFromHouseholds += 1 }
            if let f = floors?[row], f > 0 { continue }
            if let h = heights?[row], h > 0 { floorsFromHeight += 1 } else { floorsAssumed += 1 }
        }
    }
}
