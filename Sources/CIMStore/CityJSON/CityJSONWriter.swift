import CIMGeometry
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How ``CityJSONWriter`` extrudes footprints.
public struct CityJSONExportOptions: Sendable {
    /// `transform.scale` for x, y and z (coordinates are stored as integers of this unit): 1 mm.
    public var scale: Double
    /// Height per floor when a feature has `floors` but no `height`.
    public var floorHeight: Double
    /// Height of a feature with neither `height` nor `floors`.
    public var defaultHeight: Double

    /// Options with 1 mm coordinates and 3 m floors by default.
    public init(scale: Double = 0.001, floorHeight: Double = 3.0, defaultHeight: Double = 3.0) {
        self.scale = scale
        self.floorHeight = floorHeight
        self.defaultHeight = defaultHeight
    }
}

/// What a CityJSON export wrote.
public struct CityJSONExportReport: Sendable {
    /// The file written.
    public var output: String
    /// Buildings written.
    public var buildings: Int
    /// Features left out: not polygonal, empty, or collapsed at the transform's scale.
    public var skipped: Int
    /// Distinct vertices written.
    public var vertices: Int
    /// What the user should know: a missing EPSG code, features left out.
    public var warnings: [String]
}

/// Writes a polygonal layer as a CityJSON 2.0 file of LoD1 buildings (block models), so that results
/// (coverage, blank zones …) can be looked at in a 3D viewer.
///
/// Each polygonal feature becomes a `Building` whose geometry is its footprint extruded from the bottom
/// (the `ground_z` field, else 0) to the bottom plus the height (the `height` field when positive, else
/// `floors` × floor height, else the default height): a `Solid` for a single polygon, a `MultiSurface`
/// for several, with the semantic surfaces GroundSurface, WallSurface and RoofSurface, oriented outwards.
/// The attributes are the layer's fields (nulls left out), plus `measuredHeight` (the extrusion height,
/// when the layer had a positive height), `storeysAboveGround` (from `floors`) and `yearOfConstruction`
/// (from `year`), so that `cim import` reads the same values back. The object id is the `id` field
/// (made unique), else `fid-N`. Vertices are integers of the transform's scale (1 mm by default) and
/// shared between faces; `metadata.referenceSystem` is the CRS's EPSG code as an OGC URL.
public enum CityJSONWriter {
    /// True for a path the CityJSON writer handles (`.city.json`).
    public static func isCityJSONOutput(_ path: String) -> Bool { path.lowercased().hasSuffix(".city.json") }

