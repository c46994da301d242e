import Foundation

/// Road classes of the generated city (OSM highway values), with the carriageway half-width that keeps
/// buildings off the road and whether pedestrians may walk along them.
enum RoadClass: UInt8, Sendable {
    case motorway, primary, secondary, residential, service, footway

    var name: String {
        switch self {
        case .motorway: return "motorway"
        case .primary: return "primary"
        case .secondary: return "secondary"
        case .residential: return "residential"
        case .service: return "service"
        case .footway: return "footway"
        }
    }

    /// Half the width of the road's corridor (centre line to kerb), metres.
    var halfWidth: Double {
        switch self {
        case .motorway: return 18
        case .primary: return 14
        case .secondary: return 10
        case .residential: return 7
        case .service: return 3
        case .footway: return 2
        }
    }

    var walkable: Bool { self != .motorway }
    /// Main streets carry bus routes.
    var isMain: Bool { self == .primary || self == .secondary }
}

/// The perturbed street grid: `cols × rows` blocks between `(cols+1) × (rows+1)` junctions.
///
/// Node `(i, j)` (column line `i`, row line `j`) has index `j * (cols+1) + i`. Horizontal grid edge `(i, j)`
/// joins nodes `(i, j)` and `(i+1, j)`, index `j * cols + i`; vertical grid edge `(i, j)` joins `(i, j)` and
/// `(i, j+1)`, index `horizontalCount + i * rows + j`. Block `(i, j)` has index `j * cols + i` and corners
/// `(i, j), (i+1, j), (i+1, j+1), (i, j+1)` counter-clockwise; its sides 0…3 are bottom, right, top, left.
struct CityGrid: Sendable {
    let cols: Int
    let rows: Int
    /// Unperturbed positions of the column lines (count cols+1) and row lines (count rows+1).
    var xs: [Double]
    var ys: [Double]
    /// Junction positions (perturbed).
    var px: [Double]
    var py: [Double]
    /// Class of each column line and each row line.
    var columnClass: [RoadClass]
    var rowClass: [RoadClass]

    var nodeCount: Int { (cols + 1) * (rows + 1) }
    var blockCount: Int { cols * rows }
    var horizontalCount: Int { cols * (rows + 1) }
    var edgeCount: Int { horizontalCount + (cols + 1) * rows }

    @inline(__always) func node(_ i: Int, _ j: Int) -> Int { j * (cols + 1) + i }
    @inline(__always) func point(_ n: Int) -> P { P(px[n], py[n]) }
    @inline(__always) func block(_ i: Int, _ j: Int) -> Int { j * cols + i }
    @inline(__always) func blockIJ(_ b: Int) -> (i: Int, j: Int) { (b % cols, b / cols) }
    @inline(__always) func horizontalEdge(_ i: Int, _ j: Int) -> Int { j * cols + i }
    @inline(__always) func verticalEdge(_ i: Int, _ j: Int) -> Int { horizontalCount + i * rows + j }

    /// The two junctions of grid edge `e` (left→right or bottom→top).
    func edgeNodes(_ e: Int) -> (Int, Int) {
        if e < horizontalCount {
            let i = e % cols, j = e / cols
            return (node(i, j), node(i + 1, j))
        }
        let k = e - horizontalCount, i = k / rows, j = k % rows
        return (node(i, j), node(i, j + 1))
    }

    func isHorizontal(_ e: Int) -> Bool { e < horizontalCount }

    /// The class of grid edge `e` (its line's class).
    func edgeClass(_ e: Int) -> RoadClass {
        if e < horizontalCount { return rowClass[e / cols] }
        return columnClass[(e - horizontalCount) / rows]
    }

    /// The blocks on either side of grid edge `e` (−1 outside the city).
    func edgeBlocks(_ e: Int) -> (Int, Int) {
        if e < horizontalCount {
            let i = e % cols, j = e / cols
            return (j > 0 ? block(i, j - 1) : -1, j < rows ? block(i, j) : -1)
        }
        let k = e - horizontalCount, i = k / rows, j = k % rows
        return (i > 0 ? block(i - 1, j) : -1, i < cols ? block(i, j) : -1)
    }

    /// The grid edge of side `s` (0 bottom, 1 right, 2 top, 3 left) of block `b`.
    func sideEdge(_ b: Int, _ s: Int) -> Int {
        let (i, j) = blockIJ(b)
        switch s & 3 {
        case 0: return horizontalEdge(i, j)
        case 1: return verticalEdge(i + 1, j)
        case 2: return horizontalEdge(i, j + 1)
        default: return verticalEdge(i, j)
        }
    }

