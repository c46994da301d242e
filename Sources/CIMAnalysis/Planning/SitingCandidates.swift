import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// The places a plan may choose from: the features of a candidate layer (vacant parcels, public buildings
/// …), or the points of a regular grid inside the built-up land that are not inside a building.
public struct SitingCandidates: Sendable {
    public var ids: [String]
    public var names: [String?]
    /// One geometry per candidate (points or polygons); distances to it are the coverage engine's.
    public var geometries: GeometryColumn
    public var geometryType: GeometryType
    /// Where they come from, for summaries ("layer vacant_parcels", "200 m grid …").
    public var source: String

    public var count: Int { ids.count }

    public init(ids: [String], names: [String?], geometries: GeometryColumn, geometryType: GeometryType, source: String) {
        self.ids = ids
        self.names = names
        self.geometries = geometries
        self.geometryType = geometryType
        self.source = source
    }

    /// The features of a candidate layer with their `id` (else the fid) and `name`.
    public static func fromLayer(_ table: FeatureTable) throws -> SitingCandidates {
        let rows = (0 ..< table.count).filter { !table.geometries.parts(of: $0).isEmpty }
        guard !rows.isEmpty else { throw AnalysisError("the candidate layer '\(table.name)' has no feature with a geometry") }
        let ids = table.text("id"), names = table.text("name")
        return SitingCandidates(
            ids: rows.map { ids?[$0] ?? (table.fids.isEmpty ? "\($0 + 1)" : "fid \(table.fids[$0])") },
            names: rows.map { names?[$0] ?? nil }, geometries: table.geometries.subset(rows),
            geometryType: table.geometryType ?? .point, source: "layer \(table.name)")
    }

    /// Grid points (x, y multiples of `spacing` plus half a spacing) inside the built-up land — the areas of
    /// kind builtup, else land derived from the buildings as `cim gaps` derives it — and not inside any
    /// building footprint (point-in-polygon through ``AreaUnits/assign(points:)``).
    public static func grid(spacing: Double, buildings: FeatureTable, areas: FeatureTable?) throws -> SitingCandidates {
        guard spacing.isFinite, spacing > 0 else { throw AnalysisError("the grid spacing must be positive") }
        let land: BuiltUpArea
        if let areas, let units = AreaUnits.fromAreas(areas, kind: "builtup") {
            land = try BuiltUpArea.fromAreas(units, kind: "builtup")
        } else {
            let footprints = buildings.geometries
            let members = (0 ..< footprints.count).filter { !footprints.parts(of: $0).isEmpty }
            let merge = GapsOptions.defaultMerge
            let groups = BlankZones.cluster(footprints: footprints, members: members, merge: merge)
            land = try BuiltUpArea.derived(from: footprints, groups: groups, merge: merge, quadrantSegments: 8)
        }
        var points: [Double] = []
        for i in 0 ..< land.geometries.count {
            let e = land.geometries.envelope(i)
            let x0 = Int((e.minX / spacing - 0.5).rounded(.up)), x1 = Int((e.maxX / spacing - 0.5).rounded(.down))
            let y0 = Int((e.minY / spacing - 0.5).rounded(.up)), y1 = Int((e.maxY / spacing - 0.5).rounded(.down))
            guard x0 <= x1, y0 <= y1 else { continue }
            guard (x1 - x0 + 1) * (y1 - y0 + 1) <= 50_000_000 else {
                throw AnalysisError("a \(spacing) m grid over the built-up land would have more than 50 million points", hint: "use a larger --grid")
            }
            for gy in y0 ... y1 { for gx in x0 ... x1 { points += [(Double(gx) + 0.5) * spacing, (Double(gy) + 0.5) * spacing] } }
        }
        // Envelopes of disjoint polygons may overlap: a point generated twice is kept once.
        var seen = Set<SIMD2<Double>>()
        var distinct: [Double] = []
        for k in 0 ..< points.count / 2 where seen.insert(SIMD2(points[2 * k], points[2 * k + 1])).inserted {
            distinct += [points[2 * k], points[2 * k + 1]]
        }
        let inLand = units(land.geometries).assign(points: distinct)
        var unique: [Double] = []
        for k in 0 ..< distinct.count / 2 where inLand[k] >= 0 { unique += [distinct[2 * k], distinct[2 * k + 1]] }
        let inBuilding = units(buildings.geometries).assign(points: unique)
        var geometries = GeometryColumn()
        var ids: [String] = []
        for k in 0 ..< unique.count / 2 where inBuilding[k] < 0 {
            let x = unique[2 * k], y = unique[2 * k + 1]
            geometries.beginFeature(.point)
            geometries.addRing([(x, y)])
            geometries.endPart()
            geometries.endFeature()
            ids.append("G\(Int((x / spacing).rounded(.down)))_\(Int((y / spacing).rounded(.down)))")
        }
        guard !ids.isEmpty else { throw AnalysisError("no \(fmtNumber(spacing)) m grid point lies in the built-up land outside the buildings", hint: "use a smaller --grid") }
        return SitingCandidates(ids: ids, names: Array(repeating: nil, count: ids.count), geometries: geometries, geometryType: .point,
                                source: "\(fmtNumber(spacing)) m grid in the built-up land (\(land.source)), outside buildings")
    }

    /// Polygons as units, for ``AreaUnits/assign(points:)``'s exact point-in-polygon test.
    private static func units(_ geometries: GeometryColumn) -> AreaUnits {
        AreaUnits(ids: Array(repeating: "", count: geometries.count), names: Array(repeating: nil, count: geometries.count), kind: "",
                  geometries: geometries, isGrid: false)
    }

    /// The candidates as the facilities of one category, for the coverage engine's exact distances.
    func asFacilities(key: String) -> CategoryFacilities {
        CategoryFacilities(key: key, geometries: geometries, rows: Array(0 ..< count), tree: PackedRTree(envelopes: geometries.envelopes))
    }
}
