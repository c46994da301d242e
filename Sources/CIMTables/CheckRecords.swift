import Foundation

/// A layer's fingerprint at the time of a check: its feature count and a hash of its rows.
public struct LayerFingerprint: Sendable, Codable, Equatable {
    public var layer: String
    public var features: Int
    /// FNV-1a 64 (hex) of every row in fid order: fid, each column's type and bytes (geometry blob included).
    public var hash: String
    public init(layer: String, features: Int, hash: String) { self.layer = layer; self.features = features; self.hash = hash }
}

/// A row of `cim_checks`: one recorded health check.
public struct CheckRecord: Sendable, Equatable {
    /// Assigned when recorded (1, 2, …).
    public var id: Int
    public var year: Int
    /// ISO 8601 time of the run.
    public var time: String
    public var indicatorFile: String
    public var indicatorHash: String
    public var inputs: [LayerFingerprint]
    public var cimVersion: String
    public var metric: String
    /// The overall health index (nil when no indicator has a score).
    public var index: Double?
    /// The index per dimension, JSON object text (dimension → value).
    public var dimensionIndex: String

    public init(id: Int = 0, year: Int, time: String, indicatorFile: String, indicatorHash: String, inputs: [LayerFingerprint],
                cimVersion: String, metric: String, index: Double?, dimensionIndex: String) {
        self.id = id
        self.year = year
        self.time = time
        self.indicatorFile = indicatorFile
        self.indicatorHash = indicatorHash
        self.inputs = inputs
        self.cimVersion = cimVersion
        self.metric = metric
        self.index = index
        self.dimensionIndex = dimensionIndex
    }
}

/// A row of `cim_check_values`: one indicator at one place (area kind "city" for the city) of one check.
public struct CheckValueRecord: Sendable, Equatable {
    public var check: Int
    public var indicator: String
    public var areaKind: String
    public var areaId: String
    public var areaName: String?
    public var value: Double?
    public var numerator: Double?
    public var denominator: Double?
    public var score: Double?
    public var grade: String?
    public var warning: String?
    public var computable: Bool

    public init(check: Int = 0, indicator: String, areaKind: String, areaId: String, areaName: String?, value: Double?, numerator: Double?,
                denominator: Double?, score: Double?, grade: String?, warning: String?, computable: Bool) {
        self.check = check
        self.indicator = indicator
        self.areaKind = areaKind
        self.areaId = areaId
        self.areaName = areaName
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
        self.score = score
        self.grade = grade
        self.warning = warning
        self.computable = computable
    }
}
