import CIMAnalysis
import CIMGeometry
import CIMStore
import Foundation

/// A small city whose every indicator value is known by construction (coordinates relative to the origin
/// (500000, 3290000) of EPSG:4548, metres):
///
/// - built-up land [0, 2000]²; districts D1 (y 0–1000), D2 (y 1000–2000); communities C1 [0,1000]×[0,1000],
///   C2 [1000,2000]×[0,1000], C3 [0,1000]×[1000,2000], C4 [1000,2000]×[1000,2000] (C4 has no residents);
/// - 20 m square buildings (footprint 400 m², reference point = centre): b1 (100,100) residential 10 floors
///   1995; b2 (900,100) residential 5 floors 2010; b3 (1520,520) residential 30 floors, 90 m, 2025; b4
///   (500,1500) residential 2 floors 1980; b5 (1500,1500) commercial 3 floors 2000; b6 (1800,900)
///   residential 2 floors, no year;
/// - kindergartens k1 (100,350) (reaches b1: 250 m) and k2 (1500,700) (reaches b3: 181 m; b6 is 361 m away);
///   bus stops (500,100) (b1, b2 at 400 m) and (1600,700) (b3 197 m, b6 283 m);
/// - parks: 100 m square at (500,400) (10,000 m²: 500 m; b1 and b2 at 430 m), 50 m square at (500,1200)
///   (2,500 m²: 300 m; b4 at 275 m), 30 m square at (1500,800) (900 m²: serves no one, though b3 is 265 m away);
/// - roads y = 500 (x 0–2000) and x = 1200 (y −500–2500); sewers y = 100 (x 0–1000, through b1 and b2) and
///   y = 520 (x 1400–1600, through b3); a storm pipe y = 1900 (x 0–2000);
/// - waterlogging points (300,300), (1700,1700) and (3000,3000) (outside the built-up land).
struct HandMadeCity {
    static let crs = try! CoordinateReferenceSystem(epsg: 4548)
    static let origin = (x: 500_000.0, y: 3_290_000.0)
    static let floorAreaPerResident = 36.5

    /// Floors of the residential buildings b1, b2, b3, b4, b6 (b5 is commercial).
    static let residentialFloors: [String: Double] = ["b1": 10, "b2": 5, "b3": 30, "b4": 2, "b6": 2]
    static func residents(_ id: String) -> Double { 400 * residentialFloors[id]! / floorAreaPerResident }
    static var totalResidents: Double { residentialFloors.keys.reduce(0) { $0 + residents($1) } }

    var kindergartens = [(100.0, 350.0), (1500.0, 700.0)]
    var withWaterlogging = true

    static func square(_ column: inout GeometryColumn, _ type: GeometryType, _ cx: Double, _ cy: Double, _ side: Double) {
        let h = side / 2, x = origin.x + cx, y = origin.y + cy
        column.beginFeature(type)
        column.addRing([(x - h, y - h), (x + h, y - h), (x + h, y + h), (x - h, y + h), (x - h, y - h)])
        column.endPart()
        column.endFeature()
    }

    static func rectangle(_ column: inout GeometryColumn, _ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double) {
        let (a, b, c, d) = (origin.x + x0, origin.y + y0, origin.x + x1, origin.y + y1)
        column.beginFeature(.multiPolygon)
        column.addRing([(a, b), (c, b), (c, d), (a, d), (a, b)])
        column.endPart()
        column.endFeature()
    }

    static func line(_ column: inout GeometryColumn, _ points: [(Double, Double)]) {
        column.beginFeature(.lineString)
        column.addRing(points.map { (origin.x + $0.0, origin.y + $0.1) })
        column.endPart()
        column.endFeature()
    }

    static func point(_ column: inout GeometryColumn, _ x: Double, _ y: Double) {
        column.beginFeature(.point)
        column.addRing([(origin.x + x, origin.y + y)])
        column.endPart()
        column.endFeature()
    }

