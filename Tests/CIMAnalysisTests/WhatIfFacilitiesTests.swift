import CIMAnalysis
import CIMGeometry
import CIMStore
import Foundation
import Testing

/// `--what-if`'s facilities: sites appended with their categories resolved, bad sites refused by name.
struct WhatIfFacilitiesTests {
    static func sites(_ categories: [String?], geometry: Bool = true) -> FeatureTable {
        var g = GeometryColumn()
        for k in categories.indices {
            g.beginFeature(.point)
            if geometry {
                g.addRing([(500_100.0 + Double(k), 3_290_100.0)])
                g.endPart()
            }
            g.endFeature()
        }
        return FeatureTable(name: "sites", geometryType: .point, geometries: g, columns: [
            AttributeColumn("id", .text(categories.indices.map { "s\($0)" })), AttributeColumn("category", .text(categories)),
            AttributeColumn("name", .text(categories.indices.map { "site \($0)" })),
        ])
    }

    @Test("sites are appended with keys from keys, Chinese and English names; coverage counts them")
    func appended() throws {
        let standard = try Standard.shipped()
        let city = try RandomCity(seed: 31, buildings: 300, facilities: 10, categories: ["kindergarten", "primary_school"])
        let merged = try WhatIfFacilities.adding(Self.sites(["kindergarten", "幼儿园", "Primary school"]), to: city.facilities, standard: standard, source: "t")
        #expect(merged.count == city.facilities.count + 3)
        #expect(Array(merged.text("category")!.suffix(3)) == ["kindergarten", "kindergarten", "primary_school"])
        #expect(Array(merged.text("id")!.suffix(3)) == ["s0", "s1", "s2"])
        #expect(Array(merged.text("category")!.prefix(city.facilities.count)) == city.facilities.text("category")!)
        let english = standard.category("primary_school")!.nameEn
        #expect(standard.category(named: english.uppercased())?.key == "primary_school")
    }

    @Test("a site with an unknown or missing category, or without a geometry, is refused naming it")
    func refused() throws {
        let standard = try Standard.shipped()
        for (table, expected) in [(Self.sites(["kindergarten", "castle"]), "s1"), (Self.sites([nil]), "s0"), (Self.sites(["kindergarten"], geometry: false), "s0")] {
            do {
                _ = try WhatIfFacilities.adding(table, to: nil, standard: standard, source: "sites.gpkg")
                Issue.record("accepted \(expected)")
            } catch let error as AnalysisError {
                #expect(error.message.contains("sites.gpkg") && error.message.contains(expected), "\(error.message)")
            }
        }
    }
}
