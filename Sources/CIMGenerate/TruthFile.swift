import CIMTables
import Foundation

/// The sidecar truth file `OUT.truth.json` written next to a generated store: what was planted, so that
/// `cim audit` and `cim gaps` can be tested against it.
///
/// ```json
/// {
///   "format": "cim-generate-truth",
///   "version": 1,
///   "seed": 42,
///   "buildings": 100000,
///   "crs": "EPSG:4548",
///   "served_within_m": 30,
///   "unserved_beyond_m": 100,
///   "defects": [
///     {"type": "reversed_slope", "pipe_ids": ["P000123"], "x": 500012.3, "y": 3290456.7, "value": 0.231},
///     {"type": "missing_attributes", "pipe_ids": ["P000456"], "x": …, "y": …, "value": 2, "fields": ["up_invert", "down_invert"]},
///     …
///   ],
///   "blank_areas": [
///     {"id": "blank-1", "kind": "district_corner", "polygon_wkt": "POLYGON ((…))",
///      "building_ids": ["B0001234", …], "distances_m": [143.2, …]},
///     …
///   ]
/// }
/// ```
///
/// Conventions of the generated network (what a finding is measured against):
/// - A pipe's LineString runs upstream → downstream: `up_invert` belongs to its first vertex, `down_invert`
///   to its last. Pipes that meet share exact end coordinates; every pipe end has a `pipe_nodes` point
///   except the moved end of a near-miss break. Kinds are never mixed at a node (sewer, combined and
///   storm networks do not touch; storm pipes run 4 m off the street centre line).
/// - Clean pipes: length 10–60 m, `down_invert < up_invert` (slope 0.2–1 %), the diameter of every pipe
///   leaving a node ≥ the diameter of every clean pipe entering it, all attributes present, no pipe end
///   within 2 m of a pipe it does not share that end with. Every clean connected component has an outlet
///   node (kind `outfall` for storm, `plant` for sewer and combined) where its pipes end, and every other
///   node with a single pipe is an `inlet` (a head). Flow follows a forest towards the outlets: a node has
///   one pipe out, except summit manholes between two catchments (two pipes out, none in) and a few short
///   street pieces that leave a junction as a second pipe out.
///
/// Defects (`value`, `x`/`y` per type; `pipe_ids` are `pipes.id` values):
/// - `dangling_end`: a stub pipe whose upstream (first) end touches no other pipe and has a `manhole` node
///   (not inlet, outfall or plant). x/y: that end; value: its distance to the pipe it hangs from (m).
/// - `near_miss_break`: `pipe_ids[0]`'s first vertex was moved 0.3–1.5 m along the pipe away from the
///   manhole where `pipe_ids[1]` starts; neither end touches another pipe. x/y: the moved end; value: the
///   gap (m). Both pipes still drain to an outlet (the node is a summit), so the break is not also a
///   component without outlet, and its two ends are not also dangling ends.
/// - `no_outlet_component`: every pipe of a small sewer network with no outfall or plant node; its pipes
///   all end at one manhole with several pipes in and none out (so it has no dangling end). x/y: that
///   manhole; value: the number of pipes. It lies in a block whose buildings are served by other sewers.
/// - `reversed_slope`: `down_invert > up_invert` (the two were swapped). x/y: the pipe's midpoint; value:
///   down_invert − up_invert (m).
/// - `diameter_shrink`: `pipe_ids[1]` leaves the node where `pipe_ids[0]` (its only incoming pipe) ends,
///   one standard size smaller. x/y: the node; value: the difference (mm).
/// - `zero_length`: a pipe from a manhole to itself (two equal vertices). x/y: the manhole; value 0.
/// - `over_long`: a pipe of more than 200 m with no manhole between (a whole street edge). x/y: midpoint;
///   value: its length (m).
/// - `duplicate_pipe`: `pipe_ids[1]` repeats `pipe_ids[0]` exactly (geometry and attributes). x/y: midpoint;
///   value: the pipe length (m).
/// - `missing_attributes`: the listed `fields` (of diameter_mm, up_invert, down_invert) are null. x/y:
///   midpoint; value: how many.
///
/// Blank areas: every building is either within `served_within_m` of a sewer or combined pipe (footprint
/// to line distance) or farther than `unserved_beyond_m` from all of them, and the latter are exactly the
/// `building_ids` of the blank areas (with their distances). So a blank-zone analysis with any lateral
/// distance between the two finds exactly these buildings unserved. `polygon_wkt` is the outline of the
/// area's blocks along the street centre lines; `kind` is `district_corner` (a corner of the city with no
/// sewer at all) or `block_group` (a group of blocks without sewers). Storm pipes run under every public
/// street (not the lanes inside blocks) except in the old town, whose sewers are `combined`; sewers run
/// under streets and lanes.
public struct GenerationTruth: Sendable, Codable, Equatable {
    public struct Defect: Sendable, Codable, Equatable {
        public var type: String
        public var pipeIds: [String]
        public var x: Double
        public var y: Double
        public var value: Double
        public var fields: [String]?

