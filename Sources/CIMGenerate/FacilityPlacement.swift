import CIMTables
import Foundation

/// A facility category of the standard in use (a key of its `categories`), with its Chinese name for
/// facility names and its life-circle level for the density of unknown keys.
public struct FacilityCategory: Sendable, Equatable {
    public var key: String
    public var nameZh: String
    public var level: String

    public init(key: String, nameZh: String = "", level: String = "") {
        self.key = key
        self.nameZh = nameZh
        self.level = level
    }

    /// The categories of a standard file (`{"categories": [{"key", "name_zh", "level"}, …]}`), in file order.
    public static func load(from url: URL) throws -> [FacilityCategory] {
        let data = try Data(contentsOf: url)
        guard let root = try JSONSerialization.jsonObject(with: data) as? [String: Any],
              let list = root["categories"] as? [[String: Any]] else {
            throw GenerateError("\(url.path): not a standard file (no \"categories\" list)")
        }
        let categories = list.compactMap { item -> FacilityCategory? in
            guard let key = item["key"] as? String, !key.isEmpty else { return nil }
            return FacilityCategory(key: key, nameZh: item["name_zh"] as? String ?? "", level: item["level"] as? String ?? "")
        }
        if categories.isEmpty { throw GenerateError("\(url.path): the standard has no categories") }
        return categories
    }

    /// The categories of the shipped GB 50180-2018 file (Data/standards/gb50180-2018.json).
    public static func shipped() throws -> [FacilityCategory] {
        guard let url = DataFiles.url("standards/gb50180-2018.json") else {
            throw GenerateError("the shipped standard file standards/gb50180-2018.json was not found; set CIM_DATA_DIR or pass --standard FILE")
        }
        return try load(from: url)
    }
}

/// How a category is spread over the city.
enum FacilityShape: Sendable {
    /// A point in the setback band of a block (never inside a building or on a road).
    case point
    /// A reserved rectangle of w × h metres in a block, written as a polygon.
    case ground(w: Double, h: Double)
    /// A pocket park of 2,000–5,000 m² (polygon).
    case pocketPark
    /// A whole block as a park (polygon).
    case parkBlock
    /// Points along main streets.
    case busStop
    /// Stations along one or two metro lines in the inner city.
    case metro
    /// Points in (almost) every block.
    case perBlock
}

/// One placement rule: a jittered lattice of `spacing` metres, each cell holding a site with `probability`.
struct FacilityDensity: Sendable {
    var shape: FacilityShape
    var spacing: Double
    var probability: Double

    /// The rules for a category key (unknown keys by their level). Some categories are deliberately sparse
    /// (nursery, elderly day care, culture station, metro) so that coverage has short boards.
    static func rules(for category: FacilityCategory) -> [FacilityDensity] {
        switch category.key {
        case "waste_point": return [FacilityDensity(shape: .perBlock, spacing: 9000, probability: 0.9)]
        case "bus_stop": return [FacilityDensity(shape: .busStop, spacing: 450, probability: 1)]
        case "metro_station": return [FacilityDensity(shape: .metro, spacing: 1100, probability: 1)]
        case "park": return [FacilityDensity(shape: .parkBlock, spacing: 1400, probability: 0.85),
                             FacilityDensity(shape: .pocketPark, spacing: 650, probability: 0.55)]
        case "large_sports": return [FacilityDensity(shape: .ground(w: 110, h: 70), spacing: 2600, probability: 0.7)]
        case "medium_sports": return [FacilityDensity(shape: .ground(w: 55, h: 35), spacing: 1100, probability: 0.6)]
        case "small_sports": return [FacilityDensity(shape: .ground(w: 36, h: 28), spacing: 700, probability: 0.55)]
        case "fitness": return [FacilityDensity(shape: .point, spacing: 480, probability: 0.8)]
        case "kindergarten": return [FacilityDensity(shape: .point, spacing: 620, probability: 0.9)]
        case "nursery": return [FacilityDensity(shape: .point, spacing: 720, probability: 0.5)]
        case "community_service": return [FacilityDensity(shape: .point, spacing: 600, probability: 0.85)]
        case "culture_station": return [FacilityDensity(shape: .point, spacing: 800, probability: 0.6)]
        case "elderly_daycare": return [FacilityDensity(shape: .point, spacing: 820, probability: 0.45)]
        case "health_station": return [FacilityDensity(shape: .point, spacing: 700, probability: 0.7)]
        case "convenience": return [FacilityDensity(shape: .point, spacing: 320, probability: 0.9)]
        case "primary_school": return [FacilityDensity(shape: .point, spacing: 1000, probability: 0.92)]
        case "fresh_market": return [FacilityDensity(shape: .point, spacing: 900, probability: 0.8)]
        case "supermarket": return [FacilityDensity(shape: .point, spacing: 1300, probability: 0.7)]
        case "middle_school": return [FacilityDensity(shape: .point, spacing: 1800, probability: 0.9)]
        case "health_center": return [FacilityDensity(shape: .point, spacing: 2400, probability: 0.85)]
        case "elderly_home": return [FacilityDensity(shape: .point, spacing: 3000, probability: 0.6)]
        case "culture_center": return [FacilityDensity(shape: .point, spacing: 3000, probability: 0.7)]
        default:
            switch category.level {
            case "5min": return [FacilityDensity(shape: .point, spacing: 650, probability: 0.8)]
            case "10min": return [FacilityDensity(shape: .point, spacing: 1000, probability: 0.8)]
            case "15min": return [FacilityDensity(shape: .point, spacing: 2500, probability: 0.8)]
            case "block": return [FacilityDensity(shape: .perBlock, spacing: 9000, probability: 0.9)]
            default: return [FacilityDensity(shape: .point, spacing: 1000, probability: 0.8)]
            }
        }
    }
}