    var inputs: CheckInputs {
        var b = GeometryColumn()
        let spec: [(String, Double, Double, String, Int64, Double?, Int64?)] = [
            ("b1", 100, 100, "residential", 10, nil, 1995), ("b2", 900, 100, "residential", 5, nil, 2010),
            ("b3", 1520, 520, "residential", 30, 90, 2025), ("b4", 500, 1500, "residential", 2, nil, 1980),
            ("b5", 1500, 1500, "commercial", 3, nil, 2000), ("b6", 1800, 900, "residential", 2, nil, nil),
        ]
        for s in spec { Self.square(&b, .multiPolygon, s.1, s.2, 20) }
        let buildings = FeatureTable(name: "buildings", geometryType: .multiPolygon, geometries: b, columns: [
            AttributeColumn("id", .text(spec.map(\.0))), AttributeColumn("floors", .integer(spec.map(\.4))),
            AttributeColumn("height", .real(spec.map(\.5))), AttributeColumn("use", .text(spec.map(\.3))),
            AttributeColumn("year", .integer(spec.map(\.6))),
        ], crs: Self.crs, fids: (1 ... Int64(spec.count)).map { $0 })

        var f = GeometryColumn()
        var categories: [String?] = []
        for k in kindergartens { Self.point(&f, k.0, k.1); categories.append("kindergarten") }
        Self.point(&f, 500, 100); categories.append("bus_stop")
        Self.point(&f, 1600, 700); categories.append("bus_stop")
        Self.square(&f, .polygon, 500, 400, 100); categories.append("park")
        Self.square(&f, .polygon, 500, 1200, 50); categories.append("park")
        Self.square(&f, .polygon, 1500, 800, 30); categories.append("park")
        let facilities = FeatureTable(name: "facilities", geometryType: .geometryCollection, geometries: f,
                                      columns: [AttributeColumn("category", .text(categories))], crs: Self.crs,
                                      fids: (1 ... Int64(categories.count)).map { $0 })

        var a = GeometryColumn()
        var ids: [String?] = [], kinds: [String?] = []
        for (id, kind, box) in [("U1", "builtup", (0.0, 0.0, 2000.0, 2000.0)), ("D1", "district", (0, 0, 2000, 1000)),
                                ("D2", "district", (0, 1000, 2000, 2000)), ("C1", "community", (0, 0, 1000, 1000)),
                                ("C2", "community", (1000, 0, 2000, 1000)), ("C3", "community", (0, 1000, 1000, 2000)),
                                ("C4", "community", (1000, 1000, 2000, 2000))] {
            Self.rectangle(&a, box.0, box.1, box.2, box.3); ids.append(id); kinds.append(kind)
        }
        let areas = FeatureTable(name: "areas", geometryType: .multiPolygon, geometries: a, columns: [
            AttributeColumn("id", .text(ids)), AttributeColumn("kind", .text(kinds)), AttributeColumn("name", .text(ids)),
        ], crs: Self.crs, fids: (1 ... Int64(ids.count)).map { $0 })

        var r = GeometryColumn()
        Self.line(&r, [(0, 500), (2000, 500)])
        Self.line(&r, [(1200, -500), (1200, 2500)])
        let roads = FeatureTable(name: "roads", geometryType: .lineString, geometries: r,
                                 columns: [AttributeColumn("walkable", .integer([1, 1]))], crs: Self.crs, fids: [1, 2])

        var p = GeometryColumn()
        Self.line(&p, [(0, 100), (1000, 100)])
        Self.line(&p, [(1400, 520), (1600, 520)])
        Self.line(&p, [(0, 1900), (2000, 1900)])
        let pipes = FeatureTable(name: "pipes", geometryType: .lineString, geometries: p, columns: [
            AttributeColumn("id", .text(["p1", "p2", "p3"])), AttributeColumn("kind", .text(["sewer", "sewer", "storm"])),
            AttributeColumn("diameter_mm", .real([400, 400, 600])),
        ], crs: Self.crs, fids: [1, 2, 3])

        var w = GeometryColumn()
        for (x, y) in [(300.0, 300.0), (1700, 1700), (3000, 3000)] { Self.point(&w, x, y) }
        let waterlogging = FeatureTable(name: "waterlogging", geometryType: .point, geometries: w,
                                        columns: [AttributeColumn("id", .text(["w1", "w2", "w3"]))], crs: Self.crs, fids: [1, 2, 3])
        return CheckInputs(buildings: buildings, facilities: facilities, roads: roads, pipes: pipes, areas: areas,
                           waterlogging: withWaterlogging ? waterlogging : nil)
    }

    /// A standard with kindergarten (300 m) and bus stop (500 m) required, park (500 m) not, and the park size rules.
    static let standardJSON = """
    {"format": "cim-standard", "version": 1, "name": "test",
     "parameters": {"floor_height_m": 3.0, "floor_area_per_resident_m2": 36.5, "persons_per_household": 2.62, "complete_share": 0.9, "default_cutoff_m": 2000},
     "levels": [{"key": "5min", "walk_m": 300}, {"key": "10min", "walk_m": 500}],
     "categories": [
       {"key": "kindergarten", "level": "5min", "threshold_m": 300, "required": true},
       {"key": "bus_stop", "level": "10min", "threshold_m": 500, "required": true},
       {"key": "park", "level": "10min", "threshold_m": 500, "required": false}],
     "parks": [{"min_area_m2": 2000, "max_area_m2": 5000, "radius_m": 300}, {"min_area_m2": 5000, "radius_m": 500}]}
    """
    static var standard: Standard { try! Standard.parse(Data(standardJSON.utf8)) }

