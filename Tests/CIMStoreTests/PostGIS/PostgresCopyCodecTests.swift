import CIMGeometry
@testable import CIMStore
import CIMTestSupport
import Foundation
import Testing

/// The binary COPY codec of ``FeatureTableCopyCodec`` against a real server: seeded random tables (every
/// geometry type, holes, multi-parts, null geometries; integers to the int8 limits, reals, NaN, text with
/// quotes, tabs, newlines, Chinese and empty strings, flags, NULLs everywhere) go in through COPY FROM
/// STDIN (FORMAT binary) and come back through COPY TO STDOUT (FORMAT binary) unchanged; the server's own
/// view of them (ST_NPoints, ST_SRID, ST_GeometryType, length, sum) agrees with the table's.
@Suite(.serialized, .enabled(if: testPostGISURL != nil, postGISSkipReason))
struct PostgresCopyCodecTests {
    /// A random table of `count` rows with geometries of `type` (`.geometryCollection`: a mixed layer of
    /// points and polygons) and one column of every kind.
    static func randomTable(_ type: GeometryType, count: Int, seed: UInt64) -> FeatureTable {
        var random = SplitMix64(seed: seed)
        var geometries = GeometryColumn()
        func ring(_ cx: Double, _ cy: Double, _ r: Double, _ n: Int) -> [(Double, Double)] {
            var points = (0 ..< n).map { k -> (Double, Double) in
                let a = 2 * Double.pi * Double(k) / Double(n)
                return (cx + r * cos(a) * random.uniform(0.6, 1.0), cy + r * sin(a) * random.uniform(0.6, 1.0))
            }
            points.append(points[0])
            return points
        }
        for i in 0 ..< count {
            let x = random.uniform(400_000, 600_000), y = random.uniform(3_200_000, 3_400_000)
            // About one feature in 25 has no geometry (null in the store).
            if random.int(25) == 0 && type != .point {
                geometries.beginFeature(.geometryCollection)
                geometries.endFeature()
                continue
            }
            let kind: GeometryType = type == .geometryCollection ? (i % 2 == 0 ? .point : .multiPolygon) : type
            geometries.beginFeature(kind)
            switch kind {
            case .point:
                geometries.addRing(CollectionOfOne((x, y)))
                geometries.endPart()
            case .lineString:
                geometries.addRing((0 ..< 2 + random.int(8)).map { k in (x + Double(k) * random.uniform(1, 50), y + random.uniform(-30, 30)) })
                geometries.endPart()
            case .multiLineString:
                for p in 0 ..< 1 + random.int(3) {
                    geometries.addRing((0 ..< 2 + random.int(5)).map { k in (x + Double(p) * 100 + Double(k) * 10, y + random.uniform(-30, 30)) })
                    geometries.endPart()
                }
            default:
                for p in 0 ..< (kind == .polygon ? 1 : 1 + random.int(3)) {
                    let cx = x + Double(p) * 200
                    geometries.addRing(ring(cx, y, random.uniform(20, 80), 4 + random.int(12)))
                    if random.int(3) == 0 { geometries.addRing(ring(cx, y, 5, 4).reversed()) }
                    geometries.endPart()
                }
            }
            geometries.endFeature()
        }
        let words = ["", "幼儿园", "O'Brien \"quoted\"", "tab\there", "line\nbreak", "back\\slash", "社区卫生服务站 ü é", "NULL"]
        var integers: [Int64?] = [], reals: [Double?] = [], nanReals: [Double] = [], texts: [String?] = [], flags: [Bool] = []
        for i in 0 ..< count {
            switch random.int(6) {
            case 0: integers.append(nil)
            case 1: integers.append(i % 2 == 0 ? Int64.max : Int64.min)
            default: integers.append(Int64(random.int(2_000_001)) - 1_000_000)
            }
            switch random.int(5) {
            case 0: reals.append(nil)
            case 1: reals.append(.nan)
            default: reals.append(random.uniform(-1e9, 1e9))
            }
            nanReals.append(random.int(4) == 0 ? .nan : random.uniform(0, 2000))
            texts.append(random.int(7) == 0 ? nil : words[random.int(words.count)] + String(random.int(100)))
            flags.append(random.int(2) == 1)
        }
        return FeatureTable(name: "random_\(type)", geometryType: type, geometries: geometries,
                            columns: [AttributeColumn("count", .integer(integers)), AttributeColumn("value", .real(reals)),
                                      AttributeColumn("dist_kindergarten", .realOrNaN(nanReals)), AttributeColumn("名称", .text(texts)),
                                      AttributeColumn("complete", .flag(flags))])
    }

