import Foundation

/// A group of blocks treated alike: the old town with combined sewers, or a drainage blank area.
struct Region: Sendable {
    enum Kind: String, Sendable {
        case combined
        case districtCorner = "district_corner"
        case blockGroup = "block_group"
    }
    var kind: Kind
    /// Blocks `i0..<i1 × j0..<j1`.
    var i0: Int, j0: Int, i1: Int, j1: Int

    var isBlank: Bool { kind != .combined }
    func contains(_ i: Int, _ j: Int) -> Bool { i >= i0 && i < i1 && j >= j0 && j < j1 }
    /// Chebyshev distance in blocks from block (i, j) to the region (0 inside).
    func distance(_ i: Int, _ j: Int) -> Int {
        let di = i < i0 ? i0 - i : (i >= i1 ? i - i1 + 1 : 0)
        let dj = j < j0 ? j0 - j : (j >= j1 ? j - j1 + 1 : 0)
        return max(di, dj)
    }
}

/// Points where a grid edge is split (lane, through-lane and footway junctions, the ends of a cut street),
/// kept apart from each other and from the edge's ends.
struct SplitRegistry: Sendable {
    var perEdge: [[Int32]]
    var entryEdge: [Int32] = []
    var entryT: [Double] = []
    var entryNode: [Int32] = []

    init(edges: Int) { perEdge = [[Int32]](repeating: [], count: edges) }

    /// Registers a split of grid edge `edge` (length `length`) at `t` metres from its first node; nil when
    /// it is closer than `minEnd` to an end or `minGap` to another split.
    mutating func add(edge: Int, t: Double, length: Double, minEnd: Double = 25, minGap: Double = 20) -> Int? {
        guard t >= minEnd, t <= length - minEnd else { return nil }
        for k in perEdge[edge] where abs(entryT[Int(k)] - t) < minGap { return nil }
        return force(edge: edge, t: t)
    }

    mutating func force(edge: Int, t: Double) -> Int {
        let id = entryEdge.count
        entryEdge.append(Int32(edge)); entryT.append(t); entryNode.append(-1)
        perEdge[edge].append(Int32(id))
        return id
    }
}

/// The city plan decided before any building is placed: the grid and its road classes, diagonals, the
/// regions (old town, blank areas), block types, parks, sports grounds, lanes and facility sites, and the
/// street graph assembled from them. A pure function of (seed, buildings, grid size, categories).
struct CityLayout {
    let seed: UInt64
    let buildings: Int
    var grid: CityGrid
    var plans: [BlockPlan]
    var regions: [Region] = []
    /// Region index of each block, −1 outside every region.
    var regionOf: [Int16]
    /// Chebyshev distance (blocks) to the nearest region block, capped at 9.
    var regionDistance: [UInt8]
    var edgeCut: [Bool]
    var edgeReserved: [Bool]
    var registry: SplitRegistry
    var stubs: [(node: Int, end: P)] = []
    var motorwayRow: Int?
    /// Defects of each type to plant (proportional to the city, at least 2).
    let defectUnits: Int
    var facilities = FacilitySites()
    var street = StreetGraph()

    static let centre = P(500_000, 3_290_000)

    init(seed: UInt64, buildings: Int, cols: Int, rows: Int, categories: [FacilityCategory]) {
        self.seed = seed
        self.buildings = buildings
        self.defectUnits = max(2, buildings / 20_000)
        grid = CityLayout.makeGrid(seed: seed, cols: cols, rows: rows)
        plans = [BlockPlan](repeating: BlockPlan(), count: cols * rows)
        regionOf = [Int16](repeating: -1, count: cols * rows)
        regionDistance = [UInt8](repeating: 9, count: cols * rows)
        edgeCut = [Bool](repeating: false, count: grid.edgeCount)
        edgeReserved = [Bool](repeating: false, count: grid.edgeCount)
        registry = SplitRegistry(edges: grid.edgeCount)

        assignLineClasses()
        placeDiagonals()
        placeRegions()
        assignBlockTypes()
        reserveLongEdges()
        cutStreets()
        placeParkBlocks(categories: categories)
        chooseAttachSides()
        reserveFacilityGrounds(categories: categories)
        placeLanes()
        placeFootways()
        placeFacilityPoints(categories: categories)
        placeStubs()
        assembleStreetGraph()
    }

    // MARK: grid

