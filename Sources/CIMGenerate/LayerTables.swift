import CIMGeometry
import CIMTables
import Foundation

/// The bundle layers of a generated city as feature tables, features in a fixed order.
enum LayerTables {
    /// `prefix` + 1…count, zero-padded to at least six digits.
    static func ids(_ prefix: String, _ count: Int) -> [String] {
        let width = max(6, String(count).count)
        return (0 ..< count).map { paddedId(prefix, $0 + 1, width: width) }
    }

    static func roads(_ g: StreetGraph, crs: CoordinateReferenceSystem) -> FeatureTable {
        var column = GeometryColumn()
        column.reserve(features: g.edgeCount, coordinates: 2 * g.edgeCount)
        var classes: [String?] = [], walkable: [Int64?] = []
        for e in 0 ..< g.edgeCount {
            let a = Int(g.edgeA[e]), b = Int(g.edgeB[e])
            column.beginFeature(.lineString)
            column.addRing([(g.nx[a], g.ny[a]), (g.nx[b], g.ny[b])])
            column.endPart()
            column.endFeature()
            classes.append(g.edgeClass[e].name)
            walkable.append(g.edgeClass[e].walkable ? 1 : 0)
        }
        return FeatureTable(name: "roads", geometryType: .lineString, geometries: column, columns: [
            AttributeColumn("id", .text(ids("R", g.edgeCount))), AttributeColumn("class", .text(classes)),
            AttributeColumn("walkable", .integer(walkable)),
        ], crs: crs)
    }

    static func optional(_ x: Double) -> Double? { x.isNaN ? nil : x }

    static func pipes(_ net: PipeNetwork, ids: [String], crs: CoordinateReferenceSystem) -> FeatureTable {
        var column = GeometryColumn()
        column.reserve(features: net.pipeCount, coordinates: 2 * net.pipeCount)
        var kinds: [String?] = [], diameters: [Double?] = [], ups: [Double?] = [], downs: [Double?] = []
        for p in 0 ..< net.pipeCount {
            column.beginFeature(.lineString)
            column.addRing([(net.sx[p], net.sy[p]), (net.ex[p], net.ey[p])])
            column.endPart()
            column.endFeature()
            kinds.append(net.kind[p].name)
            diameters.append(optional(net.diameter[p])); ups.append(optional(net.upInvert[p])); downs.append(optional(net.downInvert[p]))
        }
        return FeatureTable(name: "pipes", geometryType: .lineString, geometries: column, columns: [
            AttributeColumn("id", .text(ids.map { $0 })), AttributeColumn("kind", .text(kinds)),
            AttributeColumn("diameter_mm", .real(diameters)), AttributeColumn("up_invert", .real(ups)),
            AttributeColumn("down_invert", .real(downs)),
        ], crs: crs)
    }

    static func pipeNodes(_ net: PipeNetwork, crs: CoordinateReferenceSystem) -> FeatureTable {
        var column = GeometryColumn()
        column.reserve(features: net.nodeCount, coordinates: net.nodeCount)
        var kinds: [String?] = [], grounds: [Double?] = [], inverts: [Double?] = []
        for n in 0 ..< net.nodeCount {
            column.beginFeature(.point)
            column.addRing([(net.nx[n], net.ny[n])])
            column.endPart()
            column.endFeature()
            kinds.append(net.nodeKind[n].name)
            grounds.append(millimetres(net.ground[n]))
            inverts.append(optional(net.invert[n]))
        }
        return FeatureTable(name: "pipe_nodes", geometryType: .point, geometries: column, columns: [
            AttributeColumn("id", .text(ids("N", net.nodeCount).map { $0 })), AttributeColumn("kind", .text(kinds)),
            AttributeColumn("ground_z", .real(grounds)), AttributeColumn("invert_z", .real(inverts)),
        ], crs: crs)
    }

