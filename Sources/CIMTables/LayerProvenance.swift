/// Where a written layer came from, recorded in `cim_layers`.
public struct LayerProvenance: Sendable {
    public var source: String
    public var sourceLayer: String
    public var sourceCRS: String
    public var repaired: Int
    public var rejected: Int
    public var issues: [ImportIssue]
    public init(source: String, sourceLayer: String = "", sourceCRS: String = "", repaired: Int = 0, rejected: Int = 0, issues: [ImportIssue] = []) {
        self.source = source
        self.sourceLayer = sourceLayer
        self.sourceCRS = sourceCRS
        self.repaired = repaired
        self.rejected = rejected
        self.issues = issues
    }
}