    static func makeGrid(seed: UInt64, cols: Int, rows: Int) -> CityGrid {
        var rng = SeededRandom(seed: seed, stream: .grid)
        func sizes(_ n: Int) -> [Double] {
            // A few wide columns (≥ 208 m between junctions) always exist: the over-long pipes need them.
            let forced: Set<Int> = [n / 3, (2 * n) / 3]
            return (0 ..< n).map { k in
                if forced.contains(k) || rng.chance(0.06) { return rng.uniform(222, 236) }
                if rng.chance(0.15) { return rng.uniform(94, 105) }
                return rng.uniform(105, 185)
            }
        }
        let widths = sizes(cols), heights = sizes(rows)
        var xs = [0.0], ys = [0.0]
        for w in widths { xs.append(xs.last! + w) }
        for h in heights { ys.append(ys.last! + h) }
        let x0 = centre.x - xs.last! / 2, y0 = centre.y - ys.last! / 2
        xs = xs.map { ($0 + x0).rounded() }
        ys = ys.map { ($0 + y0).rounded() }
        var px: [Double] = [], py: [Double] = []
        px.reserveCapacity((cols + 1) * (rows + 1)); py.reserveCapacity((cols + 1) * (rows + 1))
        for j in 0 ... rows {
            for i in 0 ... cols {
                // Jitter in whole decimetres keeps coordinates short in the file.
                px.append(xs[i] + (rng.uniform(-7, 7) * 10).rounded() / 10)
                py.append(ys[j] + (rng.uniform(-7, 7) * 10).rounded() / 10)
            }
        }
        return CityGrid(cols: cols, rows: rows, xs: xs, ys: ys, px: px, py: py,
                        columnClass: [RoadClass](repeating: .residential, count: cols + 1),
                        rowClass: [RoadClass](repeating: .residential, count: rows + 1))
    }

    mutating func assignLineClasses() {
        var rng = SeededRandom(seed: seed, stream: .lines)
        func classes(_ n: Int) -> [RoadClass] {
            let phase = rng.int(0 ..< 5)
            return (0 ... n).map { k in
                let m = ((k - phase) % 5 + 5) % 5
                if m == 0 { return .primary }
                if m == 3 || k == 0 || k == n { return .secondary }
                return .residential
            }
        }
        grid.columnClass = classes(grid.cols)
        grid.rowClass = classes(grid.rows)
        if grid.rows >= 10 {
            let j = max(2, Int(Double(grid.rows) * 0.3))
            grid.rowClass[j] = .motorway
            motorwayRow = j
        }
    }

    /// NW–SE diagonal avenues: block (i, j) with i + j = k gets the diagonal from its top-left to its
    /// bottom-right corner, so consecutive blocks share the corner junction.
    mutating func placeDiagonals() {
        var rng = SeededRandom(seed: seed, stream: .diagonals)
        let cols = grid.cols, rows = grid.rows
        let count = max(1, (cols + rows) / 80)
        let middle = (cols + rows - 2) / 2
        let spacing = max(8, (cols + rows) / (count + 1) / 2)
        for m in 0 ..< count {
            let k = middle + (m - (count - 1) / 2) * spacing + rng.int(-2 ... 2)
            for i in 0 ..< cols {
                let j = k - i
                if j >= 0 && j < rows { plans[grid.block(i, j)].diagonal = true }
            }
        }
    }

    // MARK: regions

