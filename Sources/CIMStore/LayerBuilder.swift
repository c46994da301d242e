import CGDAL
import CIMGeometry
import CIMIndex
import Foundation

/// Builds a bundle layer from source features: checks and repairs geometries, maps fields and values,
/// and collects every repair and rejection.
struct LayerBuilder {
    let bundle: BundleLayer
    let values: ValueMapping
    let diameterUnit: String?
    /// Chinese values and category names mapped without a mapping file.
    let chineseNames = ChineseValueNames.shipped
    /// `--set FIELD=VALUE`, `--id-prefix`, `--keep-fields`/`--drop-other-fields`, `--node` and `--no-node-where`.
    let constants: [String: String]
    let idPrefix: String
    let keepFields: [String]?
    let node: Bool
    let noNodeWhere: [(field: String, value: String)]
    /// How the source's text is decoded (and whether GB18030 was needed).
    var text: SourceText
    /// The bundle's enumerated values per field (computed once, not per row).
    private let allowedValues: [String: (values: Set<String>, fallback: String)]
    /// Source fields kept on the layer besides the bundle's (names as in the source), with their values.
    private(set) var extraFields: [FieldSpec] = []
    /// Per row: the line must stay unsplit by `--node` (a bridge, a tunnel, a `layer` other than 0, or `--no-node-where`).
    var unsplittable: [Bool] = []
    var column = GeometryColumn()
    var ints: [String: [Int64?]] = [:]
    var reals: [String: [Double?]] = [:]
    var texts: [String: [String?]] = [:]
    var issues: [ImportIssue] = []
    var warnings: [String] = []
    var read = 0, selected = 0, repaired = 0, rejected = 0, split = 0
    private var scratch = GeometryColumn()
    private var wkbBuffer = [UInt8](repeating: 0, count: 4096)
    private var unparsable: [String: Int] = [:]
    private var unknownValues: [String: [String: Int]] = [:]
    private let geos = GEOSContext()

    init(bundle: BundleLayer, options: ImportOptions, text: SourceText = SourceText(.native)) {
        self.bundle = bundle
        self.values = options.values
        self.diameterUnit = options.diameterUnit
        self.constants = options.constants
        self.idPrefix = options.idPrefix ?? ""
        self.keepFields = options.keepFields
        self.node = options.node
        self.noNodeWhere = options.noNodeWhere
        self.text = text
        self.allowedValues = bundle.allowedValues
        for field in bundle.fields {
            switch field.type {
            case .integer: ints[field.name] = []
            case .real: reals[field.name] = []
            case .text: texts[field.name] = []
            }
        }
    }

    var extent: Envelope? {
        var result: Envelope?
        for i in 0 ..< column.count {
            let e = column.envelope(i)
            result = result.map { Envelope(minX: min($0.minX, e.minX), minY: min($0.minY, e.minY), maxX: max($0.maxX, e.maxX), maxY: max($0.maxY, e.maxY)) } ?? e
        }
        return result
    }

    // MARK: sources