    static func facilities(_ sites: FacilitySites, categories: [FacilityCategory], crs: CoordinateReferenceSystem) -> FeatureTable {
        let order = (0 ..< sites.count).sorted { (sites.category[$0], $0) < (sites.category[$1], $1) }
        var column = GeometryColumn()
        var cats: [String?] = [], names: [String?] = []
        var counters = [Int](repeating: 0, count: categories.count)
        for s in order {
            let c = Int(sites.category[s])
            if sites.ring[s].isEmpty {
                column.beginFeature(.point)
                column.addRing([(sites.x[s], sites.y[s])])
            } else {
                column.beginFeature(.multiPolygon)
                sites.ring[s].withUnsafeBufferPointer { column.addRing(interleaved: $0) }
            }
            column.endPart()
            column.endFeature()
            counters[c] += 1
            cats.append(categories[c].key)
            let label = categories[c].nameZh.isEmpty ? categories[c].key : categories[c].nameZh
            names.append(label + paddedId("", counters[c], width: 3))
        }
        return FeatureTable(name: "facilities", geometryType: .geometryCollection, geometries: column, columns: [
            AttributeColumn("id", .text(ids("F", order.count).map { $0 })), AttributeColumn("category", .text(cats)),
            AttributeColumn("name", .text(names)),
        ], crs: crs)
    }

    /// Communities (3 × 3 blocks), districts (tiles of communities) and the built-up area (the whole city).
    static func areas(_ layout: CityLayout, crs: CoordinateReferenceSystem) -> FeatureTable {
        let grid = layout.grid
        var column = GeometryColumn()
        var idValues: [String?] = [], kinds: [String?] = [], names: [String?] = []
        func add(_ ring: [Double], id: String, kind: String, name: String) {
            column.beginFeature(.multiPolygon)
            ring.withUnsafeBufferPointer { column.addRing(interleaved: $0) }
            column.endPart()
            column.endFeature()
            idValues.append(id); kinds.append(kind); names.append(name)
        }
        let community = 3
        let districtTile = community * max(1, min(20, Int((Double(max(grid.cols, grid.rows)) / 6).rounded(.up))))
        var k = 0
        for j0 in stride(from: 0, to: grid.rows, by: districtTile) {
            for i0 in stride(from: 0, to: grid.cols, by: districtTile) {
                k += 1
                add(grid.ring(i0: i0, j0: j0, i1: min(i0 + districtTile, grid.cols), j1: min(j0 + districtTile, grid.rows)),
                    id: paddedId("D", k, width: 2), kind: "district", name: "区" + paddedId("", k, width: 2))
            }
        }
        k = 0
        for j0 in stride(from: 0, to: grid.rows, by: community) {
            for i0 in stride(from: 0, to: grid.cols, by: community) {
                k += 1
                add(grid.ring(i0: i0, j0: j0, i1: min(i0 + community, grid.cols), j1: min(j0 + community, grid.rows)),
                    id: paddedId("C", k, width: 4), kind: "community", name: "社区" + paddedId("", k, width: 3))
            }
        }
        add(grid.ring(i0: 0, j0: 0, i1: grid.cols, j1: grid.rows), id: "U1", kind: "builtup", name: "建成区")
        return FeatureTable(name: "areas", geometryType: .multiPolygon, geometries: column, columns: [
            AttributeColumn("id", .text(idValues)), AttributeColumn("kind", .text(kinds)), AttributeColumn("name", .text(names)),
        ], crs: crs)
    }

    /// Waterlogging points at street junctions, about one per 3 km², more where the ground is low.
    static func waterlogging(_ layout: CityLayout, crs: CoordinateReferenceSystem) -> FeatureTable {
        var rng = SeededRandom(seed: layout.seed, stream: .waterlogging)
        var nodes: [Int] = []
        for p in layout.latticePoints(spacing: 1700, probability: 0.6, rng: &rng) {
            let n = layout.grid.nearestNode(p.x, p.y)
            if !nodes.contains(n) { nodes.append(n) }
        }
        if nodes.isEmpty { nodes = [layout.grid.node(layout.grid.cols / 2, layout.grid.rows / 2)] }
        var column = GeometryColumn()
        var names: [String?] = []
        for (k, n) in nodes.enumerated() {
            column.beginFeature(.point)
            column.addRing([(layout.grid.px[n], layout.grid.py[n])])
            column.endPart()
            column.endFeature()
            names.append("积水点" + paddedId("", k + 1, width: 3))
        }
        return FeatureTable(name: "waterlogging", geometryType: .point, geometries: column, columns: [
            AttributeColumn("id", .text(ids("W", nodes.count).map { $0 })), AttributeColumn("name", .text(names)),
        ], crs: crs)
    }
}
