import CIMGeometry
import CIMIndex
import CIMStore
import CIMTestSupport
import Foundation
import Testing
@testable import CIMReport

/// The map frame, the scale bar, the grid aggregation and the category sums against brute force.
@Suite struct SVGMapTests {
    @Test func scaleBarIsARoundQuarterOfTheWidth() {
        #expect(SVGMap.scaleBarMetres(mapWidthMetres: 1000) == 200)
        #expect(SVGMap.scaleBarMetres(mapWidthMetres: 4000) == 1000)
        #expect(SVGMap.scaleBarMetres(mapWidthMetres: 2100) == 500)
        #expect(SVGMap.scaleBarMetres(mapWidthMetres: 30_000) == 5000)
        var rng = SplitMix64(seed: 11)
        for _ in 0 ..< 1000 {
            let w = pow(10, rng.uniform(0, 6))
            let bar = SVGMap.scaleBarMetres(mapWidthMetres: w)
            #expect(bar <= w / 4 * (1 + 1e-12) && bar > w / 4 / 2.5 * (1 - 1e-12))
            let mantissa = bar / pow(10, floor(log10(bar)))
            #expect([1.0, 2, 5].contains { abs($0 - mantissa) < 1e-9 })
        }
    }

    @Test func coordinatesMapWithOneScaleAndYFlipped() {
        let m = SVGMap(extent: Envelope(minX: 1000, minY: 2000, maxX: 3000, maxY: 3000), crsName: "EPSG:4548", northLabel: "N")
        // Extent grown by 3 %; the wider side fills 640 − 16 px.
        let scale = (640.0 - 16) / (2000 * 1.06)
        #expect(abs(m.px(1000) - (8 + 60 * scale)) < 1e-9)
        #expect(abs(m.py(3000) - (8 + 30 * scale)) < 1e-9)
        #expect(abs((m.px(3000) - m.px(1000)) - 2000 * scale) < 1e-9)
        #expect(abs((m.py(2000) - m.py(3000)) - 1000 * scale) < 1e-9)
    }

    @Test func cellCountsMatchBruteForce() {
        var rng = SplitMix64(seed: 7)
        let xy = (0 ..< 5000).map { _ in (rng.uniform(-3000, 9000), rng.uniform(100, 4000)) }
        let column = points(xy)
        let extent = Envelope(minX: -3000, minY: 100, maxX: 9000, maxY: 4000)
        let cells = CellCounts(column, extent: extent, across: 50)
        #expect(cells.counts.reduce(0, +) == xy.count)
        for (k, corner) in cells.corners.enumerated() {
            let inside = xy.filter { $0.0 >= corner.x && $0.0 < corner.x + cells.size && $0.1 >= corner.y && $0.1 < corner.y + cells.size }.count
            #expect(inside == cells.counts[k])
        }
    }

    @Test func categoryCoverageSumsResidentsInReach() throws {
        let standard = try HandMadeReport().standard
        var rng = SplitMix64(seed: 3)
        let n = 200
        let residents = (0 ..< n).map { _ in rng.uniform(0, 5000) }
        let share = (0 ..< n).map { _ in rng.uniform(0, 100) }
        let table = FeatureTable(name: "coverage_areas", geometryType: .multiPolygon, geometries: squares((0 ..< n).map { (Double($0) * 10, 0) }, side: 10),
                                 columns: [AttributeColumn("residents", .real(residents)), AttributeColumn("rcov_kindergarten", .real(share))])
        let coverage = HealthReport.categoryCoverage(table, standard: standard)
        #expect(coverage.map(\.key) == ["kindergarten"])
        let expected = zip(residents, share).map { $0 * $1 / 100 }.reduce(0, +) / residents.reduce(0, +) * 100
        #expect(abs(coverage[0].share! - expected) < 1e-9)
    }

    @Test func escapingLeavesNoMarkup() {
        #expect(HTML.escape("<a href=\"x\">&'") == "&lt;a href=&quot;x&quot;&gt;&amp;&#39;")
    }
}