    /// The corner junctions of block `b`, counter-clockwise from the bottom-left.
    func corners(_ b: Int) -> [Int] {
        let (i, j) = blockIJ(b)
        return [node(i, j), node(i + 1, j), node(i + 1, j + 1), node(i, j + 1)]
    }

    /// The block whose unperturbed cell holds (x, y), nil outside the grid.
    func blockAt(_ x: Double, _ y: Double) -> Int? {
        guard x >= xs[0], x < xs[cols], y >= ys[0], y < ys[rows] else { return nil }
        let i = upperIndex(xs, x) - 1, j = upperIndex(ys, y) - 1
        return block(min(max(i, 0), cols - 1), min(max(j, 0), rows - 1))
    }

    /// The junction nearest (x, y) by the unperturbed lines.
    func nearestNode(_ x: Double, _ y: Double) -> Int {
        func nearest(_ a: [Double], _ v: Double) -> Int {
            let k = upperIndex(a, v)
            if k <= 0 { return 0 }
            if k >= a.count { return a.count - 1 }
            return v - a[k - 1] <= a[k] - v ? k - 1 : k
        }
        return node(nearest(xs, x), nearest(ys, y))
    }

    /// Chebyshev distance between two blocks in grid steps.
    func blockDistance(_ a: Int, _ b: Int) -> Int {
        let (ia, ja) = blockIJ(a), (ib, jb) = blockIJ(b)
        return max(abs(ia - ib), abs(ja - jb))
    }

    /// The closed ring of grid junctions around blocks `i0..<i1 × j0..<j1` (counter-clockwise, interleaved).
    func ring(i0: Int, j0: Int, i1: Int, j1: Int) -> [Double] {
        var nodes: [Int] = []
        for i in i0 ..< i1 { nodes.append(node(i, j0)) }
        for j in j0 ..< j1 { nodes.append(node(i1, j)) }
        for i in stride(from: i1, to: i0, by: -1) { nodes.append(node(i, j1)) }
        for j in stride(from: j1, to: j0, by: -1) { nodes.append(node(i0, j)) }
        nodes.append(nodes[0])
        var ring: [Double] = []
        ring.reserveCapacity(nodes.count * 2)
        for n in nodes { ring.append(px[n]); ring.append(py[n]) }
        return ring
    }
}

/// Index of the first element greater than `v` in a sorted array.
func upperIndex(_ a: [Double], _ v: Double) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) / 2
        if a[mid] <= v { lo = mid + 1 } else { hi = mid }
    }
    return lo
}

/// Where a street edge comes from.
enum StreetOrigin: UInt8, Sendable {
    case grid, diagonal, lane, spur, footway, stub
}

/// The street network as a graph: one vertex per junction or road end, one edge per straight road piece
/// between junctions (roads are split at every intersection, so ways that meet share a vertex).
struct StreetGraph: Sendable {
    var nx: [Double] = []
    var ny: [Double] = []
    var edgeA: [Int32] = []
    var edgeB: [Int32] = []
    var edgeClass: [RoadClass] = []
    var edgeOrigin: [StreetOrigin] = []
    /// The grid edge a grid piece lies on, else −1.
    var edgeGrid: [Int32] = []
    /// The block a diagonal, lane, spur or footway lies in, else −1.
    var edgeBlock: [Int32] = []

    var nodeCount: Int { nx.count }
    var edgeCount: Int { edgeA.count }

    @inline(__always) func point(_ n: Int) -> P { P(nx[n], ny[n]) }

    mutating func addNode(_ p: P) -> Int {
        nx.append(p.x); ny.append(p.y)
        return nx.count - 1
    }

    mutating func addEdge(_ a: Int, _ b: Int, _ cls: RoadClass, _ origin: StreetOrigin, grid: Int = -1, block: Int = -1) {
        edgeA.append(Int32(a)); edgeB.append(Int32(b))
        edgeClass.append(cls); edgeOrigin.append(origin)
        edgeGrid.append(Int32(grid)); edgeBlock.append(Int32(block))
    }

    func length(_ e: Int) -> Double { point(Int(edgeA[e])).distance(to: point(Int(edgeB[e]))) }

    /// Edges carrying pipes: every road piece except footways and the stubs beyond the city edge.
    func carriesPipes(_ e: Int) -> Bool {
        edgeOrigin[e] != .footway && edgeOrigin[e] != .stub
    }
}
