@testable import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation
import Testing

/// A generated city held in memory: every layer the generator wrote, the truth and the statistics.
struct GeneratedCity {
    var layers: [String: FeatureTable] = [:]
    var order: [String] = []
    var truth: GenerationTruth
    var stats: GenerationStats

    static func make(buildings: Int, seed: UInt64) throws -> GeneratedCity {
        let generator = try CityGenerator(options: CityGeneratorOptions(buildings: buildings, seed: seed))
        var layers: [String: FeatureTable] = [:]
        var order: [String] = []
        let (truth, stats) = try generator.run { table in
            layers[table.name] = table
            order.append(table.name)
        }
        return GeneratedCity(layers: layers, order: order, truth: truth, stats: stats)
    }

    subscript(_ name: String) -> FeatureTable { layers[name]! }
}

/// Cities shared by the tests (generated once).
enum Cities {
    static let small: GeneratedCity = try! GeneratedCity.make(buildings: 2000, seed: 11)
}

/// A point key that compares coordinates exactly.
struct Key: Hashable {
    let x: UInt64, y: UInt64
    init(_ x: Double, _ y: Double) { self.x = x.bitPattern; self.y = y.bitPattern }
}

/// The coordinates of feature `i` (all parts and rings, in order).
func coordinates(_ column: GeometryColumn, _ i: Int) -> [(Double, Double)] {
    var result: [(Double, Double)] = []
    for p in column.parts(of: i) {
        for r in column.rings(of: p) {
            for c in column.coordinates(of: r) { result.append((column.xy[2 * c], column.xy[2 * c + 1])) }
        }
    }
    return result
}

/// Start and end of a line feature.
func lineEnds(_ column: GeometryColumn, _ i: Int) -> (sx: Double, sy: Double, ex: Double, ey: Double) {
    let c = coordinates(column, i)
    return (c[0].0, c[0].1, c[c.count - 1].0, c[c.count - 1].1)
}

func segmentDistance(_ px: Double, _ py: Double, _ ax: Double, _ ay: Double, _ bx: Double, _ by: Double) -> Double {
    let dx = bx - ax, dy = by - ay
    let len2 = dx * dx + dy * dy
    let t = len2 > 0 ? min(max(((px - ax) * dx + (py - ay) * dy) / len2, 0), 1) : 0
    let qx = ax + t * dx - px, qy = ay + t * dy - py
    return (qx * qx + qy * qy).squareRoot()
}

/// Union–find.
struct DisjointSets {
    var parent: [Int]
    init(_ n: Int) { parent = Array(0 ..< n) }
    mutating func find(_ x: Int) -> Int {
        var x = x
        while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
        return x
    }
    mutating func union(_ a: Int, _ b: Int) {
        let ra = find(a), rb = find(b)
        if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
    }
}

/// Text values of a column, failing the test when missing.
func texts(_ table: FeatureTable, _ name: String) -> [String?] {
    guard let values = table.text(name) else { Issue.record("\(table.name) has no text column \(name)"); return [] }
    return values
}

func reals(_ table: FeatureTable, _ name: String) -> [Double?] {
    guard let values = table.reals(name) else { Issue.record("\(table.name) has no numeric column \(name)"); return [] }
    return values
}

func integers(_ table: FeatureTable, _ name: String) -> [Int64?] {
    guard let values = table.integers(name) else { Issue.record("\(table.name) has no integer column \(name)"); return [] }
    return values
}

/// A canonical text digest of a table: geometry type and coordinates, then every attribute, per feature.
func digest(_ table: FeatureTable) -> [String] {
    (0 ..< table.count).map { i in
        var parts: [String] = []
        if table.geometryType != nil {
            let g = table.geometries
            parts.append("\(g.types[i].description) " + coordinates(g, i).map { "\($0.0.bitPattern),\($0.1.bitPattern)" }.joined(separator: " "))
        }
        for column in table.columns {
            switch column.values[i] {
            case let .integer(x): parts.append("\(column.name)=\(x)")
            case let .real(x): parts.append("\(column.name)=\(x.bitPattern)")
            case let .text(x): parts.append("\(column.name)=\(x)")
            case .null: parts.append("\(column.name)=null")
            }
        }
        return parts.joined(separator: "|")
    }
}
