import CIMGeometry
import CIMIndex
import Foundation

/// The buildings of a CityJSON file (or CityJSON Sequence), ready to be written as the bundle layer
/// `buildings`: footprints in the source CRS and the bundle fields, plus what the reading did.
///
/// Fields: `id` is the CityJSON object id; `height` is the `measuredHeight` attribute, else max z − min z
/// of the building with its parts; `floors` is `storeysAboveGround`, else round(height / 3.0), at least 1;
/// `use` comes from `function`, else `usage`, else `use` (what `cim export` writes), mapped with the value
/// mapping and checked against the bundle's values ("unknown" when missing or not a bundle value); `year`
/// is `yearOfConstruction`. `--map field=ATTRIBUTE` picks another attribute for a field.
public struct CityJSONBuildings: Sendable {
    /// The file read.
    public var source: String
    /// The CityJSON version ("1.1", "2.0" …).
    public var version: String
    /// True when the file was a CityJSON Sequence (JSON Lines).
    public var isSequence: Bool
    /// `metadata.referenceSystem` as written, nil when the file has none.
    public var referenceSystem: String?
    /// The CRS of the footprints: the horizontal part of `referenceSystem` (EPSG:7415 → EPSG:28992).
    public var crs: CoordinateReferenceSystem?
    /// One MultiPolygon per building.
    public var footprints = GeometryColumn()
    /// The bundle fields, one value per building (see the type's description for where each comes from).
    public var ids: [String] = []
    /// Storeys above ground; nil only when the building has neither storeys nor a height.
    public var floors: [Int64?] = []
    /// Height in metres; nil only when the building has no measuredHeight and no vertices.
    public var heights: [Double?] = []
    /// A bundle value of `use` ("unknown" when missing or not one).
    public var uses: [String] = []
    /// Year of construction, nil when missing.
    public var years: [Int64?] = []
    /// City objects read (all types).
    public var objectsRead = 0
    /// Building objects read, and BuildingParts merged into them.
    public var buildingObjects = 0
    public var buildingParts = 0
    /// City objects that are not buildings, by type (and BuildingParts with no building, which are
    /// imported as buildings of their own, are not counted here).
    public var skipped: [String: Int] = [:]
    /// Buildings whose projected surfaces needed make-valid.
    public var repaired = 0
    /// Buildings left out (no footprint area), each with an issue.
    public var rejected = 0
    public var issues: [ImportIssue] = []
    public var warnings: [String] = []
    /// Seconds spent reading (parsing and footprints).
    public var seconds = 0.0

    /// Number of buildings read.
    public var count: Int { ids.count }

    /// The buildings as a FeatureTable of the bundle layer `buildings` (fields id, floors, height, use, year).
    public func table(crs: CoordinateReferenceSystem?) -> FeatureTable {
        FeatureTable(name: BundleLayer.buildings.name, geometryType: .multiPolygon, geometries: footprints, columns: [
            AttributeColumn("id", .text(ids.map { Optional($0) })),
            AttributeColumn("floors", .integer(floors)),
            AttributeColumn("height", .real(heights)),
            AttributeColumn("use", .text(uses.map { Optional($0) })),
            AttributeColumn("year", .integer(years)),
        ], crs: crs)
    }
}

/// Turns the city objects of a document or of a sequence's feature into building rows.
struct CityJSONBuildingCollector {
    static let floorHeight = 3.0
    let fieldMap: [String: String]
    let values: ValueMapping
    let context = GEOSContext()
    var result: CityJSONBuildings
    private var unknownUses: [String: Int] = [:]
    private var templates = 0

    init(result: CityJSONBuildings, fieldMap: [String: String], values: ValueMapping) {
        self.result = result
        self.fieldMap = fieldMap
        self.values = values
    }

    /// Adds the buildings among `objects` (whose vertex indices refer to `vertices`). `zScale` is the
    /// transform's z scale: heights from the z extent are rounded to it (24.816, not 24.81600000000003).
    mutating func add(objects: [CityJSONObject], vertices: [Double], zScale: Double? = nil) throws {
        let vertexCount = vertices.count / 3
        var byId: [String: Int] = [:]
        for (k, object) in objects.enumerated() where byId[object.id] == nil { byId[object.id] = k }
        // Children as either side records them (`children` of the parent, `parents` of the child).
        var childrenOf: [Int: [String]] = [:]
        for (k, object) in objects.enumerated() {
            childrenOf[k, default: []].append(contentsOf: object.children)
            for parent in object.parents { if let p = byId[parent] { childrenOf[p, default: []].append(object.id) } }
        }
        // Every geometry is checked (indices in range, nesting), also those of objects that are skipped.
        var geometries: [[CityJSONGeometry]] = []
        geometries.reserveCapacity(objects.count)
        for object in objects { geometries.append(try object.geometries(vertexCount: vertexCount)) }
        result.objectsRead += objects.count

        let footprints = CityJSONFootprints(context: context, vertices: vertices)
        func isBuildingLike(_ k: Int) -> Bool { objects[k].type == "Building" || objects[k].type == "BuildingPart" }
        for (k, object) in objects.enumerated() {
            switch object.type {
            case "Building":
                result.buildingObjects += 1
            case "BuildingPart":
                // A part whose parent is a building here is merged into it; an orphan stands alone.
                if object.parents.contains(where: { byId[$0].map(isBuildingLike) ?? false }) { continue }
                result.issues.append(ImportIssue(feature: object.id, action: .warning, reason: "BuildingPart without a parent Building: imported as a building"))
            default:
                result.skipped[object.type, default: 0] += 1
                continue
            }
            // Its parts, recursively (parts of parts), each once.
            var parts: [Int] = []
            var seen: Set<Int> = [k]
            var queue = childrenOf[k] ?? []
            while let child = queue.popLast() {
                guard let c = byId[child], !seen.contains(c) else { continue }
                seen.insert(c)
                if objects[c].type == "BuildingPart" {
                    parts.append(c)
                    queue.append(contentsOf: childrenOf[c] ?? [])
                }
            }
            parts.sort()
            result.buildingParts += parts.count
            if (geometries[k] + parts.flatMap { geometries[$0] }).contains(where: { $0.type == "GeometryInstance" }) { templates += 1 }

            var repairedFaces = 0
            var polygons: [Geometry] = []
            do {
                var partFootprints: [[Geometry]] = []
                for p in parts {
                    if let f = try footprints.footprint(geometries[p]) { partFootprints.append(f.polygons); repairedFaces += f.repairedFaces }
                }
                if !partFootprints.isEmpty {
                    polygons = try footprints.union(partFootprints)
                } else if let f = try footprints.footprint(geometries[k]) {
                    polygons = f.polygons
                    repairedFaces += f.repairedFaces
                }
            } catch {
                throw CityJSONFormatError("its footprint could not be computed: \(error)", object: object.id)
            }
            guard !polygons.isEmpty else {
                result.rejected += 1
                result.issues.append(ImportIssue(feature: object.id, action: .rejected, reason: "no surface geometry with an area to make a footprint from"))
                continue
            }
            if repairedFaces > 0 {
                result.repaired += 1
                result.issues.append(ImportIssue(feature: object.id, action: .repaired, reason: "\(repairedFaces) projected surface(s) invalid in 2D: made valid"))
            }
            let members = [k] + parts
            let zIndices = members.flatMap { geometries[$0].flatMap(\.indices) }
            let zExtent = footprints.zExtent(zIndices)
            try append(object: object, parts: parts.map { objects[$0] }, polygons: polygons, zExtent: zExtent, zScale: zScale)
        }
    }