    /// Writes `table` to `output` (in a temporary file beside it, renamed into place when complete).
    @discardableResult
    public static func write(_ table: FeatureTable, crs: CoordinateReferenceSystem?, to output: String,
                             options: CityJSONExportOptions = CityJSONExportOptions()) throws -> CityJSONExportReport {
        guard options.scale > 0, options.scale.isFinite else { throw StoreError("the CityJSON scale must be a positive number", file: output) }
        let g = table.geometries
        let count = table.count
        let heights = table.reals("height")
        let floors = table.reals("floors")
        let groundZ = table.reals("ground_z")
        let ids = table.text("id")
        var warnings: [String] = []

        func isPolygonal(_ i: Int) -> Bool { (g.types[i] == .polygon || g.types[i] == .multiPolygon) && !g.parts(of: i).isEmpty }
        func bottom(_ i: Int) -> Double { groundZ?[i].flatMap { $0.isFinite ? $0 : nil } ?? 0 }
        func extrusion(_ i: Int) -> Double {
            if let h = heights?[i], h.isFinite, h > 0 { return h }
            if let f = floors?[i], f.isFinite, f > 0 { return f * options.floorHeight }
            return options.defaultHeight
        }

        // The translate: the data's minimum, rounded down to the scale.
        var minX = Double.infinity, minY = Double.infinity, minZ = Double.infinity
        for i in 0 ..< count where isPolygonal(i) {
            let e = g.envelope(i)
            minX = min(minX, e.minX); minY = min(minY, e.minY); minZ = min(minZ, bottom(i))
        }
        let s = options.scale
        var maxX = -Double.infinity, maxY = -Double.infinity, maxZ = -Double.infinity
        for i in 0 ..< count where isPolygonal(i) {
            let e = g.envelope(i)
            maxX = max(maxX, e.maxX); maxY = max(maxY, e.maxY); maxZ = max(maxZ, bottom(i) + extrusion(i))
        }
        // Vertices are integers of the scale; past 2^53 JSON readers lose digits.
        if minX.isFinite, max(maxX - minX, maxY - minY, maxZ - minZ) / s >= 9.0e15 {
            throw StoreError("the scale \(s) is too fine for the data's extent: coordinates would pass 2^53 units", file: output,
                             hint: "use a coarser scale, e.g. 0.001")
        }
        let translate = minX.isFinite ? [(minX / s).rounded(.down) * s, (minY / s).rounded(.down) * s, (minZ / s).rounded(.down) * s] : [0.0, 0, 0]

        var vertexIndex: [CityJSONVertexKey: Int] = [:]
        var vertices: [CityJSONVertexKey] = []
        func vertex(_ key: CityJSONVertexKey) -> Int {
            if let k = vertexIndex[key] { return k }
            vertexIndex[key] = vertices.count
            vertices.append(key)
            return vertices.count - 1
        }

        var objects = CityJSONOutput()
        var usedIds: Set<String> = []
        var written = 0, skipped = 0, firstObject = true
        for i in 0 ..< count {
            guard isPolygonal(i) else { skipped += 1; continue }
            let z0 = Int64(((bottom(i) - translate[2]) / s).rounded())
            let z1 = Int64(((bottom(i) + extrusion(i) - translate[2]) / s).rounded())
            // Rings of each polygon, quantised; exterior counter-clockwise, holes clockwise (seen from above).
            var polygons: [[[(Int64, Int64)]]] = []
            for p in g.parts(of: i) {
                var rings: [[(Int64, Int64)]] = []
                for (k, r) in g.rings(of: p).enumerated() {
                    var ring: [(Int64, Int64)] = []
                    for c in g.coordinates(of: r) {
                        let q = (Int64(((g.xy[2 * c] - translate[0]) / s).rounded()), Int64(((g.xy[2 * c + 1] - translate[1]) / s).rounded()))
                        if let last = ring.last, last == q { continue }
                        ring.append(q)
                    }
                    while ring.count > 1, ring[0] == ring[ring.count - 1] { ring.removeLast() }
                    let area = Self.twiceSignedArea(ring)
                    guard ring.count >= 3, area != 0 else {
                        if k == 0 { break } else { continue }
                    }
                    if (k == 0) != (area > 0) { ring.reverse() }
                    rings.append(ring)
                }
                if !rings.isEmpty { polygons.append(rings) }
            }
            guard !polygons.isEmpty else { skipped += 1; continue }

            // Faces with their semantic (0 ground, 1 wall, 2 roof).
            var faces: [(rings: [[Int]], semantic: Int)] = []
            for rings in polygons {
                faces.append((rings.map { ring in ring.reversed().map { vertex(CityJSONVertexKey(x: $0.0, y: $0.1, z: z0)) } }, 0))
                faces.append((rings.map { ring in ring.map { vertex(CityJSONVertexKey(x: $0.0, y: $0.1, z: z1)) } }, 2))
                if z1 != z0 {
                    for ring in rings {
                        for k in 0 ..< ring.count {
                            let a = ring[k], b = ring[(k + 1) % ring.count]
                            faces.append(([[vertex(CityJSONVertexKey(x: a.0, y: a.1, z: z0)), vertex(CityJSONVertexKey(x: b.0, y: b.1, z: z0)),
                                            vertex(CityJSONVertexKey(x: b.0, y: b.1, z: z1)), vertex(CityJSONVertexKey(x: a.0, y: a.1, z: z1))]], 1))
                        }
                    }
                }
            }

            var id = ids?[i].flatMap { $0.isEmpty ? nil : $0 } ?? (i < table.fids.count ? "fid-\(table.fids[i])" : "\(table.name)-\(i + 1)")
            if usedIds.contains(id) {
                var n = 2
                while usedIds.contains("\(id)-\(n)") { n += 1 }
                id = "\(id)-\(n)"
            }
            usedIds.insert(id)

            if !firstObject { objects.raw(",") }
            firstObject = false
            objects.raw("\n")
            objects.string(id)
            objects.raw(":{\"type\":\"Building\",\"attributes\":{")
            writeAttributes(table, row: i, into: &objects)
            objects.raw("},\"geometry\":[{\"type\":")
            let solid = polygons.count == 1 && z1 != z0
            objects.raw(solid ? "\"Solid\",\"lod\":\"1\",\"boundaries\":[[" : "\"MultiSurface\",\"lod\":\"1\",\"boundaries\":[")
            for (f, face) in faces.enumerated() {
                if f > 0 { objects.raw(",") }
                objects.raw("[")
                for (k, ring) in face.rings.enumerated() {
                    if k > 0 { objects.raw(",") }
                    objects.raw("[" + ring.map(String.init).joined(separator: ",") + "]")
                }
                objects.raw("]")
            }
            objects.raw(solid ? "]]" : "]")
            objects.raw(",\"semantics\":{\"surfaces\":[{\"type\":\"GroundSurface\"},{\"type\":\"WallSurface\"},{\"type\":\"RoofSurface\"}],\"values\":")
            let values = "[" + faces.map { String($0.semantic) }.joined(separator: ",") + "]"
            objects.raw(solid ? "[\(values)]" : values)
            objects.raw("}}]}")
            written += 1
        }

        var out = CityJSONOutput()
        out.raw("{\"type\":\"CityJSON\",\"version\":\"2.0\",\"transform\":{\"scale\":[")
        out.number(s); out.raw(","); out.number(s); out.raw(","); out.number(s)
        out.raw("],\"translate\":[")
        out.number(translate[0]); out.raw(","); out.number(translate[1]); out.raw(","); out.number(translate[2])
        out.raw("]},\"metadata\":{")
        out.raw("\"title\":"); out.string("cim layer \(table.name)")
        if let code = crs?.epsgCode {
            out.raw(",\"referenceSystem\":"); out.string("https://www.opengis.net/def/crs/EPSG/0/\(code)")
        } else {
            warnings.append(crs == nil ? "the layer has no CRS: metadata.referenceSystem is left out"
                                       : "the CRS \(crs!.identifier) has no EPSG code: metadata.referenceSystem is left out")
        }
        if !vertices.isEmpty {
            var lo = (Int64.max, Int64.max, Int64.max), hi = (Int64.min, Int64.min, Int64.min)
            for v in vertices {
                lo = (min(lo.0, v.x), min(lo.1, v.y), min(lo.2, v.z))
                hi = (max(hi.0, v.x), max(hi.1, v.y), max(hi.2, v.z))
            }
            out.raw(",\"geographicalExtent\":[")
            let extent = [Double(lo.0) * s + translate[0], Double(lo.1) * s + translate[1], Double(lo.2) * s + translate[2],
                          Double(hi.0) * s + translate[0], Double(hi.1) * s + translate[1], Double(hi.2) * s + translate[2]]
            for (k, v) in extent.enumerated() {
                if k > 0 { out.raw(",") }
                out.number((v / s).rounded() * s)
            }
            out.raw("]")
        }
        out.raw("},\n\"CityObjects\":{")
        out.bytes.append(contentsOf: objects.bytes)
        objects = CityJSONOutput()
        out.raw("\n},\n\"vertices\":[")
        for (k, v) in vertices.enumerated() {
            if k > 0 { out.raw(k % 8 == 0 ? ",\n" : ",") }
            out.raw("[\(v.x),\(v.y),\(v.z)]")
        }
        out.raw("]\n}\n")

        try Self.replace(output, with: out.bytes)
        if skipped > 0 { warnings.append("\(skipped) feature(s) are not polygons (or collapse at \(s) m) and were left out") }
        return CityJSONExportReport(output: output, buildings: written, skipped: skipped, vertices: vertices.count, warnings: warnings)
    }

