import CIMGeometry
import CIMIndex
import Foundation

/// A pipe-network blank zone (管网空白区): unserved buildings within the merge distance of each other.
public struct BlankZone: Sendable {
    /// "Z1", "Z2" … in rank order (largest floor area first).
    public var id: String
    /// Indices of the zone's buildings (into ``DrainageBuildings``), ascending.
    public var members: [Int]
    /// Area of the zone polygon (m²).
    public var area: Double
    public var footprintArea: Double
    public var floorArea: Double
    public var residents: Double
    public var residentialBuildings: Int
    /// The smallest pipe service distance of its buildings (m): how far the zone is from the network.
    public var nearestPipeDistance: Double
    /// That pipe (index into the ``PipeSet``), -1 when there is no pipe at all.
    public var nearestPipe: Int
    /// The district holding most of the zone's floor area (index into the district units), -1 when none.
    public var district: Int

    public var buildings: Int { members.count }
}

/// Grouping unserved buildings into zones, and the zones' polygons.
///
/// **Grouping** (single linkage): two buildings are joined when the exact distance between their
/// footprints is at most the merge distance; zones are the connected groups (union-find). Candidates come
/// from a packed R-tree window (envelope grown by the merge distance), refined with the exact
/// polygon-to-polygon distance in Swift (``GeometryColumn/distance(polygon:to:polygon:stopBelow:)``).
///
/// **Zone polygon** (a morphological closing): the zone's footprints are buffered out by half the merge
/// distance h and united — footprints within the merge distance then touch, so the result is connected —
/// and buffered back in by h, which removes the growth again except in the gaps between buildings; the
/// result is unioned with the footprints so it covers every footprint exactly (round buffers cut convex
/// corners by up to h·(1 − cos(π/4q)) for q segments per quadrant). GEOS `GEOSBuffer_r` per footprint and
/// `GEOSUnaryUnion_r` (see ``BatchUnion``), one GEOS context per worker. A closing may split at a thin neck,
/// so a zone polygon can be a MultiPolygon. With a merge distance of 0 the zone polygon is the union of the
/// footprints.
public enum BlankZones {
    /// Groups `members` (indices of `footprints`) whose footprints lie within `merge` metres of each other,
    /// transitively. Groups are sorted ascending inside and ordered by their smallest member.
    ///
    /// Members are taken in Morton order so each parallel chunk covers a compact part of the city; a chunk
    /// keeps its own union-find and skips the exact test for pairs it has already connected (in dense
    /// districts most are), then the chunks' links are merged.
    public static func cluster(footprints: GeometryColumn, members: [Int], merge: Double) -> [[Int]] {
        guard !members.isEmpty else { return [] }
        let ordered = BatchUnion.mortonOrder(members, envelopes: { footprints.envelope($0) })
        let subset = footprints.subset(ordered)
        let tree = PackedRTree(envelopes: subset.envelopes)
        let pairs = ChunkCollector<(Int32, Int32)>()
        let n = ordered.count
        parallelChunks(n, minimumChunk: 1024) { range, _ in
            var found: [(Int32, Int32)] = []
            var local = UnionFind(n)
            for i in range {
                let e = subset.envelope(i)
                let window = Envelope(minX: e.minX - merge, minY: e.minY - merge, maxX: e.maxX + merge, maxY: e.maxY + merge)
                tree.forEach(intersecting: window) { j in
                    guard j > i, local.find(i) != local.find(j) else { return }
                    if e.distance(to: subset.envelope(j)) > merge { return }
                    if subset.distance(polygon: i, to: subset, polygon: j, stopBelow: merge) <= merge {
                        found.append((Int32(i), Int32(j)))
                        local.union(i, j)
                    }
                }
            }
            pairs.append(contentsOf: found)
        }
        var sets = UnionFind(n)
        for (a, b) in pairs.all { sets.union(Int(a), Int(b)) }
        // Back to the callers' indices: groups sorted inside, ordered by their smallest member.
        return sets.groups().map { $0.map { ordered[$0] }.sorted() }.sorted { $0[0] < $1[0] }
    }

    /// Groups at least this large are closed one at a time with parallel chunked unions; smaller groups
    /// run in parallel, one group per worker.
    static let largeGroup = 1024

