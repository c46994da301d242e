import CIMAnalysis
import CIMGeometry
import CIMTables

/// Everything the report shows, gathered by the caller (`cim report`) from the store: the check's values
/// (stored, or computed for the report) and the result layers (stored, or computed through the same engines).
public struct ReportInput {
    public var language: Language
    /// The store's file name, shown in the header.
    public var storeName: String
    public var crs: CoordinateReferenceSystem?
    public var check: CheckRecord
    /// True when the check was read back from `cim_checks`, false when it was computed for the report.
    public var checkStored: Bool
    /// The rows of `cim_check_values` of the check (city and every area).
    public var values: [CheckValueRecord]
    /// For indicators that are not computable: what they need, when known (a check computed now).
    public var needs: [String: String]
    /// The baseline check and its values (`--baseline`).
    public var baseline: (record: CheckRecord, values: [CheckValueRecord])?
    public var system: IndicatorSystem
    public var standard: Standard
    /// `cim_layers`: provenance of every layer.
    public var layers: [LayerRecord]
    /// Polygons of the check's areas (kind, id): `check_areas`, or the check computed now.
    public var checkAreas: FeatureTable?
    /// `coverage_areas` (stored or computed) and where it came from.
    public var coverageAreas: FeatureTable?
    public var coverageOrigin: String
    /// `blank_zones` (stored or computed), the buildings under them (footprints, for the map), the pipes.
    public var blankZones: FeatureTable?
    public var drainageOrigin: String
    public var drainageNeeds: String?
    public var buildings: FeatureTable?
    public var pipes: FeatureTable?
    /// `pipe_defects` (stored or computed).
    public var defects: FeatureTable?
    public var defectsOrigin: String
    public var generatedAt: String
    /// Above this many features a map layer is drawn as grid cells (counts), not one path each.
    public var maxDrawnFeatures: Int

    public init(language: Language, storeName: String, crs: CoordinateReferenceSystem?, check: CheckRecord, checkStored: Bool,
                values: [CheckValueRecord], needs: [String: String] = [:], baseline: (record: CheckRecord, values: [CheckValueRecord])? = nil,
                system: IndicatorSystem, standard: Standard, layers: [LayerRecord], checkAreas: FeatureTable? = nil,
                coverageAreas: FeatureTable? = nil, coverageOrigin: String = "", blankZones: FeatureTable? = nil, drainageOrigin: String = "",
                drainageNeeds: String? = nil, buildings: FeatureTable? = nil, pipes: FeatureTable? = nil, defects: FeatureTable? = nil,
                defectsOrigin: String = "", generatedAt: String, maxDrawnFeatures: Int = 20_000) {
        self.language = language; self.storeName = storeName; self.crs = crs; self.check = check; self.checkStored = checkStored
        self.values = values; self.needs = needs; self.baseline = baseline; self.system = system; self.standard = standard
        self.layers = layers; self.checkAreas = checkAreas; self.coverageAreas = coverageAreas; self.coverageOrigin = coverageOrigin
        self.blankZones = blankZones; self.drainageOrigin = drainageOrigin; self.drainageNeeds = drainageNeeds; self.buildings = buildings
        self.pipes = pipes; self.defects = defects; self.defectsOrigin = defectsOrigin; self.generatedAt = generatedAt
        self.maxDrawnFeatures = maxDrawnFeatures
    }
}
