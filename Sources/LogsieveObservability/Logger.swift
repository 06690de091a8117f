import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Log lines on stderr, one write(2) per line, for the filter, `har`,
/// `check` and `kafka` alike.
///
/// Metadata keys are stable and dot-separated (`file`, `kafka.topic`,
/// `kafka.partition`, `peer`) so that log tooling can match on them.
/// Callers pass ids, counts, fingerprints and errors, never event text or
/// secrets. A message is built only when its level is enabled.
public struct Logger: Sendable {
    /// Syslog severities, so that librdkafka's levels map directly.
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case error = 3, warning = 4, info = 6, debug = 7

        /// A more severe level compares greater, so `isEnabled` passes the
        /// configured level and every more severe one.
        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue > rhs.rawValue }

        /// The name in logfmt and JSON lines (`warn`, as most tools write it).
        public var name: String {
            switch self {
            case .error: "error"
            case .warning: "warn"
            case .info: "info"
            case .debug: "debug"
            }
        }

        /// Parses `error`, `warn` (or `warning`), `info` or `debug`.
        public init?(name: String) {
            switch name {
            case "error": self = .error
            case "warn", "warning": self = .warning
            case "info": self = .info
            case "debug": self = .debug
            default: return nil
            }
        }
    }

    public enum Format: String, Sendable, CaseIterable {
        /// `logsieve: warning: message key=value`, for a person at a terminal.
        case text
        /// `time=… level=warn component=logsieve msg="…" key=value`.
        case logfmt
        /// One JSON object per line with `time`, `level`, `component`, `msg`.
        case json
    }

    public var level: Level
    public var format: Format
    /// The program part of a line: `logsieve` or `logsieve kafka`.
    public var component: String
    /// Metadata on every line, e.g. the consumer group.
    public var metadata: [(String, String)]
    /// Counts repeats of rate-limited messages; shared by copies of this logger.
    public let repeats: RepeatLimiter
    /// When set, the level of this logger and of all its copies, in place of
    /// `level`. A reload changes it once, and every copy that a long-running
    /// component keeps (the Kafka relay, its librdkafka callbacks) follows.
    public var sharedLevel: SharedLogLevel?

    public init(level: Level = .info, format: Format = .text, component: String = "logsieve",
                metadata: [(String, String)] = [], repeats: RepeatLimiter = RepeatLimiter()) {
        self.level = level
        self.format = format
        self.component = component
        self.metadata = metadata
        self.repeats = repeats
    }

    public func isEnabled(_ messageLevel: Level) -> Bool { messageLevel >= (sharedLevel?.level ?? level) }

    public func log(_ messageLevel: Level, _ message: @autoclosure () -> String, _ extra: [(String, String)] = []) {
        guard isEnabled(messageLevel) else { return }
        if messageLevel == .error { countError() }
        let line = LogLine.render(level: messageLevel, format: format, component: component, message: message(),
                                  metadata: metadata + extra)
        Self.writeStandardError(line)
    }

    /// Logs the first occurrence of `message` (the same text, whatever the
    /// metadata) and then at most one summary line per
    /// `RepeatLimiter.interval` with the number of repeats since the last
    /// line. `flushRepeats()` writes the summaries still pending.
    public func logLimited(_ messageLevel: Level, _ message: @autoclosure () -> String, _ extra: [(String, String)] = []) {
        guard isEnabled(messageLevel) else { return }
        let text = message()
        switch repeats.record(text) {
        case .first:
            log(messageLevel, text, extra)
        case .summary(let count, let seconds):
            log(messageLevel, text, extra + [("repeated", String(count)), ("repeated.seconds", String(seconds))])
        case .suppressed:
            if messageLevel == .error { countError() }
        }
    }

    private func countError() {
        MetricsRegistry.shared.add(.errors, [("component", component)])
    }

    /// Writes one summary line for every rate-limited message repeated since
    /// its last line; called when the program stops.
    public func flushRepeats() {
        for (text, count) in repeats.takePending() {
            log(.warning, text, [("repeated", String(count))])
        }
    }

    public func error(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) { log(.error, message(), extra) }
    public func warning(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) { log(.warning, message(), extra) }
    public func info(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) { log(.info, message(), extra) }
    public func debug(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) { log(.debug, message(), extra) }

    /// Writes `text` to stderr in one write(2) call, unless the pipe takes
    /// less, so that lines from several threads do not interleave.
    public static func writeStandardError(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}


/// A log level that copies of a `Logger` share and that any thread may read
/// or change.
public final class SharedLogLevel: Sendable {
    private let rawValue: Atomic<Int>

    public init(_ level: Logger.Level) {
        rawValue = Atomic(level.rawValue)
    }

    public var level: Logger.Level {
        get { Logger.Level(rawValue: rawValue.load(ordering: .relaxed)) ?? .info }
        set { rawValue.store(newValue.rawValue, ordering: .relaxed) }
    }
}
