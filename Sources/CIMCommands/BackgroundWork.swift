import Foundation

/// Work started on a thread of its own, whose result the caller waits for later (``wait()``): a command
/// computes its last result layer there while it writes the others.
///
/// The thread gets a 16 MB stack (GEOS recurses deeply on large overlays; a dispatch worker's stack is
/// 512 KB). `@unchecked Sendable` is safe here: `result` is written once by the worker before it signals
/// `done`, and read only after `done` was waited for.
final class BackgroundWork<Value: Sendable>: @unchecked Sendable {
    private var result: Result<Value, any Error>?
    private let done = DispatchSemaphore(value: 0)
    /// When the work started and how long it took (seconds), once done.
    private let started = Date()
    private(set) var seconds: Double = 0

    /// Starts `body` on a new thread.
    init(_ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            let outcome = Result { try body() }
            seconds = Date().timeIntervalSince(started)
            result = outcome
            done.signal()
        }
        thread.stackSize = 16 << 20
        thread.start()
    }

    /// Waits until the work is done and returns its value, or throws its error (any number of times).
    func wait() throws -> Value {
        done.wait()
        done.signal()
        return try result!.get()
    }
}
