import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// What to generate.
public struct CityGeneratorOptions: Sendable {
    /// Exactly this many buildings.
    public var buildings: Int
    public var seed: UInt64
    /// Facility categories (nil: the shipped GB 50180-2018 standard's).
    public var categories: [FacilityCategory]?
    /// Every building is within this distance of a sewer or combined pipe …
    public var servedWithin: Double
    /// … or farther than this from all of them (then it is in a blank area of the truth file).
    public var unservedBeyond: Double

    public init(buildings: Int, seed: UInt64 = 1, categories: [FacilityCategory]? = nil,
                servedWithin: Double = 30, unservedBeyond: Double = 100) {
        self.buildings = buildings
        self.seed = seed
        self.categories = categories
        self.servedWithin = servedWithin
        self.unservedBeyond = unservedBeyond
    }
}

/// Counts and measures of a generated city, and how long each stage took.
public struct GenerationStats: Sendable {
    public var cols = 0, rows = 0
    public var extent = Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
    /// Feature count per layer, in writing order.
    public var layers: [(name: String, count: Int)] = []
    public var defects: [(type: String, count: Int)] = []
    public var blankAreas = 0
    public var unservedBuildings = 0
    public var residentialShare = 0.0
    public var roadKm = 0.0
    public var pipeKm = 0.0
    public var slotCapacity = 0
    public var stages: [(name: String, seconds: Double)] = []
}

/// A deterministic synthetic city in the CIM bundle schema (see DESIGN.md), labelled synthetic.
///
/// The city is centred near Jiujiang in CGCS2000 / 3-degree Gauss-Krüger CM 117E (EPSG:4548): a perturbed
/// grid of streets (blocks of 80–250 m between centre lines) with primary and secondary arterials, an
/// expressway (not walkable), NW–SE diagonal avenues, lanes into large blocks (dead ends, some with a T
/// head), interrupted streets and stubs at the city edge; buildings in the blocks by block type (urban
/// villages, old and new estates, towers, commercial, industrial, campuses), never on a road nor on each
/// other; facilities of every category of the standard; communities, districts and the built-up area;
/// sewer, storm and (in the old town) combined networks along the streets; waterlogging points; and the
/// planted drainage problems of ``GenerationTruth``.
///
/// Same options → same layer contents and byte-identical truth file. Blocks are generated one at a time
/// (twice: a capacity pass and a writing pass), so memory is dominated by the layer being written.
public struct CityGenerator {
    public let options: CityGeneratorOptions
    public let categories: [FacilityCategory]
    public static let crsCode = 4548

    public init(options: CityGeneratorOptions) throws {
        guard options.buildings >= 1 else { throw GenerateError("--buildings must be at least 1") }
        guard options.buildings <= 50_000_000 else { throw GenerateError("--buildings is limited to 50,000,000") }
        guard options.servedWithin >= 5, options.unservedBeyond >= options.servedWithin + 10 else {
            throw GenerateError("the served distance must be ≥ 5 m and the unserved distance at least 10 m larger")
        }
        self.options = options
        self.categories = try options.categories ?? FacilityCategory.shipped()
    }

    /// Everything decided before buildings: the layout, the pipe network with its defects, the index of
    /// sewer lines.
    struct Plan {
        var layout: CityLayout
        var net: PipeNetwork
        var defects: [PlantedDefect]
        var sewers: SewerIndex
        var capacity: [Int32]
        var totalCapacity: Int
    }

    /// Average accepted building slots per block, measured on generated cities (sizes the first grid).
    static let slotsPerBlock = 18.0