/// The facility sites of the plan: a category index and a point or a closed ring each.
struct FacilitySites: Sendable {
    var category: [Int32] = []
    var x: [Double] = []
    var y: [Double] = []
    /// A polygon's closed ring (interleaved), empty for a point.
    var ring: [[Double]] = []

    var count: Int { category.count }

    mutating func addPoint(_ c: Int, _ p: P) {
        category.append(Int32(c)); x.append(p.x); y.append(p.y); ring.append([])
    }

    mutating func addPolygon(_ c: Int, _ r: [Double]) {
        category.append(Int32(c)); x.append(r[0]); y.append(r[1]); ring.append(r)
    }
}

extension CityLayout {
    /// Jittered lattice points of `spacing` over the city, each kept with `probability`.
    func latticePoints(spacing: Double, probability: Double, rng: inout SeededRandom) -> [P] {
        let x0 = grid.xs[0] - rng.uniform(0, spacing), y0 = grid.ys[0] - rng.uniform(0, spacing)
        var result: [P] = []
        var y = y0
        while y < grid.ys[grid.rows] {
            var x = x0
            while x < grid.xs[grid.cols] {
                if rng.chance(probability) { result.append(P(x + rng.uniform(0, spacing), y + rng.uniform(0, spacing))) }
                x += spacing
            }
            y += spacing
        }
        return result
    }

    /// Blocks in a square spiral around block `b` (b first), up to `radius` steps.
    func spiral(_ b: Int, radius: Int) -> [Int] {
        let (i, j) = grid.blockIJ(b)
        var result = [b]
        if radius < 1 { return result }
        for r in 1 ... radius {
            for dj in -r ... r {
                for di in -r ... r where max(abs(di), abs(dj)) == r {
                    let ii = i + di, jj = j + dj
                    if ii >= 0, jj >= 0, ii < grid.cols, jj < grid.rows { result.append(grid.block(ii, jj)) }
                }
            }
        }
        return result
    }

    /// The block nearest the city centre.
    var centreBlock: Int { grid.block(grid.cols / 2, grid.rows / 2) }

    mutating func placeParkBlocks(categories: [FacilityCategory]) {
        guard let c = categories.firstIndex(where: { $0.key == "park" }) else { return }
        var rng = SeededRandom(seed: seed, stream: .parks)
        func usable(_ b: Int) -> Bool { regionOf[b] < 0 && !plans[b].diagonal && plans[b].type != .park }
        var made = 0
        for p in latticePoints(spacing: 1400, probability: 0.85, rng: &rng) {
            if let b = grid.blockAt(p.x, p.y), usable(b), makeParkBlock(b, category: c) { made += 1 }
        }
        if made == 0 {
            for b in spiral(centreBlock, radius: max(grid.cols, grid.rows)) where usable(b) {
                if makeParkBlock(b, category: c) { break }
            }
        }
    }

    private mutating func makeParkBlock(_ b: Int, category: Int) -> Bool {
        guard let f = frame(b, setback: 1.5) else { return false }
        var ring: [Double] = []
        for k in 0 ... 4 { ring.append(f.q[k & 3].x); ring.append(f.q[k & 3].y) }
        plans[b].type = .park
        facilities.addPolygon(category, ring)
        return true
    }

