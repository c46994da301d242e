@testable import CIMGenerate
import CIMGeometry
import CIMStore
import Foundation
import Testing

@Suite("Facilities")
struct FacilityTests {
    @Test("every category of the shipped standard is present; parks and sports grounds are polygons")
    func everyCategory() throws {
        let facilities = Cities.small["facilities"]
        let categories = try FacilityCategory.shipped()
        #expect(categories.count >= 20)
        let present = texts(facilities, "category").map { $0 ?? "" }
        for c in categories { #expect(present.contains(c.key), "no \(c.key)") }
        let g = facilities.geometries
        for i in 0 ..< facilities.count {
            if present[i] == "park" || present[i].hasSuffix("_sports") {
                #expect(g.types[i] == .multiPolygon, "\(present[i]) #\(i) is not a polygon")
                #expect(g.area(i) >= 700)
            } else {
                #expect(g.types[i] == .point)
            }
        }
        let parks = (0 ..< facilities.count).filter { present[$0] == "park" }.map { g.area($0) }
        #expect(parks.contains { $0 >= 2000 && $0 < 5000 }, "no pocket park")
        #expect(parks.contains { $0 >= 5000 }, "no large park")
        // Dense categories are denser than sparse ones.
        func count(_ key: String) -> Int { present.filter { $0 == key }.count }
        #expect(count("waste_point") > count("kindergarten"))
        #expect(count("convenience") > count("middle_school"))
        #expect(count("bus_stop") >= 5)
        for name in texts(facilities, "name") { #expect(name.map { !$0.isEmpty } ?? false) }
    }

    @Test("point facilities are never inside a building; polygons do not overlap buildings")
    func clearOfBuildings() throws {
        let city = Cities.small
        let facilities = city["facilities"], buildings = city["buildings"]
        let context = GEOSContext()
        let footprints = try (0 ..< buildings.count).map { try buildings.geometries.geometry($0, context: context) }
        for f in 0 ..< facilities.count {
            let ef = facilities.geometries.envelope(f)
            let geometry = try facilities.geometries.geometry(f, context: context)
            for b in 0 ..< buildings.count {
                let eb = buildings.geometries.envelope(b)
                guard eb.minX <= ef.maxX, eb.maxX >= ef.minX, eb.minY <= ef.maxY, eb.maxY >= ef.minY else { continue }
                #expect(try !footprints[b].intersects(geometry), "facility \(f) meets building \(b)")
            }
        }
    }

    @Test("a custom category list is honoured (unknown keys placed by level)")
    func customCategories() throws {
        let categories = [FacilityCategory(key: "kindergarten", nameZh: "幼儿园", level: "5min"),
                          FacilityCategory(key: "library", nameZh: "图书馆", level: "15min")]
        let generator = try CityGenerator(options: CityGeneratorOptions(buildings: 500, seed: 2, categories: categories))
        var facilities: FeatureTable?
        _ = try generator.run { if $0.name == "facilities" { facilities = $0 } }
        let present = Set(texts(try #require(facilities), "category").compactMap { $0 })
        #expect(present == ["kindergarten", "library"])
    }
}
