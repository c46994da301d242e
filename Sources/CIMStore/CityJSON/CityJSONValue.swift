import Foundation

/// A parsed JSON value, as CityJSON needs it: numbers as `Double` (CityJSON's integer vertices are exact
/// up to 2^53), objects as ordered key/value pairs (so city objects come out in file order).
enum CityJSONValue {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([CityJSONValue])
    case object([CityJSONMember])

    /// The member `key` of an object (the first one when a key repeats), nil otherwise.
    subscript(key: String) -> CityJSONValue? {
        guard case let .object(members) = self else { return nil }
        for member in members where member.key == key { return member.value }
        return nil
    }

    var string: String? { if case let .string(s) = self { return s }; return nil }
    var number: Double? { if case let .number(n) = self { return n }; return nil }
    var array: [CityJSONValue]? { if case let .array(a) = self { return a }; return nil }
    var members: [CityJSONMember]? { if case let .object(m) = self { return m }; return nil }
    var isNull: Bool { if case .null = self { return true }; return false }

    /// A number, or a string holding one ("12.5"), nil otherwise.
    var numeric: Double? {
        switch self {
        case let .number(n): return n
        case let .string(s): return Double(s.trimmingCharacters(in: .whitespaces)).flatMap { $0.isFinite ? $0 : nil }
        default: return nil
        }
    }

    /// A scalar as text (strings as they are, integral numbers without ".0"); nil for null, arrays, objects.
    var text: String? {
        switch self {
        case let .string(s): return s
        case let .number(n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case let .bool(b): return b ? "true" : "false"
        default: return nil
        }
    }

    /// The JSON type's name, for error messages.
    var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// A member of a JSON object.
struct CityJSONMember {
    var key: String
    var value: CityJSONValue
}

/// Why a text is not JSON: the message and where (1-based line and column).
struct CityJSONSyntaxError: Error, CustomStringConvertible {
    var message: String
    var line: Int
    var column: Int
    var description: String { "\(message) at line \(line), column \(column)" }
}

/// A strict RFC 8259 JSON parser over UTF-8 bytes (recursive descent, nesting limited to 512 levels).
struct CityJSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var i = 0
    private var depth = 0
    /// Line numbers reported in errors start here (for one line of a CityJSON Sequence).
    private let firstLine: Int

    /// Parses one JSON value that must fill the whole buffer (whitespace aside).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, firstLine: Int = 1) throws -> CityJSONValue {
        var parser = CityJSONParser(bytes: bytes, firstLine: firstLine)
        parser.skipWhitespace()
        if parser.i == bytes.count { throw parser.error("the file is empty, not JSON") }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        if parser.i < bytes.count { throw parser.error("unexpected text after the end of the JSON value") }
        return value
    }

    /// Parses a byte array (see ``parse(_:firstLine:)``).
    static func parse(_ bytes: [UInt8], firstLine: Int = 1) throws -> CityJSONValue {
        try bytes.withUnsafeBufferPointer { try parse($0, firstLine: firstLine) }
    }

    private init(bytes: UnsafeBufferPointer<UInt8>, firstLine: Int) {
        self.bytes = bytes
        self.firstLine = firstLine
    }

    private func error(_ message: String) -> CityJSONSyntaxError {
        var line = firstLine, column = 1
        var k = 0
        let end = min(i, bytes.count)
        while k < end {
            if bytes[k] == 0x0A { line += 1; column = 1 } else if bytes[k] & 0xC0 != 0x80 { column += 1 }
            k += 1
        }
        return CityJSONSyntaxError(message: message, line: line, column: column)
    }

    private func describeCurrent() -> String {
        guard i < bytes.count else { return "unexpected end of file" }
        let b = bytes[i]
        if b >= 0x20 && b < 0x7F { return "unexpected character '\(Character(Unicode.Scalar(b)))'" }
        return String(format: "unexpected byte 0x%02X", b)
    }

