/// Pure-Swift well-known binary reading and writing for ``GeometryColumn``: the fast path between stored
/// geometry blobs and flat arrays, with no GEOS object per feature.
extension GeometryColumn {
    /// Appends one WKB geometry (either byte order; ISO and EWKB Z/M flags accepted, Z and M dropped).
    /// Geometry collections are appended part by part under the collection type; NaN coordinates are
    /// rejected.
    public mutating func appendWKB(_ bytes: UnsafeRawBufferPointer) throws {
        var reader = WKBCursor(bytes: bytes)
        let checkpoint = snapshotCounts()
        do {
            let type = try reader.peekType()
            beginFeature(type == .geometryCollection ? .geometryCollection : type)
            try readGeometry(&reader, depth: 0)
            endFeature()
        } catch {
            rollback(to: checkpoint)
            throw error
        }
    }

    /// Appends one WKB geometry held in an array.
    public mutating func appendWKB(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try appendWKB($0) }
    }

    private struct Counts { var types, featureParts, partRings, ringCoordinates, xy, envelopes: Int }
    private func snapshotCounts() -> Counts {
        Counts(types: types.count, featureParts: featureParts.count, partRings: partRings.count,
               ringCoordinates: ringCoordinates.count, xy: xy.count, envelopes: envelopes.count)
    }
    private mutating func rollback(to c: Counts) {
        truncate(c.types, c.featureParts, c.partRings, c.ringCoordinates, c.xy, c.envelopes)
    }

    private mutating func readGeometry(_ reader: inout WKBCursor, depth: Int) throws {
        guard depth < 32 else { throw GeometryError.invalidInput("WKB nested too deeply") }
        let header = try reader.readHeader()
        switch header.type {
        case .point:
            let (x, y) = try reader.readCoordinate(header)
            if x.isNaN && y.isNaN { return } // POINT EMPTY
            try checkFinite(x, y)
            addRing(CollectionOfOne((x, y)))
            endPart()
        case .lineString, .linearRing:
            try readSequence(&reader, header)
            endPart()
        case .polygon:
            let rings = try reader.readCount()
            if rings == 0 { return }
            for _ in 0 ..< rings { try readSequence(&reader, header) }
            endPart()
        case .multiPoint, .multiLineString, .multiPolygon, .geometryCollection:
            let n = try reader.readCount()
            // A multi geometry holds parts of its own kind only (found by Fuzz/FuzzWKB: a MultiPoint
            // holding a Polygon was accepted, and written back as something else).
            let partType: GeometryType? = header.type == .multiPoint ? .point : header.type == .multiLineString ? .lineString
                : header.type == .multiPolygon ? .polygon : nil
            for _ in 0 ..< n {
                if let partType {
                    let found = try reader.peekType()
                    guard found == partType else { throw GeometryError.invalidInput("a \(header.type) holds a \(found)") }
                }
                try readGeometry(&reader, depth: depth + 1)
            }
        }
    }

    private mutating func readSequence(_ reader: inout WKBCursor, _ header: WKBCursor.Header) throws {
        let n = try reader.readCount()
        for _ in 0 ..< n {
            let (x, y) = try reader.readCoordinate(header)
            try checkFinite(x, y)
            addCoordinate(x, y)
        }
        ringCoordinates.append(Int32(xy.count / 2))
    }

    @inline(__always) private func checkFinite(_ x: Double, _ y: Double) throws {
        if !x.isFinite || !y.isFinite { throw GeometryError.invalidInput("coordinate is NaN or infinite (\(x), \(y))") }
    }

    /// Feature `i` as little-endian ISO WKB (2D).
    public func wkb(_ i: Int) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(9 + 16 * 8)
        appendWKB(of: i, to: &out)
        return out
    }

    /// Appends feature `i` as little-endian ISO WKB (2D) to `out` (no intermediate array: for writers that
    /// reuse one buffer per row).
    public func appendWKB(of i: Int, to out: inout [UInt8]) {
        let parts = self.parts(of: i)
        let type = types[i]
        func header(_ t: UInt32) { out.append(1); appendUInt32(&out, t) }
        func part(_ p: Int, _ t: GeometryType) {
            switch t {
            case .point:
                header(1)
                let c = coordinates(of: rings(of: p).lowerBound).lowerBound
                appendDouble(&out, xy[2 * c]); appendDouble(&out, xy[2 * c + 1])
            case .lineString, .linearRing:
                header(2)
                sequence(rings(of: p).lowerBound)
            default:
                header(3)
                let rs = rings(of: p)
                appendUInt32(&out, UInt32(rs.count))
                for r in rs { sequence(r) }
            }
        }
        func sequence(_ r: Int) {
            let cs = coordinates(of: r)
            appendUInt32(&out, UInt32(cs.count))
            #if _endian(little)
            // The interleaved coordinates are already little-endian WKB: one copy for the whole ring.
            xy.withUnsafeBytes { out.append(contentsOf: $0[(16 * cs.lowerBound) ..< (16 * cs.upperBound)]) }
            #else
            for c in cs { appendDouble(&out, xy[2 * c]); appendDouble(&out, xy[2 * c + 1]) }
            #endif
        }
        switch type {
        case .point, .lineString, .polygon, .linearRing:
            if parts.isEmpty {
                if type == .point { header(1); appendDouble(&out, .nan); appendDouble(&out, .nan) }
                else { header(type == .polygon ? 3 : 2); appendUInt32(&out, 0) }
            } else {
                part(parts.lowerBound, type)
            }
        default:
            header(UInt32(type.rawValue))
            appendUInt32(&out, UInt32(parts.count))
            for p in parts { part(p, type == .geometryCollection ? inferredPartType(p) : type.singular) }
        }
    }

    /// The type of part `p` of a geometry collection, inferred from its shape (the column keeps one type
    /// per feature): one coordinate is a point, one open ring a line, closed rings a polygon.
    func inferredPartType(_ p: Int) -> GeometryType {
        let rs = rings(of: p)
        if rs.count == 1 && coordinates(of: rs.lowerBound).count == 1 { return .point }
        if rs.count == 1 {
            let cs = coordinates(of: rs.lowerBound)
            let closed = cs.count >= 4 && xy[2 * cs.lowerBound] == xy[2 * (cs.upperBound - 1)]
                && xy[2 * cs.lowerBound + 1] == xy[2 * (cs.upperBound - 1) + 1]
            return closed ? .polygon : .lineString
        }
        return .polygon
    }
}

