import Foundation

/// A planning standard as data (Data/standards/gb50180-2018.json): life-circle levels, facility categories
/// with their walking thresholds, the parameters that turn floor area into residents, and park rules.
/// Thresholds always come from here, never from constants in code.
public struct Standard: Sendable {
    public struct Level: Sendable, Equatable {
        public var key: String
        public var nameZh: String
        public var nameEn: String
        public var walkMetres: Double?
        public var minutes: Double?
    }

    public struct Category: Sendable, Equatable {
        public var key: String
        public var nameZh: String
        public var nameEn: String
        public var level: String
        public var thresholdMetres: Double
        /// Whether a complete community (完整居住社区) requires it.
        public var required: Bool
        /// False when the value was not confirmed against the standard's text.
        public var confirmed: Bool
        public var note: String?
        /// Other categories a facility of this category also serves (a supermarket is also a convenience shop).
        public var countsAs: [String]
        /// Other Chinese names of the category (`aliases_zh`: 农贸市场, 菜场 … for fresh_market).
        public var aliasesZh: [String] = []

        /// Whether `name` names this category: its key, its Chinese name (or one of the " / "-separated
        /// parts of it), or one of its Chinese aliases.
        public func isNamed(_ name: String) -> Bool {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            return trimmed == key || trimmed == nameZh || nameZh.components(separatedBy: " / ").contains(trimmed) || aliasesZh.contains(trimmed)
        }
    }

    public struct ParkRule: Sendable, Equatable {
        public var minAreaM2: Double
        public var maxAreaM2: Double?
        public var radiusMetres: Double
    }

    public struct Parameters: Sendable, Equatable {
        /// Metres per floor when only a height is known (floors = round(height / floorHeight)).
        public var floorHeightMetres: Double
        /// Floor area per resident, m² (residents = residential floor area / this).
        public var floorAreaPerResident: Double
        public var personsPerHousehold: Double
        /// Share of an area's residents that must reach every required category for it to be complete.
        public var completeShare: Double
        /// Distances beyond this are not computed (reported as null).
        public var defaultCutoffMetres: Double
    }

    public var name: String
    public var nameZh: String
    public var sources: [String]
    public var parameters: Parameters
    public var levels: [Level]
    public var categories: [Category]
    public var parks: [ParkRule]
    public var notes: [String]

    /// The category with this key.
    public func category(_ key: String) -> Category? { categories.first { $0.key == key } }
    /// The level with this key.
    public func level(_ key: String) -> Level? { levels.first { $0.key == key } }
    /// Categories a complete community requires.
    public var requiredCategories: [Category] { categories.filter(\.required) }
    /// The facility categories that serve `key`: itself and every category that counts as it.
    public func servingCategories(_ key: String) -> [String] {
        [key] + categories.filter { $0.countsAs.contains(key) }.map(\.key)
    }

    /// The largest threshold of any category.
    public var maxThreshold: Double { categories.map(\.thresholdMetres).max() ?? 0 }
}

extension Standard {
    /// The largest distance a standard may give (thresholds, walks, cutoff): 100 km; larger values are
    /// refused as meaningless (a typo or a unit mix-up).
    public static let maximumDistance = 100_000.0
    /// The largest park area a park rule may give: 10 000 km².
    public static let maximumArea = 1e10

    /// The standard shipped with cim (Data/standards/gb50180-2018.json).
    public static func shipped() throws -> Standard {
        guard let url = AnalysisDataFiles.url("standards/gb50180-2018.json") else {
            throw AnalysisError("the shipped standard (Data/standards/gb50180-2018.json) was not found", hint: "set CIM_DATA_DIR to the Data folder")
        }
        return try load(url)
    }

