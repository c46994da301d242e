import CIMGeometry
import Foundation

/// How a block type builds: the cell each building sits in (u along the attach side, v into the block),
/// footprint sizes, L-shape share, floors, uses and years.
struct BuildingTemplate {
    var cellW: ClosedRange<Double>
    var cellD: ClosedRange<Double>
    var gap: Double
    /// Footprint depth (v) when fixed by the type (slabs), else a share of the cell.
    var depth: ClosedRange<Double>?
    var lShare: Double
    var floors: [(ClosedRange<Int>, Double)]
    var uses: [(String, Double)]
    var years: [(ClosedRange<Int>, Double)]

    static func of(_ type: BlockType) -> BuildingTemplate {
        switch type {
        case .village, .park:
            return BuildingTemplate(cellW: 13 ... 17, cellD: 14 ... 19, gap: 3, depth: nil, lShare: 0.1,
                                    floors: [(1 ... 1, 0.1), (2 ... 2, 0.24), (3 ... 3, 0.27), (4 ... 4, 0.2), (5 ... 5, 0.11), (6 ... 6, 0.08)],
                                    uses: [("residential", 0.70), ("mixed", 0.12), ("commercial", 0.09), ("unknown", 0.05), ("other", 0.02), ("public", 0.02)],
                                    years: [(1975 ... 1999, 0.6), (2000 ... 2015, 0.4)])
        case .oldEstate:
            return BuildingTemplate(cellW: 44 ... 62, cellD: 24 ... 30, gap: 6, depth: 10 ... 13, lShare: 0.05,
                                    floors: [(4 ... 4, 0.08), (5 ... 5, 0.3), (6 ... 6, 0.37), (7 ... 7, 0.2), (8 ... 8, 0.05)],
                                    uses: [("residential", 0.86), ("mixed", 0.05), ("public", 0.04), ("commercial", 0.03), ("unknown", 0.02)],
                                    years: [(1950 ... 1977, 0.06), (1978 ... 2000, 0.94)])
        case .midRise:
            return BuildingTemplate(cellW: 48 ... 66, cellD: 30 ... 38, gap: 6, depth: 12 ... 15, lShare: 0.1,
                                    floors: [(7 ... 12, 1)],
                                    uses: [("residential", 0.86), ("mixed", 0.06), ("commercial", 0.04), ("public", 0.02), ("unknown", 0.02)],
                                    years: [(1995 ... 2016, 1)])
        case .highRise:
            return BuildingTemplate(cellW: 36 ... 46, cellD: 44 ... 58, gap: 8, depth: 18 ... 28, lShare: 0.3,
                                    floors: [(18 ... 26, 0.55), (27 ... 33, 0.45)],
                                    uses: [("residential", 0.84), ("mixed", 0.08), ("commercial", 0.06), ("public", 0.02)],
                                    years: [(2003 ... 2025, 1)])
        case .commercial:
            return BuildingTemplate(cellW: 40 ... 60, cellD: 36 ... 54, gap: 8, depth: nil, lShare: 0.4,
                                    floors: [(2 ... 5, 0.4), (6 ... 15, 0.4), (16 ... 30, 0.2)],
                                    uses: [("commercial", 0.55), ("mixed", 0.28), ("public", 0.1), ("unknown", 0.04), ("residential", 0.03)],
                                    years: [(1985 ... 2025, 1)])
        case .industrial:
            return BuildingTemplate(cellW: 60 ... 90, cellD: 46 ... 70, gap: 10, depth: nil, lShare: 0.15,
                                    floors: [(1 ... 1, 0.5), (2 ... 2, 0.3), (3 ... 3, 0.15), (4 ... 4, 0.05)],
                                    uses: [("industrial", 0.85), ("unknown", 0.08), ("commercial", 0.05), ("other", 0.02)],
                                    years: [(1960 ... 2020, 1)])
        case .campus:
            return BuildingTemplate(cellW: 44 ... 66, cellD: 36 ... 54, gap: 8, depth: nil, lShare: 0.5,
                                    floors: [(2 ... 8, 1)],
                                    uses: [("public", 0.8), ("residential", 0.08), ("unknown", 0.07), ("other", 0.05)],
                                    years: [(1950 ... 2020, 1)])
        }
    }
}

