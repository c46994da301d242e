import CIMGeometry

extension FeatureTable {
    /// This table's rows after `existing`'s (`--append`): the columns of both (a column only one has is
    /// null in the other's rows; a column that is text in one becomes text, integer and real become real).
    /// Throws when an id of this table is already in `existing`, listing the clashing ids.
    func appended(to existing: FeatureTable, file: String) throws -> FeatureTable {
        let oldIds = Set((existing.text("id") ?? []).compactMap { $0 })
        let clashes = (text("id") ?? []).compactMap { $0 }.filter { oldIds.contains($0) }
        if !clashes.isEmpty {
            let shown = clashes.prefix(10).joined(separator: ", ")
            throw StoreError("--append: \(clashes.count) id(s) are already in the layer: \(shown)\(clashes.count > 10 ? " …" : "")",
                             file: file, layer: name,
                             hint: "ids must stay unique in a layer: give this source's ids a prefix with --id-prefix P; the layer keeps its previous contents")
        }
        var geometries = existing.geometries
        for i in 0 ..< self.geometries.count { geometries.append(self.geometries, feature: i) }
        var names = existing.columns.map(\.name)
        for column in columns where !names.contains(column.name) { names.append(column.name) }
        let merged = names.map { name -> AttributeColumn in
            let old = existing.column(name), new = column(name)
            let type: FieldType
            switch (old?.type, new?.type) {
            case let (a?, b?) where a == b: type = a
            case (.text?, _), (_, .text?): type = .text
            case let (a?, nil): type = a
            case let (nil, b?): type = b
            default: type = .real
            }
            let values = (0 ..< existing.count).map { old?[$0] ?? .null } + (0 ..< count).map { new?[$0] ?? .null }
            switch type {
            case .integer:
                return AttributeColumn(name, .integer(values.map { if case let .integer(x) = $0 { return x }; return nil }))
            case .real:
                return AttributeColumn(name, .real(values.map {
                    switch $0 { case let .real(x): return x; case let .integer(x): return Double(x); default: return nil }
                }))
            case .text:
                return AttributeColumn(name, .text(values.map {
                    switch $0 {
                    case let .text(x): return x
                    case let .integer(x): return String(x)
                    case let .real(x): return String(x)
                    case .null: return nil
                    }
                }))
            }
        }
        return FeatureTable(name: name, geometryType: existing.geometryType ?? geometryType, geometries: geometries, columns: merged, crs: crs)
    }
}
