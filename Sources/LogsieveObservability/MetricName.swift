/// The metric names logsieve exports. They are part of the interface that
/// dashboards and alerts match on, like the redaction kinds: a rename is a
/// breaking change. The README's "Metrics, health and logs" lists them.
public struct MetricName: Sendable, Hashable {
    public let name: String
    public let help: String
    public let kind: MetricsRegistry.Kind

    public init(_ name: String, _ kind: MetricsRegistry.Kind, _ help: String) {
        self.name = name
        self.kind = kind
        self.help = help
    }

    // The pipeline: the same numbers that `--stats` prints.
    public static let eventsIn = MetricName("logsieve_events_in_total", .counter, "Events read from the inputs.")
    public static let eventsOut = MetricName("logsieve_events_out_total", .counter, "Events written to the output.")
    public static let eventsDropped = MetricName("logsieve_events_dropped_total", .counter, "Events dropped by select.")
    public static let bytesIn = MetricName("logsieve_bytes_in_total", .counter, "Bytes read from the inputs, after decompression.")
    public static let bytesOut = MetricName("logsieve_bytes_out_total", .counter, "Bytes written to the output, before compression.")
    public static let invalidRecords = MetricName(
        "logsieve_invalid_records_total", .counter, "Input records written as logsieve_invalid envelopes, by reason.")
    public static let redactions = MetricName("logsieve_redactions_total", .counter, "Secrets redacted, by kind.")
    public static let enrichmentFlags = MetricName(
        "logsieve_enrichment_flags_total", .counter, "Flags raised by the enrich stage, by flag name.")
    public static let enrichmentEvents = MetricName(
        "logsieve_enrichment_events_total", .counter, "Identity-provider events the enrich stage recognized.")

    // Sidecar inputs, outputs and configuration, counted by those components.
    // A family appears in /metrics once its first sample is set.
    public static let configReloads = MetricName(
        "logsieve_config_reloads_total", .counter, "Configuration reloads, by result (success or failure).")
    public static let connectionsAccepted = MetricName(
        "logsieve_connections_accepted_total", .counter, "Connections accepted on --listen inputs.")
    public static let connectionsOpen = MetricName("logsieve_connections_open", .gauge, "Connections open on --listen inputs.")
    public static let outputReconnects = MetricName(
        "logsieve_output_reconnects_total", .counter, "Reconnections of socket outputs after a failure.")
    public static let errors = MetricName(
        "logsieve_errors_total", .counter, "Error lines logged, rate-limited repeats included, by component.")

    // Kafka mode.
    public static let kafkaConsumerLag = MetricName(
        "logsieve_kafka_consumer_lag", .gauge, "Messages between the committed offset and the high watermark, by topic and partition.")
    public static let kafkaDeliveryFailures = MetricName(
        "logsieve_kafka_delivery_failures_total", .counter, "Produced messages whose delivery report failed.")
    public static let kafkaMessagesConsumed = MetricName(
        "logsieve_kafka_messages_consumed_total", .counter, "Messages read from the --from topics.")
    public static let kafkaMessagesDelivered = MetricName(
        "logsieve_kafka_messages_delivered_total", .counter, "Sanitized messages whose delivery report succeeded.")
    public static let kafkaAssignedPartitions = MetricName(
        "logsieve_kafka_assigned_partitions", .gauge, "Input partitions assigned to this consumer group member.")

    // The process.
    public static let residentMemory = MetricName(
        "process_resident_memory_bytes", .gauge, "Resident memory size in bytes, from /proc/self/statm.")
    public static let startTime = MetricName(
        "process_start_time_seconds", .gauge, "Start time of the process since the Unix epoch, in seconds.")
    public static let buildInfo = MetricName("logsieve_build_info", .gauge, "Always 1, labelled with the logsieve version.")

    /// Every name above, for the documentation test and `--help`.
    public static let all: [MetricName] = [
        eventsIn, eventsOut, eventsDropped, bytesIn, bytesOut, invalidRecords, redactions, enrichmentFlags, enrichmentEvents,
        configReloads, connectionsAccepted, connectionsOpen, outputReconnects, errors,
        kafkaConsumerLag, kafkaDeliveryFailures, kafkaMessagesConsumed, kafkaMessagesDelivered, kafkaAssignedPartitions,
        residentMemory, startTime, buildInfo,
    ]
}
