import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// How `cim split` cuts a city into tiles.
public enum TileScheme: Sendable, Equatable, CustomStringConvertible {
    /// One tile per area of kind district (the first listed wins where districts overlap), and a tile
    /// `outside` for the buildings of no district.
    case district
    /// Square cells of this size (m), aligned on multiples of it, like the grid of `cim coverage`.
    case grid(Double)

    /// Parses `district` or `grid:METRES`.
    public init(parsing text: String) throws {
        if text == "district" { self = .district; return }
        if text.hasPrefix("grid:"), let size = Double(text.dropFirst(5)), size.isFinite, size > 0, size <= 100_000 {
            self = .grid(size); return
        }
        throw AnalysisError("--by must be district or grid:METRES with METRES in (0, 100000], got \(text)")
    }

    public var description: String {
        switch self {
        case .district: return "district"
        case let .grid(size): return "grid:\(size == size.rounded() ? String(Int(size)) : String(size))"
        }
    }
}

/// One tile of a split: its core (the buildings it owns) and the envelope of its halo.
public struct TileCore: Sendable {
    /// The tile's id: the district's id (`outside` for buildings of no district), or `E<x>N<y>` for a grid cell.
    public var id: String
    /// The district's or the cell's envelope (the buildings' when there is neither: `outside`).
    public var region: Envelope
    /// Rows of the buildings snapshot whose reference point lies in the tile, in fid order.
    public var buildingRows: [Int]
    /// The envelope of the region and of the owned footprints, grown by the halo: every facility, road,
    /// pipe … whose envelope meets it goes into the tile.
    public var haloEnvelope: Envelope
}

/// The tiles of a city: every building owned by exactly one tile, through its reference point (GEOS
/// `PointOnSurface` of the footprint, as in every analysis): the district that contains it (the first
/// listed where districts overlap, as `cim coverage` assigns areas), or the grid cell [x0, x0 + s) × [y0,
/// y0 + s) it falls in, so a point on a cell border belongs to the cell above and to the right.
///
/// Exactness: every distance the analyses measure from a building — straight line from its reference point,
/// along the walk network (a walk of length d never leaves the disc of radius d), from its footprint to a
/// pipe — is at least the straight-line distance between the building and the thing it reaches, so a tile
/// holding everything within `halo` of its owned footprints gives every distance up to `halo` exactly.
public struct TilePlan: Sendable {
    public var scheme: TileScheme
    public var halo: Double
    /// The tiles that own at least one building, in id order (grid: rows of cells south to north, west to east).
    public var tiles: [TileCore]

    /// Plans the tiles of `buildings` (ids must be present and unique: merge joins by id). `areas` is needed
    /// for ``TileScheme/district``.
    public init(buildings: FeatureTable, areas: FeatureTable?, scheme: TileScheme, halo: Double) throws {
        guard halo.isFinite, halo >= 0 else { throw AnalysisError("the halo must be a distance ≥ 0 m, got \(halo)") }
        self.scheme = scheme
        self.halo = halo
        let ids = buildings.text("id") ?? []
        var seen = Set<String>()
        for row in 0 ..< buildings.count {
            guard row < ids.count, let id = ids[row], !id.isEmpty else {
                throw AnalysisError("building fid \(buildings.fids.indices.contains(row) ? buildings.fids[row] : Int64(row)) has no id: tiles are merged by building id",
                                    hint: "re-import the buildings with an id field (--map id=FIELD)")
            }
            guard seen.insert(id).inserted else {
                throw AnalysisError("building id '\(id)' is not unique: tiles are merged by building id", hint: "re-import the buildings with unique ids")
            }
        }
        let geometries = buildings.geometries
        let placed = (0 ..< buildings.count).filter { !geometries.parts(of: $0).isEmpty }
        let points = try NetworkCoverage.entryPoints(geometries.subset(placed))

        var owner = [String: [Int]]()
        var regions = [String: Envelope]()
        var order: [String] = []
        func own(_ id: String, _ row: Int, _ region: Envelope?) {
            if owner[id] == nil { order.append(id); regions[id] = region }
            owner[id, default: []].append(row)
        }
        switch scheme {
        case let .grid(size):
            for (k, row) in placed.enumerated() {
                let gx = Int((points[2 * k] / size).rounded(.down)), gy = Int((points[2 * k + 1] / size).rounded(.down))
                own("E\(gx)N\(gy)", row, Envelope(minX: Double(gx) * size, minY: Double(gy) * size,
                                                  maxX: Double(gx + 1) * size, maxY: Double(gy + 1) * size))
            }
            order.sort { regions[$0]!.minY != regions[$1]!.minY ? regions[$0]!.minY < regions[$1]!.minY : regions[$0]!.minX < regions[$1]!.minX }
        case .district:
            guard let areas, let districts = AreaUnits.fromAreas(areas, kind: "district") else {
                throw AnalysisError("--by district needs areas of kind district", hint: "import them: cim import STORE areas FILE --set kind=district, or split by grid:METRES")
            }
            let unit = districts.assign(points: points)
            for (k, row) in placed.enumerated() {
                let u = Int(unit[k])
                own(u >= 0 ? districts.ids[u] : "outside", row, u >= 0 ? districts.geometries.envelope(u) : nil)
            }
            order.sort()
        }
        // Buildings without a geometry have no reference point: the first tile owns them (nothing is lost).
        let unplaced = (0 ..< buildings.count).filter { geometries.parts(of: $0).isEmpty }
        if !unplaced.isEmpty {
            if order.isEmpty { order.append("outside") }
            owner[order[0], default: []].append(contentsOf: unplaced)
            owner[order[0]]!.sort()
        }
        tiles = order.map { id in
            let rows = owner[id]!
            var box = regions[id]
            for row in rows where !geometries.parts(of: row).isEmpty {
                let e = geometries.envelope(row)
                box = box.map { Envelope(minX: min($0.minX, e.minX), minY: min($0.minY, e.minY), maxX: max($0.maxX, e.maxX), maxY: max($0.maxY, e.maxY)) } ?? e
            }
            let region = regions[id] ?? box ?? Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
            let grown = box.map { Envelope(minX: $0.minX - halo, minY: $0.minY - halo, maxX: $0.maxX + halo, maxY: $0.maxY + halo) } ?? region
            return TileCore(id: id, region: region, buildingRows: rows, haloEnvelope: grown)
        }
    }

    /// The rows of `table` whose envelope meets the tile's halo envelope, in fid order (all rows of a table
    /// without geometry).
    public func rowsWithinHalo(_ table: FeatureTable, of tile: TileCore) -> [Int] {
        guard table.geometryType != nil else { return Array(0 ..< table.count) }
        let tree = PackedRTree(envelopes: table.geometries.envelopes)
        var rows: [Int] = []
        tree.forEach(intersecting: tile.haloEnvelope) { rows.append($0) }
        return rows.sorted()
    }
}
