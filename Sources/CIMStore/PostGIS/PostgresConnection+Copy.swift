import CPostgres
import Foundation

/// COPY BINARY in and out of the server: the store's bulk paths. Rows are encoded and decoded in Swift
/// (``PostgresCopyIn``, ``PostgresCopyRow``) in PostgreSQL's binary COPY format (a signature header, then
/// per row an int16 field count and per field an int32 length, -1 for NULL, and the value in the type's
/// binary send format, network byte order; an int16 -1 ends the data).
extension PostgresConnection {
    /// Runs `COPY … FROM STDIN (FORMAT binary)` (`sql`), lets `body` write the rows into the
    /// ``PostgresCopyIn`` (which sends them in large buffers, `PQputCopyData`), then ends the copy
    /// (`PQputCopyEnd`) and checks the server's verdict (`PQgetResult`). If `body` throws, the copy is
    /// ended with an error message so the server discards it, and the error is rethrown.
    func copyIn(_ sql: String, what: String = "cannot write", layer: String? = nil, _ body: (PostgresCopyIn) throws -> Void) throws {
        let start = PostgresResult(PQexec(handle, sql))
        try check(start, expecting: [PGRES_COPY_IN], what: what, layer: layer)
        let writer = PostgresCopyIn(connection: self, what: what, layer: layer)
        do {
            try body(writer)
            try writer.finish()
        } catch {
            _ = PQputCopyEnd(handle, "cim: the write was abandoned")
            drainResults()
            throw error
        }
        guard PQputCopyEnd(handle, nil) == 1 else {
            let message = lastError
            drainResults()
            throw StoreError.postgres(nil, message: message, what: what, address: display, layer: layer)
        }
        try finishCommand(what: what, layer: layer)
    }

    /// Runs `COPY (…) TO STDOUT (FORMAT binary)` (`sql`; COPY takes no bound parameters, so the query holds
    /// only quoted identifiers) and calls `row` with each
    /// row as it streams in (`PQgetCopyData`, one buffer per server message, freed with `PQfreemem`). Rows
    /// are decoded in place: `row` must not keep the ``PostgresCopyRow`` beyond the call.
    func copyOut(_ sql: String, what: String = "cannot read", layer: String? = nil, _ row: (PostgresCopyRow) throws -> Void) throws {
        let start = PostgresResult(PQexec(handle, sql))
        try check(start, expecting: [PGRES_COPY_OUT], what: what, layer: layer)
        var parser = PostgresCopyParser()
        var failure: Error?
        while true {
            var buffer: UnsafeMutablePointer<CChar>?
            let count = PQgetCopyData(handle, &buffer, 0)
            if count == -1 { break }
            guard count > 0, let buffer else {
                let message = lastError
                drainResults()
                throw StoreError.postgres(nil, message: message, what: what, address: display, layer: layer)
            }
            defer { PQfreemem(buffer) }
            // After a failure the rest of the stream is read and dropped: libpq offers no way to cancel
            // a COPY OUT short of `PQcancel`, and the connection must be left ready for its next statement.
            guard failure == nil else { continue }
            do {
                try parser.feed(UnsafeRawBufferPointer(start: buffer, count: Int(count)), row)
            } catch {
                failure = error
            }
        }
        try finishCommand(what: what, layer: layer)
        if let failure { throw failure }
        guard parser.ended else {
            throw StoreError("\(what): the server's COPY data ended early", file: display, layer: layer)
        }
    }

