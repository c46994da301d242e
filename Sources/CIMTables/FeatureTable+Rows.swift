import CIMGeometry

extension AttributeValues {
    /// The values at `rows`, in that order, of the same kind.
    public func subset(_ rows: [Int]) -> AttributeValues {
        switch self {
        case let .integer(v): return .integer(rows.map { v[$0] })
        case let .real(v): return .real(rows.map { v[$0] })
        case let .text(v): return .text(rows.map { v[$0] })
        case let .realOrNaN(v): return .realOrNaN(rows.map { v[$0] })
        case let .flag(v): return .flag(rows.map { v[$0] })
        }
    }
}

extension FeatureTable {
    /// The features at `rows` (geometries, every column and the fids), in that order, under the same name and CRS.
    public func rows(_ rows: [Int]) -> FeatureTable {
        FeatureTable(name: name, geometryType: geometryType,
                     geometries: geometryType == nil ? GeometryColumn() : geometries.subset(rows),
                     columns: columns.map { AttributeColumn($0.name, $0.values.subset(rows)) }, crs: crs,
                     fids: fids.isEmpty ? [] : rows.map { fids[$0] })
    }
}
