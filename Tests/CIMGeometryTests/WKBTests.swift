import CIMGeometry
import CIMIndex
import Foundation
import Testing

/// Well-known binary: the column's pure-Swift reader and writer (`appendWKB`, `wkb(_:)`) against GEOS's
/// (`GEOSWKBReader_read_r`, `GEOSWKBWriter_write_r`).
@Suite struct WKBTests {
    static let samples = GeometryColumnTests.samples + [
        "GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 2 2))",
    ]

    @Test("wkb(i) is what GEOS writes and parses back with GEOS to an equal geometry", arguments: 0 ..< samples.count)
    func columnWKBParsesWithGEOS(_ index: Int) throws {
        let g = try geom(Self.samples[index])
        var column = GeometryColumn()
        try column.append(g)
        let bytes = column.wkb(0)
        let parsed = try Geometry(wkb: bytes)
        #expect(try parsed.equalsExact(g), "\(Self.samples[index]) came back as \(parsed)")
        #expect(bytes == (try g.wkb()), "byte for byte GEOS's little-endian ISO WKB")
    }

    @Test("GEOS's WKB appended to a column gives the same geometry", arguments: 0 ..< samples.count)
    func geosWKBAppends(_ index: Int) throws {
        let g = try geom(Self.samples[index])
        var column = GeometryColumn()
        try column.appendWKB(g.wkb())
        #expect(column.count == 1)
        #expect(try column.geometry(0).equalsExact(g))
        #expect(column.envelope(0) == (try g.envelope()))
    }

    @Test func emptyPointAndPolygon() throws {
        var column = GeometryColumn()
        try column.appendWKB(geom("POINT EMPTY").wkb())
        try column.appendWKB(geom("POLYGON EMPTY").wkb())
        #expect(column.types == [.point, .polygon])
        #expect(column.parts(of: 0).isEmpty && column.parts(of: 1).isEmpty)
        #expect(try Geometry(wkb: column.wkb(0)).isEmpty)
        #expect(try Geometry(wkb: column.wkb(1)).type == .polygon)
    }

    // MARK: hand-made WKB

    /// Big-endian POLYGON ((0 0, 4 0, 4 3, 0 0)).
    static func bigEndianTriangle() -> [UInt8] {
        var w = WKBWriter(bigEndian: true)
        w.header(3)
        w.uint32(1)
        w.uint32(4)
        for (x, y) in [(0.0, 0.0), (4.0, 0.0), (4.0, 3.0), (0.0, 0.0)] { w.double(x); w.double(y) }
        return w.bytes
    }

    @Test func bigEndian() throws {
        var column = GeometryColumn()
        var w = WKBWriter(bigEndian: true)
        w.header(1); w.double(115.99); w.double(29.71)
        try column.appendWKB(w.bytes)
        try column.appendWKB(Self.bigEndianTriangle())
        #expect(column.types == [.point, .polygon])
        #expect(column.firstCoordinate(of: 0) == (115.99, 29.71))
        #expect(try column.geometry(1).area() == 6)
        #expect(try column.geometry(1).equalsExact(geom("POLYGON ((0 0, 4 0, 4 3, 0 0))")))
        // GEOS reads it the same way, and our output is little-endian.
        #expect(try Geometry(wkb: Self.bigEndianTriangle()).equalsExact(column.geometry(1)))
        #expect(column.wkb(1).first == 1)
    }

    /// Found by Fuzz/FuzzWKB: a multi geometry whose part is of another kind (a MultiPoint holding a
    /// Polygon) was accepted and written back as a different geometry. It is refused, the column unchanged.
    @Test func multiGeometryWithAPartOfAnotherKindIsRefused() throws {
        for (multi, part) in [(UInt32(4), UInt32(3)), (5, 1), (6, 2), (6, 1)] {
            var w = WKBWriter(bigEndian: false)
            w.header(multi); w.uint32(1)
            w.header(part)
            switch part {
            case 1: w.double(1); w.double(2)
            case 2: w.uint32(2); w.double(0); w.double(0); w.double(1); w.double(1)
            default: w.uint32(1); w.uint32(4); for v in [0.0, 0, 1, 0, 1, 1, 0, 0] { w.double(v) }
            }
            var column = GeometryColumn()
            #expect(throws: GeometryError.self, "type \(multi) holding type \(part)") { try column.appendWKB(w.bytes) }
            #expect(column.count == 0 && column.xy.isEmpty)
        }
        // The same parts under their own multi types are read.
        var w = WKBWriter(bigEndian: false)
        w.header(4); w.uint32(2); w.header(1); w.double(1); w.double(2); w.header(1); w.double(3); w.double(4)
        var column = GeometryColumn()
        try column.appendWKB(w.bytes)
        #expect(column.types == [.multiPoint] && column.xy == [1, 2, 3, 4])
    }

