import CIMAnalysis
import CIMGeometry
import CIMIndex
import CIMTables
import Foundation

/// Features counted into square grid cells: what a map draws instead of one path per feature when a layer
/// has more features than ``ReportInput/maxDrawnFeatures`` (a million buildings become a few thousand cells).
struct CellCounts {
    var size: Double
    /// Lower-left corners of the non-empty cells and their counts.
    var corners: [(x: Double, y: Double)] = []
    var counts: [Int] = []

    /// Counts the features of `column` by the centre of their envelope, in cells of about 1/`across` of
    /// the extent's width (aligned on multiples of the size).
    init(_ column: GeometryColumn, extent: Envelope, across: Double = 80) {
        let raw = max(extent.maxX - extent.minX, extent.maxY - extent.minY) / across
        size = max(raw, 1e-9)
        var cells: [Int64: Int] = [:]
        for i in 0 ..< column.count {
            let env = column.envelope(i)
            let cx = Int64(floor((env.minX + env.maxX) / 2 / size)), cy = Int64(floor((env.minY + env.maxY) / 2 / size))
            cells[(cx << 32) ^ (cy & 0xffff_ffff), default: 0] += 1
        }
        for (key, count) in cells.sorted(by: { $0.key < $1.key }) {
            let cx = key >> 32, cy = Int64(Int32(truncatingIfNeeded: key))
            corners.append((Double(cx) * size, Double(cy) * size))
            counts.append(count)
        }
    }
}

/// The drainage section: blank zones and unserved residents, pipe defects by type, with maps.
extension HealthReport {
    /// Draws the features of a layer, or their cell counts when there are too many.
    func drawMany(_ m: inout SVGMap, _ table: FeatureTable, extent: Envelope, color: String, lines: Bool) {
        if table.count > input.maxDrawnFeatures {
            let cells = CellCounts(table.geometries, extent: extent)
            let most = Double(cells.counts.max() ?? 1)
            m.addCells(cells.corners, size: cells.size, fill: { k in Palette.grey(Double(cells.counts[k]) / most) },
                       title: { k in "\(cells.counts[k])" })
            m.addLegend(Palette.grey(1), "\(t(lines ? "pipes" : "buildings")): \(t("buildings_per_cell")) (\(t("cells")) \(Int(cells.size)) m, max \(Int(most)))")
        } else {
            m.addShapes(table.geometries, features: Array(0 ..< table.count), fill: { _ in color }, stroke: "none", strokeWidth: lines ? 0.6 : 0,
                        lines: lines)
            m.addLegend(color, t(lines ? "pipes" : "buildings"), shape: lines ? .line : .box)
        }
    }

