import Foundation

/// Rate limit for the warning about an output that takes no bytes: the
/// first report after `delay` seconds without progress, then one every
/// `interval` seconds while the stall lasts.
struct StallWarning {
    let delay: Double
    let interval: Double
    private var lastProgress: Date
    private var lastReport: Date? = nil

    init(delay: Double, interval: Double, now: Date = Date()) {
        self.delay = delay
        self.interval = interval
        lastProgress = now
    }

    /// Records that bytes moved, or that nothing waits to be sent.
    mutating func progressed(now: Date = Date()) {
        lastProgress = now
        lastReport = nil
    }

    /// Returns the whole seconds since the last progress when a warning is
    /// due now, and records it as reported.
    mutating func secondsToReport(now: Date = Date()) -> Int? {
        let stalled = now.timeIntervalSince(lastProgress)
        guard stalled >= delay else { return nil }
        if let lastReport, now.timeIntervalSince(lastReport) < interval { return nil }
        lastReport = now
        return Int(stalled)
    }
}
