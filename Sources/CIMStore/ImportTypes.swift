import CIMTables
import CIMGeometry

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
    /// The source's coordinates are in a Chinese web-map system (GCJ-02, BD-09): converted to WGS 84 first.
    public var sourceDatum: ChineseMapDatum?
    /// The character encoding of the source's text (GBK, GB18030, UTF-8 …); nil: the Shapefile's .cpg, else
    /// UTF-8 with GB18030 for text that is not valid UTF-8.
    public var encoding: String?
    /// CSV coordinate columns (`--x FIELD --y FIELD`) when they are not among the recognised names.
    public var xField: String?
    public var yField: String?
    /// Fields set to a constant for every feature (`--set FIELD=VALUE`).
    public var constants: [String: String] = [:]
    /// Add to the layer instead of replacing it (`--append`).
    public var append = false
    /// Prefix for the source's ids (`--id-prefix P`).
    public var idPrefix: String?
    /// Roads: split walkable lines at every crossing (`--node`).
    public var node = false
    /// Roads: lines with FIELD=VALUE stay unsplit by `--node` (besides bridge, tunnel and layer tags).
    public var noNodeWhere: [(field: String, value: String)] = []
    /// Whether an import with no features writes an empty layer instead of failing (`all` layers of an OSM
    /// file: a city with no pipes mapped is not an error).
    public var allowEmpty = false
    /// Which unmapped source fields to keep: nil keeps them all; `--keep-fields a,b` lists them; `--drop-other-fields` is [].
    public var keepFields: [String]?

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
    /// The encoding the source's text was read in ("UTF-8", "GB18030", the `--encoding` or the .cpg's).
    public var encoding: String = "UTF-8"
    /// Features the layer had before an `--append` (0 otherwise).
    public var appendedTo: Int = 0
    /// Roads split by `--node`, and the pieces they became.
    public var nodedLines: Int = 0
    public var nodedPieces: Int = 0
    /// Source fields kept on the layer besides the bundle's.
    public var keptFields: [String] = []
    /// Per field, text values that map to nothing (the ten most common with their counts), e.g. use → [(写字楼, 12)].
    public var unmapped: [String: [UnmappedValue]] = [:]
}

/// A source value that maps to no bundle value, and how many features had it.
public struct UnmappedValue: Sendable, Codable, Equatable {
    public var value: String
    public var count: Int
}