    @Test func ewkbWithZAndSRID() throws {
        var column = GeometryColumn()
        // EWKB POINT Z with SRID: flags 0x80000000 (Z) | 0x20000000 (SRID).
        var p = WKBWriter()
        p.uint8(1); p.uint32(0xA000_0001); p.uint32(4548); p.double(402264.17); p.double(3288393.86); p.double(21.5)
        try column.appendWKB(p.bytes)
        // EWKB LINESTRING Z (no SRID), big-endian.
        var l = WKBWriter(bigEndian: true)
        l.uint8(0); l.uint32(0x8000_0002); l.uint32(2)
        l.double(1); l.double(2); l.double(99); l.double(3); l.double(4); l.double(-99)
        try column.appendWKB(l.bytes)
        // EWKB POLYGON ZM.
        var z = WKBWriter()
        z.uint8(1); z.uint32(0xC000_0003); z.uint32(1); z.uint32(4)
        for (x, y) in [(0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (0.0, 0.0)] { z.double(x); z.double(y); z.double(7); z.double(8) }
        try column.appendWKB(z.bytes)
        #expect(column.types == [.point, .lineString, .polygon])
        #expect(column.firstCoordinate(of: 0) == (402264.17, 3288393.86))
        #expect(try column.geometry(1).equalsExact(geom("LINESTRING (1 2, 3 4)")), "Z dropped, not read as x or y")
        #expect(try column.geometry(2).equalsExact(geom("POLYGON ((0 0, 2 0, 2 2, 0 0))")))
        #expect(column.wkb(0).count == 21, "written back as 2D")
    }

    @Test func isoWithZAndM() throws {
        var column = GeometryColumn()
        // ISO LINESTRING Z = 1002.
        var l = WKBWriter()
        l.header(1002); l.uint32(3)
        for (x, y, z) in [(0.0, 0.0, 5.0), (3.0, 4.0, 6.0), (6.0, 0.0, 7.0)] { l.double(x); l.double(y); l.double(z) }
        try column.appendWKB(l.bytes)
        // ISO MULTIPOINT M = 2004 with POINT M (2001) parts.
        var m = WKBWriter()
        m.header(2004); m.uint32(2)
        m.header(2001); m.double(1); m.double(1); m.double(100)
        m.header(2001); m.double(2); m.double(3); m.double(200)
        try column.appendWKB(m.bytes)
        // ISO POINT ZM = 3001.
        var zm = WKBWriter()
        zm.header(3001); zm.double(9); zm.double(8); zm.double(7); zm.double(6)
        try column.appendWKB(zm.bytes)
        #expect(try column.geometry(0).equalsExact(geom("LINESTRING (0 0, 3 4, 6 0)")))
        #expect(try column.geometry(0).length() == 10)
        #expect(try column.geometry(1).equalsExact(geom("MULTIPOINT ((1 1), (2 3))")))
        #expect(try column.geometry(2).equalsExact(geom("POINT (9 8)")))
        // GEOS's own ISO Z output is read too.
        let parsed = try Geometry(wkb: l.bytes)
        #expect(try parsed.length() == 10)
    }

    @Test("NaN and infinite coordinates are rejected with an error and leave the column as it was",
          arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteRejected(_ bad: Double) throws {
        var column = GeometryColumn()
        try column.append(geom("POINT (1 1)"))
        let before = (column.types, column.featureParts, column.partRings, column.ringCoordinates, column.xy, column.envelopes)

        var line = WKBWriter()
        line.header(2); line.uint32(3)
        line.double(0); line.double(0); line.double(bad); line.double(1); line.double(2); line.double(2)
        var polygon = WKBWriter()
        polygon.header(6); polygon.uint32(2)
        polygon.header(3); polygon.uint32(1); polygon.uint32(4)
        for (x, y) in [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)] { polygon.double(x); polygon.double(y) }
        polygon.header(3); polygon.uint32(1); polygon.uint32(4)
        for (x, y) in [(5.0, 5.0), (6.0, 5.0), (6.0, bad), (5.0, 5.0)] { polygon.double(x); polygon.double(y) }
        var point = WKBWriter()
        point.header(1); point.double(bad); point.double(3)

        for bytes in [line.bytes, polygon.bytes, point.bytes] {
            let error = #expect(throws: GeometryError.self) { try column.appendWKB(bytes) }
            if case let .invalidInput(message)? = error {
                #expect(message.contains("NaN or infinite"), "\(message)")
            } else {
                Issue.record("expected invalidInput, got \(String(describing: error))")
            }
            #expect(column.types == before.0 && column.featureParts == before.1 && column.partRings == before.2)
            #expect(column.ringCoordinates == before.3 && column.xy == before.4 && column.envelopes == before.5)
        }
        // The column still works after the rejections.
        try column.appendWKB(geom("LINESTRING (0 0, 2 2)").wkb())
        #expect(column.count == 2)
        #expect(try column.geometry(1).equalsExact(geom("LINESTRING (0 0, 2 2)")))
        #expect(column.envelope(1) == Envelope(minX: 0, minY: 0, maxX: 2, maxY: 2))
    }

    @Test("every truncation of a WKB throws (never crashes) and leaves the column unchanged", arguments: 0 ..< samples.count)
    func truncatedWKBThrows(_ index: Int) throws {
        let full = try geom(Self.samples[index]).wkb()
        var column = GeometryColumn()
        try column.append(geom("POINT (0 0)"))
        for length in 0 ..< full.count {
            #expect(throws: GeometryError.self, "prefix of \(length) of \(full.count) bytes") {
                try column.appendWKB(Array(full.prefix(length)))
            }
            #expect(column.count == 1 && column.xy == [0, 0] && column.featureParts == [0, 1])
        }
        // GEOS rejects the truncated bytes as well.
        #expect(throws: GeometryError.self) { try Geometry(wkb: Array(full.dropLast())) }
    }

