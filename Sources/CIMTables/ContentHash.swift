/// FNV-1a, 64 bits: a fast fingerprint of bytes for telling whether an input changed between two checks
/// (an indicator file, a layer's rows). Not cryptographic: it detects changes, not tampering.
public struct ContentHash: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    /// Mixes in bytes.
    public mutating func add<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        var h = value
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        value = h
    }

    /// Mixes in raw memory.
    public mutating func add(_ buffer: UnsafeRawBufferPointer) {
        var h = value
        for byte in buffer { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        value = h
    }

    /// The hash as 16 hex digits.
    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash of `bytes` as 16 hex digits.
    public static func hex<Bytes: Sequence>(of bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var h = ContentHash()
        h.add(bytes)
        return h.hex
    }
}
