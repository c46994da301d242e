import CIMGeometry
import CIMIndex

extension LayerBuilder {
    /// `--node`: splits the walkable roads at every crossing, so that lines that cross without a shared
    /// vertex connect in the walk graph. The walkable lines that are not bridges, tunnels, on another
    /// `layer` or matched by `--no-node-where` are noded together with GEOS (`GEOSNode_r`); each piece goes
    /// back to the line it lies on (its first segment's midpoint is on that line, found through a packed
    /// R-tree), and a line split into k pieces becomes k rows with ids `ID-1` … `ID-k` and the line's
    /// attributes. Other lines are kept whole. Returns how many lines were split and into how many pieces.
    mutating func nodeRoads() throws -> (lines: Int, pieces: Int) {
        let walkable = ints["walkable"] ?? []
        let candidates = (0 ..< column.count).filter { (walkable[$0] ?? 1) != 0 && !(unsplittable.indices.contains($0) && unsplittable[$0]) }
        guard candidates.count > 1 else { return (0, 0) }
        let context = GEOSContext()
        let lines = try candidates.map { try column.geometry($0, context: context) }
        let noded = try Geometry.collection(lines, context: context).noded()
        var pieces = GeometryColumn()
        try pieces.append(noded)

        var envelopes: [Double] = []
        envelopes.reserveCapacity(candidates.count * 4)
        for row in candidates {
            let e = column.envelope(row)
            envelopes += [e.minX, e.minY, e.maxX, e.maxY]
        }
        let tree = PackedRTree(envelopes: envelopes)
        // Row → its pieces (as part indices of `pieces`), in GEOS's output order (along each input line).
        var piecesOf: [Int: [Int]] = [:]
        for p in pieces.parts(of: 0) {
            let cs = pieces.coordinates(of: pieces.rings(of: p).lowerBound)
            guard cs.count >= 2 else { continue }
            let c = cs.lowerBound
            let mx = (pieces.xy[2 * c] + pieces.xy[2 * c + 2]) / 2, my = (pieces.xy[2 * c + 1] + pieces.xy[2 * c + 3]) / 2
            var owner: Int?, best = Double.infinity
            tree.forEach(intersecting: Envelope(minX: mx - 1e-6, minY: my - 1e-6, maxX: mx + 1e-6, maxY: my + 1e-6)) { k in
                let d = column.distance(fromX: mx, y: my, to: candidates[k])
                if d < best || (d == best && candidates[k] < (owner ?? Int.max)) { best = d; owner = candidates[k] }
            }
            guard let owner else {
                throw StoreError("--node: a noded piece near (\(mx), \(my)) lies on no source line", hint: "report this as a bug")
            }
            piecesOf[owner, default: []].append(p)
        }

        // Rebuild the rows: unsplit lines as they were, split ones as their pieces.
        var order: [(row: Int, piece: Int?, suffix: Int?)] = []
        var splitLines = 0, pieceCount = 0
        let candidateSet = Set(candidates)
        let ids = texts["id"]!
        for row in 0 ..< column.count {
            guard candidateSet.contains(row) else { order.append((row, nil, nil)); continue }
            let mine = piecesOf[row] ?? []
            if mine.isEmpty {
                issues.append(ImportIssue(feature: ids[row] ?? "#\(row + 1)", action: .repaired,
                                          reason: "--node: the line lies entirely on other lines and was merged into them"))
                repaired += 1
                continue
            }
            if mine.count == 1 { order.append((row, mine[0], nil)); continue }
            splitLines += 1
            pieceCount += mine.count
            for (k, p) in mine.enumerated() { order.append((row, p, k + 1)) }
        }
        var newColumn = GeometryColumn()
        for entry in order {
            if let p = entry.piece { newColumn.appendPart(pieces, part: p, as: .lineString) }
            else { newColumn.append(column, feature: entry.row) }
        }
        let rows = order.map(\.row)
        keepRows(rows)
        column = newColumn
        var newIds = texts["id"]!
        for (k, entry) in order.enumerated() {
            if let suffix = entry.suffix { newIds[k] = "\(newIds[k] ?? "#\(entry.row + 1)")-\(suffix)" }
        }
        texts["id"] = newIds
        return (splitLines, pieceCount)
    }
}
