import Foundation
import CIMTables
/// The CIM bundle (v1): the layers a store holds, their geometry kinds and fields (see README, "Bundle schema").

/// Which geometries a layer accepts.
public enum GeometryKind: String, Sendable {
    /// Polygon or MultiPolygon, stored as MultiPolygon.
    case polygonal
    /// LineString; MultiLineStrings are split into one feature per part.
    case linear
    /// Point; MultiPoints are split into one feature per part.
    case point
    /// Point or Polygon/MultiPolygon (facilities), stored as generic geometry.
    case pointOrPolygonal
}

/// A bundle layer: its name, geometry kind and fields (`id` first).
public struct BundleLayer: Sendable, Hashable {
    public var name: String
    public var geometry: GeometryKind
    public var fields: [FieldSpec]

    public static let buildings = BundleLayer(name: "buildings", geometry: .polygonal, fields: [
        FieldSpec("id", .text), FieldSpec("floors", .integer), FieldSpec("height", .real),
        FieldSpec("use", .text), FieldSpec("year", .integer), FieldSpec("residents", .real), FieldSpec("households", .real),
    ])
    public static let facilities = BundleLayer(name: "facilities", geometry: .pointOrPolygonal, fields: [
        FieldSpec("id", .text), FieldSpec("category", .text), FieldSpec("name", .text),
    ])
    public static let roads = BundleLayer(name: "roads", geometry: .linear, fields: [
        FieldSpec("id", .text), FieldSpec("class", .text), FieldSpec("walkable", .integer),
    ])
    public static let pipes = BundleLayer(name: "pipes", geometry: .linear, fields: [
        FieldSpec("id", .text), FieldSpec("kind", .text), FieldSpec("diameter_mm", .real),
        FieldSpec("up_invert", .real), FieldSpec("down_invert", .real),
    ])
    public static let pipeNodes = BundleLayer(name: "pipe_nodes", geometry: .point, fields: [
        FieldSpec("id", .text), FieldSpec("kind", .text), FieldSpec("ground_z", .real), FieldSpec("invert_z", .real),
    ])
    public static let areas = BundleLayer(name: "areas", geometry: .polygonal, fields: [
        FieldSpec("id", .text), FieldSpec("kind", .text), FieldSpec("name", .text), FieldSpec("population", .real),
    ])
    public static let waterlogging = BundleLayer(name: "waterlogging", geometry: .point, fields: [
        FieldSpec("id", .text), FieldSpec("name", .text),
    ])

    /// All bundle layers in import order.
    public static let all: [BundleLayer] = [buildings, facilities, roads, pipes, pipeNodes, areas, waterlogging]

    /// The bundle layer with this name.
    public static func named(_ name: String) -> BundleLayer? { all.first { $0.name == name } }

    /// Fields only a source may carry (a survey's residents and households, a census's area population):
    /// the analyses estimate them where they are missing, so generated cities leave them out.
    public static let sourceOnlyFields: Set<String> = ["residents", "households", "population"]

    /// The field with this name.
    public func field(_ name: String) -> FieldSpec? { fields.first { $0.name == name } }

    /// Allowed values of enumerated text fields (others are mapped to the fallback, and counted).
    public var allowedValues: [String: (values: Set<String>, fallback: String)] {
        switch name {
        case "buildings": return ["use": (["residential", "commercial", "public", "industrial", "mixed", "other", "unknown"], "unknown")]
        case "pipes": return ["kind": (["storm", "sewer", "combined", "water", "other"], "other")]
        case "pipe_nodes": return ["kind": (["manhole", "outfall", "plant", "pump", "inlet"], "manhole")]
        case "areas": return ["kind": (["district", "community", "builtup"], "community")]
        default: return [:]
        }
    }
}

/// Names of the store's own tables.
enum StoreTables {
    static let metadata = "cim_metadata"
    static let layers = "cim_layers"
    static let issues = "cim_import_issues"
    static let checks = "cim_checks"
    static let checkValues = "cim_check_values"

    /// Tables whose names start with `cim_` but that are layers like any other (listed, queried,
    /// exported): `cim_batch_summary`, the cross-city table of `cim batch`.
    static let sharedLayers: Set<String> = ["cim_batch_summary"]

    /// True when `name` is one of the store's own tables (a `cim_` name that is not a shared layer).
    static func isOwn(_ name: String) -> Bool { name.hasPrefix("cim_") && !sharedLayers.contains(name) }

    /// A fresh name for a layer being written before it replaces the one it is named for (`cim_stage_` and
    /// 16 hex digits), on both stores.
    static func stagingName() -> String {
        "cim_stage_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }
}
