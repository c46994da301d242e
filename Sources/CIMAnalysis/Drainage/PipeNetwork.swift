import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// Which pipe kinds an analysis uses: bundle kinds (storm, sewer, combined, water, other), and whether
/// pipes with no kind count ("unknown").
public struct PipeKinds: Sendable, Equatable, CustomStringConvertible {
    public var kinds: Set<String>
    public var includeUnknown: Bool

    public init(_ kinds: Set<String>, includeUnknown: Bool = false) {
        self.kinds = kinds
        self.includeUnknown = includeUnknown
    }

    /// The bundle's pipe kinds.
    public static let bundleKinds = ["storm", "sewer", "combined", "water", "other"]
    /// Sewer and combined: the pipes that take wastewater (pipe service, blank zones).
    public static let wastewater = PipeKinds(["sewer", "combined"])
    /// Storm, sewer and combined: the drainage network (the audit).
    public static let drainage = PipeKinds(["storm", "sewer", "combined"])
    /// Every pipe, with or without a kind.
    public static let all = PipeKinds(Set(bundleKinds), includeUnknown: true)

    /// Parses a comma-separated list of bundle kinds, `unknown` (pipes with no kind) or `all`.
    public static func parse(_ text: String) throws -> PipeKinds {
        var result = PipeKinds([])
        for raw in text.split(separator: ",") {
            let token = raw.trimmingCharacters(in: .whitespaces).lowercased()
            switch token {
            case "all": return .all
            case "unknown": result.includeUnknown = true
            case _ where bundleKinds.contains(token): result.kinds.insert(token)
            default:
                throw AnalysisError("unknown pipe kind '\(token)'", hint: "kinds: \(bundleKinds.joined(separator: ", ")), unknown (no kind) or all")
            }
        }
        guard !result.kinds.isEmpty || result.includeUnknown else { throw AnalysisError("no pipe kind given") }
        return result
    }

    /// Whether a pipe of this kind is selected.
    @inline(__always) public func contains(_ kind: String?) -> Bool {
        guard let kind else { return includeUnknown }
        return kinds.contains(kind)
    }

    public var description: String {
        let ordered = Self.bundleKinds.filter(kinds.contains)
        if ordered.count == Self.bundleKinds.count && includeUnknown { return "all" }
        return (ordered + (includeUnknown ? ["unknown"] : [])).joined(separator: ",")
    }
}

/// The selected pipes of a pipes snapshot, in flat arrays: attributes per pipe, and every segment (two
/// consecutive coordinates of a line part) with the packed R-tree over segment envelopes that the
/// distance searches run on.
public struct PipeSet: Sendable {
    /// Row in the pipes snapshot of each selected pipe.
    public var rows: [Int]
    public var ids: [String]
    public var kinds: [String?]
    /// Diameters in millimetres (nil when unknown).
    public var diameters: [Double?]
    public var upInverts: [Double?]
    public var downInverts: [Double?]
    /// The pipes' lines (one feature per selected pipe).
    public var geometries: GeometryColumn
    /// Planar length of each pipe (m).
    public var lengths: [Double]
    /// Segments, 4 values each: ax, ay, bx, by.
    public var segments: [Double]
    /// The pipe of each segment (index into the arrays above).
    public var segmentPipe: [Int32]
    /// Packed R-tree over the segments' envelopes.
    public var segmentTree: PackedRTree

    public var count: Int { rows.count }
    public var segmentCount: Int { segmentPipe.count }