    /// Reads the results after a COPY (`PQgetResult` until nil) and throws the first failure.
    private func finishCommand(what: String, layer: String?) throws {
        var firstError: Error?
        while let raw = PQgetResult(handle) {
            let result = PostgresResult(raw)
            if firstError == nil {
                do { try check(result, expecting: [PGRES_COMMAND_OK], what: what, layer: layer) } catch { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }

    /// Discards every pending result (`PQgetResult` until nil) so the connection is ready again.
    func drainResults() {
        while let raw = PQgetResult(handle) { PQclear(raw) }
    }
}

/// The rows of a `COPY … FROM STDIN (FORMAT binary)`, encoded into one buffer that is sent to the server
/// (`PQputCopyData`) whenever it holds ``flushBytes`` — large sends, few calls. Write a row with
/// ``beginRow(fields:)`` and then exactly that many fields.
final class PostgresCopyIn {
    private unowned let connection: PostgresConnection
    private let what: String
    private let layer: String?
    /// The encoded bytes not yet sent.
    var buffer: [UInt8] = []
    /// Bytes buffered before a send: 4 MiB.
    static let flushBytes = 4 << 20

    init(connection: PostgresConnection, what: String, layer: String?) {
        self.connection = connection
        self.what = what
        self.layer = layer
        buffer.reserveCapacity(Self.flushBytes + (64 << 10))
        // "PGCOPY\n\377\r\n\0", flags 0, header extension length 0.
        buffer.append(contentsOf: [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00])
        appendInt32(0)
        appendInt32(0)
    }

    /// Starts a row of `fields` fields (and sends the buffer when it is full).
    @inline(__always) func beginRow(fields: Int) throws {
        if buffer.count >= Self.flushBytes { try flush() }
        appendInt16(Int16(fields))
    }

    /// A NULL field.
    @inline(__always) func appendNull() { appendInt32(-1) }
    /// An int8 field.
    @inline(__always) func append(int64 value: Int64) { appendInt32(8); withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) } }
    /// An int2 field.
    @inline(__always) func append(int16 value: Int16) { appendInt32(2); appendInt16(value) }
    /// A float8 field.
    @inline(__always) func append(float64 value: Double) {
        appendInt32(8)
        withUnsafeBytes(of: value.bitPattern.bigEndian) { buffer.append(contentsOf: $0) }
    }
    /// A text field (UTF-8 bytes; the connection's client encoding is UTF-8).
    @inline(__always) func append(text value: String) {
        var value = value
        value.withUTF8 { utf8 in
            appendInt32(Int32(utf8.count))
            buffer.append(contentsOf: utf8)
        }
    }

    /// A field whose bytes `write` appends to ``buffer`` (its length is filled in after).
    @inline(__always) func appendField(_ write: (inout [UInt8]) -> Void) {
        let lengthAt = buffer.count
        appendInt32(0)
        write(&buffer)
        let length = Int32(buffer.count - lengthAt - 4).bigEndian
        withUnsafeBytes(of: length) { bytes in
            for k in 0 ..< 4 { buffer[lengthAt + k] = bytes[k] }
        }
    }

    /// Sends the buffered bytes (`PQputCopyData`).
    func flush() throws {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(connection.handle, $0.baseAddress, Int32($0.count)) }
        }
        guard sent == 1 else {
            throw StoreError.postgres(nil, message: connection.lastError, what: what, address: connection.display, layer: layer)
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Ends the data (the int16 -1 trailer) and sends what is left.
    func finish() throws {
        appendInt16(-1)
        try flush()
    }

    @inline(__always) private func appendInt32(_ value: Int32) { withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) } }
    @inline(__always) private func appendInt16(_ value: Int16) { withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) } }
}

/// One row of a binary COPY, decoded in place: the fields' offsets into the server's buffer. Valid only
/// during the callback that receives it.
struct PostgresCopyRow {
    let base: UnsafeRawBufferPointer
    /// Start of each field's value in `base`, and its length (-1 for NULL).
    let starts: UnsafeBufferPointer<Int>
    let lengths: UnsafeBufferPointer<Int>

    /// Number of fields.
    var count: Int { starts.count }
    /// True when field `k` is NULL.
    @inline(__always) func isNull(_ k: Int) -> Bool { lengths[k] < 0 }

    /// Field `k` as an integer (int2, int4 or int8 by its length), nil when NULL.
    @inline(__always) func integer(_ k: Int) throws -> Int64? {
        switch lengths[k] {
        case -1: return nil
        case 8: return Int64(bigEndian: base.loadUnaligned(fromByteOffset: starts[k], as: Int64.self))
        case 4: return Int64(Int32(bigEndian: base.loadUnaligned(fromByteOffset: starts[k], as: Int32.self)))
        case 2: return Int64(Int16(bigEndian: base.loadUnaligned(fromByteOffset: starts[k], as: Int16.self)))
        case 1: return Int64(base[starts[k]])  // bool
        default: throw PostgresCopyParser.Malformed(reason: "an integer field of \(lengths[k]) bytes")
        }
    }

