import CRdKafka

/// One `rd_kafka_t`, created with the callbacks wired to a `ClientEvents`,
/// and destroyed in `deinit`.
final class KafkaClientHandle {
    let pointer: OpaquePointer
    let events: ClientEvents
    /// Set when the consumer must not run `rd_kafka_consumer_close` inside
    /// `rd_kafka_destroy` (see `CooperativeCloseGuard`).
    var skipsConsumerClose = false

    init(type: rd_kafka_type_t, properties: KafkaProperties, events: ClientEvents) throws(KafkaError) {
        let conf = try RDKafkaConfig.make(properties, role: events.role)
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(events).toOpaque())
        rd_kafka_conf_set_log_cb(conf, logsieveKafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, logsieveKafkaErrorCallback)
        if type == RD_KAFKA_PRODUCER {
            rd_kafka_conf_set_dr_msg_cb(conf, logsieveKafkaDeliveryCallback)
        } else {
            rd_kafka_conf_set_rebalance_cb(conf, logsieveKafkaRebalanceCallback)
            rd_kafka_conf_set_offset_commit_cb(conf, logsieveKafkaCommitCallback)
            if properties["statistics.interval.ms"] != nil {
                rd_kafka_conf_set_stats_cb(conf, logsieveKafkaStatisticsCallback)
            }
        }
        var errorText = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errorText, errorText.count) else {
            // rd_kafka_new destroys the configuration only on success.
            rd_kafka_conf_destroy(conf)
            throw KafkaError("cannot create the Kafka \(events.role): \(String(cBuffer: errorText))")
        }
        pointer = handle
        self.events = events
    }

    /// The consumer group member id, or nil before the consumer joined a
    /// group. The corresponding C function is `rd_kafka_memberid`.
    var memberID: String? {
        guard let pointer = rd_kafka_memberid(pointer) else { return nil }
        defer { rd_kafka_mem_free(nil, pointer) }
        let id = String(cString: pointer)
        return id.isEmpty ? nil : id
    }

    deinit {
        rd_kafka_destroy_flags(pointer, skipsConsumerClose ? RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE : 0)
    }
}
