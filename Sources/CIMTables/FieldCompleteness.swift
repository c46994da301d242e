/// How complete a field is: non-null values out of all features.
public struct FieldCompleteness: Sendable, Equatable {
    public var field: String
    public var nonNull: Int
    public var total: Int
    public var share: Double { total == 0 ? 0 : Double(nonNull) / Double(total) }
    public init(field: String, nonNull: Int, total: Int) { self.field = field; self.nonNull = nonNull; self.total = total }
}