    mutating func placeRegions() {
        var rng = SeededRandom(seed: seed, stream: .regions)
        let cols = grid.cols, rows = grid.rows
        let minSide = min(cols, rows)

        func free(_ r: Region, gap: Int) -> Bool {
            guard r.i0 >= 0, r.j0 >= 0, r.i1 <= cols, r.j1 <= rows else { return false }
            for other in regions {
                // Blocks of the two regions at least `gap + 1` apart.
                let di = max(other.i0 - r.i1 + 1, r.i0 - other.i1 + 1, 0)
                let dj = max(other.j0 - r.j1 + 1, r.j0 - other.j1 + 1, 0)
                if max(di, dj) <= gap { return false }
            }
            return true
        }
        func hasDiagonal(_ r: Region) -> Bool {
            for j in r.j0 ..< r.j1 { for i in r.i0 ..< r.i1 where plans[grid.block(i, j)].diagonal { return true } }
            return false
        }

        // The old town: combined sewers, near the centre, no diagonal through it.
        let kc = max(2, min(12, minSide / 15))
        search: for radius in 0 ..< max(cols, rows) {
            for dj in -radius ... radius {
                for di in -radius ... radius where max(abs(di), abs(dj)) == radius {
                    let i0 = cols / 2 - kc / 2 + di, j0 = rows / 2 - kc / 2 + dj
                    let r = Region(kind: .combined, i0: i0, j0: j0, i1: i0 + kc, j1: j0 + kc)
                    if i0 >= 1, j0 >= 1, r.i1 <= cols - 1, r.j1 <= rows - 1, !hasDiagonal(r),
                       motorwayRow.map({ $0 < j0 || $0 > r.j1 }) ?? true {
                        regions.append(r)
                        break search
                    }
                }
            }
        }

        // A corner of the city with no sewer at all (urban fringe).
        let kb = max(2, minSide / 9)
        let corner = rng.int(0 ..< 4)
        let ci0 = corner & 1 == 0 ? 0 : cols - kb, cj0 = corner & 2 == 0 ? 0 : rows - kb
        let cornerRegion = Region(kind: .districtCorner, i0: ci0, j0: cj0, i1: ci0 + kb, j1: cj0 + kb)
        if free(cornerRegion, gap: 2) { regions.append(cornerRegion) }

        // Groups of blocks (urban villages) with no sewer.
        let groups = max(1, buildings / 100_000)
        let kg = minSide >= 14 ? 3 : 2
        var made = 0
        // Three blocks between regions where there is room, fewer in small cities.
        for gap in [3, 2, 1] where made < groups {
            var attempts = 0
            while made < groups && attempts < 400 {
                attempts += 1
                let i0 = rng.int(1 ... max(1, cols - kg - 1)), j0 = rng.int(1 ... max(1, rows - kg - 1))
                let r = Region(kind: .blockGroup, i0: i0, j0: j0, i1: i0 + kg, j1: j0 + kg)
                if r.i1 <= cols - 1, r.j1 <= rows - 1, free(r, gap: gap) { regions.append(r); made += 1 }
            }
        }

        for (index, r) in regions.enumerated() {
            for j in r.j0 ..< r.j1 { for i in r.i0 ..< r.i1 { regionOf[grid.block(i, j)] = Int16(index) } }
        }
        for b in 0 ..< grid.blockCount {
            let (i, j) = grid.blockIJ(b)
            var d = 9
            for r in regions { d = min(d, r.distance(i, j)) }
            regionDistance[b] = UInt8(d)
        }
    }

    /// The region a street edge belongs to: every block beside it (or the block it lies in) is in that region.
    func region(ofGridEdge e: Int) -> Int? {
        let (a, b) = grid.edgeBlocks(e)
        let ra = a >= 0 ? Int(regionOf[a]) : -2, rb = b >= 0 ? Int(regionOf[b]) : -2
        if ra >= 0 && (rb == ra || rb == -2) { return ra }
        if rb >= 0 && ra == -2 { return rb }
        return nil
    }

    // MARK: blocks

    mutating func assignBlockTypes() {
        var rng = SeededRandom(seed: seed, stream: .blockTypes)
        let cols = Double(grid.cols), rows = Double(grid.rows)
        for b in 0 ..< grid.blockCount {
            let (i, j) = grid.blockIJ(b)
            let r = max(abs(Double(i) + 0.5 - cols / 2) / (cols / 2), abs(Double(j) + 0.5 - rows / 2) / (rows / 2))
            // village, oldEstate, midRise, highRise, commercial, industrial, campus
            var weights: [Double]
            if r < 0.25 { weights = [0.10, 0.24, 0.15, 0.22, 0.20, 0.0, 0.09] }
            else if r < 0.6 { weights = [0.44, 0.13, 0.14, 0.16, 0.06, 0.03, 0.04] }
            else { weights = [0.60, 0.06, 0.09, 0.09, 0.03, 0.09, 0.04] }
            if regionOf[b] >= 0 {
                switch regions[Int(regionOf[b])].kind {
                case .combined: weights = [0.4, 0.5, 0.0, 0.0, 0.1, 0.0, 0.0]
                case .districtCorner: weights = [0.75, 0.0, 0.0, 0.0, 0.0, 0.25, 0.0]
                case .blockGroup: weights = [1, 0, 0, 0, 0, 0, 0]
                }
            }
            plans[b].type = BlockType(rawValue: UInt8(rng.weighted(weights)))!
        }
    }

