@testable import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("Buildings")
struct BuildingTests {
    @Test("exactly N buildings, valid footprints, none overlapping another (GEOS, every pair with touching boxes)")
    func noOverlaps() throws {
        let buildings = Cities.small["buildings"]
        #expect(buildings.count == 2000)
        let context = GEOSContext()
        let g = buildings.geometries
        let geometries = try (0 ..< g.count).map { try g.geometry($0, context: context) }
        for geometry in geometries { #expect(try geometry.isValid()) }
        let order = (0 ..< g.count).sorted { g.envelopes[4 * $0] < g.envelopes[4 * $1] }
        var pairs = 0
        for (k, i) in order.enumerated() {
            let ei = g.envelope(i)
            for j in order[(k + 1)...] {
                let ej = g.envelope(j)
                if ej.minX > ei.maxX { break }
                guard ej.minY <= ei.maxY, ej.maxY >= ei.minY else { continue }
                pairs += 1
                #expect(try !geometries[i].intersects(geometries[j]), "buildings \(i) and \(j) overlap or touch")
            }
        }
        _ = pairs
    }

    @Test("no building touches a road or a pipe (GEOS distance to all roads and all pipes)")
    func clearOfRoadsAndPipes() throws {
        let city = Cities.small
        let buildings = city["buildings"]
        let context = GEOSContext()
        for layer in ["roads", "pipes"] {
            let lines = city[layer]
            let all = try PreparedGeometry(try Geometry.collection(try (0 ..< lines.count).map { try lines.geometries.geometry($0, context: context) }, context: context))
            var nearest = Double.infinity
            for b in 0 ..< buildings.count {
                let d = try all.distance(to: try buildings.geometries.geometry(b, context: context))
                nearest = min(nearest, d)
                #expect(d >= 2, "building \(b) is \(d) m from a feature of \(layer)")
            }
            #expect(nearest < 30)
        }
    }

    @Test("attributes: ~70 % residential, floors 1–33, height = 3 × floors, years 1950–2025, some fields missing")
    func attributes() throws {
        let b = Cities.small["buildings"]
        let uses = texts(b, "use").map { $0 ?? "" }
        let floors = integers(b, "floors"), heights = reals(b, "height"), years = integers(b, "year")
        let residential = Double(uses.filter { $0 == "residential" }.count) / Double(uses.count)
        #expect(residential > 0.62 && residential < 0.78, "residential share \(residential)")
        for use in ["mixed", "commercial", "public", "industrial", "unknown"] {
            #expect(uses.contains(use), "no \(use) building")
        }
        var both = 0, onlyFloors = 0, onlyHeight = 0, neither = 0
        for i in 0 ..< b.count {
            if let f = floors[i] { #expect(f >= 1 && f <= 33) }
            if let h = heights[i] { #expect(h >= 3 && h <= 99) }
            if let f = floors[i], let h = heights[i] { #expect(h == Double(f) * 3); both += 1 }
            else if floors[i] != nil { onlyFloors += 1 }
            else if heights[i] != nil { onlyHeight += 1; #expect(heights[i]!.truncatingRemainder(dividingBy: 3) == 0) }
            else { neither += 1 }
            if let y = years[i] { #expect(y >= 1950 && y <= 2025) }
        }
        #expect(both > 0 && onlyFloors > 0 && onlyHeight > 0 && neither > 0)
        #expect(floors.compactMap { $0 }.contains { $0 >= 18 }, "no high-rise")
        let areas = (0 ..< b.count).map { b.geometries.area($0) }
        #expect(areas.min()! > 40 && areas.max()! < 6000, "footprint areas \(areas.min()!)–\(areas.max()!)")
        // L-shapes (7 coordinates) and rectangles (5).
        let shapes = Set((0 ..< b.count).map { coordinates(b.geometries, $0).count })
        #expect(shapes == [5, 7])
    }

    @Test("buildings lie in the built-up area and in exactly one community")
    func inAreas() throws {
        let city = Cities.small
        let areas = city["areas"], buildings = city["buildings"]
        let context = GEOSContext()
        let kinds = texts(areas, "kind")
        let builtup = try PreparedGeometry(try areas.geometries.geometry(kinds.firstIndex(of: "builtup")!, context: context))
        let communities = try kinds.indices.filter { kinds[$0] == "community" }.map { try PreparedGeometry(try areas.geometries.geometry($0, context: context)) }
        let names = texts(areas, "name")
        for (i, kind) in kinds.enumerated() where kind == "community" {
            #expect(names[i]?.range(of: "^社区[0-9]{3,}$", options: .regularExpression) != nil, "community name \(names[i] ?? "null")")
        }
        for i in stride(from: 0, to: buildings.count, by: 7) {
            let point = try buildings.geometries.geometry(i, context: context).pointOnSurface()
            #expect(try builtup.contains(point))
            #expect(try communities.filter { try $0.contains(point) }.count == 1)
        }
    }
}
