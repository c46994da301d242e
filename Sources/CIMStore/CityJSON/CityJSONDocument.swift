import Foundation

/// Why a CityJSON text is not usable: what, and the city object it concerns (when there is one).
struct CityJSONFormatError: Error, CustomStringConvertible {
    var message: String
    var object: String?
    init(_ message: String, object: String? = nil) { self.message = message; self.object = object }
    var description: String { object.map { "city object \($0): \(message)" } ?? message }
}

/// The document-level members of a CityJSON file or of a CityJSON Sequence's first line: version,
/// vertex transform and reference system.
struct CityJSONHeader {
    /// The versions read: 1.0 (lenient: numeric `lod`, optional transform), 1.1 and 2.0.
    static let supportedVersions = ["1.0", "1.1", "2.0"]

    var version: String
    /// `transform.scale` and `transform.translate`; identity when the file has no transform (1.0).
    var scale: (Double, Double, Double) = (1, 1, 1)
    var translate: (Double, Double, Double) = (0, 0, 0)
    var hasTransform = false
    /// `metadata.referenceSystem` as written, e.g. "https://www.opengis.net/def/crs/EPSG/0/7415".
    var referenceSystem: String?

    /// Reads the header of a `CityJSON` object; throws for a wrong `type`, an unknown version or a bad transform.
    init(_ root: CityJSONValue) throws {
        guard root.members != nil else { throw CityJSONFormatError("the file is JSON but not CityJSON: the top level is \(root.kindName), not an object") }
        guard let type = root["type"]?.string else {
            throw CityJSONFormatError("the file is JSON but not CityJSON: it has no \"type\": \"CityJSON\"")
        }
        guard type == "CityJSON" else {
            throw CityJSONFormatError("the file is JSON but not CityJSON: its type is \"\(type)\"")
        }
        guard let version = root["version"]?.text else { throw CityJSONFormatError("the CityJSON has no \"version\"") }
        let majorMinor = version.split(separator: ".").prefix(2).joined(separator: ".")
        guard Self.supportedVersions.contains(majorMinor) else {
            throw CityJSONFormatError("unknown CityJSON version \"\(version)\" (cim reads \(Self.supportedVersions.joined(separator: ", ")))")
        }
        self.version = majorMinor
        if let transform = root["transform"], !transform.isNull {
            guard let s = transform["scale"]?.array?.compactMap(\.number), s.count == 3,
                  let t = transform["translate"]?.array?.compactMap(\.number), t.count == 3 else {
                throw CityJSONFormatError("\"transform\" must have \"scale\" and \"translate\", each 3 numbers")
            }
            guard s.allSatisfy({ $0.isFinite && $0 != 0 }), t.allSatisfy(\.isFinite) else {
                throw CityJSONFormatError("\"transform.scale\" must be non-zero finite numbers")
            }
            scale = (s[0], s[1], s[2])
            translate = (t[0], t[1], t[2])
            hasTransform = true
        }
        if let metadata = root["metadata"], let reference = metadata["referenceSystem"] {
            if let text = reference.string {
                referenceSystem = text.trimmingCharacters(in: .whitespaces)
            } else if let epsg = reference["epsg"]?.number {   // CityJSON 0.x: {"crs": {"epsg": 7415}}
                referenceSystem = "EPSG:\(Int(epsg))"
            }
        } else if let epsg = root["metadata"]?["crs"]?["epsg"]?.number {
            referenceSystem = "EPSG:\(Int(epsg))"
        }
    }

    /// The definition PROJ should read for `metadata.referenceSystem`: "AUTHORITY:CODE" for the OGC
    /// forms `http(s)://www.opengis.net/def/crs/EPSG/0/7415` and `urn:ogc:def:crs:EPSG::7415`, the text
    /// unchanged otherwise.
    static func projDefinition(_ reference: String) -> String {
        let text = reference.trimmingCharacters(in: .whitespaces)
        if let range = text.range(of: "/def/crs/") {
            let parts = text[range.upperBound...].split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if parts.count >= 3, !parts[0].isEmpty, !parts[2].isEmpty { return "\(parts[0]):\(parts[2])" }
        }
        let lower = text.lowercased()
        if lower.hasPrefix("urn:ogc:def:crs:") {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            // urn:ogc:def:crs:AUTHORITY:[VERSION]:CODE
            if parts.count >= 7, !parts[4].isEmpty, !parts[6].isEmpty { return "\(parts[4]):\(parts[6])" }
        }
        return text
    }