    /// Loads and validates a standard file; errors name the file, the entry and the problem.
    public static func load(_ url: URL) throws -> Standard {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw AnalysisError("\(url.path): cannot read the standard file")
        }
        do {
            return try parse(data)
        } catch let error as AnalysisError {
            throw AnalysisError("\(url.path): \(error.message)", hint: error.hint)
        }
    }

    /// Parses and validates standard JSON. Unknown keys, missing or negative thresholds, unknown levels and
    /// duplicate categories are errors.
    public static func parse(_ data: Data) throws -> Standard {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw AnalysisError("not valid JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else { throw AnalysisError("the standard must be a JSON object") }
        let reader = JSONReader(path: "")
        try reader.allow(root, ["format", "version", "name", "name_zh", "sources", "parameters", "levels", "categories", "parks", "notes"])
        guard (root["format"] as? String) == "cim-standard" else { throw AnalysisError("\"format\" must be \"cim-standard\"") }
        guard (root["version"] as? Int) == 1 else { throw AnalysisError("\"version\" must be 1") }

        let p = try reader.object(root, "parameters")
        try reader.sub("parameters").allow(p, ["floor_height_m", "floor_area_per_resident_m2", "persons_per_household", "complete_share", "default_cutoff_m"])
        let parameters = Parameters(
            floorHeightMetres: try reader.sub("parameters").positive(p, "floor_height_m", atMost: 100),
            floorAreaPerResident: try reader.sub("parameters").positive(p, "floor_area_per_resident_m2", atMost: 10_000),
            personsPerHousehold: try reader.sub("parameters").positive(p, "persons_per_household", atMost: 100),
            completeShare: try reader.sub("parameters").share(p, "complete_share"),
            defaultCutoffMetres: try reader.sub("parameters").positive(p, "default_cutoff_m", atMost: Self.maximumDistance))

        var levels: [Level] = []
        for (i, entry) in try reader.array(root, "levels").enumerated() {
            let r = reader.sub("levels[\(i)]")
            guard let l = entry as? [String: Any] else { throw AnalysisError("levels[\(i)] must be an object") }
            try r.allow(l, ["key", "name_zh", "name_en", "walk_m", "minutes", "walk_range_m", "residents", "dwellings", "confirmed"])
            let key = try r.string(l, "key")
            if levels.contains(where: { $0.key == key }) { throw AnalysisError("levels[\(i)]: duplicate level '\(key)'") }
            levels.append(Level(key: key, nameZh: (l["name_zh"] as? String) ?? key, nameEn: (l["name_en"] as? String) ?? key,
                                walkMetres: try r.optionalNonNegative(l, "walk_m", atMost: Self.maximumDistance), minutes: try r.optionalNonNegative(l, "minutes", atMost: 1440)))
        }

        var categories: [Category] = []
        for (i, entry) in try reader.array(root, "categories").enumerated() {
            guard let c = entry as? [String: Any] else { throw AnalysisError("categories[\(i)] must be an object") }
            let key = (c["key"] as? String) ?? "#\(i)"
            let r = reader.sub("category '\(key)'")
            try r.allow(c, ["key", "name_zh", "name_en", "level", "threshold_m", "required", "confirmed", "note", "counts_as", "aliases_zh"])
            _ = try r.string(c, "key")
            guard key.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
                throw AnalysisError("category '\(key)': a key is lower-case letters, digits and _ (it names result fields)")
            }
            if categories.contains(where: { $0.key == key }) { throw AnalysisError("duplicate category '\(key)'") }
            let level = try r.string(c, "level")
            guard levels.contains(where: { $0.key == level }) else {
                throw AnalysisError("category '\(key)': unknown level '\(level)'", hint: "levels: \(levels.map(\.key).joined(separator: ", "))")
            }
            guard c["threshold_m"] != nil else { throw AnalysisError("category '\(key)': missing \"threshold_m\"") }
            let threshold = try r.positive(c, "threshold_m", atMost: Self.maximumDistance)
            categories.append(Category(key: key, nameZh: (c["name_zh"] as? String) ?? key, nameEn: (c["name_en"] as? String) ?? key,
                                       level: level, thresholdMetres: threshold, required: try r.bool(c, "required"),
                                       confirmed: (c["confirmed"] as? Bool) ?? true, note: c["note"] as? String,
                                       countsAs: (c["counts_as"] as? [String]) ?? [], aliasesZh: (c["aliases_zh"] as? [String]) ?? []))
        }
        for category in categories {
            for other in category.countsAs where !categories.contains(where: { $0.key == other }) {
                throw AnalysisError("category '\(category.key)': counts_as names unknown category '\(other)'")
            }
        }
        guard !categories.isEmpty else { throw AnalysisError("the standard has no categories") }

        var parks: [ParkRule] = []
        for (i, entry) in ((root["parks"] as? [Any]) ?? []).enumerated() {
            guard let pk = entry as? [String: Any] else { throw AnalysisError("parks[\(i)] must be an object") }
            let r = reader.sub("parks[\(i)]")
            try r.allow(pk, ["min_area_m2", "max_area_m2", "radius_m"])
            parks.append(ParkRule(minAreaM2: try r.nonNegative(pk, "min_area_m2", atMost: Self.maximumArea), maxAreaM2: try r.optionalNonNegative(pk, "max_area_m2", atMost: Self.maximumArea),
                                  radiusMetres: try r.positive(pk, "radius_m", atMost: Self.maximumDistance)))
        }
        return Standard(name: (root["name"] as? String) ?? "standard", nameZh: (root["name_zh"] as? String) ?? "",
                        sources: (root["sources"] as? [String]) ?? [], parameters: parameters, levels: levels,
                        categories: categories, parks: parks, notes: (root["notes"] as? [String]) ?? [])
    }
}
