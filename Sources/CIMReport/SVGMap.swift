import CIMGeometry
import CIMIndex
import Foundation

/// One inline SVG map in the store's (projected, metric) CRS: layers of paths drawn in order, then a legend,
/// a scale bar and a north arrow. Coordinates are mapped to the SVG viewport with one uniform scale (y up
/// becomes y down) and written with one decimal; vertices closer than half a pixel to the previous one are
/// dropped, so a map's size follows what can be seen, not the data's density.
struct SVGMap {
    /// The map extent (store CRS).
    let extent: Envelope
    /// Drawing area in SVG pixels.
    let width: Double
    let height: Double
    private let scale: Double
    private let margin = 8.0
    private var body = ""
    private var legend: [(color: String, label: String, shape: LegendShape)] = []
    let crsName: String
    let northLabel: String

    enum LegendShape { case box, dot, line }

    /// A map of `extent` (grown by 3 % on each side) at most `maxWidth` × `maxHeight` pixels.
    init(extent: Envelope, crsName: String, northLabel: String, maxWidth: Double = 640, maxHeight: Double = 460) {
        let padX = max(extent.maxX - extent.minX, 1) * 0.03, padY = max(extent.maxY - extent.minY, 1) * 0.03
        let e = Envelope(minX: extent.minX - padX, minY: extent.minY - padY, maxX: extent.maxX + padX, maxY: extent.maxY + padY)
        let w = e.maxX - e.minX, h = e.maxY - e.minY
        let s = min((maxWidth - 16) / w, (maxHeight - 16) / h)
        self.extent = e
        self.scale = s
        self.width = w * s + 16
        self.height = h * s + 16
        self.crsName = crsName
        self.northLabel = northLabel
    }

    /// SVG x of a store x.
    func px(_ x: Double) -> Double { margin + (x - extent.minX) * scale }
    /// SVG y of a store y.
    func py(_ y: Double) -> Double { margin + (extent.maxY - y) * scale }

    private static func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// The path data of feature `i` of a column (polygons closed with Z, lines open, points skipped).
    func pathData(_ column: GeometryColumn, _ i: Int) -> String {
        var d = ""
        let closed = column.types[i] == .polygon || column.types[i] == .multiPolygon
        for p in column.parts(of: i) {
            for r in column.rings(of: p) {
                let range = column.coordinates(of: r)
                guard range.count >= 2 else { continue }
                var lastX = Double.nan, lastY = Double.nan, written = 0
                for c in range {
                    let x = px(column.xy[2 * c]), y = py(column.xy[2 * c + 1])
                    if written > 0 && abs(x - lastX) < 0.5 && abs(y - lastY) < 0.5 && c != range.upperBound - 1 { continue }
                    d += (written == 0 ? "M" : "L") + Self.f(x) + " " + Self.f(y)
                    lastX = x; lastY = y; written += 1
                }
                if closed { d += "Z" }
            }
        }
        return d
    }

