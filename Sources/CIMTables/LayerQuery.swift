import CIMIndex

/// A query of one layer: a window, a distance from a point, an attribute equality, a limit.
public struct LayerQuery: Sendable {
    public var bbox: Envelope?
    public var near: (x: Double, y: Double)?
    public var within: Double?
    public var equals: [(field: String, value: String)]
    public var limit: Int?
    public init(bbox: Envelope? = nil, near: (x: Double, y: Double)? = nil, within: Double? = nil,
                equals: [(field: String, value: String)] = [], limit: Int? = nil) {
        self.bbox = bbox
        self.near = near
        self.within = within
        self.equals = equals
        self.limit = limit
    }
}

/// The answer of a ``LayerQuery``: matching features and, for a `near` query, their distances.
public struct QueryResult: Sendable {
    public var table: FeatureTable
    public var distances: [Double]?
    public init(table: FeatureTable, distances: [Double]?) { self.table = table; self.distances = distances }
}
