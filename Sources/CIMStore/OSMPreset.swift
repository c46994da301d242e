import Foundation

/// The OpenStreetMap import preset (Data/osm/osm-preset.json, documented in Data/osm/README.md): which
/// OSM features become which bundle layer, and how tags map to fields. Rules are tried in order; the first
/// match wins.
public struct OSMPreset: Sendable, Decodable {
    public struct Rule: Sendable, Decodable {
        public var value: String
        public var when: [TagCondition]

        enum CodingKeys: String, CodingKey { case use, category, kind, when }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            guard let value = try c.decodeIfPresent(String.self, forKey: .use) ?? c.decodeIfPresent(String.self, forKey: .category)
                    ?? c.decodeIfPresent(String.self, forKey: .kind) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "a rule needs \"use\", \"category\" or \"kind\""))
            }
            self.value = value
            self.when = try c.decode([TagCondition].self, forKey: .when)
        }
    }

    public struct Buildings: Sendable, Decodable {
        public var osm_layer: String
        public var `where`: [TagCondition]
        public var exclude: [TagCondition]?
        public var use: [Rule]
        public var default_use: String
        public var floors_tag: String?
        public var height_tag: String?
        public var year_tag: String?
    }

    public struct Facilities: Sendable, Decodable {
        public var osm_layers: [String]
        public var exclude: [TagCondition]?
        public var categories: [Rule]
    }

    /// A walkability rule for roads: the first rule whose `when` matches decides.
    public struct WalkRule: Sendable, Decodable {
        public var walkable: Int
        public var when: [TagCondition]
    }

    public struct Roads: Sendable, Decodable {
        public var osm_layer: String
        public var `where`: [TagCondition]
        public var walkable: [WalkRule]
        public var default_walkable: Int?
        public var exclude: [TagCondition]?
        public var class_tag: String?
    }

    public struct Kinds: Sendable, Decodable {
        public var osm_layer: String
        public var kinds: [Rule]
        public var diameter_tag: String?
    }

    public struct Layers: Sendable, Decodable {
        public var buildings: Buildings?
        public var facilities: Facilities?
        public var roads: Roads?
        public var pipes: Kinds?
        public var pipe_nodes: Kinds?
    }

    public var format: String
    public var version: Int
    public var layers: Layers

    /// Bundle layers this preset fills, in import order.
    public var bundleLayers: [String] {
        var names: [String] = []
        if layers.buildings != nil { names.append("buildings") }
        if layers.facilities != nil { names.append("facilities") }
        if layers.roads != nil { names.append("roads") }
        if layers.pipes != nil { names.append("pipes") }
        if layers.pipe_nodes != nil { names.append("pipe_nodes") }
        return names
    }

    /// The OSM layers (of GDAL's OSM driver) read for a bundle layer.
    public func osmLayers(for bundle: String) -> [String] {
        switch bundle {
        case "buildings": return layers.buildings.map { [$0.osm_layer] } ?? []
        case "facilities": return layers.facilities?.osm_layers ?? []
        case "roads": return layers.roads.map { [$0.osm_layer] } ?? []
        case "pipes": return layers.pipes.map { [$0.osm_layer] } ?? []
        case "pipe_nodes": return layers.pipe_nodes.map { [$0.osm_layer] } ?? []
        default: return []
        }
    }

    /// Loads and checks a preset file.
    public static func load(_ url: URL) throws -> OSMPreset {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw StoreError("cannot read the OSM preset", file: url.path)
        }
        let preset: OSMPreset
        do { preset = try JSONDecoder().decode(OSMPreset.self, from: data) } catch {
            throw StoreError("the OSM preset is not valid: \(describe(error))", file: url.path)
        }
        guard preset.format == "cim-osm-preset", preset.version == 1 else {
            throw StoreError("not a cim OSM preset (format \(preset.format) version \(preset.version))", file: url.path)
        }
        return preset
    }

    /// The preset shipped in Data/osm/osm-preset.json.
    public static func shipped() throws -> OSMPreset {
        guard let url = DataFiles.url("osm/osm-preset.json") else {
            throw StoreError("the shipped OSM preset (Data/osm/osm-preset.json) was not found", hint: "set CIM_DATA_DIR to the Data folder")
        }
        return try load(url)
    }
}

/// A readable description of a decoding error (the path of the bad key and the reason).
func describe(_ error: Error) -> String {
    guard let decoding = error as? DecodingError else { return "\(error)" }
    func path(_ codingPath: [CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch decoding {
    case let .keyNotFound(key, context): return "missing key '\(key.stringValue)' at \(path(context.codingPath).isEmpty ? "top level" : path(context.codingPath))"
    case let .typeMismatch(_, context): return "wrong type at \(path(context.codingPath)): \(context.debugDescription)"
    case let .valueNotFound(_, context): return "missing value at \(path(context.codingPath))"
    case let .dataCorrupted(context): return "\(context.debugDescription) at \(path(context.codingPath))"
    @unknown default: return "\(error)"
    }
}