    /// Long grid edges (≥ 208 m) kept free of lanes: the sites of over-long pipes.
    mutating func reserveLongEdges() {
        for e in 0 ..< grid.edgeCount where grid.edgeClass(e) != .motorway {
            let (a, b) = grid.edgeNodes(e)
            guard grid.point(a).distance(to: grid.point(b)) >= 208, region(ofGridEdge: e) == nil else { continue }
            let (ba, bb) = grid.edgeBlocks(e)
            if (ba >= 0 && regionDistance[ba] < 2) || (bb >= 0 && regionDistance[bb] < 2) { continue }
            edgeReserved[e] = true
        }
    }

    /// A few residential streets are interrupted in the middle (two dead ends facing each other).
    mutating func cutStreets() {
        var rng = SeededRandom(seed: seed, stream: .cuts)
        var candidates: [Int] = []
        for e in 0 ..< grid.edgeCount where grid.edgeClass(e) == .residential && !edgeReserved[e] {
            let (a, b) = grid.edgeBlocks(e)
            if a >= 0, b >= 0, regionOf[a] < 0, regionOf[b] < 0 { candidates.append(e) }
        }
        rng.shuffle(&candidates)
        for e in candidates.prefix(max(1, candidates.count / 200)) {
            let (a, b) = grid.edgeNodes(e)
            let length = grid.point(a).distance(to: grid.point(b))
            let gap = rng.uniform(22, 30)
            _ = registry.force(edge: e, t: length / 2 - gap / 2)
            _ = registry.force(edge: e, t: length / 2 + gap / 2)
            edgeCut[e] = true
        }
    }

    mutating func chooseAttachSides() {
        var rng = SeededRandom(seed: seed, stream: .lanes)
        for b in 0 ..< grid.blockCount {
            var allowed: [Int] = []
            let inCombined = regionOf[b] >= 0 && regions[Int(regionOf[b])].kind == .combined
            for s in 0 ..< 4 {
                let e = grid.sideEdge(b, s)
                if edgeCut[e] || edgeReserved[e] || grid.edgeClass(e) == .motorway { continue }
                if inCombined && region(ofGridEdge: e) != Int(regionOf[b]) { continue }
                allowed.append(s)
            }
            if allowed.isEmpty {
                plans[b].attachSide = rng.int(0 ..< 4)
            } else {
                plans[b].attachSide = allowed[rng.int(0 ..< allowed.count)]
                plans[b].lanesAllowed = !plans[b].diagonal && plans[b].type != .park
            }
        }
    }

    /// Block `b`'s frame (side 0 = its attach side), inset by each road's half-width plus `setback`.
    func frame(_ b: Int, setback: Double = buildingSetback) -> BlockFrame? {
        let s = plans[b].attachSide
        let cs = grid.corners(b)
        let corners = (0 ..< 4).map { grid.point(cs[($0 + s) & 3]) }
        let insets = (0 ..< 4).map { k in grid.edgeClass(grid.sideEdge(b, (k + s) & 3)).halfWidth + setback }
        return BlockFrame(corners: corners, insets: insets)
    }

    func edgeLength(_ e: Int) -> Double {
        let (a, b) = grid.edgeNodes(e)
        return grid.point(a).distance(to: grid.point(b))
    }

    /// Parameter (metres from the edge's first node) of point `p` along grid edge `e`, and the edge length.
    func edgeParameter(_ e: Int, _ p: P) -> (t: Double, length: Double) {
        let (a, b) = grid.edgeNodes(e)
        let pa = grid.point(a), pb = grid.point(b)
        let length = pa.distance(to: pb)
        return ((p - pa).dot((pb - pa).unit), length)
    }

    // MARK: lanes

    mutating func placeLanes() {
        var rng = SeededRandom(seed: seed, stream: .lanes, index: 1)
        // Orphan blocks first: one T-headed lane each, far from every region, not on the city edge.
        var candidates: [Int] = []
        for b in 0 ..< grid.blockCount where plans[b].lanesAllowed && regionDistance[b] >= 3 {
            let (i, j) = grid.blockIJ(b)
            if i > 0, j > 0, i < grid.cols - 1, j < grid.rows - 1, plans[b].type != .industrial { candidates.append(b) }
        }
        rng.shuffle(&candidates)
        var orphans = 0
        for b in candidates where orphans < defectUnits {
            if makeLanes(b, orphan: true, rng: &rng) { plans[b].orphan = true; orphans += 1 }
        }
        for b in 0 ..< grid.blockCount where plans[b].lanesAllowed && !plans[b].orphan {
            var blockRng = SeededRandom(seed: seed, stream: .lanes, index: 2 + b)
            _ = makeLanes(b, orphan: false, rng: &blockRng)
        }
    }