    func drainageSection() -> String {
        var s = ""
        if let zones = input.blankZones {
            let residents = (zones.reals("residents") ?? []).compactMap { $0 }.reduce(0, +)
            let buildings = (zones.integers("buildings") ?? []).compactMap { $0 }.reduce(0, +)
            let floor = (zones.reals("floor_area_m2") ?? []).compactMap { $0 }.reduce(0, +)
            s += "<p class=\"note\">blank_zones: \(e(input.drainageOrigin))</p>"
            s += "<div class=\"kpi\"><div>\(e(t("blank_zones")))<b id=\"blank-zones\">\(zones.count)</b></div>"
            s += "<div>\(e(t("unserved_residents")))<b id=\"unserved-residents\">\(HTML.number(residents, 0))</b></div>"
            s += "<div>\(e(t("unserved_buildings")))<b>\(buildings)</b></div><div>\(e(t("floor_area")))<b>\(HTML.number(floor, 0))</b></div></div>"
            let ids = zones.text("id") ?? [], zoneResidents = zones.reals("residents") ?? [], zoneBuildings = zones.integers("buildings") ?? []
            let district = zones.text("district_name") ?? zones.text("district") ?? []
            let top = (0 ..< zones.count).sorted { (zoneResidents[$0] ?? 0) > (zoneResidents[$1] ?? 0) }.prefix(10)
            s += HTML.table(["id", t("unserved_buildings"), t("unserved_residents"), t("area")], top.map { i in
                [e(ids[i] ?? ""), "\(zoneBuildings[i] ?? 0)", HTML.number(zoneResidents[i], 0), e(district.isEmpty ? "" : district[i] ?? "")]
            })
            if let extent = input.buildings?.extent ?? zones.extent {
                var m = map(extent)
                if let b = input.buildings { drawMany(&m, b, extent: extent, color: "#bbbbbb", lines: false) }
                m.addShapes(zones.geometries, features: Array(0 ..< zones.count), fill: { _ in "rgba(215,48,31,0.55)" }, stroke: "#a50f15",
                            strokeWidth: 0.8, title: { i in "\(ids[i] ?? ""): \(HTML.number(zoneResidents[i], 0))" })
                m.addLegend("rgba(215,48,31,0.55)", t("blank_zones"))
                s += "<div class=\"maps\"><figure><figcaption>\(e(t("map_blank")))</figcaption>\(m.render(title: t("map_blank")))</figure></div>"
            }
        } else {
            s += "<p class=\"na\">\(e(t("blank_zones"))): \(e(t("not_available"))) — \(e(input.drainageNeeds ?? input.drainageOrigin))</p>"
        }
        s += "<h3>\(e(t("pipe_defects")))</h3>"
        guard let defects = input.defects else {
            return s + "<p class=\"na\">\(e(t("not_available"))) — \(e(input.defectsOrigin))</p>"
        }
        let types = defects.text("type") ?? [], severity = defects.text("severity") ?? []
        s += "<p class=\"note\">pipe_defects: \(e(input.defectsOrigin))</p>"
        var byType: [String: [String: Int]] = [:]
        for i in 0 ..< defects.count { byType[types[i] ?? "", default: [:]][severity[i] ?? "", default: 0] += 1 }
        let ordered = DefectType.allCases.map(\.rawValue).filter { byType[$0] != nil } + byType.keys.filter { DefectType(rawValue: $0) == nil }.sorted()
        s += HTML.table([t("defect_type"), t("count"), t("high"), t("medium"), t("low")], ordered.map { type in
            let c = byType[type]!
            return [e(t(type)), "\(c.values.reduce(0, +))", "\(c["high"] ?? 0)", "\(c["medium"] ?? 0)", "\(c["low"] ?? 0)"]
        })
        if let extent = input.pipes?.extent ?? defects.extent {
            var m = map(extent)
            if let pipes = input.pipes { drawMany(&m, pipes, extent: extent, color: "#6a8caf", lines: true) }
            if defects.count > input.maxDrawnFeatures {
                let cells = CellCounts(defects.geometries, extent: extent, across: 50)
                let most = Double(cells.counts.max() ?? 1)
                m.addCells(cells.corners, size: cells.size, fill: { k in Palette.goodness(1 - Double(cells.counts[k]) / most) }, title: { k in "\(cells.counts[k])" })
                m.addLegend(Palette.goodness(0), "\(t("pipe_defects")) (\(t("cells")), max \(Int(most)))")
            } else {
                let points = (0 ..< defects.count).map { defects.geometries.firstCoordinate(of: $0) }.map { (x: $0.x, y: $0.y) }
                m.addPoints(points, radius: 2.5, color: { Palette.severity[severity[$0] ?? ""] ?? "#888" },
                            title: { "\(self.t(types[$0] ?? "")) (\(self.t(severity[$0] ?? "")))" })
                for level in ["high", "medium", "low"] { m.addLegend(Palette.severity[level]!, "\(t("severity")): \(t(level))", shape: .dot) }
            }
            s += "<div class=\"maps\"><figure><figcaption>\(e(t("map_defects")))</figcaption>\(m.render(title: t("map_defects")))</figure></div>"
        }
        return s
    }
}
