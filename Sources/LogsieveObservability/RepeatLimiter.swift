import Foundation
import Synchronization

/// Counts repeats of identical log messages so that an error that recurs
/// on every batch (a peer that keeps refusing, a stream of invalid lines)
/// writes its first occurrence and then one summary per `interval`.
public final class RepeatLimiter: Sendable {
    public enum Decision: Equatable {
        /// The first occurrence, or the first since the message was flushed.
        case first
        /// `count` repeats happened in the last `seconds`; log them now.
        case summary(count: Int, seconds: Int)
        case suppressed
    }

    private struct Entry {
        var lastLine: Double
        var repeats: Int
    }

    /// Seconds between summary lines of one message.
    public let interval: Double
    /// Distinct messages tracked; beyond it, the oldest entries are dropped.
    static let maxEntries = 1024
    private let entries = Mutex<[String: Entry]>([:])
    private let clock: @Sendable () -> Double

    public init(interval: Double = 60, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.interval = interval
        self.clock = clock
    }

    public func record(_ message: String) -> Decision {
        let now = clock()
        return entries.withLock { entries in
            guard var entry = entries[message] else {
                if entries.count >= Self.maxEntries {
                    let oldest = entries.min { $0.value.lastLine < $1.value.lastLine }!.key
                    entries[oldest] = nil
                }
                entries[message] = Entry(lastLine: now, repeats: 0)
                return .first
            }
            entry.repeats += 1
            if now - entry.lastLine >= interval {
                let decision = Decision.summary(count: entry.repeats, seconds: Int((now - entry.lastLine).rounded()))
                entries[message] = Entry(lastLine: now, repeats: 0)
                return decision
            }
            entries[message] = entry
            return .suppressed
        }
    }

    /// Returns the messages with repeats not yet logged, and resets them.
    public func takePending() -> [(String, Int)] {
        entries.withLock { entries in
            let pending = entries.filter { $0.value.repeats > 0 }.map { ($0.key, $0.value.repeats) }.sorted { $0.0 < $1.0 }
            for (message, _) in pending { entries[message]?.repeats = 0 }
            return pending
        }
    }
}