    /// Adds the polygons or lines of `features` of a column, each with its fill (or stroke for lines) and a tooltip.
    mutating func addShapes(_ column: GeometryColumn, features: [Int], fill: (Int) -> String, stroke: String = "#ffffff",
                            strokeWidth: Double = 0.4, title: ((Int) -> String)? = nil, lines: Bool = false) {
        body += lines ? "<g>" : "<g fill-rule=\"evenodd\"\(stroke == "none" ? "" : " stroke=\"\(stroke)\" stroke-width=\"\(strokeWidth)\"")>"
        for i in features {
            let d = pathData(column, i)
            guard !d.isEmpty else { continue }
            let tip = title.map { "<title>\(HTML.escape($0(i)))</title>" } ?? ""
            if lines {
                body += "<path d=\"\(d)\" fill=\"none\" stroke=\"\(fill(i))\" stroke-width=\"\(strokeWidth)\">\(tip)</path>"
            } else {
                body += "<path d=\"\(d)\" fill=\"\(fill(i))\">\(tip)</path>"
            }
        }
        body += "</g>"
    }

    /// Adds circles at points (store CRS) with a colour each and a tooltip.
    mutating func addPoints(_ points: [(x: Double, y: Double)], radius: Double, color: (Int) -> String, title: ((Int) -> String)? = nil) {
        body += "<g>"
        for (k, p) in points.enumerated() {
            let tip = title.map { "<title>\(HTML.escape($0(k)))</title>" } ?? ""
            body += "<circle cx=\"\(Self.f(px(p.x)))\" cy=\"\(Self.f(py(p.y)))\" r=\"\(radius)\" fill=\"\(color(k))\" stroke=\"#333\" stroke-width=\"0.3\">\(tip)</circle>"
        }
        body += "</g>"
    }

    /// Adds square cells of `size` metres at their lower-left corners, filled by `fill`.
    mutating func addCells(_ cells: [(x: Double, y: Double)], size: Double, fill: (Int) -> String, title: ((Int) -> String)? = nil) {
        body += "<g>"
        let side = Self.f(size * scale)
        for (k, c) in cells.enumerated() {
            let tip = title.map { "<title>\(HTML.escape($0(k)))</title>" } ?? ""
            body += "<rect x=\"\(Self.f(px(c.x)))\" y=\"\(Self.f(py(c.y + size)))\" width=\"\(side)\" height=\"\(side)\" fill=\"\(fill(k))\">\(tip)</rect>"
        }
        body += "</g>"
    }

    /// Adds a legend entry.
    mutating func addLegend(_ color: String, _ label: String, shape: LegendShape = .box) { legend.append((color, label, shape)) }

    /// A round length for the scale bar: 1, 2 or 5 × 10ⁿ metres, about a quarter of the map's width.
    static func scaleBarMetres(mapWidthMetres: Double) -> Double {
        let target = max(mapWidthMetres / 4, 1e-9)
        let power = pow(10, floor(log10(target)))
        for step in [5.0, 2.0, 1.0] where step * power <= target { return step * power }
        return power
    }

    /// The finished `<svg>` element, with an accessible title.
    func render(title: String) -> String {
        let legendHeight = Double((legend.count + 1) / 2) * 18 + 6
        let totalHeight = height + legendHeight + 26
        var s = "<svg class=\"map\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Self.f(width)) \(Self.f(totalHeight))\" width=\"\(Self.f(width))\" height=\"\(Self.f(totalHeight))\" role=\"img\">"
        s += "<title>\(HTML.escape(title))</title>"
        s += "<rect x=\"0\" y=\"0\" width=\"\(Self.f(width))\" height=\"\(Self.f(height))\" fill=\"#f7f7f4\" stroke=\"#999\" stroke-width=\"0.5\"/>"
        s += body
        // North arrow (the store's CRS is projected: grid north is up).
        let nx = width - 26, ny = 12.0
        s += "<g class=\"north\"><path d=\"M\(Self.f(nx)) \(Self.f(ny))L\(Self.f(nx + 8)) \(Self.f(ny + 22))L\(Self.f(nx)) \(Self.f(ny + 17))L\(Self.f(nx - 8)) \(Self.f(ny + 22))Z\" fill=\"#222\"/>"
        s += "<text x=\"\(Self.f(nx))\" y=\"\(Self.f(ny + 34))\" text-anchor=\"middle\" font-size=\"11\">\(HTML.escape(northLabel))</text></g>"
        // Scale bar.
        let metres = Self.scaleBarMetres(mapWidthMetres: extent.maxX - extent.minX)
        let barWidth = metres * scale
        let bx = 12.0, by = height - 14
        let label = metres >= 1000 ? "\(Self.trim(metres / 1000)) km" : "\(Self.trim(metres)) m"
        s += "<g class=\"scalebar\"><rect x=\"\(Self.f(bx))\" y=\"\(Self.f(by))\" width=\"\(Self.f(barWidth / 2))\" height=\"4\" fill=\"#222\"/>"
        s += "<rect x=\"\(Self.f(bx + barWidth / 2))\" y=\"\(Self.f(by))\" width=\"\(Self.f(barWidth / 2))\" height=\"4\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"0.6\"/>"
        s += "<text x=\"\(Self.f(bx))\" y=\"\(Self.f(by - 3))\" font-size=\"10\">0</text>"
        s += "<text x=\"\(Self.f(bx + barWidth))\" y=\"\(Self.f(by - 3))\" font-size=\"10\" text-anchor=\"middle\">\(label)</text></g>"
        // Legend, two columns under the map.
        for (k, item) in legend.enumerated() {
            let lx = 10 + Double(k % 2) * (width / 2), ly = height + 10 + Double(k / 2) * 18
            switch item.shape {
            case .box: s += "<rect x=\"\(Self.f(lx))\" y=\"\(Self.f(ly))\" width=\"14\" height=\"11\" fill=\"\(item.color)\" stroke=\"#666\" stroke-width=\"0.4\"/>"
            case .dot: s += "<circle cx=\"\(Self.f(lx + 7))\" cy=\"\(Self.f(ly + 5.5))\" r=\"4\" fill=\"\(item.color)\" stroke=\"#333\" stroke-width=\"0.3\"/>"
            case .line: s += "<path d=\"M\(Self.f(lx)) \(Self.f(ly + 5.5))h14\" stroke=\"\(item.color)\" stroke-width=\"2\"/>"
            }
            s += "<text x=\"\(Self.f(lx + 20))\" y=\"\(Self.f(ly + 10))\" font-size=\"11\">\(HTML.escape(item.label))</text>"
        }
        s += "<text x=\"\(Self.f(width - 4))\" y=\"\(Self.f(totalHeight - 4))\" font-size=\"9\" fill=\"#666\" text-anchor=\"end\">\(HTML.escape(crsName))</text>"
        return s + "</svg>"
    }

    private static func trim(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%g", v) }
}

/// Colour ramps of the maps.
enum Palette {
    /// Red (0) → yellow → green (1), for shares and scores where higher is better.
    static func goodness(_ t: Double) -> String {
        let t = max(0, min(1, t.isFinite ? t : 0))
        let stops: [(Double, Double, Double)] = [(215, 48, 39), (254, 224, 139), (26, 152, 80)]
        let u = t * 2, k = min(1, Int(u)), f = u - Double(k)
        let a = stops[k], b = stops[k + 1]
        return String(format: "#%02x%02x%02x", Int(a.0 + (b.0 - a.0) * f), Int(a.1 + (b.1 - a.1) * f), Int(a.2 + (b.2 - a.2) * f))
    }
    /// Light → dark grey for densities (0…1).
    static func grey(_ t: Double) -> String {
        let v = Int(225 - 150 * max(0, min(1, t.isFinite ? t : 0)))
        return String(format: "#%02x%02x%02x", v, v, v)
    }
    static let noData = "#dddddd"
    static let severity: [String: String] = ["high": "#d7301f", "medium": "#fc8d59", "low": "#fdcc8a"]
}