    /// The polygon of each group (see the type's documentation), one feature per group, as MultiPolygons.
    /// `includeFootprints` false leaves out the final union with the footprints (for built-up land, where
    /// sub-metre corner cuts do not matter and the union of every footprint of a city is costly).
    public static func polygons(footprints: GeometryColumn, groups: [[Int]], merge: Double, quadrantSegments: Int = 8,
                                includeFootprints: Bool = true, progress: (@Sendable (Int) -> Void)? = nil) throws -> GeometryColumn {
        let output = SharedBuffer<GeometryColumn?>(repeating: nil, count: groups.count)
        let failure = SharedBuffer<String?>(repeating: nil, count: 1)
        let done = ProgressCounter(progress)
        // Largest first so one big zone does not end up last on a single worker.
        let order = groups.indices.filter { groups[$0].count < largeGroup }
            .sorted { groups[$0].count != groups[$1].count ? groups[$0].count > groups[$1].count : $0 < $1 }
        parallelGEOSChunks(order.count, minimumChunk: 1) { range, context in
            for k in range {
                let g = order[k]
                do {
                    let zone = try closing(groups[g], footprints: footprints, merge: merge, quadrantSegments: quadrantSegments,
                                           includeFootprints: includeFootprints, context: context, parallel: false)
                    output.withPointer { $0[g] = zone }
                } catch {
                    failure.withPointer { $0[0] = "zone of building #\(groups[g].first ?? -1): \(error)" }
                }
                done.add(1)
            }
        }
        if let message = failure.storage[0] { throw AnalysisError("cannot build a zone polygon: \(message)") }
        let context = GEOSContext()
        for g in groups.indices where groups[g].count >= largeGroup {
            do {
                let zone = try closing(groups[g], footprints: footprints, merge: merge, quadrantSegments: quadrantSegments,
                                       includeFootprints: includeFootprints, context: context, parallel: true)
                output.withPointer { $0[g] = zone }
            } catch {
                throw AnalysisError("cannot build a zone polygon: zone of building #\(groups[g].first ?? -1): \(error)")
            }
            done.add(1)
        }
        var result = GeometryColumn()
        for column in output.storage { result.append(column!, feature: 0) }
        return result
    }

    /// The closing of one group's footprints as a one-feature MultiPolygon column: the union of each
    /// footprint's buffer by half the merge distance, buffered back in, unioned with the footprints.
    static func closing(_ members: [Int], footprints: GeometryColumn, merge: Double, quadrantSegments q: Int, includeFootprints: Bool = true,
                        context: GEOSContext, parallel: Bool) throws -> GeometryColumn {
        let half = merge / 2
        func unite(_ make: @escaping @Sendable (Int, GEOSContext) throws -> Geometry) throws -> Geometry {
            if parallel { return try BatchUnion.union(members, envelopes: { footprints.envelope($0) }, context: context, make: make) }
            return try Geometry.unaryUnion(of: members.map { try make($0, context) }, context: context)
        }
        var zone: Geometry
        if half > 0 && parallel && !includeFootprints {
            zone = try tiledClosing(members, footprints: footprints, half: half, quadrantSegments: q, context: context)
        } else if half > 0 {
            let dilated = try unite { i, c in try footprints.geometry(i, context: c).buffer(half, quadrantSegments: q) }
            zone = try dilated.buffer(-half, quadrantSegments: q)
            if includeFootprints {
                // Only the footprints the closing does not contain change the union: the same set, without
                // uniting the (many) footprints inside it.
                let closing = try PreparedGeometry(zone)
                let outside = try members.compactMap { i -> Geometry? in
                    let footprint = try footprints.geometry(i, context: context)
                    return try closing.contains(footprint) ? nil : footprint
                }
                if !outside.isEmpty { zone = try zone.union(try Geometry.unaryUnion(of: outside, context: context)) }
            }
        } else {
            zone = try unite { i, c in try footprints.geometry(i, context: c) }
        }
        var column = GeometryColumn()
        try column.append(zone)
        column.setType(.multiPolygon, at: 0)
        return column
    }

    /// Side of the tiles of ``tiledClosing(_:footprints:half:quadrantSegments:tileSize:context:)`` (m).
    static let closingTileSize = 1500.0