    /// The attribute for bundle field `field`: the mapped one, else the first of `names`, on the
    /// building, else on its first part that has it.
    private func attribute(_ field: String, _ names: [String], object: CityJSONObject, parts: [CityJSONObject]) -> CityJSONValue? {
        let wanted = fieldMap[field].map { [$0] } ?? names
        for name in wanted {
            for candidate in [object] + parts {
                if let v = candidate.attribute(name) { return v }
                if fieldMap[field] != nil, let v = candidate.attributes.first(where: { $0.key.lowercased() == name.lowercased() && !$0.value.isNull })?.value { return v }
            }
        }
        return nil
    }

    private mutating func append(object: CityJSONObject, parts: [CityJSONObject], polygons: [Geometry], zExtent: (min: Double, max: Double)?,
                                 zScale: Double?) throws {
        let id = fieldMap["id"].flatMap { _ in attribute("id", [], object: object, parts: parts)?.text } ?? object.id
        // Heights and storeys of several parts do not add up to the building's: those come from the
        // building itself (or its only part).
        let single = parts.count == 1 ? parts : []
        var height = attribute("height", ["measuredHeight"], object: object, parts: single)?.numeric
        if height == nil, let z = zExtent { height = Self.rounded(z.max - z.min, toScale: zScale) }
        var floors = attribute("floors", ["storeysAboveGround"], object: object, parts: single)?.numeric.map { Int64($0.rounded()) }
        if floors == nil, let height { floors = max(1, Int64((height / Self.floorHeight).rounded(.toNearestOrAwayFromZero))) }
        var use = "unknown"
        if let raw = attribute("use", ["function", "usage", "use"], object: object, parts: parts) {
            let text = raw.text ?? raw.array?.first?.text
            if let text {
                let mapped = values.map("use", text).lowercased()
                if let rule = BundleLayer.buildings.allowedValues["use"], rule.values.contains(mapped) {
                    use = mapped
                } else {
                    unknownUses[text, default: 0] += 1
                }
            }
        }
        let year = attribute("year", ["yearOfConstruction"], object: object, parts: parts)?.numeric.map { Int64($0.rounded()) }

        let multi = polygons.count == 1 ? polygons[0] : try Geometry.collection(polygons, context: context)
        try result.footprints.append(multi)
        result.footprints.setType(.multiPolygon, at: result.footprints.count - 1)
        result.ids.append(id)
        result.heights.append(height)
        result.floors.append(floors)
        result.uses.append(use)
        result.years.append(year)
    }

    /// `value` rounded to a whole number of `scale` units when 1/scale is a whole number (0.001 → 1000),
    /// so that a difference of two transformed integers loses the noise of the translation.
    static func rounded(_ value: Double, toScale scale: Double?) -> Double {
        guard let scale, scale > 0 else { return value }
        let inverse = (1 / scale).rounded()
        guard inverse >= 1, abs(inverse * scale - 1) < 1e-12 else { return value }
        return (value * inverse).rounded() / inverse
    }

    /// The finished result, with warnings about values that were changed or left out.
    mutating func finish() -> CityJSONBuildings {
        if !unknownUses.isEmpty {
            let top = unknownUses.sorted { $0.value > $1.value }.prefix(5).map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
            result.warnings.append("\(unknownUses.values.reduce(0, +)) value(s) of 'use' are not bundle values and were set to 'unknown' (\(top)); map them with --values FILE")
        }
        if !result.skipped.isEmpty {
            let list = result.skipped.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
            result.warnings.append("skipped \(result.skipped.values.reduce(0, +)) city object(s) that are not buildings: \(list)")
        }
        if templates > 0 {
            result.warnings.append("\(templates) building(s) use geometry templates (GeometryInstance), which are not read for footprints")
        }
        return result
    }
}
