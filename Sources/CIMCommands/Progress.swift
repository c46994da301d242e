import Foundation

/// Progress on standard error — count, rate and, with a known total, percentage and ETA — redrawn at most
/// ten times a second, and only when standard error is a terminal (quiet in pipes, logs and tests).
///
/// `@unchecked Sendable` is safe here (analyses report from worker threads): the mutable state (`total`,
/// `lastDraw`, `drawn`) is only read and written while holding `lock`; the rest is immutable.
public final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private var total: Int?
    private let started = Date()
    private var lastDraw = Date.distantPast
    private let enabled: Bool
    private let lock = NSLock()
    private var drawn = false

    public init(_ label: String, total: Int? = nil, enabled: Bool = stderrIsTerminal) {
        self.label = label
        self.total = total
        self.enabled = enabled
    }

    /// Reports `count` items done of `total`, for work whose size is known only once it started.
    public func update(_ count: Int, total: Int) {
        guard enabled else { return }
        lock.lock(); self.total = total; lock.unlock()
        update(count)
    }

    /// Reports `count` items done.
    public func update(_ count: Int) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(started), 1e-6)
        let rate = Double(count) / elapsed
        var text = "\r\u{1B}[K\(label): \(count)"
        if let total, total > 0 {
            let share = Double(count) / Double(total)
            text += String(format: " / %d (%.0f%%)", total, share * 100)
            if rate > 0 && count < total { text += String(format: ", ETA %.0fs", Double(total - count) / rate) }
        }
        text += String(format: ", %.0f/s", rate)
        FileHandle.standardError.write(Data(text.utf8))
        drawn = true
    }

    /// Clears the progress line.
    public func finish() {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        guard drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
