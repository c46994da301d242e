import CIMTables
import Foundation

/// The health-check indicator system as data (Data/indicators/city-health-check.json): per indicator its
/// names, dimension and level, the measure that computes it, the denominator, direction, standard, bottom
/// line and weight, and whether the values were confirmed; plus the scoring, grade, warning and index rules.
/// Nothing of it is a constant in code.
public struct IndicatorSystem: Sendable {
    /// The 2021 dimensions (MOHURD 2021 城市体检指标体系).
    public static let dimensions = ["生态宜居", "健康舒适", "安全韧性", "交通便捷", "风貌特色", "整洁有序", "多元包容", "创新活力"]
    /// The levels of the 2023 system.
    public static let levels = ["住房", "小区(社区)", "街区", "城区"]

    public enum Direction: String, Sendable { case positive, negative }

    /// What an indicator divides by.
    public enum Denominator: String, Sendable, CaseIterable {
        case residents, floorArea = "floor_area", residentialLand = "residential_land", communities, builtUpArea = "built_up_area"
        case buildings, pipeLength = "pipe_length", none
    }

    /// One clause of a reach measure: a facility of `category` (and those that count as it) within
    /// `distanceMetres` (default: the category's threshold in the standard), optionally only facilities
    /// whose polygon area lies in [minArea, maxArea).
    public struct Reach: Sendable, Hashable {
        public var category: String
        public var distanceMetres: Double?
        public var minAreaM2: Double?
        public var maxAreaM2: Double?
        /// True when the clause is the category as the standard has it (no own distance, no size filter).
        public var isPlain: Bool { distanceMetres == nil && minAreaM2 == nil && maxAreaM2 == nil }
    }

    /// Which buildings a building measure counts.
    public struct BuildingCondition: Sendable, Equatable {
        /// Residential (and mixed) buildings only.
        public var residential: Bool
        /// year ≤ this.
        public var yearMax: Int?
        /// year ≥ this.
        public var yearMin: Int?
        /// year = the check year.
        public var builtInCheckYear: Bool
        /// height (else floors × floor height) > this.
        public var heightOverMetres: Double?
        /// Whether the condition needs the `year` field.
        public var needsYear: Bool { yearMax != nil || yearMin != nil || builtInCheckYear }
    }

    /// The measure vocabulary (each implemented once, in Sources/CIMAnalysis/Check/Measures).
    public enum Measure: Sendable, Equatable {
        /// Share of residents / floor area / residential land of residential buildings that satisfy any clause.
        case reachShare([Reach])
        /// Share of complete communities (areas of `areaKind`), by count or by residents.
        case completeShare(areaKind: String)
        /// Points of a layer inside the built-up land per built-up km².
        case pointDensity(layer: String)
        /// Line length (km) of a layer inside the built-up land per built-up km²; pipes filtered by kinds.
        case lineDensity(layer: String, kinds: String?)
        /// Polygon area of a facility category per resident (m²).
        case facilityAreaPerResident(category: String)
        /// Share of buildings (or their floor area) that satisfy a condition.
        case buildingShare(BuildingCondition)
        /// Number of buildings that satisfy a condition.
        case buildingCount(BuildingCondition)
        /// Share of buildings / floor area / residents beyond `radius` of a pipe of `kinds` (cim gaps).
        case blankShare(kinds: String, radiusMetres: Double)
        /// Area (km²) of grid cells of `cellMetres` whose residents per km² exceed `residentsPerKm2`.
        case denseLand(cellMetres: Double, residentsPerKm2: Double)
        /// Defects of `severity` (nil: all) found by cim audit per km of drainage pipe.
        case defectsPerKm(severity: String?)

        /// The measure's type name in the file.
        public var type: String {
            switch self {
            case .reachShare: return "reach_share"
            case .completeShare: return "complete_share"
            case .pointDensity: return "point_density"
            case .lineDensity: return "line_density"
            case .facilityAreaPerResident: return "facility_area_per_resident"
            case .buildingShare: return "building_share"
            case .buildingCount: return "building_count"
            case .blankShare: return "blank_share"
            case .denseLand: return "dense_land"
            case .defectsPerKm: return "defects_per_km"
            }
        }

