/// What the store records about one layer (a row of `cim_layers`).
public struct LayerRecord: Sendable, Codable, Equatable {
    public var layer: String
    public var source: String
    public var sourceLayer: String
    public var sourceCRS: String
    public var importedAt: String
    public var features: Int
    public var repaired: Int
    public var rejected: Int
    public init(layer: String, source: String, sourceLayer: String, sourceCRS: String, importedAt: String, features: Int, repaired: Int, rejected: Int) {
        self.layer = layer; self.source = source; self.sourceLayer = sourceLayer; self.sourceCRS = sourceCRS
        self.importedAt = importedAt; self.features = features; self.repaired = repaired; self.rejected = rejected
    }
}
