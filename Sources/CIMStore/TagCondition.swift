/// A tag condition of the OSM preset: every listed tag must hold (AND). A tag's requirement is "*"
/// (present and not empty) or a list of exact values (OSM values separated by ';' are not split).
public struct TagCondition: Sendable, Decodable {
    public enum Requirement: Sendable, Decodable {
        case present
        case oneOf(Set<String>)

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                guard text == "*" else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "a tag value must be \"*\" or a list of values, not \"\(text)\"")
                }
                self = .present
            } else {
                self = .oneOf(Set(try container.decode([String].self)))
            }
        }

        func matches(_ value: String?) -> Bool {
            guard let value, !value.isEmpty else { return false }
            switch self {
            case .present: return true
            case let .oneOf(values): return values.contains(value)
            }
        }
    }

    public var tags: [String: Requirement]

    public init(from decoder: Decoder) throws {
        tags = try decoder.singleValueContainer().decode([String: Requirement].self)
    }

    /// True when every tag of the condition holds.
    public func matches(_ lookup: (String) -> String?) -> Bool {
        tags.allSatisfy { $0.value.matches(lookup($0.key)) }
    }

    /// Every tag key the condition reads.
    var keys: [String] { Array(tags.keys) }
}

extension Array where Element == TagCondition {
    /// OR of the conditions (false for an empty list).
    public func anyMatches(_ lookup: (String) -> String?) -> Bool { contains { $0.matches(lookup) } }
}