    /// Generates the city: `write` receives each layer (roads, pipes, pipe_nodes, facilities, areas,
    /// waterlogging, buildings) once; returns the truth file and statistics.
    public func run(progress: ((String, Int, Int?) -> Void)? = nil, write: (FeatureTable) throws -> Void) throws -> (truth: GenerationTruth, stats: GenerationStats) {
        var stats = GenerationStats()
        var clock = Date()
        func lap(_ name: String) {
            let now = Date()
            stats.stages.append((name, now.timeIntervalSince(clock)))
            clock = now
        }
        let n = options.buildings
        var side = max(10, Int((Double(n) / CityGenerator.slotsPerBlock / 0.95).squareRoot().rounded(.up)))
        var plan = makePlan(cols: side, rows: side, progress: progress)
        while plan.totalCapacity < n {
            // Not enough room: a larger grid (rare; the first guess leaves a margin).
            let grow = max(1, Int((Double(side) * ((Double(n) / Double(max(plan.totalCapacity, 1))).squareRoot() * 1.03 - 1)).rounded(.up)))
            side += grow
            plan = makePlan(cols: side, rows: side, progress: progress)
        }
        lap("plan: streets, pipes, defects, capacity")
        stats.cols = plan.layout.grid.cols
        stats.rows = plan.layout.grid.rows
        stats.slotCapacity = plan.totalCapacity
        let grid = plan.layout.grid
        stats.extent = Envelope(minX: grid.xs[0], minY: grid.ys[0], maxX: grid.xs[grid.cols], maxY: grid.ys[grid.rows])

        // Infrastructure layers first, then the network is released before the buildings.
        let crs = try CoordinateReferenceSystem(epsg: CityGenerator.crsCode)
        stats.roadKm = (0 ..< plan.layout.street.edgeCount).reduce(0) { $0 + plan.layout.street.length($1) } / 1000
        try emit(LayerTables.roads(plan.layout.street, crs: crs), write, &stats)
        lap("write roads")
        let pipeIds = LayerTables.ids("P", plan.net.pipeCount)
        stats.pipeKm = (0 ..< plan.net.pipeCount).reduce(0) { $0 + plan.net.length($1) } / 1000
        do {
            // Each table is built, the arrays it came from released, then written and released.
            let pipes = LayerTables.pipes(plan.net, ids: pipeIds, crs: crs)
            plan.net.releasePipes()
            try emit(pipes, write, &stats)
        }
        lap("write pipes")
        do {
            let nodes = LayerTables.pipeNodes(plan.net, crs: crs)
            plan.net = PipeNetwork()
            try emit(nodes, write, &stats)
        }
        lap("write pipe_nodes")
        try emit(LayerTables.facilities(plan.layout.facilities, categories: categories, crs: crs), write, &stats)
        try emit(LayerTables.areas(plan.layout, crs: crs), write, &stats)
        try emit(LayerTables.waterlogging(plan.layout, crs: crs), write, &stats)
        lap("write facilities, areas, waterlogging")

        let (buildings, blank, residential) = makeBuildings(plan, crs: crs, progress: progress)
        stats.residentialShare = Double(residential) / Double(n)
        lap("buildings (second pass over blocks)")
        try emit(buildings, write, &stats)
        lap("write buildings")

        var truth = GenerationTruth(seed: options.seed, buildings: n, crs: "EPSG:\(CityGenerator.crsCode)",
                                    servedWithinM: options.servedWithin, unservedBeyondM: options.unservedBeyond,
                                    defects: [], blankAreas: blank)
        truth.defects = plan.defects.map { d in
            GenerationTruth.Defect(type: d.type.rawValue, pipeIds: d.pipes.map { pipeIds[$0] }, x: d.x, y: d.y, value: d.value,
                                   fields: d.fields.isEmpty ? nil : d.fields)
        }
        stats.defects = DefectType.allCases.map { t in (t.rawValue, plan.defects.filter { $0.type == t }.count) }
        stats.blankAreas = blank.count
        stats.unservedBuildings = blank.reduce(0) { $0 + $1.buildingIds.count }
        return (truth, stats)
    }

    private func emit(_ table: FeatureTable, _ write: (FeatureTable) throws -> Void, _ stats: inout GenerationStats) throws {
        try write(table)
        stats.layers.append((table.name, table.count))
    }