    /// One lane at `u` in block `b`'s frame, registered on the street(s), or nil when it does not fit.
    mutating func makeLane(_ b: Int, _ f: BlockFrame, u: Double, through: Bool, orphan: Bool) -> Lane? {
        let side = plans[b].attachSide
        let edge = grid.sideEdge(b, side)
        guard let top = f.topV(u) else { return nil }
        var vEnd = max(top - 25, top * 0.6)
        let farSide = (side + 2) & 3
        let farEdge = grid.sideEdge(b, farSide)
        var far: P? = nil
        if through {
            guard !edgeCut[farEdge], !edgeReserved[farEdge], grid.edgeClass(farEdge) != .motorway else { return nil }
            let c3 = f.localCorner(3), c2 = f.localCorner(2)
            let t = (u - c3.x) / (c2.x - c3.x)
            far = f.world(u, c3.y + t * (c2.y - c3.y))
            vEnd = top
        }
        guard vEnd >= 25 else { return nil }
        // The corridor must stay inside the inset quad (its slanted sides) and clear of reservations.
        let reach = orphan ? teeArm + laneCorridor : laneCorridor
        let checkV = through ? top - laneCorridor : vEnd
        let checks = [P(u - reach, checkV), P(u + reach, checkV), P(u - laneCorridor, 0.5), P(u + laneCorridor, 0.5)]
        guard checks.allSatisfy({ f.inside($0, margin: -0.01) }) else { return nil }
        let corridor = LocalRect(u0: u - laneCorridor, v0: -1e9, u1: u + laneCorridor, v1: through ? 1e9 : vEnd + laneCorridor)
        let head = LocalRect(u0: u - teeArm - laneCorridor, v0: vEnd - laneCorridor, u1: u + teeArm + laneCorridor, v1: vEnd + laneCorridor)
        if plans[b].reserved.contains(where: { $0.overlaps(corridor) || (orphan && $0.overlaps(head)) }) { return nil }
        let junction = f.world(u, -f.d[0])
        let (t, length) = edgeParameter(edge, junction)
        // Lanes leave the street no closer than 25 m to a corner and 20 m to another junction.
        guard let entry = registry.add(edge: edge, t: t, length: length) else { return nil }
        var farEntry = -1
        if let far {
            let (tf, lf) = edgeParameter(farEdge, far)
            guard let e2 = registry.add(edge: farEdge, t: tf, length: lf) else {
                // Undo the first split (it was the last one added).
                registry.perEdge[edge].removeLast(); registry.entryEdge.removeLast(); registry.entryT.removeLast(); registry.entryNode.removeLast()
                return nil
            }
            farEntry = e2
        }
        let end = far ?? f.world(u, vEnd)
        let tips = orphan ? [f.world(u - teeArm, vEnd), f.world(u + teeArm, vEnd)] : []
        plans[b].reserved.append(corridor)
        if orphan { plans[b].reserved.append(head) }
        return Lane(u: u, vEnd: vEnd, through: through, tee: orphan, junctionEntry: entry, farEntry: farEntry,
                    junction: junction, end: end, tips: tips)
    }

    /// Lanes into block `b` from its attach side, spaced so that no building is far from a lane or a street.
    mutating func makeLanes(_ b: Int, orphan: Bool, rng: inout SeededRandom) -> Bool {
        guard let f = frame(b) else { return false }
        let width = f.ql[1].x
        guard let midDepth = f.topV(width / 2), midDepth >= (orphan ? 80 : 40) else { return false }
        let inCombined = regionOf[b] >= 0 && regions[Int(regionOf[b])].kind == .combined
        // Lanes so that every column of cells touches a lane or the block's side: two columns between lanes.
        let spacing = max(75, 2 * BuildingTemplate.of(plans[b].type).cellW.upperBound + 2 * laneCorridor + 6)
        let n = orphan ? 1 : max(1, Int((width + 10) / spacing))
        var made = 0
        for k in 0 ..< n {
            let centre = orphan ? width / 2 : width * (Double(k) + 0.5) / Double(n) + rng.uniform(-4, 4)
            let through = !orphan && !inCombined && rng.chance(0.25)
            // Try the planned position, then a little to either side (a lane of the block across the
            // street may already have a junction there).
            for shift in [0.0, 12, -12, 22, -22] {
                if let lane = makeLane(b, f, u: centre + shift, through: through, orphan: orphan) {
                    plans[b].lanes.append(lane)
                    made += 1
                    break
                }
            }
        }
        return made > 0
    }