        /// The unit of the value.
        public var unit: String {
            switch self {
            case .reachShare, .completeShare, .buildingShare, .blankShare: return "%"
            case .pointDensity: return "per km²"
            case .lineDensity: return "km/km²"
            case .facilityAreaPerResident: return "m²/person"
            case .buildingCount: return "buildings"
            case .denseLand: return "km²"
            case .defectsPerKm: return "per km"
            }
        }

        /// The denominators the measure can divide by.
        public var allowedDenominators: [Denominator] {
            switch self {
            case .reachShare: return [.residents, .floorArea, .residentialLand]
            case .completeShare: return [.communities, .residents]
            case .pointDensity, .lineDensity: return [.builtUpArea]
            case .facilityAreaPerResident: return [.residents]
            case .buildingShare: return [.floorArea, .buildings]
            case .buildingCount, .denseLand: return [.none]
            case .blankShare: return [.residents, .floorArea, .buildings]
            case .defectsPerKm: return [.pipeLength]
            }
        }
    }

    public struct Indicator: Sendable {
        public var key: String
        public var nameZh: String
        public var nameEn: String
        public var dimension: String
        public var level: String
        public var measure: Measure
        public var denominator: Denominator
        public var direction: Direction
        /// The target (标准值/目标值) in the value's unit; nil when there is none (grade 无标准).
        public var standard: Double?
        /// A breach of this (below it for positive, above it for negative indicators) is a red warning.
        public var bottomLine: Double?
        public var weight: Double
        /// A relative decline beyond this is warned in a year-on-year comparison (default: the rules').
        public var declineTolerance: Double?
        public var confirmed: Bool
        public var source: String

        public func name(_ language: Language) -> String { language == .zh ? nameZh : nameEn }
    }

    /// A grade band: scores ≥ minScore (the first band that matches).
    public struct Grade: Sendable, Equatable {
        public var grade: String
        public var gradeEn: String
        public var minScore: Double
    }

    /// Scoring, grades, warnings and the index.
    public struct Rules: Sendable {
        public var grades: [Grade]
        /// Scores below this are a yellow warning (100: anything short of the standard).
        public var yellowBelowScore: Double
        /// Scores below this are a red warning.
        public var redBelowScore: Double
        /// A bottom-line breach is a red warning.
        public var redOnBottomLine: Bool
        /// Relative decline (0.05 = 5 % of last year's value) beyond which a year-on-year decline is warned.
        public var declineTolerance: Double
        public var confirmed: Bool
        public var source: String
    }

    public var name: String
    public var nameZh: String
    public var sources: [String]
    public var rules: Rules
    public var indicators: [Indicator]
    /// The file it came from (its name is recorded with each check).
    public var fileName: String
    /// FNV-1a 64 hash of the file's bytes (hex), recorded with each check.
    public var fileHash: String

    public func indicator(_ key: String) -> Indicator? { indicators.first { $0.key == key } }
}

/// Output language of names, grades and warnings.
public enum Language: String, Sendable, CaseIterable { case zh, en }

extension IndicatorSystem {
    /// The indicator file shipped with cim (Data/indicators/city-health-check.json).
    public static func shipped(standard: Standard) throws -> IndicatorSystem {
        guard let url = AnalysisDataFiles.url("indicators/city-health-check.json") else {
            throw AnalysisError("the shipped indicator file (Data/indicators/city-health-check.json) was not found", hint: "set CIM_DATA_DIR to the Data folder")
        }
        return try load(url, standard: standard)
    }

