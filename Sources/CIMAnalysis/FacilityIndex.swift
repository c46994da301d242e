import CIMGeometry
import CIMIndex
import CIMTables

/// The facilities of one category with a packed R-tree over their envelopes: nearest-facility searches
/// run on the tree and refine with exact Swift distances (0 inside a polygon facility).
public struct CategoryFacilities: Sendable {
    public var key: String
    /// The category's facilities (points or polygons).
    public var geometries: GeometryColumn
    /// Row in the facilities snapshot of each facility.
    public var rows: [Int]
    public var tree: PackedRTree

    public var count: Int { rows.count }

    /// Splits a facilities snapshot by category and indexes each; a category's facilities are those of
    /// the categories `serving` lists for it (itself, and those that count as it).
    public static func byCategory(_ facilities: FeatureTable, keys: [String], serving: (String) -> [String] = { [$0] }) throws -> [String: CategoryFacilities] {
        guard let categories = facilities.text("category") else { throw AnalysisError("the facilities layer has no 'category' field") }
        var rowsByKey: [String: [Int]] = [:]
        for (i, category) in categories.enumerated() {
            if let category, !facilities.geometries.parts(of: i).isEmpty { rowsByKey[category, default: []].append(i) }
        }
        var result: [String: CategoryFacilities] = [:]
        for key in keys {
            let rows = serving(key).flatMap { rowsByKey[$0] ?? [] }.sorted()
            let column = facilities.geometries.subset(rows)
            result[key] = CategoryFacilities(key: key, geometries: column, rows: rows, tree: PackedRTree(envelopes: column.envelopes))
        }
        return result
    }

    /// The nearest facility to (x, y) within `cutoff` (inclusive): its index here and exact distance
    /// (``exactDistance(_:x:y:)``), nil when none. Ties go to the smallest index.
    @inline(__always)
    public func nearest(x: Double, y: Double, cutoff: Double, workspace: inout NearestWorkspace) -> (index: Int, distance: Double)? {
        tree.nearest(x: x, y: y, maxDistance: cutoff, workspace: &workspace) { exactDistance($0, x: x, y: y) }
    }

    /// The exact distance from (x, y) to facility `i` (0 inside a polygon), never below its envelope
    /// distance — the tree's contract, which guards against rounding.
    @inline(__always)
    public func exactDistance(_ i: Int, x: Double, y: Double) -> Double {
        max(geometries.distance(fromX: x, y: y, to: i), geometries.envelope(i).distance(toX: x, y: y))
    }
}
