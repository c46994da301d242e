import CIMGeometry
import Dispatch
import Foundation
import Testing

/// GEOS from several threads at once: one context per worker (or per thread through `GEOSContext.current`),
/// results identical to a single-threaded run, errors kept per context.
@Suite struct GEOSThreadingTests {
    static let workers = 8
    static let perWorker = 1500

    /// The work of item `k`: parse a polygon from WKT, buffer a point, measure, intersect, write WKT.
    static func work(_ k: Int, _ context: GEOSContext) throws -> [Double] {
        let x = Double(k % 97) * 3.5, y = Double(k / 97) * 2.25
        let r = 1 + Double(k % 13) * 0.5
        let polygon = try Geometry(wkt: "POLYGON ((\(x) \(y), \(x + r * 2) \(y), \(x + r) \(y + r * 3), \(x) \(y)))", context: context)
        let disc = try Geometry(x: x + r, y: y + r, context: context).buffer(r, quadrantSegments: 4 + k % 12)
        let overlap = try polygon.intersection(disc)
        let text = try overlap.wkt(precision: 9)
        let reparsed = try Geometry(wkt: text, context: context)
        let onSurface = try polygon.pointOnSurface()
        return [try polygon.area(), try disc.area(), try overlap.area(), try reparsed.length(),
                try polygon.distance(to: Geometry(x: 0, y: 0, context: context)), try onSurface.x(), try onSurface.y(),
                Double(text.utf8.count)]
    }

    /// The single-threaded results, computed once.
    static let referenceResult = Result { () throws -> [[Double]] in
        let context = GEOSContext()
        return try (0 ..< workers * perWorker).map { try work($0, context) }
    }
    static func reference() throws -> [[Double]] { try referenceResult.get() }

    /// Runs `body(worker)` on `workers` threads at once and collects per-worker results (or errors).
    static func parallel(_ body: @escaping @Sendable (Int) throws -> [[Double]]) -> [Result<[[Double]], Error>] {
        // `@unchecked Sendable`: `results` is only touched while holding `lock`.
        final class Box: @unchecked Sendable {
            let lock = NSLock()
            var results: [Result<[[Double]], Error>?]
            init(_ n: Int) { results = Array(repeating: nil, count: n) }
        }
        let box = Box(workers)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let result = Result { try body(worker) }
            box.lock.lock(); box.results[worker] = result; box.lock.unlock()
        }
        return box.results.map { $0! }
    }

    @Test func ownContextPerWorkerGivesSingleThreadResults() throws {
        let expected = try Self.reference()
        let results = Self.parallel { worker in
            let context = GEOSContext()
            return try (0 ..< Self.perWorker).map { try Self.work(worker * Self.perWorker + $0, context) }
        }
        for (worker, result) in results.enumerated() {
            let values = try result.get()
            #expect(values == Array(expected[worker * Self.perWorker ..< (worker + 1) * Self.perWorker]), "worker \(worker)")
        }
    }

    @Test func currentContextPerThreadGivesSingleThreadResults() throws {
        let expected = try Self.reference()
        let results = Self.parallel { worker in
            // Interleaved items, so every thread touches every part of the data.
            try stride(from: worker, to: Self.workers * Self.perWorker, by: Self.workers).map { try Self.work($0, .current) }
        }
        for (worker, result) in results.enumerated() {
            let values = try result.get()
            let wanted = stride(from: worker, to: Self.workers * Self.perWorker, by: Self.workers).map { expected[$0] }
            #expect(values == wanted, "worker \(worker)")
        }
    }

    @Test func currentIsOnePerThread() throws {
        // `@unchecked Sendable`: its fields are only touched while holding `lock`.
        final class Seen: @unchecked Sendable {
            let lock = NSLock()
            var contexts: [GEOSContext] = [] // kept alive, so that no address is reused
            var stable = true
        }
        let seen = Seen()
        let group = DispatchGroup()
        let threads = (0 ..< 4).map { _ in
            Thread {
                let first = GEOSContext.current
                let again = GEOSContext.current
                _ = try? Geometry(wkt: "POINT (1 1)").buffer(1).area()
                seen.lock.lock()
                seen.contexts.append(first)
                if first !== again || GEOSContext.current !== first { seen.stable = false }
                seen.lock.unlock()
                group.leave()
            }
        }
        for thread in threads { group.enter(); thread.start() }
        #expect(group.wait(timeout: .now() + 60) == .success)
        #expect(seen.stable, "the same thread gets the same context")
        #expect(seen.contexts.count == 4)
        #expect(Set(seen.contexts.map(ObjectIdentifier.init)).count == 4, "four threads, four contexts")
        #expect(!seen.contexts.contains { $0 === GEOSContext.current }, "and none is this thread's")
    }

    @Test func errorsStayInTheirOwnContext() throws {
        // `@unchecked Sendable`: `byWorker` is only touched while holding `lock`.
        final class Messages: @unchecked Sendable {
            let lock = NSLock()
            var byWorker: [Int: [String]] = [:]
        }
        let messages = Messages()
        DispatchQueue.concurrentPerform(iterations: Self.workers) { worker in
            let context = GEOSContext()
            var mine: [String] = []
            for k in 0 ..< 300 {
                if (k + worker) % 2 == 0 {
                    do {
                        _ = try Geometry(wkt: "POLYGON ((\(k) 0, 1 1", context: context)
                        mine.append("parsed?")
                    } catch {
                        mine.append(geosMessage(error))
                    }
                } else {
                    let ok = (try? Geometry(wkt: "POINT (\(k) \(worker))", context: context)) != nil
                    // A successful call clears the context's error; no other thread's error shows up here.
                    mine.append(ok && context.lastError.isEmpty ? "ok" : "polluted: \(context.lastError)")
                }
            }
            messages.lock.lock(); messages.byWorker[worker] = mine; messages.lock.unlock()
        }
        for worker in 0 ..< Self.workers {
            let mine = try #require(messages.byWorker[worker])
            #expect(mine.count == 300)
            for (k, message) in mine.enumerated() {
                if (k + worker) % 2 == 0 {
                    #expect(message.contains("ParseException"), "worker \(worker) item \(k): \(message)")
                } else {
                    #expect(message == "ok", "worker \(worker) item \(k): \(message)")
                }
            }
        }
    }

    /// A `Geometry` is bound to its context and is not `Sendable` (the compiler refuses to capture one in a
    /// worker's closure): geometries reach other threads as WKB and are parsed in each worker's own context.
    @Test func geometriesMovedBetweenThreadsAsWKB() throws {
        let source = GEOSContext()
        let shapes = try (0 ..< 64).map { try Geometry(wkt: "POLYGON ((0 0, \($0 + 1) 0, \($0 + 1) 1, 0 1, 0 0))", context: source) }
        // `@unchecked Sendable`: `values` is only touched while holding `lock`.
        final class Areas: @unchecked Sendable { let lock = NSLock(); var values: [Int: Double] = [:] }
        let areas = Areas()
        let wkb = try shapes.map { try $0.wkb() }
        DispatchQueue.concurrentPerform(iterations: Self.workers) { worker in
            let context = GEOSContext()
            var total = 0.0
            for bytes in wkb { total += (try? Geometry(wkb: bytes, context: context).buffer(0.5).area()) ?? .nan }
            areas.lock.lock(); areas.values[worker] = total; areas.lock.unlock()
        }
        let expected = try shapes.reduce(0.0) { $0 + (try $1.buffer(0.5).area()) }
        for worker in 0 ..< Self.workers { #expect(areas.values[worker] == expected) }
    }
}