    /// Selects the pipes of `kinds` from a pipes snapshot (pipes with an empty geometry are skipped).
    /// Throws when the snapshot has no pipes, none has a kind and unknown kinds are not asked for, or none
    /// is of the wanted kinds; `warnings` gets pipes left out for having no kind.
    public init(pipes table: FeatureTable, kinds wanted: PipeKinds, warnings: inout [String]) throws {
        let n = table.count
        guard n > 0 else {
            throw AnalysisError("the pipes layer is empty", hint: "import pipes: cim import STORE pipes FILE --map kind=FIELD --map diameter_mm=FIELD")
        }
        let kindValues = table.text("kind") ?? Array(repeating: nil, count: n)
        let withGeometry = (0 ..< n).filter { !table.geometries.parts(of: $0).isEmpty }
        let noKind = withGeometry.filter { kindValues[$0] == nil }.count
        if noKind == withGeometry.count && !wanted.includeUnknown {
            throw AnalysisError("none of the \(withGeometry.count) pipes has a kind (storm, sewer, combined, water, other)",
                                hint: "re-import with --map kind=FIELD (and --values FILE to map the field's values), or pass --kinds unknown to use pipes with no kind")
        }
        let selected = withGeometry.filter { wanted.contains(kindValues[$0]) }
        guard !selected.isEmpty else {
            var counts: [String: Int] = [:]
            for i in withGeometry { counts[kindValues[i] ?? "(no kind)", default: 0] += 1 }
            let present = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            throw AnalysisError("no pipe of kind \(wanted) among the \(withGeometry.count) pipes (\(present.joined(separator: ", ")))",
                                hint: "choose kinds with --kinds, e.g. --kinds \(counts.keys.filter { $0 != "(no kind)" }.sorted().joined(separator: ","))")
        }
        if noKind > 0 && !wanted.includeUnknown {
            warnings.append("\(noKind) pipe(s) have no kind and are left out (pass --kinds with 'unknown' to use them)")
        }
        rows = selected
        let idValues = table.text("id") ?? Array(repeating: nil, count: n)
        ids = selected.map { idValues[$0] ?? "fid \(table.fids.isEmpty ? $0 + 1 : Int(table.fids[$0]))" }
        kinds = selected.map { kindValues[$0] }
        let diameterValues = table.reals("diameter_mm") ?? Array(repeating: nil, count: n)
        let upValues = table.reals("up_invert") ?? Array(repeating: nil, count: n)
        let downValues = table.reals("down_invert") ?? Array(repeating: nil, count: n)
        diameters = selected.map { diameterValues[$0].flatMap { $0.isFinite && $0 > 0 ? $0 : nil } }
        upInverts = selected.map { upValues[$0].flatMap { $0.isFinite ? $0 : nil } }
        downInverts = selected.map { downValues[$0].flatMap { $0.isFinite ? $0 : nil } }
        geometries = table.geometries.subset(selected)
        var segments: [Double] = []
        var segmentPipe: [Int32] = []
        var envelopes: [Double] = []
        var lengths = [Double](repeating: 0, count: selected.count)
        segments.reserveCapacity(geometries.coordinateCount * 4)
        envelopes.reserveCapacity(geometries.coordinateCount * 4)
        // A one-point "line" still occupies its point: forEachSegment gives it a zero-length segment.
        let g = geometries
        for k in 0 ..< g.count {
            g.forEachSegment(of: k) { ax, ay, bx, by, _ in
                segments.append(ax); segments.append(ay); segments.append(bx); segments.append(by)
                envelopes.append(Swift.min(ax, bx)); envelopes.append(Swift.min(ay, by))
                envelopes.append(Swift.max(ax, bx)); envelopes.append(Swift.max(ay, by))
                segmentPipe.append(Int32(k))
                lengths[k] += ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).squareRoot()
            }
        }
        self.segments = segments
        self.segmentPipe = segmentPipe
        self.lengths = lengths
        self.segmentTree = PackedRTree(envelopes: envelopes)
    }

    /// The envelope of segment `s`.
    @inline(__always) public func segmentEnvelope(_ s: Int) -> Envelope {
        let ax = segments[4 * s], ay = segments[4 * s + 1], bx = segments[4 * s + 2], by = segments[4 * s + 3]
        return Envelope(minX: Swift.min(ax, bx), minY: Swift.min(ay, by), maxX: Swift.max(ax, bx), maxY: Swift.max(ay, by))
    }

    /// The first coordinate of pipe `k` (its upstream end by the digitising convention).
    public func start(_ k: Int) -> (x: Double, y: Double) { geometries.firstCoordinate(of: k) }

    /// The last coordinate of pipe `k` (its downstream end).
    public func end(_ k: Int) -> (x: Double, y: Double) {
        let c = Int(geometries.ringCoordinates[Int(geometries.partRings[Int(geometries.featureParts[k + 1])])]) - 1
        return (geometries.xy[2 * c], geometries.xy[2 * c + 1])
    }

    /// The point halfway along pipe `k`.
    public func midpoint(_ k: Int) -> (x: Double, y: Double) { point(k, atDistance: lengths[k] / 2) }

    /// The point at `distance` metres along pipe `k` from its start (its end when beyond).
    public func point(_ k: Int, atDistance distance: Double) -> (x: Double, y: Double) {
        var left = distance
        var found: (x: Double, y: Double)?
        geometries.forEachSegment(of: k) { ax, ay, bx, by, stop in
            let l = ((bx - ax) * (bx - ax) + (by - ay) * (by - ay)).squareRoot()
            if l > 0 && left <= l {
                let t = left / l
                found = (ax + t * (bx - ax), ay + t * (by - ay))
                stop = true
                return
            }
            left -= l
        }
        return found ?? end(k)
    }

    /// The distance from (x, y) to segment `s`: ``pointSegmentDistance``, never below the segment's
    /// envelope distance (so an R-tree search over ``segmentTree`` may trust it to the last bit).
    @inline(__always) public func distance(fromX x: Double, y: Double, toSegment s: Int) -> Double {
        let d = pointSegmentDistance(x, y, segments[4 * s], segments[4 * s + 1], segments[4 * s + 2], segments[4 * s + 3])
        return Swift.max(d, segmentEnvelope(s).distance(toX: x, y: y))
    }

    /// The distance from (x, y) to the nearest selected pipe, and that pipe (nil when there is none).
    public func nearest(x: Double, y: Double, workspace: inout NearestWorkspace) -> (pipe: Int, distance: Double)? {
        guard let hit = segmentTree.nearest(x: x, y: y, workspace: &workspace, exactDistance: { s in
            distance(fromX: x, y: y, toSegment: s)
        }) else { return nil }
        return (Int(segmentPipe[hit.index]), hit.distance)
    }
}