    /// The plan for a grid of `cols × rows` blocks.
    func makePlan(cols: Int, rows: Int, progress: ((String, Int, Int?) -> Void)?) -> Plan {
        let seed = options.seed
        let layout = CityLayout(seed: seed, buildings: options.buildings, cols: cols, rows: rows, categories: categories)
        let street = layout.street, grid = layout.grid
        let m = layout.defectUnits

        // Which network each street edge carries.
        var sewerEdges: [Int32] = [], stormEdges: [Int32] = [], combinedEdges: [Int32] = []
        var orphanLanes: [Int: (lane: Int, arms: [Int])] = [:]
        for e in 0 ..< street.edgeCount where street.carriesPipes(e) {
            let origin = street.edgeOrigin[e]
            let block = Int(street.edgeBlock[e])
            let region: Int? = origin == .grid ? layout.region(ofGridEdge: Int(street.edgeGrid[e]))
                : (layout.regionOf[block] >= 0 ? Int(layout.regionOf[block]) : nil)
            if let region, layout.regions[region].kind == .combined { combinedEdges.append(Int32(e)); continue }
            // Storm drains run under public streets only (estate lanes drain to them privately).
            if origin != .lane && origin != .spur { stormEdges.append(Int32(e)) }
            if (origin == .lane || origin == .spur), layout.plans[block].orphan {
                var entry = orphanLanes[block] ?? (lane: -1, arms: [])
                if origin == .lane { entry.lane = e } else { entry.arms.append(e) }
                orphanLanes[block] = entry
                continue
            }
            if let region, layout.regions[region].isBlank { continue }
            sewerEdges.append(Int32(e))
        }
        func used(_ edges: [Int32]) -> [Bool] {
            var flags = [Bool](repeating: false, count: street.nodeCount)
            for e in edges { flags[Int(street.edgeA[Int(e)])] = true; flags[Int(street.edgeB[Int(e)])] = true }
            return flags
        }
        let sewerNodes = used(sewerEdges), stormNodes = used(stormEdges)

        // Treatment plants every ~3.5 km where the ground is lowest (it rises along the streets away from
        // them, so trunk sewers stay shallow); storm outfalls at the lowest junction of every 1.2 km cell,
        // so that storm drains mostly fall with the ground too.
        var outletRng = SeededRandom(seed: seed, stream: .outlets)
        var plants: [Int] = []
        for p in layout.latticePoints(spacing: 3500, probability: 1, rng: &outletRng) {
            let node = grid.nearestNode(p.x, p.y)
            if sewerNodes[node], !plants.contains(node) { plants.append(node) }
        }
        if plants.isEmpty {
            let centre = grid.point(grid.node(grid.cols / 2, grid.rows / 2))
            if let node = (0 ..< grid.nodeCount).filter({ sewerNodes[$0] }).min(by: { grid.point($0).distance(to: centre) < grid.point($1).distance(to: centre) }) {
                plants = [node]
            }
        }
        if plants.isEmpty, let node = (0 ..< grid.nodeCount).first(where: { stormNodes[$0] }) { plants = [node] }
        let ground = GroundField(street: street, sources: plants, seed: seed)
        let cell = 1200.0
        let cellCols = Int(((grid.xs[grid.cols] - grid.xs[0]) / cell).rounded(.up)) + 1
        var lowest: [Int: Int] = [:]
        for node in 0 ..< grid.nodeCount where stormNodes[node] {
            let key = Int((grid.px[node] - grid.xs[0]) / cell) + cellCols * Int((grid.py[node] - grid.ys[0]) / cell)
            if let best = lowest[key], (ground.distance[best], best) <= (ground.distance[node], node) { continue }
            lowest[key] = node
        }
        let outfalls = lowest.keys.sorted().map { lowest[$0]! }

        // Over-long pipe sites: whole long street edges in quiet places.
        var longEdges: [Int32] = []
        for e in 0 ..< street.edgeCount where street.edgeOrigin[e] == .grid && layout.edgeReserved[Int(street.edgeGrid[e])] && street.length(e) > 205 {
            let (a, b) = grid.edgeBlocks(Int(street.edgeGrid[e]))
            if [a, b].allSatisfy({ $0 < 0 || (layout.regionDistance[$0] >= 2 && !layout.plans[$0].orphan) }) { longEdges.append(Int32(e)) }
        }
        var defectRng = SeededRandom(seed: seed, stream: .defects, index: 1)
        defectRng.shuffle(&longEdges)

        progress?("planning pipes", 0, nil)
        var net = PipeNetwork()
        var pieces = 0
        for list in [sewerEdges, stormEdges, combinedEdges] {
            for e in list { pieces += Int((street.length(Int(e)) / SystemBuilder.maxPiece).rounded(.up)) + 1 }
        }
        net.reserve(pipes: pieces + 20 * m + 64, nodes: pieces + 20 * m + 64)
        let sewerLong = SystemBuilder(kind: .sewer, outletKind: .plant, street: street, ground: ground, edges: sewerEdges, avoid: nil,
                                      outletCandidates: plants, overlongCandidates: longEdges, overlongQuota: (m + 1) / 2,
                                      offset: P(0, 0), seed: seed, stream: .sewer).build(into: &net)
        let sewerSet = Set(sewerLong.map { net.streetEdge[$0] })
        _ = SystemBuilder(kind: .combined, outletKind: .plant, street: street, ground: ground, edges: combinedEdges, avoid: sewerNodes,
                          outletCandidates: [], overlongCandidates: [], overlongQuota: 0,
                          offset: P(0, 0), seed: seed, stream: .combined).build(into: &net)
        let stormLong = SystemBuilder(kind: .storm, outletKind: .outfall, street: street, ground: ground, edges: stormEdges, avoid: nil,
                                      outletCandidates: outfalls, overlongCandidates: longEdges.filter { !sewerSet.contains($0) },
                                      overlongQuota: m - sewerLong.count,
                                      offset: DefectPlanter.stormOffset, seed: seed, stream: .storm).build(into: &net)
        var orphans: [[Int]] = []
        for block in orphanLanes.keys.sorted() {
            let entry = orphanLanes[block]!
            guard entry.lane >= 0 else { continue }
            orphans.append(buildOrphan(lane: entry.lane, arms: entry.arms.sorted(), street: street, ground: ground, into: &net))
        }
        var planter = DefectPlanter(layout: layout, net: net)
        planter.plant(units: m, overlong: sewerLong + stormLong, orphans: orphans)
        net = planter.net

        // Sewer and combined lines for the service distance of buildings.
        var ax: [Double] = [], ay: [Double] = [], bx: [Double] = [], by: [Double] = [], orphan: [Bool] = []
        for p in 0 ..< net.pipeCount where net.kind[p] != .storm {
            ax.append(net.sx[p]); ay.append(net.sy[p]); bx.append(net.ex[p]); by.append(net.ey[p]); orphan.append(net.role[p] == .orphan)
        }
        let sewers = SewerIndex(ax: ax, ay: ay, bx: bx, by: by, orphan: orphan)

        // Capacity: accepted building slots per block.
        let placer = BuildingPlacer(layout: layout, sewers: sewers, servedWithin: options.servedWithin, unservedBeyond: options.unservedBeyond)
        var capacity = [Int32](repeating: 0, count: grid.blockCount)
        var total = 0
        for b in 0 ..< grid.blockCount {
            let c = placer.forEachSlot(b) { _, _ in }
            capacity[b] = Int32(c)
            total += c
            if b % 512 == 0 { progress?("capacity (blocks)", b, grid.blockCount) }
        }
        return Plan(layout: layout, net: net, defects: planter.defects, sewers: sewers, capacity: capacity, totalCapacity: total)
    }

