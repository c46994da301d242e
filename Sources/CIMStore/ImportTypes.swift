import CIMGeometry

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

/// What to import and how.
public struct ImportOptions: Sendable {
    /// The bundle layer to fill (buildings, facilities, roads, pipes, pipe_nodes, areas, waterlogging).
    public var layer: String
    /// The source file (any OGR-readable vector source).
    public var source: String
    /// The source layer; the only layer, or the one named like `layer`, when nil.
    public var sourceLayer: String?
    /// Bundle field → source field.
    public var fieldMap: [String: String]
    /// Value mappings for text fields.
    public var values: ValueMapping
    /// The source CRS when the source has none (or to override it).
    public var sourceCRS: CoordinateReferenceSystem?
    /// The CRS for a new store (auto-chosen when nil).
    public var storeCRS: CoordinateReferenceSystem?
    /// The OSM preset (for .osm.pbf / .osm sources).
    public var preset: OSMPreset?
    /// Pipe diameters' unit in the source ("mm" or "m"); nil: millimetres, with a warning when values look like metres.
    public var diameterUnit: String?

    public init(layer: String, source: String, sourceLayer: String? = nil, fieldMap: [String: String] = [:],
                values: ValueMapping = ValueMapping(), sourceCRS: CoordinateReferenceSystem? = nil,
                storeCRS: CoordinateReferenceSystem? = nil, preset: OSMPreset? = nil, diameterUnit: String? = nil) {
        self.layer = layer
        self.source = source
        self.sourceLayer = sourceLayer
        self.fieldMap = fieldMap
        self.values = values
        self.sourceCRS = sourceCRS
        self.storeCRS = storeCRS
        self.preset = preset
        self.diameterUnit = diameterUnit
    }
}

/// What an import did.
public struct ImportReport: Sendable, Codable {
    public var layer: String
    public var source: String
    public var sourceLayers: [String]
    /// Features read from the source layer(s).
    public var read: Int
    /// Features the preset selected (equals `read` without a preset).
    public var selected: Int
    /// Features written to the store.
    public var imported: Int
    public var repaired: Int
    public var rejected: Int
    /// Multi-part source features split into one feature per part (lines and points).
    public var split: Int
    public var sourceCRS: String
    public var storeCRS: String
    public var warnings: [String]
    public var issues: [ImportIssue]
    public var seconds: Double
}
