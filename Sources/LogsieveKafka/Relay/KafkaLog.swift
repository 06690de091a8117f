#if canImport(Glibc)
import Glibc
#endif

/// Log lines on stderr: `logsieve kafka: LEVEL: message key=value …`.
///
/// Metadata keys are stable and dot-separated (`kafka.group`,
/// `kafka.topic`, `kafka.partition`, `kafka.offset`) so that log tooling
/// can match on them. Callers pass ids, counts and errors, never message
/// content or property values that `KafkaProperties.isSensitive` masks.
public struct KafkaLog: Sendable {
    public enum Level: Int, Sendable, Comparable, CaseIterable {
        case error = 3, warning = 4, info = 6, debug = 7

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rawValue > rhs.rawValue }

        var label: String {
            switch self {
            case .error: "error"
            case .warning: "warning"
            case .info: "info"
            case .debug: "debug"
            }
        }
    }

    public var level: Level
    /// Metadata on every line, e.g. the consumer group.
    public var metadata: [(String, String)]

    public init(level: Level = .info, metadata: [(String, String)] = []) {
        self.level = level
        self.metadata = metadata
    }

    public func isEnabled(_ messageLevel: Level) -> Bool { messageLevel >= level }

    public func log(_ messageLevel: Level, _ message: @autoclosure () -> String, _ extra: [(String, String)] = []) {
        guard isEnabled(messageLevel) else { return }
        var line = "logsieve kafka: \(messageLevel.label): \(message())"
        for (key, value) in metadata + extra {
            line += " \(key)=\(value)"
        }
        line += "\n"
        Self.writeStandardError(line)
    }

    public func error(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) { log(.error, message(), extra) }
    public func warning(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) { log(.warning, message(), extra) }
    public func info(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) { log(.info, message(), extra) }
    public func debug(_ message: @autoclosure () -> String, _ extra: [(String, String)] = []) { log(.debug, message(), extra) }

    /// One write(2) per line, so lines from librdkafka's threads do not interleave.
    static func writeStandardError(_ text: String) {
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

/// Metadata keys for log lines.
enum LogKey {
    static let group = "kafka.group"
    static let topic = "kafka.topic"
    static let partition = "kafka.partition"
    static let offset = "kafka.offset"
    static let partitionCount = "kafka.partitions"

    static func position(_ topicPartition: TopicPartition, offset: Int64? = nil) -> [(String, String)] {
        var result = [(topic, topicPartition.topic), (partition, String(topicPartition.partition))]
        if let offset { result.append((LogKey.offset, String(offset))) }
        return result
    }
}