    /// Creates `table`'s table in `schema`, copies it in and reads it back with the codec.
    static func roundTrip(_ table: FeatureTable, schema: String, srid: Int32, on connection: PostgresConnection) throws -> (fids: [Int64], geometries: GeometryColumn, columns: [AttributeColumn]) {
        let name = PostgresConnection.quoted(schema, table.name)
        var definitions = ["fid bigint PRIMARY KEY", "geom \(FeatureTableCopyCodec.geometrySQLType(table.geometryType!, srid: srid))"]
        definitions += table.columns.map { "\(PostgresConnection.quoted($0.name)) \(FeatureTableCopyCodec.sqlType($0.values))" }
        try connection.execute("CREATE TABLE \(name) (\(definitions.joined(separator: ", ")))")
        try connection.copyIn("COPY \(name) (\(FeatureTableCopyCodec.copyColumns(table, geometryColumn: "geom"))) FROM STDIN (FORMAT binary)") { writer in
            try FeatureTableCopyCodec.write(table, srid: srid, into: writer, progress: nil)
        }
        let specs = table.columns.map { FieldSpec($0.name, $0.values.type) }
        var reader = FeatureTableCopyCodec.Reader(fields: specs, hasGeometry: true, expected: table.count, layer: table.name, address: "test")
        let selected = (["fid", "ST_AsEWKB(geom)"] + specs.map { PostgresConnection.quoted($0.name) }).joined(separator: ", ")
        try connection.copyOut("COPY (SELECT \(selected) FROM \(name) ORDER BY fid) TO STDOUT (FORMAT binary)") { row in
            try reader.add(row)
        }
        return (reader.fids, reader.geometries, reader.columns)
    }

    @Test(arguments: [GeometryType.point, .lineString, .multiLineString, .polygon, .multiPolygon, .geometryCollection])
    func randomTablesRoundTripThroughTheServer(type: GeometryType) throws {
        let connection = try testConnection()
        try withTemporarySchema(connection) { schema in
            let table = Self.randomTable(type, count: 3_000, seed: 14 + UInt64(type.rawValue))
            let back = try Self.roundTrip(table, schema: schema, srid: 4547, on: connection)
            #expect(back.fids == (1 ... Int64(table.count)).map { $0 })
            #expect(back.geometries.count == table.count)
            for i in 0 ..< table.count {
                // A null geometry (no parts, not the layer's type) is NULL in the store and comes back as it was.
                let written = table.geometries.wkb(i)
                #expect(back.geometries.wkb(i) == written, "feature \(i + 1)")
                if back.geometries.wkb(i) != written { break }
            }
            #expect(back.geometries.xy.count == table.geometries.xy.count && back.geometries.xy == table.geometries.xy)
            for (column, read) in zip(table.columns, back.columns) {
                #expect(column.name == read.name)
                #expect(read.values.type == column.values.type)
                for i in 0 ..< table.count where column.values[i] != read.values[i] {
                    Issue.record("column \(column.name), row \(i + 1): wrote \(column.values[i]), read \(read.values[i])")
                    break
                }
            }
            // The server's own reading of the EWKB: every coordinate, the SRID, the types.
            let name = PostgresConnection.quoted(schema, table.name)
            let stats = try connection.execute("""
                SELECT coalesce(sum(ST_NPoints(geom)), 0), count(*) FILTER (WHERE ST_SRID(geom) <> 4547), count(geom),
                       coalesce(sum(length("名称")), 0), count("count"), count(value), sum(complete)
                FROM \(name)
                """)
            let nonEmpty = (0 ..< table.count).filter { !table.geometries.parts(of: $0).isEmpty }
            #expect(stats.integer(row: 0, column: 0) == Int64(table.geometries.coordinateCount))
            #expect(stats.integer(row: 0, column: 1) == 0)
            #expect(stats.integer(row: 0, column: 2) ?? 0 >= Int64(nonEmpty.count))
            let texts = table.text("名称")!
            #expect(stats.integer(row: 0, column: 3) == Int64(texts.compactMap { $0?.count }.reduce(0, +)))
            #expect(stats.integer(row: 0, column: 4) == Int64(table.integers("count")!.compactMap { $0 }.count))
            #expect(stats.integer(row: 0, column: 5) == Int64(table.reals("value")!.compactMap { $0 }.filter(\.isFinite).count))
            if case let .flag(flags)? = table.column("complete") {
                #expect(stats.integer(row: 0, column: 6) == Int64(flags.filter { $0 }.count))
            }
            if type != .geometryCollection {
                let types = try connection.execute("SELECT DISTINCT GeometryType(geom) FROM \(name) WHERE geom IS NOT NULL").texts(column: 0)
                #expect(types == [FeatureTableCopyCodec.postGISTypeName(type).uppercased()])
            }
        }
    }