    /// The closing of a large group (built-up land derived from a whole city's buildings) in square tiles on
    /// both cores: per tile, the footprints within 2h of it (h = `half`) are buffered by h and united, the
    /// union is buffered by −h and clipped to the tile; the pieces are then united. A point's closing depends
    /// only on the footprints within 2h of it, so each tile's piece is the whole group's closing there; the
    /// union of one city's buffers in one go spent most of its time noding the whole city at once (119 s at
    /// 1M buildings). Equal to the untiled closing up to floating-point noise along the tile edges (tested).
    static func tiledClosing(_ members: [Int], footprints: GeometryColumn, half: Double, quadrantSegments q: Int,
                             tileSize: Double = closingTileSize, context: GEOSContext) throws -> Geometry {
        var box = footprints.envelope(members[0])
        for i in members { box = box.union(footprints.envelope(i)) }
        let extent = box
        let columns = max(1, Int(((extent.maxX - extent.minX) / tileSize).rounded(.up)))
        let rows = max(1, Int(((extent.maxY - extent.minY) / tileSize).rounded(.up)))
        // The footprints near each tile (their envelopes within 2h of it).
        let reach = 2 * half
        var near = Array(repeating: [Int](), count: columns * rows)
        for i in members {
            let e = footprints.envelope(i)
            let c0 = max(0, Int(((e.minX - reach - extent.minX) / tileSize).rounded(.down)))
            let c1 = min(columns - 1, Int(((e.maxX + reach - extent.minX) / tileSize).rounded(.down)))
            let r0 = max(0, Int(((e.minY - reach - extent.minY) / tileSize).rounded(.down)))
            let r1 = min(rows - 1, Int(((e.maxY + reach - extent.minY) / tileSize).rounded(.down)))
            guard c0 <= c1, r0 <= r1 else { continue }
            for r in r0 ... r1 { for c in c0 ... c1 { near[r * columns + c].append(i) } }
        }
        let tiles = near.indices.filter { !near[$0].isEmpty }.sorted { near[$0].count > near[$1].count }
        let nearTiles = near
        let pieces = try parallelGEOSChunks(tiles.count, minimumChunk: 1, into: context) { range, c in
            var found: [Geometry] = []
            for k in range {
                let t = tiles[k]
                let x0 = extent.minX + Double(t % columns) * tileSize, y0 = extent.minY + Double(t / columns) * tileSize
                // The last row and column reach the extent's edge exactly.
                let x1 = t % columns == columns - 1 ? extent.maxX + reach : x0 + tileSize
                let y1 = t / columns == rows - 1 ? extent.maxY + reach : y0 + tileSize
                let lowX = t % columns == 0 ? extent.minX - reach : x0, lowY = t / columns == 0 ? extent.minY - reach : y0
                let buffers = try nearTiles[t].map { try footprints.geometry($0, context: c).buffer(half, quadrantSegments: q) }
                let closed = try Geometry.unaryUnion(of: buffers, context: c).buffer(-half, quadrantSegments: q)
                let tile = try BlankAreas.rectangle(Envelope(minX: lowX, minY: lowY, maxX: x1, maxY: y1), context: c)
                found.append(try BlankAreas.polygonal(try closed.intersection(tile)))
            }
            return try Geometry.unaryUnion(of: found, context: c)
        }
        return try Geometry.unaryUnion(of: pieces, context: context)
    }

    /// Zones from groups of unserved buildings: totals, nearest pipe, district, ranked by floor area
    /// (then residents, then the smallest building index) and named Z1, Z2 … in that order.
    static func zones(groups: [[Int]], polygons: GeometryColumn, buildings: DrainageBuildings, service: PipeService,
                      districtOfBuilding: [Int32]) -> (zones: [BlankZone], polygons: GeometryColumn) {
        var zones: [BlankZone] = []
        for (g, members) in groups.enumerated() {
            var zone = BlankZone(id: "", members: members, area: polygons.area(g), footprintArea: 0, floorArea: 0, residents: 0,
                                 residentialBuildings: 0, nearestPipeDistance: .infinity, nearestPipe: -1, district: -1)
            var byDistrict: [Int: Double] = [:]
            for b in members {
                zone.footprintArea += buildings.footprintArea[b]
                zone.floorArea += buildings.floorArea[b]
                zone.residents += buildings.residents[b]
                if buildings.residential[b] { zone.residentialBuildings += 1 }
                let d = service.distances[b], p = Int(service.nearestPipe[b])
                if d < zone.nearestPipeDistance || (d == zone.nearestPipeDistance && p >= 0 && (zone.nearestPipe < 0 || p < zone.nearestPipe)) {
                    zone.nearestPipeDistance = d
                    zone.nearestPipe = p
                }
                let district = Int(districtOfBuilding[b])
                if district >= 0 { byDistrict[district, default: 0] += buildings.floorArea[b] }
            }
            zone.district = byDistrict.max { $0.value != $1.value ? $0.value < $1.value : $0.key > $1.key }?.key ?? -1
            zones.append(zone)
        }
        let order = zones.indices.sorted { a, b in
            let za = zones[a], zb = zones[b]
            if za.floorArea != zb.floorArea { return za.floorArea > zb.floorArea }
            if za.residents != zb.residents { return za.residents > zb.residents }
            return za.members[0] < zb.members[0]
        }
        var ranked: [BlankZone] = []
        var rankedPolygons = GeometryColumn()
        for (rank, g) in order.enumerated() {
            var zone = zones[g]
            zone.id = "Z\(rank + 1)"
            ranked.append(zone)
            rankedPolygons.append(polygons, feature: g)
        }
        return (ranked, rankedPolygons)
    }
}
