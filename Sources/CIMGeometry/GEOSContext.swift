import CGEOS
import Foundation

/// One GEOS reentrant context (`GEOSContextHandle_t`) with its own error buffer.
///
/// GEOS contexts must not be used by two threads at once, so this type is not `Sendable`: the compiler
/// refuses to capture one in a closure that may run on another thread. `GEOSContext.current` gives each
/// thread its own context, created on first use and kept for the thread's life; parallel workers get one
/// context each from the analyses' one helper (`parallelGEOSChunks` in CIMAnalysis).
///
/// Errors: the context installs a non-capturing message handler (`GEOSContext_setErrorMessageHandler_r`)
/// that stores GEOS's message in `lastError`; every wrapper clears it before a call and turns a failed call
/// into a thrown ``GeometryError/geos(operation:message:)`` carrying that message.
public final class GEOSContext {
    /// The raw context. Internal: no C type leaves this module.
    let handle: GEOSContextHandle_t
    /// The last error message GEOS reported on this context ("" when none since the last clear).
    public internal(set) var lastError: String = ""

    /// Creates a context (`GEOS_init_r`) and installs the error handler.
    public init() {
        guard let handle = GEOS_init_r() else { fatalError("GEOS_init_r returned NULL (out of memory)") }
        self.handle = handle
        let userdata = Unmanaged.passUnretained(self).toOpaque()
        GEOSContext_setErrorMessageHandler_r(handle, { message, userdata in
            guard let message, let userdata else { return }
            let context = Unmanaged<GEOSContext>.fromOpaque(userdata).takeUnretainedValue()
            context.lastError = String(cString: message)
        }, userdata)
        GEOSContext_setNoticeMessageHandler_r(handle, { _, _ in }, nil)
    }

    deinit {
        // Geometries keep a strong reference to their context, so all children are gone by now.
        GEOS_finish_r(handle)
    }

    /// The calling thread's context (created on first use, one per thread).
    public static var current: GEOSContext {
        let dictionary = Thread.current.threadDictionary
        if let context = dictionary[threadKey] as? GEOSContext { return context }
        let context = GEOSContext()
        dictionary[threadKey] = context
        return context
    }
    private static let threadKey = "cim.GEOSContext"

    /// The GEOS library version (`GEOSversion`).
    public static var version: String { String(cString: GEOSversion()) }

    @inline(__always) func clearError() { lastError = "" }

    /// The error for a failed call of `operation`.
    func error(_ operation: String) -> GeometryError {
        .geos(operation: operation, message: lastError.isEmpty ? "unknown GEOS error" : lastError)
    }

    /// Runs a GEOS call that returns a new geometry (NULL on failure) and wraps it.
    func make(_ operation: String, _ call: () -> OpaquePointer?) throws -> Geometry {
        clearError()
        guard let result = call() else { throw error(operation) }
        return Geometry(owning: result, context: self)
    }

    /// Runs a GEOS predicate (returns 0, 1, or 2 on failure).
    func predicate(_ operation: String, _ call: () -> CChar) throws -> Bool {
        clearError()
        let result = call()
        if result == 2 { throw error(operation) }
        return result == 1
    }

    /// Runs a GEOS call that returns 1 on success and writes a double.
    func measure(_ operation: String, _ call: (UnsafeMutablePointer<Double>) -> Int32) throws -> Double {
        clearError()
        var value = 0.0
        if call(&value) == 0 { throw error(operation) }
        return value
    }
}
