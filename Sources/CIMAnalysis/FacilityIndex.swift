import CIMGeometry
import CIMIndex
import CIMStore

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

    /// The nearest facility to (x, y) within `cutoff`: its index here and exact distance, nil when none.
    @inline(__always)
    public func nearest(x: Double, y: Double, cutoff: Double, workspace: inout NearestWorkspace) -> (index: Int, distance: Double)? {
        let geometries = self.geometries
        // The tree's contract: an exact distance is never below the envelope distance (guards against rounding).
        return tree.nearest(x: x, y: y, maxDistance: cutoff, workspace: &workspace) {
            max(geometries.distance(fromX: x, y: y, to: $0), geometries.envelope($0).distance(toX: x, y: y))
        }
    }
}
