@testable import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("Pipe network and planted defects")
struct PipeTruthTests {
    @Test("a reference audit finds exactly the planted defects (same pipes, places and values), and nothing else")
    func auditMatchesTruth() throws {
        let city = Cities.small
        let audit = ReferenceAudit(pipes: city["pipes"], nodes: city["pipe_nodes"])
        let planted = Set(city.truth.defects.map { ReferenceAudit.Finding(type: $0.type, pipes: $0.pipeIds) })
        let missed = planted.subtracting(audit.findings), extra = audit.findings.subtracting(planted)
        #expect(missed.isEmpty, "planted but not found: \(missed)")
        #expect(extra.isEmpty, "found but not planted: \(extra)")
        for d in city.truth.defects {
            guard let (x, y, value) = audit.locations[ReferenceAudit.Finding(type: d.type, pipes: d.pipeIds)] else { continue }
            #expect(abs(x - d.x) < 0.002 && abs(y - d.y) < 0.002, "\(d.type) \(d.pipeIds) at (\(d.x), \(d.y)), found at (\(x), \(y))")
            #expect(abs(value - d.value) < 0.002, "\(d.type) \(d.pipeIds) value \(d.value), found \(value)")
        }
        #expect(audit.crowdedEnds.isEmpty, "pipe ends within 2 m of pipes they do not meet: \(audit.crowdedEnds.prefix(5))")
        #expect(audit.ruleBreaks.isEmpty, "clean pipes breaking design rules: \(audit.ruleBreaks.prefix(5))")
        #expect(audit.nodesWithoutPipe == 0)
        // Only the moved ends of near-miss breaks lack a node.
        #expect(audit.endsWithoutNode.count == city.truth.defects(.nearMissBreak).count)
    }

