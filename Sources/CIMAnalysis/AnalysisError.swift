/// An error of an analysis: what is wrong with its input, and a hint.
public struct AnalysisError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var hint: String?
    public init(_ message: String, hint: String? = nil) { self.message = message; self.hint = hint }
    public var description: String { hint.map { "\(message) (hint: \($0))" } ?? message }
}
