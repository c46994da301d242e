import Foundation

/// Small typed accessors over JSONSerialization output that say where a problem is.
struct JSONReader {
    var path: String
    func sub(_ name: String) -> JSONReader { JSONReader(path: path.isEmpty ? name : "\(path).\(name)") }
    private func here(_ key: String) -> String { path.isEmpty ? "\"\(key)\"" : "\(path): \"\(key)\"" }

    func allow(_ object: [String: Any], _ keys: Set<String>) throws {
        if let unknown = object.keys.sorted().first(where: { !keys.contains($0) }) {
            throw AnalysisError("\(path.isEmpty ? "" : path + ": ")unknown key \"\(unknown)\"", hint: "allowed: \(keys.sorted().joined(separator: ", "))")
        }
    }
    func object(_ o: [String: Any], _ key: String) throws -> [String: Any] {
        guard let v = o[key] as? [String: Any] else { throw AnalysisError("missing or not an object: \(here(key))") }
        return v
    }
    func array(_ o: [String: Any], _ key: String) throws -> [Any] {
        guard let v = o[key] as? [Any] else { throw AnalysisError("missing or not a list: \(here(key))") }
        return v
    }
    func string(_ o: [String: Any], _ key: String) throws -> String {
        guard let v = o[key] as? String, !v.isEmpty else { throw AnalysisError("missing or not a string: \(here(key))") }
        return v
    }
    /// Whether a JSONSerialization number is a JSON true/false (its ObjC type is "c"; `is Bool` is also
    /// true for the numbers 0 and 1).
    static func isBoolean(_ n: NSNumber) -> Bool { String(cString: n.objCType) == "c" }

    func bool(_ o: [String: Any], _ key: String) throws -> Bool {
        guard let n = o[key] as? NSNumber, Self.isBoolean(n), let v = o[key] as? Bool else { throw AnalysisError("missing or not true/false: \(here(key))") }
        return v
    }
    func optionalBool(_ o: [String: Any], _ key: String) throws -> Bool? {
        guard o[key] != nil, !(o[key] is NSNull) else { return nil }
        return try bool(o, key)
    }
    func number(_ o: [String: Any], _ key: String) throws -> Double {
        guard let n = o[key] as? NSNumber, !Self.isBoolean(n), n.doubleValue.isFinite else { throw AnalysisError("missing or not a number: \(here(key))") }
        return n.doubleValue
    }
    /// The largest number any data file may give where no tighter bound is named: larger values are refused
    /// as meaningless (a typo or a unit mix-up), like negative ones.
    static let sanityBound = 1e12

    /// The error for a number outside its range: with a named bound, the range; with the sanity bound alone,
    /// what is wrong (too low, or too large to mean anything).
    private func outOfRange(_ key: String, _ v: Double, low: String, range: String, maximum: Double) -> AnalysisError {
        if maximum != Self.sanityBound { return AnalysisError("\(here(key)) must be in \(range), got \(v)") }
        return AnalysisError("\(here(key)) \(v > maximum ? "must be at most \(String(format: "%g", maximum))" : low), got \(v)")
    }

    /// A number in (0, `maximum`].
    func positive(_ o: [String: Any], _ key: String, atMost maximum: Double = sanityBound) throws -> Double {
        let v = try number(o, key)
        guard v > 0 && v <= maximum else {
            throw outOfRange(key, v, low: "must be positive", range: "(0, \(String(format: "%g", maximum))]", maximum: maximum)
        }
        return v
    }
    /// A number in [0, `maximum`].
    func nonNegative(_ o: [String: Any], _ key: String, atMost maximum: Double = sanityBound) throws -> Double {
        let v = try number(o, key)
        guard v >= 0 && v <= maximum else {
            throw outOfRange(key, v, low: "must not be negative", range: "[0, \(String(format: "%g", maximum))]", maximum: maximum)
        }
        return v
    }
    func optionalNonNegative(_ o: [String: Any], _ key: String, atMost maximum: Double = sanityBound) throws -> Double? {
        guard o[key] != nil, !(o[key] is NSNull) else { return nil }
        return try nonNegative(o, key, atMost: maximum)
    }
    func optionalPositive(_ o: [String: Any], _ key: String, atMost maximum: Double = sanityBound) throws -> Double? {
        guard o[key] != nil, !(o[key] is NSNull) else { return nil }
        return try positive(o, key, atMost: maximum)
    }
    func share(_ o: [String: Any], _ key: String) throws -> Double {
        let v = try number(o, key)
        guard v > 0 && v <= 1 else { throw AnalysisError("\(here(key)) must be in (0, 1], got \(v)") }
        return v
    }
}
