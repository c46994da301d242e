/// PostgreSQL's errors in the store's words: the SQLSTATE of a failed statement (`PQresultErrorField`
/// with `PG_DIAG_SQLSTATE`) becomes one of the causes a person can act on (busy, disk full, read-only,
/// out of memory) or "`what`: the server's message", always with the store's address.
extension StoreError {
    /// The error of a failed statement: `state` is the SQLSTATE (nil when the connection failed),
    /// `message` the server's primary message.
    static func postgres(_ state: String?, message: String, what: String, address: String, layer: String? = nil, feature: String? = nil) -> StoreError {
        if let state, let cause = Cause(sqlState: state) { return cause.error(file: address, layer: layer, feature: feature) }
        if state == nil || state!.hasPrefix("08") {
            return StoreError("\(what): the connection to the server failed: \(message)", file: address, layer: layer, feature: feature,
                              hint: "is the server still running?")
        }
        return StoreError("\(what): \(message)", file: address, layer: layer, feature: feature)
    }
}

extension StoreError.Cause {
    /// From a PostgreSQL SQLSTATE: lock_not_available (55P03, after `lock_timeout`), deadlock_detected
    /// (40P01) and serialization_failure (40001) are a busy store; disk_full (53100) and out_of_memory
    /// (53200) speak for themselves. Other states keep the server's message.
    init?(sqlState state: String) {
        switch state {
        case "55P03", "40P01", "40001": self = .busy
        case "53100": self = .diskFull
        case "53200": self = .outOfMemory
        default: return nil
        }
    }
}
