/// One thing import did to a feature: repaired it, rejected it (with the reason), split it into parts,
/// or changed a value (warning).
public struct ImportIssue: Sendable, Codable, Equatable {
    public enum Action: String, Sendable, Codable { case repaired, rejected, split, warning }
    /// The source feature's id (or "#n" for the n-th feature when it has none).
    public var feature: String
    public var action: Action
    public var reason: String
    public init(feature: String, action: Action, reason: String) {
        self.feature = feature
        self.action = action
        self.reason = reason
    }
}