/// Checks shared by the drainage analyses: the store's CRS is projected, the layers share one CRS, and
/// their extents are near each other (layers in different CRSs show up as extents kilometres apart).
enum DrainageInputChecks {
    static func checkCRS(_ tables: [FeatureTable]) throws {
        let withCRS = tables.filter { $0.crs != nil }
        if let first = withCRS.first {
            if first.crs!.isGeographic {
                throw AnalysisError("the \(first.name) layer's CRS \(first.crs!.identifier) is lon/lat: distances are never measured in degrees",
                                    hint: "re-import into a store with a projected CRS (cim chooses one automatically)")
            }
            for other in withCRS.dropFirst() where other.crs != first.crs {
                throw AnalysisError("the \(other.name) layer is in \(other.crs!.identifier), the \(first.name) layer in \(first.crs!.identifier)",
                                    hint: "import both into one store: cim reprojects every layer to the store's CRS")
            }
        }
    }

    /// Throws when the two layers' extents are far apart: more than 5 km and more than the larger extent's
    /// diagonal between them.
    static func checkNear(_ a: FeatureTable, _ b: FeatureTable) throws {
        guard let ea = a.extent, let eb = b.extent else { return }
        let gap = ea.distance(to: eb)
        let diagonal = Swift.max((ea.width * ea.width + ea.height * ea.height).squareRoot(), (eb.width * eb.width + eb.height * eb.height).squareRoot())
        if gap > 5000 && gap > diagonal {
            throw AnalysisError(String(format: "the %@ layer lies %.1f km from the %@ layer: are they in different CRSs?", b.name, gap / 1000, a.name),
                                hint: String(format: "%@ extent (%.0f, %.0f – %.0f, %.0f), %@ extent (%.0f, %.0f – %.0f, %.0f); re-import the wrong one with the right --source-crs",
                                             a.name, ea.minX, ea.minY, ea.maxX, ea.maxY, b.name, eb.minX, eb.minY, eb.maxX, eb.maxY))
        }
    }
}
