import CIMAnalysis
import CIMGeometry
import CIMStore
import CIMTestSupport
import Foundation
import Testing

/// Residents: the source's `residents` first, then `households` × persons per household, then the
/// floor-area estimate; and the data-quality counts that go with it. Checked on seeded random buildings
/// against an independent computation (square footprints of known area).
@Suite struct BuildingResidentsTests {
    @Test(arguments: [1, 2, 3] as [UInt64])
    func givenResidentsAndHouseholdsTakePrecedence(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let n = 300
        var geometries = GeometryColumn()
        var sides: [Double] = [], floors: [Int64?] = [], heights: [Double?] = [], uses: [String?] = []
        var residents: [Double?] = [], households: [Double?] = []
        for k in 0 ..< n {
            let side = random.uniform(8, 40), x = Double(k % 20) * 100, y = Double(k / 20) * 100
            geometries.beginFeature(.multiPolygon)
            geometries.addRing([(x, y), (x + side, y), (x + side, y + side), (x, y + side), (x, y)])
            geometries.endPart()
            geometries.endFeature()
            sides.append(side)
            let f = random.int(4)
            floors.append(f == 0 ? nil : Int64(1 + random.int(30)))
            heights.append(f == 0 && random.int(2) == 0 ? random.uniform(3, 90) : nil)
            uses.append(["residential", "mixed", "unknown", "commercial", nil][random.int(5)])
            let r = random.int(3)
            residents.append(r == 0 ? Double(random.int(500)) : nil)
            households.append(r == 1 ? Double(random.int(200)) : nil)
        }
        let table = FeatureTable(name: "buildings", geometryType: .multiPolygon, geometries: geometries, columns: [
            AttributeColumn("id", .text((0 ..< n).map { "b\($0)" })), AttributeColumn("floors", .integer(floors)),
            AttributeColumn("height", .real(heights)), AttributeColumn("use", .text(uses)),
            AttributeColumn("residents", .real(residents)), AttributeColumn("households", .real(households)),
        ])
        let standard = try Standard.shipped()
        let p = standard.parameters
        let result = try ResidentialBuildings(buildings: table, standard: standard, unknownIsResidential: false)
        let expectedRows = (0 ..< n).filter { uses[$0] == "residential" || uses[$0] == "mixed" }
        #expect(result.rows == expectedRows)
        var assumed = 0, fromHeight = 0, given = 0, fromHouseholds = 0
        for (k, row) in expectedRows.enumerated() {
            let floorCount: Double
            if let f = floors[row] { floorCount = Double(f) }
            else if let h = heights[row] { floorCount = max(1, (h / p.floorHeightMetres).rounded()); fromHeight += 1 }
            else { floorCount = 1; assumed += 1 }
            let estimate = sides[row] * sides[row] * floorCount / p.floorAreaPerResident
            let want: Double
            if let r = residents[row] { want = r; given += 1 }
            else if let h = households[row] { want = h * p.personsPerHousehold; fromHouseholds += 1 }
            else { want = estimate }
            #expect(abs(result.residents[k] - want) < 1e-6, "building \(row)")
        }
        #expect(result.quality.leftOutUnknownUse == uses.filter { $0 == nil || $0 == "unknown" }.count)
        #expect(result.quality.floorsAssumed == assumed && result.quality.floorsFromHeight == fromHeight)
        #expect(result.quality.residentsGiven == given && result.quality.residentsFromHouseholds == fromHouseholds)
        #expect(given > 0 && fromHouseholds > 0 && assumed > 0, "the seeded data exercises every rule")
    }

    @Test func chineseCategoryNamesNameTheirKeys() throws {
        let standard = try Standard.shipped()
        #expect(standard.category(named: "幼儿园")?.key == "kindergarten")
        #expect(standard.category(named: "农贸市场")?.key == "fresh_market")
        #expect(standard.category(named: "菜场")?.key == "fresh_market")
        #expect(standard.category(named: "公交站")?.key == "bus_stop")
        #expect(standard.category(named: "卫生服务站")?.key == "health_station")
        #expect(standard.category(named: "老年养护院")?.key == "elderly_home", "a part of a ' / ' name")
        #expect(standard.category(named: "网吧") == nil)
        var owner: [String: String] = [:]
        for category in standard.categories {
            #expect(standard.category(named: category.key)?.key == category.key)
            #expect(standard.category(named: category.nameZh)?.key == category.key)
            for alias in category.aliasesZh {
                #expect(owner[alias] == nil, "alias \(alias) of both \(owner[alias] ?? "") and \(category.key)")
                owner[alias] = category.key
            }
        }
    }
}