    @Test("at least two of each defect type; proportional counts")
    func counts() throws {
        let truth = Cities.small.truth
        for type in DefectType.allCases { #expect(truth.defects(type).count >= 2, "\(type.rawValue): \(truth.defects(type).count)") }
        #expect(truth.blankAreas.count >= 2)
        #expect(truth.blankAreas.contains { $0.kind == "district_corner" })
        #expect(truth.blankAreas.contains { $0.kind == "block_group" })
    }

    @Test("each planted defect is really in the stored attributes and geometry")
    func plantedAreReal() throws {
        let city = Cities.small
        let pipes = city["pipes"]
        let ids = texts(pipes, "id").map { $0 ?? "" }
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        let diameter = reals(pipes, "diameter_mm"), up = reals(pipes, "up_invert"), down = reals(pipes, "down_invert")
        func ends(_ id: String) -> (sx: Double, sy: Double, ex: Double, ey: Double) { lineEnds(pipes.geometries, index[id]!) }
        for d in city.truth.defects {
            let p = d.pipeIds.map { index[$0]! }
            switch DefectType(rawValue: d.type)! {
            case .reversedSlope:
                #expect(down[p[0]]! > up[p[0]]!)
                #expect(abs(down[p[0]]! - up[p[0]]! - d.value) < 0.0015)
            case .nearMissBreak:
                let a = ends(d.pipeIds[0]), b = ends(d.pipeIds[1])
                let gap = ((a.sx - b.sx) * (a.sx - b.sx) + (a.sy - b.sy) * (a.sy - b.sy)).squareRoot()
                #expect(gap >= 0.3 && gap <= 1.5 && (a.sx != b.sx || a.sy != b.sy), "near-miss gap \(gap)")
                #expect(abs(gap - d.value) < 0.002)
            case .diameterShrink:
                let a = ends(d.pipeIds[0]), b = ends(d.pipeIds[1])
                #expect(a.ex == b.sx && a.ey == b.sy, "the shrinking pipes do not meet")
                #expect(diameter[p[1]]! < diameter[p[0]]!)
            case .zeroLength:
                let a = ends(d.pipeIds[0])
                #expect(a.sx == a.ex && a.sy == a.ey)
            case .overLong:
                let a = ends(d.pipeIds[0])
                #expect(((a.ex - a.sx) * (a.ex - a.sx) + (a.ey - a.sy) * (a.ey - a.sy)).squareRoot() > 200)
            case .duplicatePipe:
                #expect(digestOf(pipes, p[0]) == digestOf(pipes, p[1]))
            case .missingAttributes:
                let fields = d.fields ?? []
                #expect(!fields.isEmpty)
                #expect((diameter[p[0]] == nil) == fields.contains("diameter_mm"))
                #expect((up[p[0]] == nil) == fields.contains("up_invert"))
                #expect((down[p[0]] == nil) == fields.contains("down_invert"))
            case .danglingEnd:
                let a = ends(d.pipeIds[0])
                #expect(a.sx == d.x && a.sy == d.y || (abs(a.sx - d.x) < 0.001 && abs(a.sy - d.y) < 0.001))
            case .noOutletComponent:
                #expect(p.count >= 3)
                #expect(texts(pipes, "kind")[p[0]] == "sewer")
            }
        }
    }

    @Test("networks: sewer and storm never share a node; diameters grow downstream; outlets are plants and outfalls")
    func networks() throws {
        let city = Cities.small
        let pipes = city["pipes"], nodes = city["pipe_nodes"]
        let kinds = texts(pipes, "kind").map { $0 ?? "" }
        var kindAt: [Key: Set<String>] = [:]
        for p in 0 ..< pipes.count {
            let e = lineEnds(pipes.geometries, p)
            kindAt[Key(e.sx, e.sy), default: []].insert(kinds[p])
            kindAt[Key(e.ex, e.ey), default: []].insert(kinds[p])
        }
        #expect(kindAt.values.allSatisfy { $0.count == 1 }, "a node is shared by pipes of different kinds")
        let nodeKinds = texts(nodes, "kind").map { $0 ?? "" }
        #expect(nodeKinds.filter { $0 == "plant" }.count >= 2, "expected a sewer plant and a combined plant")
        #expect(nodeKinds.contains("outfall"))
        #expect(nodeKinds.filter { $0 == "inlet" }.count > 10)
        let diameters = reals(pipes, "diameter_mm").compactMap { $0 }
        #expect(diameters.min()! == 300 && diameters.max()! >= 800)
        let grounds = reals(nodes, "ground_z").compactMap { $0 }
        #expect(grounds.min()! > 15 && grounds.max()! < 30, "ground \(grounds.min()!)–\(grounds.max()!)")
        // Depth of pipe ends below ground: at least 1.5 m, typically 2–3 m, a few deep trunks.
        var groundAt: [Key: Double] = [:]
        let ground = reals(nodes, "ground_z")
        for n in 0 ..< nodes.count { let c = nodes.geometries.firstCoordinate(of: n); groundAt[Key(c.x, c.y)] = ground[n] }
        let downs = reals(pipes, "down_invert")
        var depths: [Double] = []
        for p in 0 ..< pipes.count {
            let e = lineEnds(pipes.geometries, p)
            if let g = groundAt[Key(e.ex, e.ey)], let d = downs[p] { depths.append(g - d) }
        }
        depths.sort()
        #expect(depths[depths.count / 2] > 1.8 && depths[depths.count / 2] < 3, "median depth \(depths[depths.count / 2])")
        #expect(depths[depths.count * 9 / 10] < 4.5, "90th percentile depth \(depths[depths.count * 9 / 10])")
        #expect(depths.last! < 10, "deepest \(depths.last!)")
    }
}

func digestOf(_ table: FeatureTable, _ i: Int) -> String {
    var parts = [coordinates(table.geometries, i).map { "\($0.0),\($0.1)" }.joined(separator: " ")]
    for column in table.columns where column.name != "id" {
        switch column.values[i] {
        case let .integer(x): parts.append(String(x))
        case let .real(x): parts.append(String(x))
        case let .text(x): parts.append(x)
        case .null: parts.append("null")
        }
    }
    return parts.joined(separator: "|")
}