    /// An indicator file with one indicator per measure (standards chosen for the scoring tests).
    static func indicatorJSON(rules: String = defaultRules, extra: String = "") -> String {
        """
        {"format": "cim-indicators", "version": 1, "name": "test", "rules": \(rules), "indicators": [
          \(indicator("kg", "reach_share", #""reach": [{"category": "kindergarten"}]"#, "residents", standard: "90"))
          ,\(indicator("kg_land", "reach_share", #""reach": [{"category": "kindergarten"}]"#, "residential_land"))
          ,\(indicator("park", "reach_share", #""reach": [{"category": "park", "distance_m": 500, "min_area_m2": 5000}, {"category": "park", "distance_m": 300, "min_area_m2": 2000, "max_area_m2": 5000}]"#, "residential_land", standard: "80"))
          ,\(indicator("complete", "complete_share", #""area_kind": "community""#, "communities"))
          ,\(indicator("water", "point_density", #""layer": "waterlogging""#, "built_up_area", direction: "negative", standard: "0", bottom: "0"))
          ,\(indicator("roads", "line_density", #""layer": "roads""#, "built_up_area", standard: "8"))
          ,\(indicator("drain", "line_density", #""layer": "pipes", "kinds": "storm,sewer,combined""#, "built_up_area"))
          ,\(indicator("blank", "blank_share", #""kinds": "sewer,combined", "radius_m": 50"#, "residents", direction: "negative", standard: "0"))
          ,\(indicator("old", "building_share", #""where": {"residential": true, "year_max": 2000}"#, "floor_area", direction: "negative"))
          ,\(indicator("tall", "building_count", #""where": {"residential": true, "height_over_m": 80, "built_in_check_year": true}"#, "none", direction: "negative", standard: "0", bottom: "0"))
          ,\(indicator("park_area", "facility_area_per_resident", #""category": "park""#, "residents", standard: "8"))
          ,\(indicator("dense", "dense_land", #""cell_m": 500, "residents_per_km2": 1000"#, "none", direction: "negative", standard: "0"))
          ,\(indicator("defects", "defects_per_km", #""severity": "all""#, "pipe_length", direction: "negative"))
          \(extra)
        ]}
        """
    }

    static let defaultRules = """
    {"score": "ratio", "grades": [{"grade": "很好", "grade_en": "very good", "min_score": 90}, {"grade": "较好", "grade_en": "good", "min_score": 75},
     {"grade": "一般", "grade_en": "fair", "min_score": 60}, {"grade": "较差", "grade_en": "poor", "min_score": 0}],
     "yellow_below_score": 100, "red_below_score": 60, "red_on_bottom_line": true, "decline_tolerance": 0.05, "index": "weighted_mean",
     "confirmed": false, "source": "test"}
    """

    static func indicator(_ key: String, _ type: String, _ params: String, _ denominator: String, direction: String = "positive",
                          standard: String = "null", bottom: String = "null", dimension: String = "健康舒适") -> String {
        """
        {"key": "\(key)", "name_zh": "\(key)", "name_en": "\(key)", "dimension": "\(dimension)", "level": "城区",
         "measure": {"type": "\(type)", \(params)}, "denominator": "\(denominator)", "direction": "\(direction)",
         "standard": \(standard), "bottom_line": \(bottom), "weight": 1, "confirmed": false, "source": "test"}
        """
    }

    static var system: IndicatorSystem { try! IndicatorSystem.parse(Data(indicatorJSON().utf8), standard: standard) }

    func check(year: Int = 2025, system: IndicatorSystem = HandMadeCity.system) throws -> CheckResult {
        try HealthCheck.run(inputs: inputs, standard: Self.standard, system: system, options: CheckOptions(year: year))
    }
}

extension CheckResult {
    func indicator(_ key: String) -> IndicatorResult { indicators.first { $0.indicator.key == key }! }
    func set(_ kind: String) -> Int { areaSets.firstIndex { $0.kind == kind }! }
    /// The value of an indicator in the area `id` of `kind`.
    func value(_ key: String, _ kind: String, _ id: String) -> Double? {
        let s = set(kind)
        return indicator(key).areas[s][areaSets[s].units.ids.firstIndex(of: id)!].value
    }
    func cityValue(_ key: String) -> Double? { indicator(key).city?.value }
}