    /// Reads a generic OGR layer with field mapping (bundle field → source field; same name, any case, by default).
    mutating func readGeneric(layer: OGRLayerH, layerName: String, fieldMap: [String: String], file: String, progress: (Int) -> Void) throws {
        text.settle(layer: layer)
        let definition = OGR_L_GetLayerDefn(layer)
        let sourceFields = (0 ..< OGR_FD_GetFieldCount(definition)).map { text.decode(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, $0))) }
        let garbledHint = SourceText.looksGarbled(sourceFields)
            ? "; the source's field names look garbled: give its encoding with --encoding GBK (or GB18030, UTF-8 …)" : ""
        var indices: [String: Int32] = [:]
        for field in bundle.fields {
            if let mapped = fieldMap[field.name] {
                guard let index = sourceFields.firstIndex(of: mapped) ?? sourceFields.firstIndex(where: { $0.lowercased() == mapped.lowercased() }) else {
                    throw StoreError("--map \(field.name)=\(mapped): the source has no field '\(mapped)'", file: file, layer: layerName,
                                     hint: "fields here: \(sourceFields.joined(separator: ", "))\(garbledHint)")
                }
                indices[field.name] = Int32(index)
            } else if let index = sourceFields.firstIndex(where: { $0.lowercased() == field.name.lowercased() }) {
                indices[field.name] = Int32(index)
            }
        }
        if indices["id"] == nil, let index = sourceFields.firstIndex(where: { ["osm_id", "fid", "objectid", "gid", "uid"].contains($0.lowercased()) }) {
            indices["id"] = Int32(index)
        }
        if bundle.name == "roads", indices["walkable"] == nil, indices["class"] == nil {
            warnings.append("roads: the source has neither 'walkable' nor 'class'; every road is taken as walkable")
        }
        let extras = try chooseExtraFields(definition: definition, sourceFields: sourceFields, mapped: Set(indices.values),
                                           file: file, layerName: layerName)
        // --node: OSM's bridge, tunnel and layer tags (as fields) and --no-node-where keep a line unsplit.
        var keepWhole: [(index: Int32, value: String?)] = []
        if node {
            for tag in ["bridge", "tunnel", "layer"] {
                if let i = sourceFields.firstIndex(where: { $0.lowercased() == tag }) { keepWhole.append((Int32(i), nil)) }
            }
            for (field, value) in noNodeWhere {
                guard let i = sourceFields.firstIndex(where: { $0.lowercased() == field.lowercased() }) else {
                    throw StoreError("--no-node-where \(field)=\(value): the source has no field '\(field)'", file: file, layer: layerName,
                                     hint: "fields here: \(sourceFields.joined(separator: ", "))")
                }
                keepWhole.append((Int32(i), value))
            }
        }
        OGR_L_ResetReading(layer)
        GDAL.reset()
        var extraValues: [AttributeValue] = []
        while let owned = OGRFeature.next(of: layer) {
            let feature = owned.handle
            read += 1
            selected += 1
            let fid = OGR_F_GetFID(feature)
            let id = indices["id"].flatMap { text.field(feature, $0) } ?? (fid >= 0 ? String(fid) : "#\(read)")
            var attributes: [String: String] = [:]
            for (name, index) in indices where name != "id" {
                if let value = text.field(feature, index) { attributes[name] = value }
            }
            for (name, value) in constants where bundle.field(name) != nil { attributes[name] = value }
            if bundle.name == "roads", attributes["walkable"] == nil {
                let cls = attributes["class"] ?? ""
                attributes["walkable"] = Self.nonWalkableClasses.contains(cls) ? "0" : "1"
            }
            extraValues.removeAll(keepingCapacity: true)
            for (index, spec) in extras {
                if index < 0 { extraValues.append(constants[spec.name].map { .text($0) } ?? .null); continue }
                switch spec.type {
                case .integer: extraValues.append(fieldInt(feature, index).map { .integer($0) } ?? .null)
                case .real: extraValues.append(fieldDouble(feature, index).map { .real($0) } ?? .null)
                case .text: extraValues.append(text.field(feature, index).map { .text($0) } ?? .null)
                }
            }
            var whole = false
            for (index, value) in keepWhole {
                guard let v = text.field(feature, index) else { continue }
                if let value { if v == value { whole = true } }
                else if !["", "no", "0", "false"].contains(v.lowercased()) { whole = true }
            }
            try add(feature: feature, id: idPrefix + id, attributes: attributes, extras: extraValues, unsplittable: whole)
            if read % 2048 == 0 { progress(read) }
        }
        progress(read)
    }

    /// The unmapped source fields to keep (all by default; `--keep-fields` names them, `--drop-other-fields`
    /// none) with their storage type, plus `--set` fields that are not bundle fields (index -1). Fields named
    /// like a bundle field or GeoPackage's fid/geom are left out.
    private mutating func chooseExtraFields(definition: OGRFeatureDefnH?, sourceFields: [String], mapped: Set<Int32>,
                                            file: String, layerName: String) throws -> [(Int32, FieldSpec)] {
        var result: [(Int32, FieldSpec)] = []
        var taken = Set(bundle.fields.map { $0.name.lowercased() } + ["fid", "geom"])
        if let keepFields {
            for name in keepFields where !sourceFields.contains(where: { $0.lowercased() == name.lowercased() }) {
                throw StoreError("--keep-fields names '\(name)', which the source does not have", file: file, layer: layerName,
                                 hint: "fields here: \(sourceFields.joined(separator: ", "))")
            }
        }
        for (i, name) in sourceFields.enumerated() where !mapped.contains(Int32(i)) {
            if let keepFields, !keepFields.contains(where: { $0.lowercased() == name.lowercased() }) { continue }
            guard !name.isEmpty, !taken.contains(name.lowercased()) else { continue }
            if constants[name] != nil { continue }
            taken.insert(name.lowercased())
            let type: FieldType
            switch OGR_Fld_GetType(OGR_FD_GetFieldDefn(definition, Int32(i))) {
            case OFTInteger, OFTInteger64: type = .integer
            case OFTReal: type = .real
            default: type = .text
            }
            result.append((Int32(i), FieldSpec(name, type)))
        }
        for name in constants.keys.sorted() where bundle.field(name) == nil && !taken.contains(name.lowercased()) {
            taken.insert(name.lowercased())
            result.append((-1, FieldSpec(name, .text)))
        }
        extraFields = result.map(\.1)
        for spec in extraFields {
            switch spec.type {
            case .integer: ints[spec.name] = []
            case .real: reals[spec.name] = []
            case .text: texts[spec.name] = []
            }
        }
        return result
    }

    static let nonWalkableClasses: Set<String> = ["motorway", "motorway_link", "trunk", "trunk_link", "raceway", "bus_guideway", "construction", "proposed"]

    /// Reads a layer of GDAL's OSM driver through the preset: selects features, derives fields from tags.
    mutating func readOSM(layer: OGRLayerH, layerName: String, preset: OSMPreset, file: String, progress: (Int) -> Void) throws {
        let definition = OGR_L_GetLayerDefn(layer)
        let count = OGR_FD_GetFieldCount(definition)
        let names = (0 ..< count).map { String(cString: OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(definition, $0))) }
        let otherTags = names.firstIndex(of: "other_tags").map(Int32.init)
        let osmId = names.firstIndex(of: "osm_id").map(Int32.init)
        let osmWayId = names.firstIndex(of: "osm_way_id").map(Int32.init)
        let prefix = layerName == "points" ? "node" : layerName == "lines" ? "way" : "relation"
        OGR_L_ResetReading(layer)
        GDAL.reset()
        var tags: [String: String] = [:]
        while let owned = OGRFeature.next(of: layer) {
            let feature = owned.handle
            read += 1
            tags.removeAll(keepingCapacity: true)
            for i in 0 ..< Int(count) where Int32(i) != otherTags {
                if let value = fieldString(feature, Int32(i)) { tags[names[i]] = value }
            }
            if let otherTags, let raw = fieldString(feature, otherTags) { parseHStore(raw, into: &tags) }
            let lookup: (String) -> String? = { tags[$0] }
            guard var attributes = osmAttributes(preset: preset, lookup: lookup) else { continue }
            for (name, value) in constants where bundle.field(name) != nil { attributes[name] = value }
            // --node keeps bridges, tunnels and lines on another layer unsplit (and --no-node-where's tag=value).
            var whole = false
            if node {
                for tag in ["bridge", "tunnel", "layer"] {
                    if let v = tags[tag], !["no", "0", "false"].contains(v.lowercased()) { whole = true }
                }
                for (field, value) in noNodeWhere where tags[field] == value { whole = true }
            }
            selected += 1
            let id: String
            if let way = osmWayId.flatMap({ fieldString(feature, $0) }) { id = "way/\(way)" }
            else if let node = osmId.flatMap({ fieldString(feature, $0) }) { id = "\(prefix)/\(node)" }
            else { id = "#\(read)" }
            try add(feature: feature, id: idPrefix + id, attributes: attributes, unsplittable: whole)
            if read % 2048 == 0 { progress(read) }
        }
        progress(read)
    }

    /// The bundle attributes of an OSM feature, nil when the preset does not select it.
    private func osmAttributes(preset: OSMPreset, lookup: (String) -> String?) -> [String: String]? {
        var a: [String: String] = [:]
        switch bundle.name {
        case "buildings":
            guard let rules = preset.layers.buildings, rules.where.anyMatches(lookup), !(rules.exclude ?? []).anyMatches(lookup) else { return nil }
            a["use"] = rules.use.first { $0.when.anyMatches(lookup) }?.value ?? rules.default_use
            if let tag = rules.floors_tag, let v = lookup(tag) { a["floors"] = v }
            if let tag = rules.height_tag, let v = lookup(tag) { a["height"] = v }
            if let tag = rules.year_tag, let v = lookup(tag) { a["year"] = v }
        case "facilities":
            guard let rules = preset.layers.facilities, !(rules.exclude ?? []).anyMatches(lookup),
                  let rule = rules.categories.first(where: { $0.when.anyMatches(lookup) }) else { return nil }
            a["category"] = rule.value
            if let name = lookup("name") { a["name"] = name }
        case "roads":
            guard let rules = preset.layers.roads, rules.where.anyMatches(lookup), !(rules.exclude ?? []).anyMatches(lookup) else { return nil }
            a["class"] = lookup(rules.class_tag ?? "highway") ?? ""
            let walk = rules.walkable.first { $0.when.anyMatches(lookup) }?.walkable ?? rules.default_walkable ?? 1
            a["walkable"] = walk != 0 ? "1" : "0"
        case "pipes", "pipe_nodes":
            guard let rules = bundle.name == "pipes" ? preset.layers.pipes : preset.layers.pipe_nodes,
                  let rule = rules.kinds.first(where: { $0.when.anyMatches(lookup) }) else { return nil }
            a["kind"] = rule.value
            if let tag = rules.diameter_tag, let v = lookup(tag) { a["diameter_mm"] = v }
        default:
            return nil
        }
        return a
    }

    // MARK: one feature

    private mutating func reject(_ id: String, _ reason: String) {
        rejected += 1
        issues.append(ImportIssue(feature: id, action: .rejected, reason: reason))
    }

    /// Checks, repairs and appends one feature (possibly as several parts).
    private mutating func add(feature: OGRFeatureH, id: String, attributes: [String: String], extras: [AttributeValue] = [],
                              unsplittable: Bool = false) throws {
        guard let geometry = OGR_F_GetGeometryRef(feature) else { return reject(id, "no geometry") }
        if OGR_G_IsEmpty(geometry) != 0 { return reject(id, "empty geometry") }
        let size = Int(OGR_G_WkbSizeEx(geometry))
        if wkbBuffer.count < size { wkbBuffer = [UInt8](repeating: 0, count: size * 2) }
        let exported = wkbBuffer.withUnsafeMutableBytes { OGR_G_ExportToIsoWkb(geometry, wkbNDR, $0.baseAddress) }
        guard exported == OGRERR_NONE else { return reject(id, "geometry cannot be encoded: \(GDAL.lastError("OGR_G_ExportToIsoWkb"))") }
        scratch.removeAll()
        do {
            try wkbBuffer.withUnsafeBytes { try scratch.appendWKB(UnsafeRawBufferPointer(rebasing: $0[0 ..< size])) }
        } catch {
            return reject(id, "\(error)")
        }
        if scratch.parts(of: 0).isEmpty { return reject(id, "empty geometry") }
        if let bad = scratch.xy.firstIndex(where: { !$0.isFinite }) {
            return reject(id, "coordinate \(bad / 2 + 1) is not a finite number (\(scratch.xy[bad]))")
        }
        let type = scratch.types[0]
        let row = Row(attributes: attributes, extras: extras, unsplittable: unsplittable)
        switch bundle.geometry {
        case .polygonal:
            guard type == .polygon || type == .multiPolygon else { return reject(id, "geometry is a \(type), \(bundle.name) needs polygons") }
            try addPolygonal(id: id, row: row)
        case .pointOrPolygonal:
            if type == .point || type == .multiPoint {
                try addParts(id: id, row: row, as: .point)
            } else if type == .polygon || type == .multiPolygon {
                try addPolygonal(id: id, row: row)
            } else {
                return reject(id, "geometry is a \(type), \(bundle.name) needs points or polygons")
            }
        case .linear:
            guard type == .lineString || type == .multiLineString else { return reject(id, "geometry is a \(type), \(bundle.name) needs lines") }
            try addParts(id: id, row: row, as: .lineString)
        case .point:
            guard type == .point || type == .multiPoint else { return reject(id, "geometry is a \(type), \(bundle.name) needs points") }
            try addParts(id: id, row: row, as: .point)
        }
    }

    /// Polygons: validity through GEOS; invalid ones repaired with make-valid (polygonal parts kept).
    private mutating func addPolygonal(id: String, row: Row) throws {
        for p in scratch.parts(of: 0) {
            for r in scratch.rings(of: p) where scratch.coordinates(of: r).count < 4 {
                return reject(id, "a polygon ring has fewer than 4 points")
            }
        }
        let geometry: Geometry
        do { geometry = try scratch.geometry(0, context: geos) } catch { return reject(id, "\(error)") }
        let report = try geometry.validity()
        var result = GeometryColumn()
        if report.isValid {
            result.append(scratch, feature: 0)
        } else {
            let fixed = try geometry.makeValid()
            var polygons = GeometryColumn()
            try polygons.append(fixed)
            // Keep only the polygonal parts (make-valid may return lines or points of collapsed pieces).
            result.beginFeature(.multiPolygon)
            var kept = 0
            for p in polygons.parts(of: 0) where polygons.rings(of: p).allSatisfy({ polygons.coordinates(of: $0).count >= 4 }) {
                result.addRings(of: polygons, part: p)
                kept += 1
            }
            result.endFeature()
            let where_ = report.location.map { String(format: " at (%.3f, %.3f)", $0.x, $0.y) } ?? ""
            if try kept == 0 || fixed.area() <= 0 {
                return reject(id, "invalid polygon (\(report.reason ?? "invalid")\(where_)) and make-valid left no area")
            }
            repaired += 1
            issues.append(ImportIssue(feature: id, action: .repaired, reason: "\(report.reason ?? "invalid")\(where_): made valid"))
        }
        try appendRow(result, feature: 0, as: .multiPolygon, id: id, row: row)
    }

    /// Points and lines: one feature per part; lines lose repeated consecutive points and need 2 distinct.
    private mutating func addParts(id: String, row: Row, as type: GeometryType) throws {
        let parts = scratch.parts(of: 0)
        if parts.count > 1 { split += 1; issues.append(ImportIssue(feature: id, action: .split, reason: "\(parts.count) parts")) }
        for (k, p) in parts.enumerated() {
            let partId = parts.count > 1 ? "\(id)-\(k + 1)" : id
            var single = GeometryColumn()
            single.beginFeature(type)
            let cs = scratch.coordinates(of: scratch.rings(of: p).lowerBound)
            var coords: [(Double, Double)] = []
            for c in cs {
                let point = (scratch.xy[2 * c], scratch.xy[2 * c + 1])
                if let last = coords.last, last == point, type == .lineString { continue }
                coords.append(point)
            }
            if type == .lineString {
                if coords.count < 2 { reject(partId, "line has fewer than 2 distinct points"); continue }
                if coords.count < cs.count {
                    repaired += 1
                    issues.append(ImportIssue(feature: partId, action: .repaired, reason: "\(cs.count - coords.count) repeated points removed"))
                }
            }
            single.addRing(coords)
            single.endPart()
            single.endFeature()
            try appendRow(single, feature: 0, as: type, id: partId, row: row)
        }
    }

    /// A source feature's values: bundle attributes as text, kept source fields, and the `--node` exemption.
    private struct Row {
        var attributes: [String: String]
        var extras: [AttributeValue]
        var unsplittable: Bool
    }

    private mutating func appendRow(_ geometry: GeometryColumn, feature: Int, as type: GeometryType, id: String, row: Row) throws {
        var copy = GeometryColumn()
        copy.append(geometry, feature: feature)
        if type == .multiPolygon, copy.types[0] == .polygon { copy.setType(.multiPolygon, at: 0) }
        column.append(copy, feature: 0)
        if node { unsplittable.append(row.unsplittable) }
        for (k, spec) in extraFields.enumerated() {
            let value = k < row.extras.count ? row.extras[k] : .null
            switch spec.type {
            case .integer: if case let .integer(x) = value { ints[spec.name]!.append(x) } else { ints[spec.name]!.append(nil) }
            case .real: if case let .real(x) = value { reals[spec.name]!.append(x) } else { reals[spec.name]!.append(nil) }
            case .text: if case let .text(x) = value { texts[spec.name]!.append(x) } else { texts[spec.name]!.append(nil) }
            }
        }
        let attributes = row.attributes
        for field in bundle.fields {
            let raw = field.name == "id" ? id : attributes[field.name]
            switch field.type {
            case .text:
                texts[field.name]!.append(raw.map { field.name == "id" ? $0 : checkedText(field.name, mappedValue(field.name, $0)) })
            case .integer:
                ints[field.name]!.append(raw.flatMap { parseNumber(field.name, $0) }.map { Int64($0.rounded()) })
            case .real:
                var value = raw.flatMap { parseNumber(field.name, $0) }
                if field.name == "diameter_mm", let v = value, diameterUnit == "m" { value = v * 1000 }
                reals[field.name]!.append(value)
            }
        }
    }

    /// A text value through the user's `--values` mapping, else the shipped Chinese names (住宅 → residential,
    /// 幼儿园 → kindergarten), else unchanged.
    private func mappedValue(_ field: String, _ value: String) -> String {
        if let mapped = values.fields[field]?[value] { return mapped }
        // Bundle values (the common case of a bundle GeoPackage) need no look-up in the Chinese lists.
        if let allowed = allowedValues[field], allowed.values.contains(value) { return value }
        return chineseNames.map(layer: bundle.name, field: field, value) ?? value
    }

    private mutating func checkedText(_ field: String, _ value: String) -> String {
        if bundle.name == "facilities", field == "category", !chineseNames.categoryKeys.isEmpty {
            // Kept as given (a --standard FILE may define it), but counted when the shipped standard does not.
            if !chineseNames.categoryKeys.contains(value) { unknownValues[field, default: [:]][value, default: 0] += 1 }
            return value
        }
        guard let rule = allowedValues[field] else { return value }
        let normalised = value.lowercased()
        if rule.values.contains(normalised) { return normalised }
        unknownValues[field, default: [:]][value, default: 0] += 1
        return rule.fallback
    }

    /// Parses a number from text like "12", "12.5", "12 m", "3;4" (first number), nil when there is none.
    private mutating func parseNumber(_ field: String, _ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let v = Double(trimmed), v.isFinite { return v }
        var end = trimmed.startIndex
        var seenDigit = false
        for (offset, ch) in trimmed.enumerated() {
            if ch.isNumber || (ch == "." && seenDigit) || (ch == "-" && offset == 0) { if ch.isNumber { seenDigit = true }; end = trimmed.index(after: trimmed.index(trimmed.startIndex, offsetBy: offset)) }
            else { break }
        }
        if seenDigit, let v = Double(trimmed[trimmed.startIndex ..< end]), v.isFinite { return v }
        unparsable[field, default: 0] += 1
        return nil
    }

    /// Per field, the values that mapped to nothing: the ten most common with their counts (ties by value).
    var unmappedValues: [String: [UnmappedValue]] {
        unknownValues.mapValues { counts in
            counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(10).map { UnmappedValue(value: $0.key, count: $0.value) }
        }
    }

    /// Removes rows (e.g. features whose coordinates could not be reprojected), recording each as rejected with its reason.
    mutating func reject(rows: [Int: String]) {
        guard !rows.isEmpty else { return }
        let ids = texts["id"]!
        for (row, reason) in rows.sorted(by: { $0.key < $1.key }) { reject(ids[row] ?? "#\(row + 1)", reason) }
        let kept = (0 ..< column.count).filter { rows[$0] == nil }
        keepRows(kept)
    }

    /// Keeps only the given rows (in this order) of the geometries and every attribute.
    mutating func keepRows(_ kept: [Int]) {
        column = column.subset(kept)
        for key in ints.keys { ints[key] = kept.map { ints[key]![$0] } }
        for key in reals.keys { reals[key] = kept.map { reals[key]![$0] } }
        for key in texts.keys { texts[key] = kept.map { texts[key]![$0] } }
        if !unsplittable.isEmpty { unsplittable = kept.map { unsplittable[$0] } }
    }

    /// The finished table (and the warnings about values that were changed).
    mutating func table(crs: CoordinateReferenceSystem) -> FeatureTable {
        for (field, n) in unparsable.sorted(by: { $0.key < $1.key }) {
            warnings.append("\(n) value(s) of '\(field)' are not numbers and were stored as null")
        }
        for (field, top) in unmappedValues.sorted(by: { $0.key < $1.key }) {
            let total = unknownValues[field]?.values.reduce(0, +) ?? 0
            let list = top.map { "\($0.value) ×\($0.count)" }.joined(separator: ", ")
            if let fallback = allowedValues[field]?.fallback {
                warnings.append("\(total) value(s) of '\(field)' are not bundle values and were set to '\(fallback)' (most common: \(list)); map them with --values FILE")
            } else {
                warnings.append("\(total) value(s) of '\(field)' name no category of the standard (most common: \(list)); map them with --values FILE")
            }
        }
        if bundle.name == "pipes", let diameters = reals["diameter_mm"] {
            // Stored in mm; the source's values are these divided by 1000 with --diameter-unit m.
            let known = diameters.compactMap { $0 }.filter { $0 > 0 }
            if diameterUnit == "m" {
                if !known.isEmpty, known.filter({ $0 >= 20_000 }).count * 2 > known.count {
                    warnings.append("--diameter-unit m, but most pipe diameters are 20 or more: they look like millimetres, not metres (drop --diameter-unit m)")
                }
            } else if !known.isEmpty, known.filter({ $0 < 5 }).count * 2 > known.count {
                warnings.append(diameterUnit == "mm"
                    ? "--diameter-unit mm, but most pipe diameters are below 5: they look like metres, not millimetres (pass --diameter-unit m)"
                    : "most pipe diameters are below 5: they look like metres, not millimetres (pass --diameter-unit m)")
            }
        }
        let geometryType: GeometryType
        switch bundle.geometry {
        case .polygonal: geometryType = .multiPolygon
        case .linear: geometryType = .lineString
        case .point: geometryType = .point
        case .pointOrPolygonal: geometryType = .geometryCollection
        }
        let columns = (bundle.fields + extraFields).map { field -> AttributeColumn in
            switch field.type {
            case .integer: return AttributeColumn(field.name, .integer(ints[field.name]!))
            case .real: return AttributeColumn(field.name, .real(reals[field.name]!))
            case .text: return AttributeColumn(field.name, .text(texts[field.name]!))
            }
        }
        return FeatureTable(name: bundle.name, geometryType: geometryType, geometries: column, columns: columns, crs: crs)
    }
}

/// Parses GDAL's OSM `other_tags` (`"key"=>"value","k2"=>"v2"`, with `\"` escapes) into a dictionary.
func parseHStore(_ text: String, into tags: inout [String: String]) {
    var strings: [String] = []
    var current = ""
    var inside = false
    var escaped = false
    for ch in text {
        if inside {
            if escaped { current.append(ch); escaped = false }
            else if ch == "\\" { escaped = true }
            else if ch == "\"" { strings.append(current); current = ""; inside = false }
            else { current.append(ch) }
        } else if ch == "\"" {
            inside = true
        }
    }
    var i = 0
    while i + 1 < strings.count { tags[strings[i]] = strings[i + 1]; i += 2 }
}