    private mutating func skipWhitespace() {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws -> CityJSONValue {
        guard i < bytes.count else { throw error("unexpected end of file") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0") ... UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error(describeCurrent())
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw error(describeCurrent()) }
        let w = word.utf8Start
        for k in 0 ..< n where bytes[i + k] != w[k] { throw error(describeCurrent()) }
        i += n
    }

    private mutating func enter() throws {
        depth += 1
        if depth > 512 { throw error("JSON nested more than 512 levels deep") }
    }

    private mutating func parseObject() throws -> CityJSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        var members: [CityJSONMember] = []
        skipWhitespace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("\(describeCurrent()) where an object key (a string) is expected") }
            let key = try parseString()
            skipWhitespace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("\(describeCurrent()) where ':' is expected") }
            i += 1
            skipWhitespace()
            members.append(CityJSONMember(key: key, value: try parseValue()))
            skipWhitespace()
            guard i < bytes.count else { throw error("unexpected end of file inside an object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw error("\(describeCurrent()) where ',' or '}' is expected")
        }
    }

    private mutating func parseArray() throws -> CityJSONValue {
        try enter()
        defer { depth -= 1 }
        i += 1
        var elements: [CityJSONValue] = []
        skipWhitespace()
        if i < bytes.count && bytes[i] == UInt8(ascii: "]") { i += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard i < bytes.count else { throw error("unexpected end of file inside an array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(elements) }
            throw error("\(describeCurrent()) where ',' or ']' is expected")
        }
    }

    private mutating func parseString() throws -> String {
        i += 1
        let start = i
        // Fast path: no escapes.
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< i]), as: UTF8.self)
                i += 1
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw error("control character inside a string") }
            i += 1
        }
        var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[start ..< min(i, bytes.count)]))
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; return String(decoding: out, as: UTF8.self) }
            if b < 0x20 { throw error("control character inside a string") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { break }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00, i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    if low >= 0xDC00 && low < 0xE000 { scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) } else { scalar = 0xFFFD }
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                i -= 1
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))' in a string")
            }
        }
        throw error("unexpected end of file inside a string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw error("unexpected end of file in a \\u escape") }
        var v: UInt32 = 0
        for _ in 0 ..< 4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0") ... UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a") ... UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A") ... UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private mutating func parseNumber() throws -> Double {
        let start = i
        var negative = false
        if bytes[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else { throw error("invalid number") }
        var integer: UInt64 = 0
        var digits = 0
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            digits = 1
        } else {
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                if digits < 18 { integer = integer * 10 + UInt64(bytes[i] - UInt8(ascii: "0")) }
                digits += 1
                i += 1
            }
        }
        var simple = digits <= 15
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            simple = false
            i += 1
            guard i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else { throw error("invalid number: digits expected after '.'") }
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            simple = false
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") else { throw error("invalid number: digits expected in the exponent") }
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
        }
        if simple { return negative ? -Double(integer) : Double(integer) }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start ..< i]), as: UTF8.self)
        guard let value = Double(text) else { throw error("invalid number '\(text)'") }
        return value
    }
}

/// Appends JSON text to a byte buffer (for the CityJSON writer).
struct CityJSONOutput {
    var bytes: [UInt8] = []

    mutating func raw(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// A JSON string literal with the escapes RFC 8259 requires.
    mutating func string(_ s: String) {
        bytes.append(0x22)
        for b in s.utf8 {
            switch b {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(0x5C); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(0x5C); bytes.append(UInt8(ascii: "t"))
            case 0 ..< 0x20: raw(String(format: "\\u%04x", b))
            default: bytes.append(b)
            }
        }
        bytes.append(0x22)
    }

    /// A finite number: integers without a fraction, others with Swift's shortest round-trip digits.
    mutating func number(_ x: Double) {
        precondition(x.isFinite, "JSON has no NaN or infinity")
        if x == x.rounded(), abs(x) < 1e15 { raw(String(Int64(x))) } else { raw(String(x)) }
    }

    mutating func integer(_ x: Int64) { raw(String(x)) }
}