    @Test func aTableLargerThanOneBufferStreamsBothWays() throws {
        // 60,000 polygons: the writer sends several 4 MiB buffers, the reader gets many messages.
        let connection = try testConnection()
        try withTemporarySchema(connection) { schema in
            let table = Self.randomTable(.multiPolygon, count: 60_000, seed: 99)
            let back = try Self.roundTrip(table, schema: schema, srid: 4548, on: connection)
            #expect(back.fids.count == 60_000)
            #expect(back.geometries.xy == table.geometries.xy)
            #expect(back.geometries.featureParts == table.geometries.featureParts)
            #expect(back.geometries.ringCoordinates == table.geometries.ringCoordinates)
        }
    }

    @Test func parametersAreBoundNotInterpolated() throws {
        let connection = try testConnection()
        let nasty = "x'); DROP TABLE cim_layers; -- 幼儿园 \"q\""
        #expect(try connection.scalar("SELECT $1::text", [nasty]) == nasty)
        #expect(try connection.scalar("SELECT $1::text IS NULL", [nil]) == "t")
        #expect(PostgresConnection.quoted("a\"b") == "\"a\"\"b\"")
        try withTemporarySchema(connection) { schema in
            let table = PostgresConnection.quoted(schema, "we\"ird name")
            try connection.execute("CREATE TABLE \(table) (v text)")
            try connection.execute("INSERT INTO \(table) VALUES ($1)", [nasty])
            #expect(try connection.scalar("SELECT v FROM \(table)") == nasty)
        }
    }