        enum CodingKeys: String, CodingKey {
            case type, x, y, value, fields
            case pipeIds = "pipe_ids"
        }
    }

    public struct BlankArea: Sendable, Codable, Equatable {
        public var id: String
        public var kind: String
        public var polygonWkt: String
        public var buildingIds: [String]
        public var distancesM: [Double]

        enum CodingKeys: String, CodingKey {
            case id, kind
            case polygonWkt = "polygon_wkt"
            case buildingIds = "building_ids"
            case distancesM = "distances_m"
        }
    }

    public var format: String = "cim-generate-truth"
    public var version: Int = 1
    public var seed: UInt64
    public var buildings: Int
    public var crs: String
    public var servedWithinM: Double
    public var unservedBeyondM: Double
    public var defects: [Defect]
    public var blankAreas: [BlankArea]

    enum CodingKeys: String, CodingKey {
        case format, version, seed, buildings, crs, defects
        case servedWithinM = "served_within_m"
        case unservedBeyondM = "unserved_beyond_m"
        case blankAreas = "blank_areas"
    }

    /// Reads a truth file.
    public static func load(_ url: URL) throws -> GenerationTruth {
        let truth = try JSONDecoder().decode(GenerationTruth.self, from: Data(contentsOf: url))
        guard truth.format == "cim-generate-truth" else { throw GenerateError("\(url.path): not a cim-generate-truth file") }
        return truth
    }

    /// The truth file's path for a store path: `city.gpkg` → `city.truth.json`.
    public static func path(forStore store: String) -> String {
        let url = URL(fileURLWithPath: store)
        let base = url.pathExtension.lowercased() == "gpkg" ? url.deletingPathExtension() : url
        return base.path + ".truth.json"
    }

    /// The defects of one type.
    public func defects(_ type: DefectType) -> [Defect] { defects.filter { $0.type == type.rawValue } }

    /// Deterministic JSON text: fixed key order, one defect or area per line, numbers with fixed decimals.
    public func json() -> String {
        func str(_ s: String) -> String {
            var out = "\""
            for ch in s.unicodeScalars {
                switch ch {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                default: out.unicodeScalars.append(ch)
                }
            }
            return out + "\""
        }
        func list(_ values: [String]) -> String { "[" + values.map(str).joined(separator: ", ") + "]" }
        var lines: [String] = ["{"]
        lines.append("  \"format\": \(str(format)),")
        lines.append("  \"version\": \(version),")
        lines.append("  \"seed\": \(seed),")
        lines.append("  \"buildings\": \(buildings),")
        lines.append("  \"crs\": \(str(crs)),")
        lines.append("  \"served_within_m\": \(formatNumber(servedWithinM, digits: 3)),")
        lines.append("  \"unserved_beyond_m\": \(formatNumber(unservedBeyondM, digits: 3)),")
        lines.append("  \"defects\": [")
        for (k, d) in defects.enumerated() {
            var item = "    {\"type\": \(str(d.type)), \"pipe_ids\": \(list(d.pipeIds)), \"x\": \(formatNumber(d.x, digits: 3)), "
                + "\"y\": \(formatNumber(d.y, digits: 3)), \"value\": \(formatNumber(d.value, digits: 3))"
            if let fields = d.fields { item += ", \"fields\": \(list(fields))" }
            item += "}" + (k + 1 < defects.count ? "," : "")
            lines.append(item)
        }
        lines.append("  ],")
        lines.append("  \"blank_areas\": [")
        for (k, a) in blankAreas.enumerated() {
            let distances = "[" + a.distancesM.map { formatNumber($0, digits: 2) }.joined(separator: ", ") + "]"
            lines.append("    {\"id\": \(str(a.id)), \"kind\": \(str(a.kind)), \"polygon_wkt\": \(str(a.polygonWkt)), "
                + "\"building_ids\": \(list(a.buildingIds)), \"distances_m\": \(distances)}" + (k + 1 < blankAreas.count ? "," : ""))
        }
        lines.append("  ]")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// An error of the generator, printed as one line.
public struct GenerateError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