    /// Sports grounds and pocket parks: rectangles reserved in blocks (so no building goes there).
    mutating func reserveFacilityGrounds(categories: [FacilityCategory]) {
        for (c, category) in categories.enumerated() {
            var rng = SeededRandom(seed: seed, stream: .facilities, index: c * 8)
            for rule in FacilityDensity.rules(for: category) {
                var size: (Double, Double)
                switch rule.shape {
                case let .ground(w, h): size = (w, h)
                case .pocketPark: size = (0, 0)
                default: continue
                }
                var made = 0
                for p in latticePoints(spacing: rule.spacing, probability: rule.probability, rng: &rng) {
                    if case .pocketPark = rule.shape { size = pocketParkSize(&rng) }
                    guard let target = grid.blockAt(p.x, p.y) else { continue }
                    for b in spiral(target, radius: 1) where reserveGround(b, w: size.0, h: size.1, category: c) { made += 1; break }
                }
                if made == 0 {
                    // Every category is present: the first block from the centre outwards that has room.
                    if case .pocketPark = rule.shape { size = pocketParkSize(&rng) }
                    for b in spiral(centreBlock, radius: max(grid.cols, grid.rows)) where reserveGround(b, w: size.0, h: size.1, category: c) { break }
                }
            }
        }
    }

    private func pocketParkSize(_ rng: inout SeededRandom) -> (Double, Double) {
        let area = rng.uniform(2200, 4800), w = rng.uniform(45, 70)
        return (w, area / w)
    }

    private mutating func reserveGround(_ b: Int, w: Double, h: Double, category: Int) -> Bool {
        guard plans[b].type != .park, !plans[b].diagonal, let f = frame(b) else { return false }
        let box = f.bounds
        let candidates = [P(box.u0 + 6, 6), P(box.u1 - w - 6, 6), P(box.u0 + 6, box.v1 - h - 6),
                          P(box.u1 - w - 6, box.v1 - h - 6), P((box.u0 + box.u1 - w) / 2, (box.v1 - h) / 2)]
        for o in candidates {
            let rect = LocalRect(u0: o.x, v0: o.y, u1: o.x + w, v1: o.y + h)
            let corners = [P(rect.u0, rect.v0), P(rect.u1, rect.v0), P(rect.u1, rect.v1), P(rect.u0, rect.v1)]
            guard corners.allSatisfy({ f.inside($0, margin: 0.5) }) else { continue }
            let padded = LocalRect(u0: rect.u0 - 1, v0: rect.v0 - 1, u1: rect.u1 + 1, v1: rect.v1 + 1)
            if plans[b].reserved.contains(where: { $0.overlaps(u0: padded.u0 - 3, v0: padded.v0 - 3, u1: padded.u1 + 3, v1: padded.v1 + 3) }) { continue }
            plans[b].reserved.append(padded)
            var ring: [Double] = []
            for k in 0 ... 4 { let p = f.world(corners[k & 3].x, corners[k & 3].y); ring.append(p.x); ring.append(p.y) }
            facilities.addPolygon(category, ring)
            return true
        }
        return false
    }

    /// A point in block `b`'s setback band (between kerb and buildings), clear of lane and footway mouths.
    func bandPoint(_ b: Int, rng: inout SeededRandom) -> P? {
        guard let f = frame(b) else { return nil }
        let k = rng.int(0 ..< 4)
        var t = rng.uniform(0.25, 0.75)
        var mouths: [P] = []
        for lane in plans[b].lanes { mouths.append(lane.junction); if lane.through { mouths.append(lane.end) } }
        if let (a, c) = plans[b].footway { mouths.append(registryPoint(a)); mouths.append(registryPoint(c)) }
        let offset = f.d[k] - buildingSetback + buildingSetback / 2
        var p = f.sidePoint(k, t, offset: offset)
        for _ in 0 ..< 4 where mouths.contains(where: { $0.distance(to: p) < 14 }) {
            t = t + 0.17 > 0.75 ? t - 0.4 : t + 0.17
            p = f.sidePoint(k, t, offset: offset)
        }
        return p
    }

    func registryPoint(_ entry: Int) -> P {
        let e = Int(registry.entryEdge[entry])
        let (a, b) = grid.edgeNodes(e)
        let pa = grid.point(a)
        return pa + (grid.point(b) - pa).unit * registry.entryT[entry]
    }

    mutating func placeFacilityPoints(categories: [FacilityCategory]) {
        for (c, category) in categories.enumerated() {
            var rng = SeededRandom(seed: seed, stream: .facilities, index: c * 8 + 1)
            let before = facilities.category.filter { $0 == Int32(c) }.count
            var made = 0
            for rule in FacilityDensity.rules(for: category) {
                switch rule.shape {
                case .point:
                    for p in latticePoints(spacing: rule.spacing, probability: rule.probability, rng: &rng) {
                        if let b = grid.blockAt(p.x, p.y), let q = bandPoint(b, rng: &rng) { facilities.addPoint(c, q); made += 1 }
                    }
                case .perBlock:
                    for b in 0 ..< grid.blockCount where plans[b].type != .park {
                        guard let f = frame(b) else { continue }
                        for _ in 0 ..< max(1, Int(f.insetArea / rule.spacing)) where rng.chance(rule.probability) {
                            if let q = bandPoint(b, rng: &rng) { facilities.addPoint(c, q); made += 1 }
                        }
                    }
                case .busStop:
                    made += placeBusStops(c, spacing: rule.spacing, rng: &rng)
                case .metro:
                    made += placeMetro(c, spacing: rule.spacing)
                default:
                    break
                }
            }
            if before + made == 0 {
                // Every category of the standard is present at least once.
                for b in spiral(centreBlock, radius: 3) where plans[b].type != .park {
                    if let q = bandPoint(b, rng: &rng) { facilities.addPoint(c, q); break }
                }
            }
        }
    }

