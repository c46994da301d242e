import CIMTables
import CGDAL

extension GeoPackageStore {
    /// Non-null counts of every field of a layer, in one SQL pass (`COUNT(field)`).
    public func completeness(_ layer: String) throws -> [FieldCompleteness] {
        let specs = fields(layer)
        guard hasLayer(layer), !specs.isEmpty else { return [] }
        let counts = specs.map { "COUNT(\"\($0.name)\")" }.joined(separator: ", ")
        guard let row = try dataset.query("SELECT COUNT(*), \(counts) FROM \"\(layer)\"").first else { return [] }
        let total = Int(row[0] ?? "0") ?? 0
        return specs.enumerated().map { FieldCompleteness(field: $1.name, nonNull: Int(row[$0 + 1] ?? "0") ?? 0, total: total) }
    }

    /// Counts of each value of a field, most frequent first.
    public func valueCounts(_ layer: String, field: String, limit: Int) throws -> [(value: String?, count: Int)] {
        guard fields(layer).contains(where: { $0.name == field }) else { return [] }
        return try dataset.query("SELECT \"\(field)\", COUNT(*) AS n FROM \"\(layer)\" GROUP BY \"\(field)\" ORDER BY n DESC, \"\(field)\" LIMIT \(limit)")
            .map { ($0[0], Int($0[1] ?? "0") ?? 0) }
    }
}