    @Test func aFailedCopyWritesNothingAndLeavesTheConnectionUsable() throws {
        let connection = try testConnection()
        try withTemporarySchema(connection) { schema in
            let name = PostgresConnection.quoted(schema, "t")
            try connection.execute("CREATE TABLE \(name) (fid bigint PRIMARY KEY, v text)")
            struct Stop: Error {}
            #expect(throws: Stop.self) {
                try connection.copyIn("COPY \(name) (fid, v) FROM STDIN (FORMAT binary)") { writer in
                    try writer.beginRow(fields: 2)
                    writer.append(int64: 1)
                    writer.append(text: "one")
                    throw Stop()
                }
            }
            #expect(try connection.scalar("SELECT count(*) FROM \(name)") == "0")
            // A duplicate fid: the server refuses the COPY, with its message.
            let error = #expect(throws: StoreError.self) {
                try connection.copyIn("COPY \(name) (fid, v) FROM STDIN (FORMAT binary)", layer: "t") { writer in
                    for _ in 0 ..< 2 {
                        try writer.beginRow(fields: 2)
                        writer.append(int64: 7)
                        writer.append(text: "dup")
                    }
                }
            }
            #expect(error?.description.contains("duplicate key") == true)
            #expect(error?.layer == "t")
            #expect(try connection.scalar("SELECT count(*) FROM \(name)") == "0")
        }
    }

    @Test func aLockHeldByAnotherSessionIsTheStoreIsBusy() throws {
        let holder = try testConnection()
        let waiter = try testConnection()
        try withTemporarySchema(holder) { schema in
            let name = PostgresConnection.quoted(schema, "t")
            try holder.execute("CREATE TABLE \(name) (v int)")
            try holder.execute("BEGIN")
            try holder.execute("LOCK TABLE \(name) IN ACCESS EXCLUSIVE MODE")
            try waiter.execute("SET lock_timeout = '300ms'")
            let error = #expect(throws: StoreError.self) { try waiter.execute("DROP TABLE \(name)", what: "cannot write", layer: "t") }
            #expect(error?.cause == .busy)
            #expect(error?.description.contains("the store is busy: another process is writing it") == true)
            holder.rollback()
        }
    }

    @Test func aRefusedConnectionNamesTheAddressAndNoPassword() throws {
        let error = #expect(throws: StoreError.self) {
            // Port 1 on loopback: nothing listens there.
            try PostgresConnection(parameters: ["host": "127.0.0.1", "port": "1", "dbname": "cim", "user": "u", "password": "s3cret", "connect_timeout": "2"],
                                   display: "postgresql://u@127.0.0.1:1/cim?schema=x")
        }
        let text = error?.description ?? ""
        #expect(text.contains("cannot connect to postgresql://u@127.0.0.1:1/cim?schema=x"))
        #expect(!text.contains("s3cret"))
    }
}

/// ``PostgresCopyParser`` alone: a binary COPY stream cut into pieces of every size gives the same rows.
@Suite struct PostgresCopyParserTests {
    /// A stream of `rows` rows of (int8 i, text "row i" or NULL for every third, float8 i/2).
    static func stream(rows: Int) -> [UInt8] {
        var out: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]
        func int32(_ v: Int32) { withUnsafeBytes(of: v.bigEndian) { out.append(contentsOf: $0) } }
        for i in 0 ..< rows {
            withUnsafeBytes(of: Int16(3).bigEndian) { out.append(contentsOf: $0) }
            int32(8); withUnsafeBytes(of: Int64(i).bigEndian) { out.append(contentsOf: $0) }
            if i % 3 == 0 { int32(-1) } else { let t = Array("row \(i)".utf8); int32(Int32(t.count)); out.append(contentsOf: t) }
            int32(8); withUnsafeBytes(of: (Double(i) / 2).bitPattern.bigEndian) { out.append(contentsOf: $0) }
        }
        withUnsafeBytes(of: Int16(-1).bigEndian) { out.append(contentsOf: $0) }
        return out
    }

    @Test func anyChunkingGivesTheSameRows() throws {
        let bytes = Self.stream(rows: 500)
        var random = SplitMix64(seed: 3)
        for maxChunk in [1, 2, 7, 64, 1000, bytes.count] {
            var parser = PostgresCopyParser()
            var seen: [(Int64, String?, Double)] = []
            var offset = 0
            while offset < bytes.count {
                let size = min(1 + random.int(maxChunk), bytes.count - offset)
                try bytes[offset ..< offset + size].withUnsafeBytes { chunk in
                    try parser.feed(chunk) { row in seen.append((try row.integer(0)!, row.text(1), try row.real(2)!)) }
                }
                offset += size
            }
            #expect(parser.ended)
            #expect(seen.count == 500)
            #expect(seen.enumerated().allSatisfy { i, row in row.0 == Int64(i) && row.1 == (i % 3 == 0 ? nil : "row \(i)") && row.2 == Double(i) / 2 })
        }
    }

    @Test func aStreamWithoutTheSignatureIsRefused() {
        var parser = PostgresCopyParser()
        let bytes = [UInt8](repeating: 0x41, count: 40)
        #expect(throws: PostgresCopyParser.Malformed.self) {
            try bytes.withUnsafeBytes { try parser.feed($0) { _ in } }
        }
    }
}