    /// Vertices of a `vertices` array with the transform applied, as interleaved x, y, z.
    func vertices(_ value: CityJSONValue?, what: String = "the file") throws -> [Double] {
        guard let value else { throw CityJSONFormatError("\(what) has no \"vertices\" array") }
        guard let list = value.array else { throw CityJSONFormatError("\"vertices\" of \(what) is \(value.kindName), not an array") }
        var xyz = [Double]()
        xyz.reserveCapacity(list.count * 3)
        for (k, vertex) in list.enumerated() {
            guard case let .array(c) = vertex, c.count == 3,
                  case let .number(x) = c[0], case let .number(y) = c[1], case let .number(z) = c[2] else {
                throw CityJSONFormatError("vertex \(k) of \(what) is not an array of 3 numbers")
            }
            xyz.append(x * scale.0 + translate.0)
            xyz.append(y * scale.1 + translate.1)
            xyz.append(z * scale.2 + translate.2)
        }
        return xyz
    }
}

/// One surface of a geometry: its rings (exterior first) as vertex indices, and its semantic type
/// (`GroundSurface`, `RoofSurface` …) when the geometry has semantics.
struct CityJSONSurface {
    var rings: [[Int]]
    var semantic: String?
}

/// One geometry of a city object, with its surfaces flattened (shells and solids do not matter for a
/// footprint) and every vertex index it uses.
struct CityJSONGeometry {
    static let surfaceTypes: Set<String> = ["MultiSurface", "CompositeSurface", "Solid", "MultiSolid", "CompositeSolid"]

    var type: String
    /// The level of detail as a number ("2.2" → 2.2); nil when missing.
    var lod: Double?
    var surfaces: [CityJSONSurface] = []
    /// Every vertex index of the boundaries (points and lines included).
    var indices: [Int] = []

    /// Parses a geometry, checking the nesting of `boundaries` for its type and every index against
    /// `vertexCount`. GeometryInstance (templates) and unknown types come back with no surfaces.
    init(_ value: CityJSONValue, vertexCount: Int, object: String) throws {
        guard let type = value["type"]?.string else { throw CityJSONFormatError("a geometry has no \"type\"", object: object) }
        self.type = type
        if let lod = value["lod"] {
            if let n = lod.number { self.lod = n } else if let s = lod.string { self.lod = Double(s) }
        }
        if type == "GeometryInstance" {
            indices = try Self.indexList(value["boundaries"], depth: 1, vertexCount: vertexCount, object: object).flatMap { $0 }
            return
        }
        let boundaries = value["boundaries"]
        guard boundaries != nil else { throw CityJSONFormatError("a \(type) geometry has no \"boundaries\"", object: object) }
        let semantics = value["semantics"]
        let surfaceTypes: [String?] = semantics?["surfaces"]?.array?.map { $0["type"]?.string } ?? []
        func semantic(_ v: CityJSONValue?) throws -> String? {
            guard let v, let n = v.number else { return nil }
            guard n >= 0, n == n.rounded(), Int(n) < surfaceTypes.count else {
                throw CityJSONFormatError("semantic value \(n) is out of range (\(surfaceTypes.count) semantic surfaces)", object: object)
            }
            return surfaceTypes[Int(n)]
        }
        func surfaceList(_ list: CityJSONValue?, values: CityJSONValue?) throws {
            guard let items = list?.array else { throw CityJSONFormatError("the \"boundaries\" of a \(type) do not nest as a \(type) should", object: object) }
            let valueList = values?.array
            for (k, item) in items.enumerated() {
                let rings = try Self.indexList(item, depth: 2, vertexCount: vertexCount, object: object)
                for ring in rings { indices.append(contentsOf: ring) }
                let tag = try semantic(valueList.flatMap { k < $0.count ? $0[k] : nil })
                surfaces.append(CityJSONSurface(rings: rings, semantic: tag))
            }
        }
        let values = semantics?["values"]
        switch type {
        case "MultiSurface", "CompositeSurface":
            try surfaceList(boundaries, values: values)
        case "Solid":
            guard let shells = boundaries?.array else { throw CityJSONFormatError("the \"boundaries\" of a Solid are not an array", object: object) }
            for (s, shell) in shells.enumerated() { try surfaceList(shell, values: values?.array.flatMap { s < $0.count ? $0[s] : nil }) }
        case "MultiSolid", "CompositeSolid":
            guard let solids = boundaries?.array else { throw CityJSONFormatError("the \"boundaries\" of a \(type) are not an array", object: object) }
            for (d, solid) in solids.enumerated() {
                guard let shells = solid.array else { throw CityJSONFormatError("the \"boundaries\" of a \(type) do not nest as a \(type) should", object: object) }
                let solidValues = values?.array.flatMap { d < $0.count ? $0[d] : nil }
                for (s, shell) in shells.enumerated() { try surfaceList(shell, values: solidValues?.array.flatMap { s < $0.count ? $0[s] : nil }) }
            }
        case "MultiPoint":
            indices = try Self.indexList(boundaries, depth: 1, vertexCount: vertexCount, object: object).flatMap { $0 }
        case "MultiLineString":
            indices = try Self.indexList(boundaries, depth: 2, vertexCount: vertexCount, object: object).flatMap { $0 }
        default:
            break
        }
    }