/// One building's attributes.
struct BuildingAttributes {
    var floors: Int64?
    var height: Double?
    var use: String
    var year: Int64?
}

/// Lays out and fills the building slots of blocks. Every step draws from streams keyed by the block, so
/// the capacity pass and the writing pass see the same slots.
struct BuildingPlacer {
    let layout: CityLayout
    let sewers: SewerIndex
    let servedWithin: Double
    let unservedBeyond: Double

    /// Margin kept around the served/unserved limits so that a footprint is never ambiguous (m).
    static let margin = 0.25

    /// Calls `visit(ring, unserved)` for every accepted slot of block `b`, in order; returns the count.
    /// Clean blocks keep only footprints within `servedWithin` of a connected sewer; blank-area blocks keep
    /// those within `servedWithin` or beyond `unservedBeyond` of any sewer (the latter are unserved).
    @discardableResult
    func forEachSlot(_ b: Int, _ visit: ([Double], Bool) -> Void) -> Int {
        let plan = layout.plans[b]
        guard plan.type != .park, let f = layout.frame(b) else { return 0 }
        var rng = SeededRandom(seed: layout.seed, stream: .blockSlots, index: b)
        let tpl = BuildingTemplate.of(plan.type)
        let cw = rng.uniform(tpl.cellW.lowerBound, tpl.cellW.upperBound)
        let cd = rng.uniform(tpl.cellD.lowerBound, tpl.cellD.upperBound)
        let box = f.bounds
        let vStart = rng.uniform(0, cd * 0.3)
        // Columns of cells fill the strips between lane corridors (and the block's slanted sides): each
        // strip holds a whole number of cells, stretched or squeezed by up to a quarter of their width.
        var columns: [(u: Double, w: Double)] = []
        var edges = [max(f.ql[0].x, f.ql[3].x)]
        for lane in plan.lanes.sorted(by: { $0.u < $1.u }) { edges.append(lane.u - laneCorridor); edges.append(lane.u + laneCorridor) }
        edges.append(min(f.ql[1].x, f.ql[2].x))
        let stretch = rng.uniform(0.3, 0.7)
        for k in stride(from: 0, to: edges.count - 1, by: 2) {
            let a = edges[k], width = edges[k + 1] - a
            var count = max(1, Int((width / cw).rounded()))
            if width / Double(count) > cw * 1.25 { count += 1 }
            var w = width / Double(count)
            if w < cw * 0.75 { count -= 1; w = count > 0 ? width / Double(count) : 0 }
            guard count > 0, w >= cw * 0.75 else { continue }
            w = min(w, cw * 1.25)
            let start = a + (width - w * Double(count)) * stretch
            for c in 0 ..< count { columns.append((start + Double(c) * w, w)) }
        }
        let blank = layout.regionOf[b] >= 0 && layout.regions[Int(layout.regionOf[b])].isBlank
        var diagonal: (P, P)? = nil
        if plan.diagonal {
            let (i, j) = layout.grid.blockIJ(b)
            let a = f.local(layout.grid.point(layout.grid.node(i, j + 1))), c = f.local(layout.grid.point(layout.grid.node(i + 1, j)))
            diagonal = (a, (c - a).unit)
        }
        let diagonalMargin = RoadClass.primary.halfWidth + buildingSetback
        var accepted = 0
        var footprint = GeometryColumn()  // the slot's footprint for the sewer distances, reused
        var v0 = vStart
        while v0 + cd <= box.v1 {
            for (u0, cw) in columns {
                // Footprint parameters are drawn for every cell, accepted or not.
                let lShape = rng.chance(tpl.lShare)
                let fa = rng.uniform(0.72, 1), fb = rng.uniform(0.7, 1)
                let depthDraw = tpl.depth.map { rng.uniform($0.lowerBound, $0.upperBound) }
                let angle = rng.uniform(-0.1, 0.1)
                let r1 = rng.uniform(0.35, 0.6), r2 = rng.uniform(0.35, 0.6)
                let flip = rng.int(0 ..< 4)

                let corners = [P(u0, v0), P(u0 + cw, v0), P(u0 + cw, v0 + cd), P(u0, v0 + cd)]
                guard corners.allSatisfy({ f.inside($0) }) else { continue }
                if plan.reserved.contains(where: { $0.overlaps(u0: u0, v0: v0, u1: u0 + cw, v1: v0 + cd) }) { continue }
                if let (a, dir) = diagonal {
                    let sides = corners.map { dir.cross($0 - a) }
                    if !(sides.allSatisfy { $0 >= diagonalMargin } || sides.allSatisfy { $0 <= -diagonalMargin }) { continue }
                }
                // The footprint: a rectangle or an L in the cell, turned a little, kept inside the cell.
                let aw = cw - tpl.gap, ad = cd - tpl.gap
                var w = aw * fa, d = depthDraw.map { min($0, ad) } ?? ad * fb
                let c = abs(cos(angle)), s = abs(sin(angle))
                let scale = min(1, aw / (w * c + d * s), ad / (w * s + d * c))
                w *= scale; d *= scale
                var local: [P]
                if lShape {
                    let cu = -w / 2 + w * (1 - r1), cv = -d / 2 + d * (1 - r2)
                    local = [P(-w / 2, -d / 2), P(w / 2, -d / 2), P(w / 2, cv), P(cu, cv), P(cu, d / 2), P(-w / 2, d / 2)]
                    let sxf: Double = flip & 1 == 0 ? 1 : -1, syf: Double = flip & 2 == 0 ? 1 : -1
                    local = local.map { P($0.x * sxf, $0.y * syf) }
                    if sxf * syf < 0 { local.reverse() }
                } else {
                    local = [P(-w / 2, -d / 2), P(w / 2, -d / 2), P(w / 2, d / 2), P(-w / 2, d / 2)]
                }
                let centre = P(u0 + cw / 2, v0 + cd / 2)
                var ring: [Double] = []
                ring.reserveCapacity(2 * local.count + 2)
                for p in local + [local[0]] {
                    let q = f.world(centre.x + p.x * cos(angle) - p.y * sin(angle), centre.y + p.x * sin(angle) + p.y * cos(angle))
                    ring.append((q.x * 100).rounded() / 100); ring.append((q.y * 100).rounded() / 100)
                }
                ring[ring.count - 2] = ring[0]; ring[ring.count - 1] = ring[1]
                // The served / unserved rule.
                footprint.removeAll()
                footprint.beginFeature(.polygon)
                ring.withUnsafeBufferPointer { footprint.addRing(interleaved: $0) }
                footprint.endPart()
                footprint.endFeature()
                let near = servedWithin - BuildingPlacer.margin
                if blank {
                    if sewers.nearest(footprint: footprint, feature: 0, radius: near, includeOrphans: true, stopBelow: near) != nil {
                        visit(ring, false)
                    } else if sewers.nearest(footprint: footprint, feature: 0, radius: unservedBeyond + BuildingPlacer.margin, includeOrphans: true) == nil {
                        visit(ring, true)
                    } else {
                        continue
                    }
                } else {
                    guard sewers.nearest(footprint: footprint, feature: 0, radius: near, includeOrphans: false, stopBelow: near) != nil else { continue }
                    visit(ring, false)
                }
                accepted += 1
            }
            v0 += cd
        }
        return accepted
    }

    /// Attributes of one building of a block of this type, drawn from the block's attribute stream.
    static func attributes(type: BlockType, rng: inout SeededRandom) -> BuildingAttributes {
        let tpl = BuildingTemplate.of(type)
        let fr = tpl.floors[rng.weighted(tpl.floors.map(\.1))].0
        let floors = rng.int(fr)
        let use = tpl.uses[rng.weighted(tpl.uses.map(\.1))].0
        let yr = tpl.years[rng.weighted(tpl.years.map(\.1))].0
        let year = rng.int(yr)
        let presence = rng.unit()
        var result = BuildingAttributes(floors: Int64(floors), height: Double(floors) * 3, use: use, year: Int64(year))
        if presence < 0.6 {
        } else if presence < 0.8 {
            result.height = nil
        } else if presence < 0.95 {
            result.floors = nil
        } else {
            result.floors = nil; result.height = nil
        }
        if rng.chance(0.04) { result.year = nil }
        return result
    }
}
