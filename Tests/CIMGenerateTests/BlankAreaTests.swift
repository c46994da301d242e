@testable import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("Drainage blank areas")
struct BlankAreaTests {
    /// GEOS distance from every building to the nearest pipe of the given kinds (optionally leaving pipes out).
    static func distances(_ city: GeneratedCity, kinds: Set<String>, excluding: Set<String> = []) throws -> [Double] {
        let context = GEOSContext()
        let pipes = city["pipes"], buildings = city["buildings"]
        let pipeKinds = texts(pipes, "kind"), ids = texts(pipes, "id")
        let lines = try (0 ..< pipes.count).filter { kinds.contains(pipeKinds[$0] ?? "") && !excluding.contains(ids[$0] ?? "") }
            .map { try pipes.geometries.geometry($0, context: context) }
        let network = try PreparedGeometry(try Geometry.collection(lines, context: context))
        return try (0 ..< buildings.count).map { try network.distance(to: try buildings.geometries.geometry($0, context: context)) }
    }

    @Test("unserved buildings (beyond the unserved distance of every sewer or combined pipe) are exactly the truth's; all others are served")
    func unservedMatchTruth() throws {
        let city = Cities.small
        let truth = city.truth
        let ids = texts(city["buildings"], "id").map { $0 ?? "" }
        let listed = Dictionary(uniqueKeysWithValues: truth.blankAreas.flatMap { a in zip(a.buildingIds, a.distancesM) })
        #expect(listed.count > 10, "only \(listed.count) unserved buildings")
        let distance = try Self.distances(city, kinds: ["sewer", "combined"])
        // With the components that reach no outlet left out, nothing changes.
        let orphanPipes = Set(truth.defects(.noOutletComponent).flatMap(\.pipeIds))
        let connected = try Self.distances(city, kinds: ["sewer", "combined"], excluding: orphanPipes)
        for (i, id) in ids.enumerated() {
            if let d = listed[id] {
                #expect(distance[i] > truth.unservedBeyondM, "\(id) is listed unserved but \(distance[i]) m from a sewer")
                #expect(abs(distance[i] - d) < 0.01, "\(id): listed \(d) m, GEOS \(distance[i]) m")
            } else {
                #expect(distance[i] <= truth.servedWithinM, "\(id) is \(distance[i]) m from a sewer but not listed")
                #expect(connected[i] <= truth.servedWithinM, "\(id) is served only by a component with no outlet")
            }
        }
    }

    @Test("blank-area polygons hold their buildings; the old town is served by combined pipes")
    func polygons() throws {
        let city = Cities.small
        let context = GEOSContext()
        let buildings = city["buildings"]
        let index = Dictionary(uniqueKeysWithValues: texts(buildings, "id").enumerated().map { ($1!, $0) })
        for area in city.truth.blankAreas {
            let polygon = try PreparedGeometry(try Geometry(wkt: area.polygonWkt, context: context))
            #expect(try polygon.base.area() > 10_000)
            for id in area.buildingIds {
                #expect(try polygon.contains(try buildings.geometries.geometry(index[id]!, context: context)), "\(id) outside \(area.id)")
            }
        }
        let kinds = texts(city["pipes"], "kind")
        #expect(kinds.filter { $0 == "combined" }.count >= 4)
    }
}
