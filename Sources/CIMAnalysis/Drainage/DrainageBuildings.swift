import CIMGeometry
import CIMTables
import Foundation

/// Every building of a buildings snapshot (pipe service applies to all of them), with its 3D stock:
/// floors (``ResidentialBuildings/floors(floors:height:floorHeight:)``), floor area = footprint × floors,
/// and estimated residents = floor area ÷ the standard's floor area per resident, for residential and mixed
/// buildings only (0 for the others). Reference points are GEOS `PointOnSurface` of the footprint.
public struct DrainageBuildings: Sendable {
    /// Row in the buildings snapshot (buildings with an empty geometry are left out).
    public var rows: [Int]
    public var ids: [String]
    public var uses: [String?]
    public var floors: [Int]
    public var footprintArea: [Double]
    public var floorArea: [Double]
    public var residential: [Bool]
    public var residents: [Double]
    /// Reference points, interleaved x,y.
    public var points: [Double]
    /// The footprints (one feature per building, in this order).
    public var geometries: GeometryColumn

    /// What the numbers rest on (unknown-use buildings whose residents are not counted, floors assumed …).
    public var quality: BuildingDataQuality
    public var count: Int { rows.count }

    public init(buildings: FeatureTable, standard: Standard, unknownIsResidential: Bool) throws {
        let n = buildings.count
        let useValues = buildings.text("use") ?? Array(repeating: nil, count: n)
        let floorValues = buildings.integers("floors") ?? Array(repeating: nil, count: n)
        let heights = buildings.reals("height") ?? Array(repeating: nil, count: n)
        let idValues = buildings.text("id") ?? Array(repeating: nil, count: n)
        let all = buildings.geometries
        let rows = (0 ..< n).filter { i in
            let t = all.types[i]
            return (t == .polygon || t == .multiPolygon) && !all.parts(of: i).isEmpty
        }
        self.rows = rows
        ids = rows.map { idValues[$0] ?? "fid \(buildings.fids.isEmpty ? $0 + 1 : Int(buildings.fids[$0]))" }
        uses = rows.map { useValues[$0] }
        floors = rows.map { ResidentialBuildings.floors(floors: floorValues[$0], height: heights[$0], floorHeight: standard.parameters.floorHeightMetres) }
        // Usually every row has a footprint: then no copy of the column.
        let geometries = rows.count == n ? all : all.subset(rows)
        self.geometries = geometries
        footprintArea = (0 ..< rows.count).map { geometries.area($0) }
        floorArea = zip(footprintArea, floors).map { $0 * Double($1) }
        residential = uses.map { ResidentialBuildings.isResidential($0, unknownIsResidential: unknownIsResidential) }
        let given = buildings.reals("residents") ?? buildings.integers("residents")?.map { $0.map(Double.init) }
        let households = buildings.reals("households") ?? buildings.integers("households")?.map { $0.map(Double.init) }
        let parameters = standard.parameters
        let residential = self.residential, floorArea = self.floorArea
        residents = rows.indices.map { k in
            residential[k] ? ResidentialBuildings.residents(given: given?[rows[k]], households: households?[rows[k]], floorArea: floorArea[k], parameters: parameters) : 0
        }
        quality = BuildingDataQuality(buildings: buildings, counted: rows, unknownIsResidential: unknownIsResidential)
        let result = SharedBuffer(repeating: 0.0, count: rows.count * 2)
        let failure = SharedBuffer<String?>(repeating: nil, count: 1)
        let ids = self.ids
        parallelGEOSChunks(rows.count, minimumChunk: 512) { range, context in
            var crossings: [Double] = []
            for k in range {
                do {
                    let (x, y) = try geometries.pointOnSurface(k, context: context, crossings: &crossings)
                    result.withPointer { $0[2 * k] = x; $0[2 * k + 1] = y }
                } catch {
                    failure.withPointer { $0[0] = "building \(ids[k]): \(error)" }
                }
            }
        }
        if let message = failure.storage[0] { throw AnalysisError("cannot compute a reference point: \(message)") }
        points = result.storage
    }
}
