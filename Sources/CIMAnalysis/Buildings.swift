import CIMGeometry
import CIMStore
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
    public var count: Int { rows.count }

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
        residents = floorArea.map { $0 / standard.parameters.floorAreaPerResident }
        let rows = self.rows
        let result = SharedBuffer(repeating: 0.0, count: rows.count * 2)
        let failure = SharedBuffer<String?>(repeating: nil, count: 1)
        let contexts = (0 ..< workerCount).map { _ in GEOSContext() }
        parallelChunks(rows.count) { range, slot in
            let context = contexts[slot]
            for k in range {
                do {
                    let point = try geometries.geometry(rows[k], context: context).pointOnSurface()
                    let x = try point.x(), y = try point.y()
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