    @Test func malformedHeadersThrow() throws {
        var column = GeometryColumn()
        let cases: [(String, [UInt8])] = [
            ("byte order 2", [2, 1, 0, 0, 0] + [UInt8](repeating: 0, count: 16)),
            ("type 0", [1, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16)),
            ("type 8 (unsupported)", [1, 8, 0, 0, 0] + [UInt8](repeating: 0, count: 16)),
            ("type 17 (triangle)", [1, 17, 0, 0, 0] + [UInt8](repeating: 0, count: 16)),
            ("count beyond the data", [1, 2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]),
            ("huge ring count", [1, 3, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F]),
        ]
        for (name, bytes) in cases {
            #expect(throws: GeometryError.self, "\(name)") { try column.appendWKB(bytes) }
        }
        // Collections nested deeper than the reader allows.
        var deep = WKBWriter()
        for _ in 0 ..< 40 { deep.header(7); deep.uint32(1) }
        deep.header(1); deep.double(1); deep.double(1)
        let error = #expect(throws: GeometryError.self) { try column.appendWKB(deep.bytes) }
        #expect("\(String(describing: error))".contains("deep"))
        #expect(column.count == 0)
    }

    @Test func randomCorruptionNeverCrashes() throws {
        var rng = SeededGenerator(seed: 7)
        let sources = try Self.samples.map { try geom($0).wkb() }
        var column = GeometryColumn()
        var accepted = 0, rejected = 0
        for k in 0 ..< 4000 {
            var bytes = sources[k % sources.count]
            for _ in 0 ..< Int.random(in: 1 ... 3, using: &rng) {
                bytes[Int.random(in: 0 ..< bytes.count, using: &rng)] = UInt8.random(in: 0 ... 255, using: &rng)
            }
            let before = column.count
            do {
                try column.appendWKB(bytes)
                accepted += 1
                #expect(column.count == before + 1)
            } catch is GeometryError {
                rejected += 1
                #expect(column.count == before)
            }
        }
        #expect(accepted > 0 && rejected > 0)
        // Whatever was accepted is structurally sound: offsets are monotone and inside the arrays.
        #expect(column.featureParts.count == column.count + 1)
        #expect(zip(column.ringCoordinates, column.ringCoordinates.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(Int(column.ringCoordinates.last!) == column.coordinateCount)
        #expect(Int(column.partRings.last!) == column.ringCoordinates.count - 1)
        #expect(Int(column.featureParts.last!) == column.partRings.count - 1)
        #expect(column.envelopes.count == 4 * column.count)
    }
}

/// Writes WKB by hand (either byte order).
struct WKBWriter {
    var bytes: [UInt8] = []
    let bigEndian: Bool
    init(bigEndian: Bool = false) { self.bigEndian = bigEndian }
    mutating func uint8(_ v: UInt8) { bytes.append(v) }
    mutating func uint32(_ v: UInt32) {
        withUnsafeBytes(of: bigEndian ? v.bigEndian : v.littleEndian) { bytes.append(contentsOf: $0) }
    }
    mutating func double(_ v: Double) {
        withUnsafeBytes(of: bigEndian ? v.bitPattern.bigEndian : v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }
    /// Byte-order mark and type.
    mutating func header(_ type: UInt32) { uint8(bigEndian ? 0 : 1); uint32(type) }
}
