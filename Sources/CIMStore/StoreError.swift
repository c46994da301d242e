/// An error of the store: what went wrong, where (file, layer, feature) and a hint, printed as one line.
public struct StoreError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var file: String?
    public var layer: String?
    public var feature: String?
    public var hint: String?
    /// The cause behind a failed SQLite or GDAL call, when known (``StoreError+Causes``).
    public var cause: Cause?

    public init(_ message: String, file: String? = nil, layer: String? = nil, feature: String? = nil, hint: String? = nil, cause: Cause? = nil) {
        self.message = message
        self.file = file
        self.layer = layer
        self.feature = feature
        self.hint = hint
        self.cause = cause
    }

    public var description: String {
        var place: [String] = []
        if let file { place.append(file) }
        if let layer { place.append("layer '\(layer)'") }
        if let feature { place.append("feature \(feature)") }
        var text = place.isEmpty ? message : "\(place.joined(separator: ", ")): \(message)"
        if let hint { text += " (hint: \(hint))" }
        return text
    }
}