@inline(__always) private func appendUInt32(_ out: inout [UInt8], _ v: UInt32) {
    withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
}

@inline(__always) private func appendDouble(_ out: inout [UInt8], _ v: Double) {
    withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
}

/// A bounds-checked reader over WKB bytes.
struct WKBCursor {
    let bytes: UnsafeRawBufferPointer
    var offset = 0
    var littleEndian = true

    struct Header { var type: GeometryType; var dimensions: Int; var littleEndian: Bool }

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    func peekType() throws -> GeometryType {
        var copy = self
        return try copy.readHeader().type
    }

    mutating func readHeader() throws -> Header {
        guard offset < bytes.count else { throw GeometryError.invalidInput("WKB truncated (no byte-order mark)") }
        let order = bytes[offset]
        guard order <= 1 else { throw GeometryError.invalidInput("WKB has a bad byte-order mark \(order)") }
        offset += 1
        littleEndian = order == 1
        var raw = try readUInt32()
        var dims = 2
        // EWKB flags
        if raw & 0x8000_0000 != 0 { dims += 1 }
        if raw & 0x4000_0000 != 0 { dims += 1 }
        if raw & 0x2000_0000 != 0 { _ = try readUInt32() } // SRID
        raw &= 0x0FFF_FFFF
        // ISO Z / M / ZM
        switch raw / 1000 {
        case 1, 2: dims += 1
        case 3: dims += 2
        default: break
        }
        let base = raw % 1000
        guard let type = GeometryType(rawValue: UInt8(truncatingIfNeeded: base)), base <= 7 else {
            throw GeometryError.invalidInput("WKB geometry type \(raw) is not supported")
        }
        return Header(type: type, dimensions: dims, littleEndian: littleEndian)
    }

    mutating func readUInt32() throws -> UInt32 {
        guard offset + 4 <= bytes.count else { throw GeometryError.invalidInput("WKB truncated") }
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        offset += 4
        return littleEndian ? UInt32(littleEndian: v) : UInt32(bigEndian: v)
    }

    mutating func readCount() throws -> Int {
        let n = Int(try readUInt32())
        guard n <= (bytes.count - offset) else { throw GeometryError.invalidInput("WKB count \(n) exceeds the data") }
        return n
    }

    @inline(__always) mutating func readDouble() throws -> Double {
        guard offset + 8 <= bytes.count else { throw GeometryError.invalidInput("WKB truncated") }
        let v = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return Double(bitPattern: littleEndian ? UInt64(littleEndian: v) : UInt64(bigEndian: v))
    }

    mutating func readCoordinate(_ header: Header) throws -> (Double, Double) {
        let x = try readDouble(), y = try readDouble()
        for _ in 2 ..< header.dimensions { _ = try readDouble() }
        return (x, y)
    }
}
