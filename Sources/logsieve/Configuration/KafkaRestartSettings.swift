import LogsieveKafka

/// The settings of `logsieve kafka` that a SIGHUP reload cannot change:
/// every Kafka setting, because the consumer, the producer and the group
/// membership were built from them, and the filter settings of
/// `RestartSettings`. Names are the file's keys where one exists, and
/// `kafka.properties.NAME` for each librdkafka property, whatever its source.
struct KafkaRestartSettings {
    private var values: [String: String] = [:]
    private let filter: RestartSettings

    init(_ options: KafkaOptions) {
        let relay = options.relay
        values = [
            "kafka.brokers": relay.brokers ?? "",
            "kafka.group": relay.group,
            "kafka.from": relay.sourceTopics.joined(separator: ","),
            "kafka.to": relay.destinationTopic,
            "kafka.dead_letter": relay.deadLetterTopic ?? "",
            "kafka.partitioner": relay.partitioner.rawValue,
            "kafka.commit_interval": String(relay.commitInterval),
            "kafka.flush_timeout": String(relay.flushTimeout),
            "kafka.batch_size": String(relay.batchSize),
            // These options have no key in the file, but they are compared
            // so that a key added later is covered.
            "--unsafe": relay.unsafeAllowed.sorted().joined(separator: ","),
            "--key-by": relay.keyPath?.description ?? "",
            "--state-topic": relay.stateTopic?.topic ?? "",
            "--checkpoint-interval": relay.stateTopic.map { String($0.checkpointInterval) } ?? "",
            "--restore-timeout": relay.stateTopic.map { String($0.restoreTimeout) } ?? "",
            "--exactly-once": relay.transactionalID ?? "",
        ]
        for (name, value) in relay.properties.entries {
            values["kafka.properties.\(name)"] = value
        }
        filter = RestartSettings(options.filter)
    }

    /// Returns the names of the settings whose value differs in `other`,
    /// Kafka settings first, each group sorted by name.
    func changes(to other: KafkaRestartSettings) -> [String] {
        let names = Set(values.keys).union(other.values.keys).sorted()
        return names.filter { values[$0] != other.values[$0] } + filter.changes(to: other.filter)
    }
}

extension KafkaOptions {
    /// Puts back the restart-only settings of `old` after a reload read new
    /// ones: all of the relay's, and those of the filter options.
    mutating func keepRestartSettings(of old: KafkaOptions) {
        relay = old.relay
        filter.keepRestartSettings(of: old.filter)
    }
}
