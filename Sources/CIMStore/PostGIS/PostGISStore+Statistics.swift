import CIMTables
extension PostGISStore {
    /// Non-null counts of every field of a layer, in one SQL pass (`count(field)`).
    public func completeness(_ layer: String) throws -> [FieldCompleteness] {
        let specs = fields(layer)
        guard hasLayer(layer), !specs.isEmpty else { return [] }
        let counts = specs.map { "count(\(PostgresConnection.quoted($0.name)))" }.joined(separator: ", ")
        let result = try connection.execute("SELECT count(*), \(counts) FROM \(table(layer))", what: "cannot count the values", layer: layer)
        let total = Int(result.integer(row: 0, column: 0) ?? 0)
        return specs.enumerated().map { FieldCompleteness(field: $1.name, nonNull: Int(result.integer(row: 0, column: $0 + 1) ?? 0), total: total) }
    }

    /// Counts of each value of a field, most frequent first, ties by value (text in byte order, as SQLite
    /// orders them in the GeoPackage store; numbers by value).
    public func valueCounts(_ layer: String, field: String, limit: Int) throws -> [(value: String?, count: Int)] {
        guard let spec = fields(layer).first(where: { $0.name == field }) else { return [] }
        let column = PostgresConnection.quoted(field)
        let order = spec.type == .text ? "\(column)::text COLLATE \"C\"" : column
        let result = try connection.execute("""
            SELECT \(column)::text, count(*) AS n FROM \(table(layer)) GROUP BY \(column) ORDER BY n DESC, \(order) NULLS FIRST LIMIT $1
            """, [String(limit)], what: "cannot count the values", layer: layer)
        return (0 ..< result.rowCount).map { (result.text(row: $0, column: 0), Int(result.integer(row: $0, column: 1) ?? 0)) }
    }
}
