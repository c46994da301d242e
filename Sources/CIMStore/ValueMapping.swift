import Foundation

/// A user's value mapping for text fields (`--values FILE`): a JSON object of field → {source value →
/// bundle value}, e.g. `{"use": {"住宅": "residential", "商业": "commercial"}, "category": {"幼儿园": "kindergarten"}}`.
/// Values not listed pass through unchanged (and are then checked against the field's allowed values).
public struct ValueMapping: Sendable {
    public var fields: [String: [String: String]]

    public init(fields: [String: [String: String]] = [:]) { self.fields = fields }

    /// Loads a mapping file.
    public static func load(_ path: String) throws -> ValueMapping {
        guard let data = FileManager.default.contents(atPath: path) else { throw StoreError("cannot read the value mapping", file: path) }
        do {
            return ValueMapping(fields: try JSONDecoder().decode([String: [String: String]].self, from: data))
        } catch {
            throw StoreError("the value mapping must be a JSON object of field → {source value: bundle value}: \(describe(error))", file: path)
        }
    }

    /// The mapped value.
    public func map(_ field: String, _ value: String) -> String { fields[field]?[value] ?? value }
}
