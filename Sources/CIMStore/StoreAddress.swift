import CIMGeometry
import Foundation

/// Where a store is: a GeoPackage path, or a schema of a PostgreSQL database.
///
/// PostgreSQL addresses come as a URL, `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB?schema=jiujiang`
/// (`postgres://` too; other query items are passed to libpq as connection parameters, `sslmode=disable`
/// say), or in GDAL's form, `PG:dbname=DB host=HOST port=PORT user=USER schemas=jiujiang` (`schema=` is
/// accepted too). Without a schema the store is the schema `public`.
public enum StoreAddress: Sendable, Equatable {
    case geoPackage(path: String)
    case postGIS(PostGISAddress)

    /// Parses a store argument. Anything that is not a PostgreSQL address is a GeoPackage path.
    public init(_ text: String) throws {
        let lower = text.lowercased()
        if lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") {
            self = .postGIS(try PostGISAddress(url: text))
        } else if lower.hasPrefix("pg:") {
            self = .postGIS(try PostGISAddress(gdal: String(text.dropFirst(3))))
        } else {
            self = .geoPackage(path: text)
        }
    }

    /// True when `text` names a PostgreSQL database rather than a file.
    public static func isDatabase(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://") || lower.hasPrefix("pg:")
    }
}

/// A schema of a PostgreSQL database: the connection parameters and the schema the store lives in.
public struct PostGISAddress: Sendable, Equatable {
    /// libpq connection parameters (`host`, `port`, `dbname`, `user`, `password`, …).
    public var parameters: [String: String]
    /// The schema that holds the store's layers and its own tables.
    public var schema: String

    public init(parameters: [String: String], schema: String) {
        self.parameters = parameters
        self.schema = schema
    }

    /// Parses `postgresql://USER[:PASSWORD]@HOST[:PORT]/DB?schema=NAME&…`.
    public init(url text: String) throws {
        guard let components = URLComponents(string: text), let host = components.host else {
            throw StoreError("not a PostgreSQL address", file: Self.redacted(text),
                             hint: "write postgresql://USER@HOST:PORT/DATABASE?schema=NAME")
        }
        var parameters: [String: String] = [:]
        if !host.isEmpty { parameters["host"] = host }
        if let port = components.port { parameters["port"] = String(port) }
        if let user = components.user, !user.isEmpty { parameters["user"] = user.removingPercentEncoding ?? user }
        if let password = components.password { parameters["password"] = password.removingPercentEncoding ?? password }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        if !database.isEmpty { parameters["dbname"] = database.removingPercentEncoding ?? database }
        var schema = "public"
        for item in components.queryItems ?? [] {
            guard let value = item.value else { continue }
            if item.name == "schema" || item.name == "schemas" { schema = value } else { parameters[item.name] = value }
        }
        try self.init(checking: parameters, schema: schema, text: text)
    }

    /// Parses GDAL's `PG:` form without the prefix: `dbname=DB host=HOST port=PORT user=USER schemas=NAME`
    /// (values may be single-quoted).
    public init(gdal text: String) throws {
        var parameters: [String: String] = [:]
        var schema = "public"
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0 == " " }
            guard let equals = rest.firstIndex(of: "=") else {
                if rest.isEmpty { break }
                throw StoreError("not a PostgreSQL address: '\(rest)' is not KEY=VALUE", file: "PG:" + Self.redacted(text))
            }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            var value = ""
            if rest.first == "'" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "'") else { throw StoreError("an unclosed quote", file: "PG:" + Self.redacted(text)) }
                value = String(rest[..<close])
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            if key == "schemas" || key == "schema" { schema = value.split(separator: ",").first.map(String.init) ?? value }
            else if key == "tables" || key == "active_schema" { continue }
            else { parameters[key] = value }
        }
        try self.init(checking: parameters, schema: schema, text: "PG:" + text)
    }

    private init(checking parameters: [String: String], schema: String, text: String) throws {
        guard Self.isPlainIdentifier(schema) else {
            throw StoreError("the schema name '\(schema)' must be letters, digits and underscores, starting with a letter (at most 63)",
                             file: Self.redacted(text))
        }
        self.init(parameters: parameters, schema: schema)
    }

    /// True for a name that PostgreSQL keeps as written without quotes: a lower-case letter or underscore,
    /// then lower-case letters, digits and underscores, at most 63 bytes.
    public static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 63 else { return false }
        func letter(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || c == "_" }
        return letter(first) && name.unicodeScalars.allSatisfy { letter($0) || ($0 >= "0" && $0 <= "9") }
    }

    /// The libpq connection string (`key='value' …`, values quoted and escaped).
    public var connectionString: String {
        parameters.sorted { $0.key < $1.key }.map { key, value in
            "\(key)='\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'"
        }.joined(separator: " ")
    }

    /// GDAL's PG driver connection string for this schema (`PG:… schemas=NAME`).
    public var gdalConnectionString: String { "PG:\(connectionString) schemas=\(schema)" }

    /// How the address is shown to users: `postgresql://USER@HOST:PORT/DB?schema=NAME`, without the password.
    public var display: String {
        let user = parameters["user"].map { "\($0)@" } ?? ""
        let host = parameters["host"] ?? "localhost"
        let port = parameters["port"].map { ":\($0)" } ?? ""
        return "postgresql://\(user)\(host)\(port)/\(parameters["dbname"] ?? "")?schema=\(schema)"
    }

    /// The same database, another schema (one city each).
    public func withSchema(_ schema: String) -> PostGISAddress {
        PostGISAddress(parameters: parameters, schema: schema)
    }

    static func redacted(_ text: String) -> String {
        // Drop a password from a URL or a PG: string before it reaches a message.
        var result = text
        if let range = result.range(of: #":[^:@/]*@"#, options: .regularExpression), result.lowercased().hasPrefix("postgres") {
            result.replaceSubrange(range, with: "@")
        }
        if let range = result.range(of: #"password=('[^']*'|\S*)"#, options: .regularExpression) {
            result.replaceSubrange(range, with: "password=…")
        }
        return result
    }
}