    /// Stops every ~450 m along primary and secondary streets (both grid directions and the diagonals),
    /// on the carriageway edge, alternating sides.
    private mutating func placeBusStops(_ c: Int, spacing: Double, rng: inout SeededRandom) -> Int {
        var lines: [[Int]] = []
        for i in 0 ... grid.cols where grid.columnClass[i].isMain { lines.append((0 ... grid.rows).map { grid.node(i, $0) }) }
        for j in 0 ... grid.rows where grid.rowClass[j].isMain { lines.append((0 ... grid.cols).map { grid.node($0, j) }) }
        let diagonalSums = Set((0 ..< grid.blockCount).filter { plans[$0].diagonal }.map { grid.blockIJ($0).i + grid.blockIJ($0).j })
        for k in diagonalSums.sorted() {
            var chain: [Int] = []
            for i in 0 ..< grid.cols {
                let j = k - i
                guard j >= 0, j < grid.rows else { continue }
                if chain.isEmpty { chain.append(grid.node(i, j + 1)) }
                chain.append(grid.node(i + 1, j))
            }
            if chain.count > 1 { lines.append(chain) }
        }
        var made = 0
        for line in lines {
            var next = rng.uniform(80, 300)
            var walked = 0.0
            var side = 1.0
            for k in 0 ..< line.count - 1 {
                let a = grid.point(line[k]), b = grid.point(line[k + 1])
                let length = a.distance(to: b), dir = (b - a).unit
                let hw = k < line.count - 1 ? lineHalfWidth(line[k], line[k + 1]) : 10
                while next <= walked + length {
                    let t = min(max(next - walked, 18), length - 18)
                    facilities.addPoint(c, a + dir * t + dir.left * ((hw - 2) * side))
                    side = -side
                    made += 1
                    next += spacing + rng.uniform(-70, 70)
                }
                walked += length
            }
        }
        return made
    }

    private func lineHalfWidth(_ a: Int, _ b: Int) -> Double {
        let (ia, ja) = (a % (grid.cols + 1), a / (grid.cols + 1)), (ib, jb) = (b % (grid.cols + 1), b / (grid.cols + 1))
        if ia == ib { return grid.columnClass[ia].halfWidth }
        if ja == jb { return grid.rowClass[ja].halfWidth }
        return RoadClass.primary.halfWidth
    }

    /// Metro stations every ~1.1 km along the primary column (and, in larger cities, row) nearest the
    /// centre, only in the inner city: outer districts have none (a short board).
    private mutating func placeMetro(_ c: Int, spacing: Double) -> Int {
        let cols = grid.cols, rows = grid.rows
        func nearestPrimary(_ classes: [RoadClass], _ n: Int) -> Int? {
            (0 ... n).filter { classes[$0] == .primary }.min { abs($0 - n / 2) < abs($1 - n / 2) }
        }
        var lines: [[Int]] = []
        if let i = nearestPrimary(grid.columnClass, cols) { lines.append((0 ... rows).map { grid.node(i, $0) }) }
        if max(cols, rows) >= 16, let j = nearestPrimary(grid.rowClass, rows) { lines.append((0 ... cols).map { grid.node($0, j) }) }
        let halfExtent = max(grid.xs[cols] - grid.xs[0], grid.ys[rows] - grid.ys[0]) / 2
        let centre = CityLayout.centre
        var made = 0
        for line in lines {
            var walked = 0.0, next = 0.0
            for k in 0 ..< line.count {
                if k > 0 { walked += grid.point(line[k - 1]).distance(to: grid.point(line[k])) }
                let p = grid.point(line[k])
                guard walked >= next, p.distance(to: centre) <= 0.55 * halfExtent else { continue }
                facilities.addPoint(c, p + P(1, 1) * ((RoadClass.primary.halfWidth + 6) / 2.0.squareRoot()))
                made += 1
                next = walked + spacing
            }
        }
        if made == 0, let line = lines.first {
            let p = grid.point(line[line.count / 2])
            facilities.addPoint(c, p + P(1, 1) * ((RoadClass.primary.halfWidth + 6) / 2.0.squareRoot()))
            made = 1
        }
        return made
    }
}