    /// The layer's fields as attributes, then the CityJSON names the importer reads back.
    private static func writeAttributes(_ table: FeatureTable, row i: Int, into out: inout CityJSONOutput) {
        var first = true
        var names: Set<String> = []
        func key(_ name: String) {
            if !first { out.raw(",") }
            first = false
            names.insert(name)
            out.string(name)
            out.raw(":")
        }
        for column in table.columns {
            switch column.values[i] {
            case let .integer(x): key(column.name); out.integer(x)
            case let .real(x): key(column.name); out.number(x)
            case let .text(x): key(column.name); out.string(x)
            case .null: break
            }
        }
        if !names.contains("measuredHeight"), let h = table.reals("height")?[i], h.isFinite, h > 0 { key("measuredHeight"); out.number(h) }
        if !names.contains("storeysAboveGround"), let f = table.reals("floors")?[i], f.isFinite { key("storeysAboveGround"); out.number(f.rounded()) }
        if !names.contains("yearOfConstruction"), let y = table.reals("year")?[i], y.isFinite { key("yearOfConstruction"); out.number(y.rounded()) }
    }

    private static func twiceSignedArea(_ ring: [(Int64, Int64)]) -> Int64 {
        guard ring.count >= 3 else { return 0 }
        var sum: Int64 = 0
        let (x0, y0) = ring[0]
        for k in 1 ..< ring.count - 1 {
            let (ax, ay) = ring[k], (bx, by) = ring[k + 1]
            sum &+= (ax - x0) &* (by - y0) &- (bx - x0) &* (ay - y0)
        }
        return sum
    }

    /// Writes `bytes` to a temporary file beside `path`, then renames it over `path` (atomic on POSIX).
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        let target = URL(fileURLWithPath: path)
        let folder = target.deletingLastPathComponent()
        try GeoPackageStore.checkExportTarget(target)
        let temporary = folder.appendingPathComponent(".cim-export-\(UUID().uuidString)-\(target.lastPathComponent)")
        do {
            try Data(bytes).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw StoreError.fileSystem(error, what: "cannot write", file: path)
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw StoreError("cannot move the finished file into place: \(reason)", file: path)
        }
    }
}

/// A vertex in transform units.
struct CityJSONVertexKey: Hashable {
    var x: Int64
    var y: Int64
    var z: Int64
}
