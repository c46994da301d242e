/// A field's storage type.
public enum FieldType: String, Sendable, Codable {
    case integer, real, text
}

/// A field of a layer.
public struct FieldSpec: Sendable, Hashable {
    public var name: String
    public var type: FieldType
    public init(_ name: String, _ type: FieldType) { self.name = name; self.type = type }
}