    /// Field `k` as a real (float8 or float4 by its length), nil when NULL.
    @inline(__always) func real(_ k: Int) throws -> Double? {
        switch lengths[k] {
        case -1: return nil
        case 8: return Double(bitPattern: UInt64(bigEndian: base.loadUnaligned(fromByteOffset: starts[k], as: UInt64.self)))
        case 4: return Double(Float(bitPattern: UInt32(bigEndian: base.loadUnaligned(fromByteOffset: starts[k], as: UInt32.self))))
        default: throw PostgresCopyParser.Malformed(reason: "a real field of \(lengths[k]) bytes")
        }
    }

    /// Field `k` as text (UTF-8), nil when NULL.
    @inline(__always) func text(_ k: Int) -> String? {
        guard lengths[k] >= 0 else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: base[starts[k] ..< starts[k] + lengths[k]]), as: UTF8.self)
    }

    /// Field `k`'s raw bytes (bytea), nil when NULL.
    @inline(__always) func bytes(_ k: Int) -> UnsafeRawBufferPointer? {
        guard lengths[k] >= 0 else { return nil }
        return UnsafeRawBufferPointer(rebasing: base[starts[k] ..< starts[k] + lengths[k]])
    }
}

/// Splits a binary COPY stream into rows, whatever the chunking of the server's messages: a row split
/// across messages waits in ``pending`` until it is whole; whole rows are decoded in the message's own
/// buffer without a copy.
struct PostgresCopyParser {
    /// A COPY stream that does not follow the binary format.
    struct Malformed: Error, CustomStringConvertible {
        var reason: String
        var description: String { "malformed COPY data: \(reason)" }
    }

    private var pending: [UInt8] = []
    private var headerRead = false
    /// True once the trailer (-1 field count) was read.
    private(set) var ended = false
    private var starts: [Int] = []
    private var lengths: [Int] = []

    /// Parses `chunk` (after what is pending) and calls `row` for every whole row.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ row: (PostgresCopyRow) throws -> Void) throws {
        if pending.isEmpty {
            let used = try parse(chunk, row)
            if used < chunk.count { pending.append(contentsOf: chunk[used...]) }
        } else {
            pending.append(contentsOf: chunk)
            var local = pending
            let used = try local.withUnsafeBytes { try parse($0, row) }
            pending = Array(local[used...])
        }
    }

    /// Parses whole rows from the start of `bytes`; returns the bytes used.
    private mutating func parse(_ bytes: UnsafeRawBufferPointer, _ row: (PostgresCopyRow) throws -> Void) throws -> Int {
        var offset = 0
        if !headerRead {
            guard bytes.count >= 19 else { return 0 }
            let signature: [UInt8] = [0x50, 0x47, 0x43, 0x4F, 0x50, 0x59, 0x0A, 0xFF, 0x0D, 0x0A, 0x00]
            guard Array(bytes[0 ..< 11]) == signature else { throw Malformed(reason: "no PGCOPY signature") }
            let extensionLength = Int(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 15, as: UInt32.self)))
            guard bytes.count >= 19 + extensionLength else { return 0 }
            offset = 19 + extensionLength
            headerRead = true
        }
        while offset + 2 <= bytes.count, !ended {
            let fieldCount = Int(Int16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: Int16.self)))
            if fieldCount == -1 {
                ended = true
                return offset + 2
            }
            guard fieldCount >= 0 else { throw Malformed(reason: "a field count of \(fieldCount)") }
            starts.removeAll(keepingCapacity: true)
            lengths.removeAll(keepingCapacity: true)
            var cursor = offset + 2
            var whole = true
            for _ in 0 ..< fieldCount {
                guard cursor + 4 <= bytes.count else { whole = false; break }
                let length = Int(Int32(bigEndian: bytes.loadUnaligned(fromByteOffset: cursor, as: Int32.self)))
                cursor += 4
                guard length >= -1 else { throw Malformed(reason: "a field length of \(length)") }
                starts.append(cursor)
                lengths.append(length)
                if length > 0 { cursor += length }
                guard cursor <= bytes.count else { whole = false; break }
            }
            guard whole else { break }
            try starts.withUnsafeBufferPointer { s in
                try lengths.withUnsafeBufferPointer { l in try row(PostgresCopyRow(base: bytes, starts: s, lengths: l)) }
            }
            offset = cursor
        }
        return offset
    }
}