    /// `depth` 1: a list of indices (returned as one list); 2: a list of lists of indices.
    private static func indexList(_ value: CityJSONValue?, depth: Int, vertexCount: Int, object: String) throws -> [[Int]] {
        func index(_ v: CityJSONValue) throws -> Int {
            guard let n = v.number, n == n.rounded() else {
                throw CityJSONFormatError("a vertex index is \(v.kindName), not an integer", object: object)
            }
            guard n >= 0, n < Double(vertexCount) else {
                throw CityJSONFormatError("vertex index \(Int64(n)) is out of range (\(vertexCount) vertices)", object: object)
            }
            return Int(n)
        }
        guard let list = value?.array else {
            throw CityJSONFormatError("the \"boundaries\" of a geometry do not nest as its type requires", object: object)
        }
        if depth == 1 { return [try list.map(index)] }
        return try list.map { ring in
            guard let items = ring.array else {
                throw CityJSONFormatError("the \"boundaries\" of a geometry do not nest as its type requires", object: object)
            }
            return try items.map(index)
        }
    }
}

/// A city object as the importer needs it; geometries are parsed on demand (only for buildings).
struct CityJSONObject {
    var id: String
    var type: String
    var attributes: [CityJSONMember]
    var geometry: [CityJSONValue]
    var parents: [String]
    var children: [String]

    init(id: String, _ value: CityJSONValue) throws {
        guard value.members != nil else { throw CityJSONFormatError("is \(value.kindName), not an object", object: id) }
        guard let type = value["type"]?.string else { throw CityJSONFormatError("has no \"type\"", object: id) }
        self.id = id
        self.type = type
        attributes = value["attributes"]?.members ?? []
        if let g = value["geometry"], !g.isNull {
            guard let list = g.array else { throw CityJSONFormatError("\"geometry\" is \(g.kindName), not an array", object: id) }
            geometry = list
        } else {
            geometry = []
        }
        parents = value["parents"]?.array?.compactMap(\.string) ?? []
        children = value["children"]?.array?.compactMap(\.string) ?? []
    }

    /// The attribute `name`, nil when missing or null.
    func attribute(_ name: String) -> CityJSONValue? {
        for member in attributes where member.key == name { return member.value.isNull ? nil : member.value }
        return nil
    }

    /// Parses every geometry (checking the indices against `vertexCount`).
    func geometries(vertexCount: Int) throws -> [CityJSONGeometry] {
        try geometry.map { try CityJSONGeometry($0, vertexCount: vertexCount, object: id) }
    }
}

/// Parses the `CityObjects` member of a document or a feature, in file order.
func parseCityObjects(_ value: CityJSONValue?, what: String) throws -> [CityJSONObject] {
    guard let value else { throw CityJSONFormatError("\(what) has no \"CityObjects\"") }
    guard let members = value.members else { throw CityJSONFormatError("\"CityObjects\" of \(what) is \(value.kindName), not an object") }
    return try members.map { try CityJSONObject(id: $0.key, $0.value) }
}