    /// The buildings layer: block quotas proportional to capacity (largest remainders), slots chosen at
    /// random in each block, attributes by block type. Returns the table, the truth's blank areas and the
    /// number of residential buildings.
    func makeBuildings(_ plan: Plan, crs: CoordinateReferenceSystem, progress: ((String, Int, Int?) -> Void)?)
        -> (FeatureTable, [GenerationTruth.BlankArea], Int) {
        let layout = plan.layout, grid = layout.grid
        let n = options.buildings
        // Quotas.
        var quota = [Int](repeating: 0, count: grid.blockCount)
        var fractions: [(Double, Int)] = []
        var assigned = 0
        for b in 0 ..< grid.blockCount where plan.capacity[b] > 0 {
            let exact = Double(n) * Double(plan.capacity[b]) / Double(plan.totalCapacity)
            quota[b] = Int(exact)
            assigned += quota[b]
            fractions.append((exact - Double(quota[b]), b))
        }
        fractions.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
        var k = 0
        while assigned < n {
            let b = fractions[k % fractions.count].1
            if quota[b] < Int(plan.capacity[b]) { quota[b] += 1; assigned += 1 }
            k += 1
        }

        let placer = BuildingPlacer(layout: layout, sewers: plan.sewers, servedWithin: options.servedWithin, unservedBeyond: options.unservedBeyond)
        var column = GeometryColumn()
        column.reserve(features: n, coordinates: n * 6)
        var ids: [String?] = [], floors: [Int64?] = [], heights: [Double?] = [], uses: [String?] = [], years: [Int64?] = []
        ids.reserveCapacity(n); floors.reserveCapacity(n); heights.reserveCapacity(n); uses.reserveCapacity(n); years.reserveCapacity(n)
        let width = max(7, String(n).count)
        var blankIds = [[String]](repeating: [], count: layout.regions.count)
        var blankDistances = [[Double]](repeating: [], count: layout.regions.count)
        var residential = 0
        var slots: [([Double], Bool)] = []
        for b in 0 ..< grid.blockCount where quota[b] > 0 {
            slots.removeAll(keepingCapacity: true)
            placer.forEachSlot(b) { ring, unserved in slots.append((ring, unserved)) }
            precondition(slots.count == Int(plan.capacity[b]), "block \(b): the writing pass found \(slots.count) slots, the capacity pass \(plan.capacity[b])")
            var order = Array(0 ..< slots.count)
            var select = SeededRandom(seed: options.seed, stream: .blockSelect, index: b)
            select.shuffle(&order)
            let chosen = order.prefix(quota[b]).sorted()
            var attributes = SeededRandom(seed: options.seed, stream: .blockAttributes, index: b)
            for s in chosen {
                let (ring, unserved) = slots[s]
                let a = BuildingPlacer.attributes(type: layout.plans[b].type, rng: &attributes)
                let id = paddedId("B", ids.count + 1, width: width)
                column.beginFeature(.multiPolygon)
                ring.withUnsafeBufferPointer { column.addRing(interleaved: $0) }
                column.endPart()
                column.endFeature()
                ids.append(id); floors.append(a.floors); heights.append(a.height); uses.append(a.use); years.append(a.year)
                if a.use == "residential" { residential += 1 }
                if unserved {
                    let r = Int(layout.regionOf[b])
                    blankIds[r].append(id)
                    blankDistances[r].append(plan.sewers.distance(footprint: column, feature: column.count - 1, includeOrphans: true))
                }
            }
            if b % 256 == 0 { progress?("buildings (blocks)", b, grid.blockCount) }
        }
        var blank: [GenerationTruth.BlankArea] = []
        for (r, region) in layout.regions.enumerated() where region.isBlank {
            let ring = grid.ring(i0: region.i0, j0: region.j0, i1: region.i1, j1: region.j1)
            var coords: [String] = []
            var i = 0
            while i < ring.count { coords.append("\(formatNumber(ring[i], digits: 2)) \(formatNumber(ring[i + 1], digits: 2))"); i += 2 }
            blank.append(GenerationTruth.BlankArea(id: "blank-\(blank.count + 1)", kind: region.kind.rawValue,
                                                   polygonWkt: "POLYGON ((\(coords.joined(separator: ", "))))",
                                                   buildingIds: blankIds[r], distancesM: blankDistances[r].map { ($0 * 100).rounded() / 100 }))
        }
        let table = FeatureTable(name: "buildings", geometryType: .multiPolygon, geometries: column, columns: [
            AttributeColumn("id", .text(ids)), AttributeColumn("floors", .integer(floors)), AttributeColumn("height", .real(heights)),
            AttributeColumn("use", .text(uses)), AttributeColumn("year", .integer(years)),
        ], crs: crs)
        return (table, blank, residential)
    }
}
