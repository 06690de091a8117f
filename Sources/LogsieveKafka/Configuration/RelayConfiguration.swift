import LogsieveCore

/// Everything the relay needs besides the sanitizer: where to read and
/// write, the consumer group, and how to talk to librdkafka.
public struct RelayConfiguration: Sendable {
    /// The way output messages are spread over the output topic's partitions.
    public enum Partitioner: String, Sendable, CaseIterable {
        /// Input partition p goes to output partition p mod N, which keeps
        /// each input partition's order.
        case partition
        /// librdkafka's default partitioner by message key
        /// (`consistent_random`): equal keys go to one partition.
        case key
    }

    public var brokers: String?
    public var group: String
    public var sourceTopics: [String]
    public var destinationTopic: String
    /// Invalid input goes here as a scrubbed envelope, with a
    /// `logsieve.reason` header; without one it goes to `destinationTopic`.
    public var deadLetterTopic: String?
    public var partitioner = Partitioner.partition
    /// `--key-by`: the output message's key is the value at this path in the
    /// sanitized event; an event without it keeps its input key.
    public var keyPath: JSONPath?
    /// `--state-topic`: per-partition enrich state checkpointed to Kafka.
    public var stateTopic: StateTopicConfiguration?
    /// `--exactly-once`: the producer's `transactional.id`; nil for at-least-once.
    public var transactionalID: String?
    public var exactlyOnce: Bool { transactionalID != nil }
    /// The user's properties, applied to both the consumer and the producer.
    public var properties = KafkaProperties()
    /// Guarded properties that the user allowed with `--unsafe`.
    public var unsafeAllowed: Set<String> = []
    /// Messages read from the consumer queue per batch.
    public var batchSize = 4096
    /// Seconds between commits of the stored offsets.
    public var commitInterval: Double = 5
    /// Seconds that shutdown and revocation wait for delivery reports.
    public var flushTimeout: Double = 30
    /// Seconds that shutdown waits for the first assignment when the
    /// cooperative assignor is in use (see `CooperativeCloseGuard`).
    public var firstAssignmentTimeout: Double = 15

    public init(brokers: String?, group: String, sourceTopics: [String], destinationTopic: String) {
        self.brokers = brokers
        self.group = group
        self.sourceTopics = sourceTopics
        self.destinationTopic = destinationTopic
    }

    /// The consumer's properties: relay defaults, then the user's, then the
    /// settings the delivery guarantee needs.
    /// `statistics.interval.ms` for the consumer when the user set none:
    /// `--metrics` reads the consumer lag from these statistics.
    public var statisticsInterval: Int?

    func consumerProperties() -> KafkaProperties {
        var result = KafkaProperties([
            ("auto.offset.reset", "earliest"),
            ("enable.partition.eof", "false"),
        ])
        result.merge(properties)
        if let brokers { result["bootstrap.servers"] = brokers }
        result["group.id"] = group
        result["enable.auto.offset.store"] = result["enable.auto.offset.store"] ?? "false"
        result["enable.auto.commit"] = result["enable.auto.commit"] ?? "false"
        if let statisticsInterval, result["statistics.interval.ms"] == nil {
            result["statistics.interval.ms"] = String(statisticsInterval)
        }
        // Producer-only settings would make librdkafka warn on every start.
        for name in Self.producerOnlyProperties { result[name] = nil }
        return result
    }

    /// The producer's properties: idempotent, `acks=all`, zstd level 1 by
    /// default. Level 1 rather than zstd's default 3: in `bench/kafka`
    /// (1 KB messages, librdkafka 2.0.2) compression took over half of the
    /// relay's CPU at level 3, and level 1 cut the relay's CPU per message
    /// by about 30%.
    func producerProperties() -> KafkaProperties {
        var result = KafkaProperties([
            ("compression.type", "zstd"),
            ("compression.level", "1"),
            ("linger.ms", "5"),
        ])
        result.merge(properties)
        if let brokers { result["bootstrap.servers"] = brokers }
        result["enable.idempotence"] = result["enable.idempotence"] ?? "true"
        if let transactionalID { result["transactional.id"] = transactionalID }
        if result["acks"] == nil && result["request.required.acks"] == nil { result["acks"] = "all" }
        for name in Self.consumerOnlyProperties { result[name] = nil }
        return result
    }

    static let producerOnlyProperties = [
        "linger.ms", "queue.buffering.max.ms", "queue.buffering.max.messages", "queue.buffering.max.kbytes",
        "batch.num.messages", "batch.size", "enable.idempotence", "acks", "request.required.acks", "message.timeout.ms",
        "delivery.timeout.ms", "compression.type", "compression.codec", "compression.level", "retries",
        "message.send.max.retries", "partitioner", "enable.gapless.guarantee", "transactional.id",
    ]

    static let consumerOnlyProperties = ["group.id", "enable.auto.offset.store", "enable.auto.commit", "auto.commit.enable", "auto.offset.reset",
                     "enable.partition.eof", "partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms",
                     "max.poll.interval.ms", "group.instance.id", "isolation.level", "fetch.wait.max.ms", "fetch.min.bytes",
                     "fetch.max.bytes", "max.partition.fetch.bytes", "queued.min.messages", "queued.max.messages.kbytes",
                     "auto.commit.interval.ms", "coordinator.query.interval.ms", "check.crcs", "fetch.error.backoff.ms",
    ]
}
