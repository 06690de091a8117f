@_exported import LogsieveObservability

/// The relay logs with the program's `Logger`: `logsieve kafka: LEVEL:
/// message key=value …` in the default text format.
public typealias KafkaLog = Logger

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