    /// Loads and validates an indicator file against the standard in use; errors name the file, the
    /// indicator and the field.
    public static func load(_ url: URL, standard: Standard) throws -> IndicatorSystem {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw AnalysisError("\(url.path): cannot read the indicator file")
        }
        do {
            var system = try parse(data, standard: standard)
            system.fileName = url.lastPathComponent
            return system
        } catch let error as AnalysisError {
            throw AnalysisError("\(url.path): \(error.message)", hint: error.hint)
        }
    }

    /// Parses and validates indicator JSON: unknown keys, missing fields, unknown measures, dimensions,
    /// levels, denominators and categories, non-finite or negative numbers and duplicate keys are errors
    /// that name the indicator and the field.
    public static func parse(_ data: Data, standard: Standard) throws -> IndicatorSystem {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw AnalysisError("not valid JSON (\(error.localizedDescription))")
        }
        guard let root = object as? [String: Any] else { throw AnalysisError("the indicator file must be a JSON object") }
        let reader = JSONReader(path: "")
        try reader.allow(root, ["format", "version", "name", "name_zh", "sources", "rules", "indicators"])
        guard (root["format"] as? String) == "cim-indicators" else { throw AnalysisError("\"format\" must be \"cim-indicators\"") }
        guard (root["version"] as? Int) == 1 else { throw AnalysisError("\"version\" must be 1") }

        let rules = try parseRules(try reader.object(root, "rules"), reader.sub("rules"))
        var indicators: [Indicator] = []
        for (i, entry) in try reader.array(root, "indicators").enumerated() {
            guard let o = entry as? [String: Any] else { throw AnalysisError("indicators[\(i)] must be an object") }
            let key = (o["key"] as? String) ?? "#\(i + 1)"
            let indicator = try parseIndicator(o, reader: reader.sub("indicator '\(key)'"), standard: standard)
            if indicators.contains(where: { $0.key == key }) { throw AnalysisError("duplicate indicator '\(key)'") }
            indicators.append(indicator)
        }
        guard !indicators.isEmpty else { throw AnalysisError("the indicator file has no indicators") }
        return IndicatorSystem(name: (root["name"] as? String) ?? "indicators", nameZh: (root["name_zh"] as? String) ?? "",
                               sources: (root["sources"] as? [String]) ?? [], rules: rules, indicators: indicators,
                               fileName: "", fileHash: ContentHash.hex(of: data))
    }

    static func parseRules(_ o: [String: Any], _ r: JSONReader) throws -> Rules {
        try r.allow(o, ["score", "grades", "yellow_below_score", "red_below_score", "red_on_bottom_line", "decline_tolerance", "index", "confirmed", "source"])
        guard (o["score"] as? String) == "ratio" else { throw AnalysisError("rules: \"score\" must be \"ratio\" (100·min(1, x / standard), inverted for negative indicators)") }
        guard (o["index"] as? String) == "weighted_mean" else { throw AnalysisError("rules: \"index\" must be \"weighted_mean\"") }
        var grades: [Grade] = []
        for (i, entry) in try r.array(o, "grades").enumerated() {
            guard let g = entry as? [String: Any] else { throw AnalysisError("rules.grades[\(i)] must be an object") }
            let gr = r.sub("grades[\(i)]")
            try gr.allow(g, ["grade", "grade_en", "min_score"])
            let minScore = try gr.nonNegative(g, "min_score")
            guard minScore <= 100 else { throw AnalysisError("rules.grades[\(i)]: \"min_score\" must be at most 100, got \(minScore)") }
            if let last = grades.last, minScore >= last.minScore {
                throw AnalysisError("rules.grades[\(i)]: \"min_score\" must decrease from one grade to the next")
            }
            grades.append(Grade(grade: try gr.string(g, "grade"), gradeEn: try gr.string(g, "grade_en"), minScore: minScore))
        }
        guard grades.last?.minScore == 0 else { throw AnalysisError("rules.grades: the last grade must have \"min_score\" 0 so that every score has a grade") }
        let yellow = try r.nonNegative(o, "yellow_below_score"), red = try r.nonNegative(o, "red_below_score")
        guard yellow <= 100, red <= yellow else { throw AnalysisError("rules: need red_below_score ≤ yellow_below_score ≤ 100") }
        return Rules(grades: grades, yellowBelowScore: yellow, redBelowScore: red, redOnBottomLine: try r.bool(o, "red_on_bottom_line"),
                     declineTolerance: try r.nonNegative(o, "decline_tolerance"), confirmed: try r.bool(o, "confirmed"),
                     source: try r.string(o, "source"))
    }

    static func parseIndicator(_ o: [String: Any], reader r: JSONReader, standard: Standard) throws -> Indicator {
        try r.allow(o, ["key", "name_zh", "name_en", "dimension", "level", "measure", "denominator", "direction", "standard",
                        "bottom_line", "weight", "decline_tolerance", "confirmed", "source"])
        let key = try r.string(o, "key")
        guard key.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) != nil else {
            throw AnalysisError("indicator '\(key)': a key is lower-case letters, digits and _ (it names result fields)")
        }
        let dimension = try r.string(o, "dimension")
        guard dimensions.contains(dimension) else { throw AnalysisError("indicator '\(key)': unknown dimension '\(dimension)'", hint: "dimensions: \(dimensions.joined(separator: ", "))") }
        let level = try r.string(o, "level")
        guard levels.contains(level) else { throw AnalysisError("indicator '\(key)': unknown level '\(level)'", hint: "levels: \(levels.joined(separator: ", "))") }
        let measure = try parseMeasure(try r.object(o, "measure"), r.sub("measure"), key: key, standard: standard)
        let denominatorText = try r.string(o, "denominator")
        guard let denominator = Denominator(rawValue: denominatorText), measure.allowedDenominators.contains(denominator) else {
            throw AnalysisError("indicator '\(key)': \"denominator\" '\(denominatorText)' does not fit measure \(measure.type)",
                                hint: "allowed: \(measure.allowedDenominators.map(\.rawValue).joined(separator: ", "))")
        }
        let directionText = try r.string(o, "direction")
        guard let direction = Direction(rawValue: directionText) else { throw AnalysisError("indicator '\(key)': \"direction\" must be positive or negative, got '\(directionText)'") }
        guard o["standard"] != nil else { throw AnalysisError("indicator '\(key)': missing \"standard\" (a number, or null when there is none)") }
        guard o["bottom_line"] != nil else { throw AnalysisError("indicator '\(key)': missing \"bottom_line\" (a number, or null when there is none)") }
        let standardValue = try r.optionalNonNegative(o, "standard")
        if measure.unit == "%", let s = standardValue, s > 100 { throw AnalysisError("indicator '\(key)': \"standard\" is a percentage, got \(s)") }
        let weight = try r.nonNegative(o, "weight")
        return Indicator(key: key, nameZh: try r.string(o, "name_zh"), nameEn: try r.string(o, "name_en"), dimension: dimension, level: level,
                         measure: measure, denominator: denominator, direction: direction, standard: standardValue,
                         bottomLine: try r.optionalNonNegative(o, "bottom_line"), weight: weight,
                         declineTolerance: try r.optionalNonNegative(o, "decline_tolerance"), confirmed: try r.bool(o, "confirmed"),
                         source: try r.string(o, "source"))
    }

    static func parseMeasure(_ m: [String: Any], _ r: JSONReader, key: String, standard: Standard) throws -> Measure {
        let type = try r.string(m, "type")
        func category(_ name: String, _ where_: String) throws -> String {
            guard standard.category(name) != nil else {
                throw AnalysisError("indicator '\(key)': \(where_) names category '\(name)', which the standard does not have",
                                    hint: "categories: \(standard.categories.map(\.key).joined(separator: ", "))")
            }
            return name
        }
        func kinds(_ text: String) throws -> String {
            do { _ = try PipeKinds.parse(text) } catch let e as AnalysisError { throw AnalysisError("indicator '\(key)': measure.kinds: \(e.message)") }
            return text
        }
        switch type {
        case "reach_share":
            try r.allow(m, ["type", "reach"])
            var clauses: [Reach] = []
            for (i, entry) in try r.array(m, "reach").enumerated() {
                guard let c = entry as? [String: Any] else { throw AnalysisError("indicator '\(key)': measure.reach[\(i)] must be an object") }
                let cr = r.sub("reach[\(i)]")
                try cr.allow(c, ["category", "distance_m", "min_area_m2", "max_area_m2"])
                let clause = Reach(category: try category(try cr.string(c, "category"), "measure.reach[\(i)]"),
                                   distanceMetres: try cr.optionalPositive(c, "distance_m"),
                                   minAreaM2: try cr.optionalNonNegative(c, "min_area_m2"), maxAreaM2: try cr.optionalPositive(c, "max_area_m2"))
                if let lo = clause.minAreaM2, let hi = clause.maxAreaM2, hi <= lo {
                    throw AnalysisError("indicator '\(key)': measure.reach[\(i)]: \"max_area_m2\" must exceed \"min_area_m2\"")
                }
                clauses.append(clause)
            }
            guard !clauses.isEmpty else { throw AnalysisError("indicator '\(key)': measure.reach is empty") }
            return .reachShare(clauses)
        case "complete_share":
            try r.allow(m, ["type", "area_kind"])
            return .completeShare(areaKind: try r.string(m, "area_kind"))
        case "point_density":
            try r.allow(m, ["type", "layer"])
            return .pointDensity(layer: try r.string(m, "layer"))
        case "line_density":
            try r.allow(m, ["type", "layer", "kinds"])
            let layer = try r.string(m, "layer")
            guard layer == "roads" || layer == "pipes" else { throw AnalysisError("indicator '\(key)': measure.layer must be roads or pipes, got '\(layer)'") }
            return .lineDensity(layer: layer, kinds: try (m["kinds"] as? String).map(kinds))
        case "facility_area_per_resident":
            try r.allow(m, ["type", "category"])
            return .facilityAreaPerResident(category: try category(try r.string(m, "category"), "measure.category"))
        case "building_share", "building_count":
            try r.allow(m, ["type", "where"])
            let w = try r.object(m, "where")
            let wr = r.sub("where")
            try wr.allow(w, ["residential", "year_max", "year_min", "built_in_check_year", "height_over_m"])
            let condition = BuildingCondition(residential: try wr.optionalBool(w, "residential") ?? false,
                                              yearMax: try wr.optionalNonNegative(w, "year_max").map { Int($0) },
                                              yearMin: try wr.optionalNonNegative(w, "year_min").map { Int($0) },
                                              builtInCheckYear: try wr.optionalBool(w, "built_in_check_year") ?? false,
                                              heightOverMetres: try wr.optionalNonNegative(w, "height_over_m"))
            return type == "building_share" ? .buildingShare(condition) : .buildingCount(condition)
        case "blank_share":
            try r.allow(m, ["type", "kinds", "radius_m"])
            return .blankShare(kinds: try kinds(try r.string(m, "kinds")), radiusMetres: try r.nonNegative(m, "radius_m"))
        case "dense_land":
            try r.allow(m, ["type", "cell_m", "residents_per_km2"])
            return .denseLand(cellMetres: try r.positive(m, "cell_m"), residentsPerKm2: try r.positive(m, "residents_per_km2"))
        case "defects_per_km":
            try r.allow(m, ["type", "severity"])
            let severity = try r.string(m, "severity")
            guard severity == "all" || DefectSeverity(rawValue: severity) != nil else {
                throw AnalysisError("indicator '\(key)': measure.severity must be high, medium, low or all, got '\(severity)'")
            }
            return .defectsPerKm(severity: severity == "all" ? nil : severity)
        default:
            throw AnalysisError("indicator '\(key)': unknown measure type '\(type)'",
                                hint: "measures: reach_share, complete_share, point_density, line_density, facility_area_per_resident, building_share, building_count, blank_share, dense_land, defects_per_km")
        }
    }
}