    /// A footway across every park block, from the middle of its attach side to the middle of the far side.
    mutating func placeFootways() {
        for b in 0 ..< grid.blockCount where plans[b].type == .park && !plans[b].diagonal {
            let s = plans[b].attachSide
            let e0 = grid.sideEdge(b, s), e2 = grid.sideEdge(b, (s + 2) & 3)
            guard !edgeCut[e0], !edgeCut[e2], !edgeReserved[e0], !edgeReserved[e2] else { continue }
            let l0 = edgeLength(e0), l2 = edgeLength(e2)
            guard let a = registry.add(edge: e0, t: l0 / 2, length: l0) else { continue }
            guard let c = registry.add(edge: e2, t: l2 / 2, length: l2) else {
                registry.perEdge[e0].removeLast(); registry.entryEdge.removeLast(); registry.entryT.removeLast(); registry.entryNode.removeLast()
                continue
            }
            plans[b].footway = (a, c)
        }
    }

    /// Dead-end streets running out of the city from some edge junctions.
    mutating func placeStubs() {
        var rng = SeededRandom(seed: seed, stream: .stubs)
        let cols = grid.cols, rows = grid.rows
        func consider(_ i: Int, _ j: Int, _ dir: P) {
            if rng.chance(0.25) { stubs.append((grid.node(i, j), grid.point(grid.node(i, j)) + dir * rng.uniform(40, 120))) }
        }
        for i in 1 ..< cols { consider(i, 0, P(0, -1)); consider(i, rows, P(0, 1)) }
        for j in 1 ..< rows { consider(0, j, P(-1, 0)); consider(cols, j, P(1, 0)) }
    }

    // MARK: street graph

    /// Builds the street graph: grid edges split at every registered junction (the middle piece of a cut
    /// street left out), diagonals, lanes with their T heads, park footways and edge stubs.
    mutating func assembleStreetGraph() {
        var g = StreetGraph()
        let grid = self.grid
        g.nx = grid.px; g.ny = grid.py
        for e in 0 ..< grid.edgeCount {
            let (a, b) = grid.edgeNodes(e)
            let pa = grid.point(a), dir = (grid.point(b) - pa).unit
            let entries = registry.perEdge[e].map(Int.init).sorted { registry.entryT[$0] < registry.entryT[$1] }
            var chain = [a]
            for k in entries {
                let id = g.addNode(pa + dir * registry.entryT[k])
                registry.entryNode[k] = Int32(id)
                chain.append(id)
            }
            chain.append(b)
            let cls = grid.edgeClass(e)
            for k in 0 ..< chain.count - 1 {
                // A cut street has two splits; the piece between them is the gap.
                if edgeCut[e] && k == 1 { continue }
                g.addEdge(chain[k], chain[k + 1], cls, .grid, grid: e)
            }
        }
        for b in 0 ..< grid.blockCount {
            let (i, j) = grid.blockIJ(b)
            if plans[b].diagonal { g.addEdge(grid.node(i, j + 1), grid.node(i + 1, j), .primary, .diagonal, block: b) }
            for lane in plans[b].lanes {
                let start = Int(registry.entryNode[lane.junctionEntry])
                let end = lane.through ? Int(registry.entryNode[lane.farEntry]) : g.addNode(lane.end)
                g.addEdge(start, end, .service, .lane, block: b)
                for tip in lane.tips { g.addEdge(end, g.addNode(tip), .service, .spur, block: b) }
            }
            if let (a, c) = plans[b].footway {
                g.addEdge(Int(registry.entryNode[a]), Int(registry.entryNode[c]), .footway, .footway, block: b)
            }
        }
        for (node, end) in stubs { g.addEdge(node, g.addNode(end), .residential, .stub) }
        street = g
    }
}
