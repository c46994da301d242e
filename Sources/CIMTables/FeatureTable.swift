import CIMGeometry
import CIMIndex

/// One value of an attribute column.
public enum AttributeValue: Sendable, Equatable {
    case integer(Int64)
    case real(Double)
    case text(String)
    case null
}

/// One attribute column with its values, null where missing.
public enum AttributeValues: Sendable {
    case integer([Int64?])
    case real([Double?])
    case text([String?])
    /// Reals with NaN for null: half the memory of `.real`, for large result columns (distances).
    case realOrNaN([Double])
    /// 0/1 flags, stored as integers: one byte a value in memory.
    case flag([Bool])

    public var count: Int {
        switch self {
        case let .integer(v): return v.count
        case let .real(v): return v.count
        case let .text(v): return v.count
        case let .realOrNaN(v): return v.count
        case let .flag(v): return v.count
        }
    }

    public var type: FieldType {
        switch self {
        case .integer, .flag: return .integer
        case .real, .realOrNaN: return .real
        case .text: return .text
        }
    }

    /// Value `i` (non-finite reals are null).
    @inline(__always) public subscript(i: Int) -> AttributeValue {
        switch self {
        case let .integer(v): return v[i].map { .integer($0) } ?? .null
        case let .real(v): if let x = v[i], x.isFinite { return .real(x) } else { return .null }
        case let .text(v): return v[i].map { .text($0) } ?? .null
        case let .realOrNaN(v): return v[i].isFinite ? .real(v[i]) : .null
        case let .flag(v): return .integer(v[i] ? 1 : 0)
        }
    }

    /// Number of non-null values.
    public var nonNullCount: Int {
        (0 ..< count).lazy.filter { self[$0] != .null }.count
    }
}

/// A named attribute column.
public struct AttributeColumn: Sendable {
    public var name: String
    public var values: AttributeValues
    public init(_ name: String, _ values: AttributeValues) { self.name = name; self.values = values }
}

/// A layer in memory: geometries in flat arrays and attributes as typed columns. It is both what
/// ``Store/snapshot(_:fields:)`` loads for analyses and what ``Store/writeLayer(_:source:)`` writes.
public struct FeatureTable: Sendable {
    /// Layer name.
    public var name: String
    /// The geometry type written to the layer (nil for a table without geometry).
    public var geometryType: GeometryType?
    /// Geometries, one per feature (empty column when `geometryType` is nil).
    public var geometries: GeometryColumn
    /// Attribute columns, each with one value per feature.
    public var columns: [AttributeColumn]
    /// The CRS of the geometries (the store's).
    public var crs: CoordinateReferenceSystem?
    /// Store row ids (GeoPackage fid) when loaded from a store.
    public var fids: [Int64]
    /// Field aliases and styles for QGIS, written with the rows in the same transaction (nil: none).
    public var presentation: LayerPresentation? = nil

    public init(name: String, geometryType: GeometryType?, geometries: GeometryColumn = GeometryColumn(),
                columns: [AttributeColumn] = [], crs: CoordinateReferenceSystem? = nil, fids: [Int64] = []) {
        self.name = name
        self.geometryType = geometryType
        self.geometries = geometries
        self.columns = columns
        self.crs = crs
        self.fids = fids
    }

    /// Number of features (rows).
    public var count: Int { geometryType == nil ? (columns.first?.values.count ?? 0) : geometries.count }

    /// The column with this name.
    public func column(_ name: String) -> AttributeValues? { columns.first { $0.name == name }?.values }

    /// Text values of a column (nil when the column is missing or not text).
    public func text(_ name: String) -> [String?]? { if case let .text(v)? = column(name) { return v }; return nil }
    /// Integer values of a column.
    public func integers(_ name: String) -> [Int64?]? {
        switch column(name) {
        case let .integer(v)?: return v
        case let .flag(v)?: return v.map { $0 ? 1 : 0 }
        default: return nil
        }
    }
    /// Real values of a column (integers are converted).
    public func reals(_ name: String) -> [Double?]? {
        switch column(name) {
        case let .real(v)?: return v
        case let .realOrNaN(v)?: return v.map { $0.isFinite ? $0 : nil }
        case let .integer(v)?: return v.map { $0.map(Double.init) }
        case let .flag(v)?: return v.map { $0 ? 1 : 0 }
        default: return nil
        }
    }

    /// The envelope of all features, nil when empty.
    public var extent: Envelope? {
        var result: Envelope?
        for i in 0 ..< geometries.count where geometries.envelopes[4 * i].isFinite {
            let e = geometries.envelope(i)
            result = result.map { Envelope(minX: min($0.minX, e.minX), minY: min($0.minY, e.minY), maxX: max($0.maxX, e.maxX), maxY: max($0.maxY, e.maxY)) } ?? e
        }
        return result
    }
}
