import Foundation
import LogsieveCore
import LogsieveIO
import LogsieveKafka

/// `logsieve kafka`: the consumer-group relay from raw topics to a
/// sanitized topic, at least once.
enum KafkaCommand {
    static func run(_ arguments: [String], environment: [String: String]) -> Int32 {
        if arguments.contains("-h") || arguments.contains("--help") {
            Diagnostics.writeStandardOutput(helpText)
            return ExitStatus.success
        }
        ShutdownSignals.install()
        // Before librdkafka starts its threads, as for the stop signals, and
        // with or without --config: SIGHUP must never end the relay.
        ReloadSignal.install()
        let relay: KafkaRelay
        let sanitizer: EventSanitizer
        let options: KafkaOptions
        do {
            var commandLine = arguments
            let configPath = try ConfigResolution.extractConfigPath(&commandLine, environment: environment)
            let file = try configPath.map { (path: String) throws(UsageError) in try ConfigResolution.loadFile(path, environment: environment) }
            options = try ConfigResolution.kafkaOptions(commandLine: commandLine, file: file, environment: environment)
            Diagnostics.configure(level: options.logLevel, format: options.filter.observability.logFormat,
                                  component: "logsieve kafka")
            // The relay and librdkafka's callbacks keep copies of the logger,
            // and a reload changes the level of all of them.
            Diagnostics.shareLevel()
            let reload: KafkaReload
            (relay, sanitizer, reload) = try makeRelay(options, commandLine: commandLine, configPath: configPath, environment: environment)
            relay.betweenBatches = reload.reloadIfRequested
        } catch let error as UsageError {
            Diagnostics.usage("kafka: \(error.message)")
            return ExitStatus.usage
        } catch let error as RuntimeFailure {
            Diagnostics.error("kafka: \(error.message)")
            return ExitStatus.failure
        } catch {
            Diagnostics.usage("kafka: \(error)")
            return ExitStatus.usage
        }
        do {
            if let address = options.filter.observability.metricsAddress {
                let monitor = RelayMonitor()
                let metrics = FilterMetrics(enriches: false, countsBytesOut: false)
                monitor.publishPipelineCounters = {
                    metrics.publish(sanitizer.stats, counts: sanitizer.counts, bytesOut: nil, enrichment: nil)
                }
                relay.monitor = monitor
                _ = try MetricsEndpoint.start(address)
            }
        } catch {
            Diagnostics.error((error as? RuntimeFailure)?.message ?? "\(error)")
            return ExitStatus.failure
        }
        Diagnostics.log.info("starting", [("version", Versions.logsieve), ("librdkafka", Versions.librdkafka), ("mode", "kafka"),
                                          ("pipeline", FilterMonitor.describe((try? options.filter.pipelineExpression()) ?? .init(stages: []))),
                                          ("threads", String(sanitizer.threadCount))])
        defer { Diagnostics.log.flushRepeats() }
        do {
            _ = try relay.run { ShutdownSignals.isStopRequested }
            return ExitStatus.success
        } catch {
            Diagnostics.error(error.description)
            return ExitStatus.failure
        }
    }

    /// The threads that redact a batch: `--threads`, or one for a pipeline
    /// that must run on one thread.
    static func threadCount(_ options: KafkaOptions, expression: PipelineExpression) -> Int {
        expression.runsOnSeveralThreads ? options.filter.threads : 1
    }

    /// Returns the relay, the sanitizer it runs, whose counters `--metrics`
    /// publishes, and the reload that SIGHUP triggers.
    private static func makeRelay(_ options: KafkaOptions, commandLine: [String], configPath: String?,
                                  environment: [String: String]) throws -> (KafkaRelay, EventSanitizer, KafkaReload) {
        let filter = options.filter
        let expression = try filter.pipelineExpression()
        let split = try filter.splitPath()
        let key = try KeyLoading.loadKey(keyFile: filter.keyFile, environment: environment)
        try KafkaReload.checkFingerprintKey(filter, key: key)
        do {
            try DeliveryGuard.check(options.relay.properties, allowed: options.relay.unsafeAllowed)
        } catch {
            throw UsageError(error.message)
        }
        // The enrich options (--session-ttl, --max-sessions …) apply here as in the filter.
        let enricher = Enricher(configuration: filter.enrich.configuration, fingerprinter: Fingerprinter(key: key), maxDepth: filter.maxDepth)
        if options.relay.stateTopic != nil && !expression.stages.contains(.enrich) {
            throw UsageError("--state-topic needs the enrich stage in the pipeline")
        }
        let workers = try KafkaReload.makeWorkers(filter, expression: expression, split: split, key: key, enricher: enricher,
                                                  threads: threadCount(options, expression: expression))
        let sanitizer = EventSanitizer(workers: workers)
        let reload = KafkaReload(options: options, commandLine: commandLine, configPath: configPath, environment: environment,
                                 expression: expression, split: split, key: key, enricher: enricher, sanitizer: sanitizer)
        do {
            let relay = try KafkaRelay(configuration: options.relay, sanitizer: sanitizer, log: Diagnostics.log)
            return (relay, sanitizer, reload)
        } catch {
            throw UsageError(error.description)
        }
    }

    static let helpText = """
    Usage: logsieve kafka --brokers HOST:PORT[,...] --group ID --from TOPIC[,TOPIC...]
                          --to TOPIC [--dead-letter TOPIC] [OPTIONS] [PIPELINE]

    Relays a consumer group's share of the --from topics to the --to topic,
    each message value run through PIPELINE (default: redact | enrich) as one
    event.
    At least once: an input offset is committed only after the sanitized
    message's delivery report succeeded, per partition and in order.

    Kafka options (environment variable in brackets):
      -b, --brokers LIST       bootstrap servers [LOGSIEVE_KAFKA_BROKERS]
      -G, --group ID           consumer group id [LOGSIEVE_KAFKA_GROUP]
          --from TOPICS        input topics, comma-separated [LOGSIEVE_KAFKA_FROM]
          --to TOPIC           sanitized output topic [LOGSIEVE_KAFKA_TO]
          --dead-letter TOPIC  invalid JSON goes here as a scrubbed envelope with
                               a logsieve.reason header; without it, to --to
                               [LOGSIEVE_KAFKA_DEAD_LETTER]
          --partitioner MODE   partition (default): input partition p goes to
                               output partition p mod N, keeping its order;
                               key: by message key [LOGSIEVE_KAFKA_PARTITIONER]
      -X NAME=VALUE            a librdkafka property for the consumer and the
                               producer; repeatable [LOGSIEVE_KAFKA_X_<NAME>,
                               upper case with _ for ., e.g.
                               LOGSIEVE_KAFKA_X_SASL_PASSWORD]
      -F, --kafka-config FILE  librdkafka properties file, name=value lines
                               [LOGSIEVE_KAFKA_CONFIG]; -X wins over the
                               environment, which wins over the file
          --config FILE        read settings from a YAML or JSON file, with
                               its kafka section [LOGSIEVE_CONFIG]; SIGHUP
                               reloads it (see below)
          --unsafe NAME        allow a value of NAME that breaks at-least-once
                               delivery: enable.auto.offset.store,
                               enable.auto.commit, enable.idempotence, acks
                               [LOGSIEVE_KAFKA_UNSAFE, comma-separated]
          --commit-interval S  seconds between offset commits (default: 5). A
                               partition that moves in a rebalance relays
                               again what was delivered since its last commit
          --flush-timeout S    seconds to wait for delivery reports on
                               revocation and shutdown (default: 30)
          --batch-size N       messages per consumer batch (default: 4096)
          --threads N          threads that redact a batch of 1 MiB or more,
                               each on its own share of the messages
                               (default: the number of processors); enrich,
                               headers and produce calls run on the relay's
                               thread, in message order [LOGSIEVE_THREADS]
          --log-level LEVEL    error, warn, info (default) or debug
                               [LOGSIEVE_KAFKA_LOG_LEVEL]
          --log-format FMT     text (default), logfmt or json lines on stderr
          --metrics tcp://ADDRESS:PORT
                               serve /metrics, /healthz and /readyz (ready
                               once a member of the group, with or without
                               partitions); adds the consumer lag per
                               partition from librdkafka's statistics
                               (statistics.interval.ms=5000 unless set)
          --exactly-once       one transaction per consumer batch: the output
                               messages and the input offsets after them, so
                               that read_committed readers see each input
                               message's output once; transactional.id is
                               logsieve-GROUP-INSTANCE [LOGSIEVE_KAFKA_EXACTLY_ONCE=1]
          --instance-id ID     INSTANCE above, stable across restarts of this
                               member (e.g. a StatefulSet pod name), so that a
                               restart fences the open transaction of the old
                               process (default: host name and process id)
                               [LOGSIEVE_KAFKA_INSTANCE_ID]
          --key-by PATH        set each output message's key to the value at
                               PATH in the sanitized event (e.g. .actor.id),
                               read after redaction, so a redacted value keys
                               by its marker; an event without PATH keeps its
                               input key [LOGSIEVE_KAFKA_KEY_BY]

    Enrich state per partition (needs enrich in the pipeline, one --from topic):
          --state-topic TOPIC  checkpoint each input partition's enrich state
                               to partition p of TOPIC, a compacted topic with
                               as many partitions as the input topic; when a
                               partition is assigned, here or to another
                               member, its state is restored from TOPIC and
                               the input replayed from the checkpoint up to
                               the committed offset [LOGSIEVE_KAFKA_STATE_TOPIC]
          --checkpoint-interval S  seconds between checkpoints (default: 30);
                               revocation and shutdown checkpoint too
          --restore-timeout S  seconds that restoring one partition may take
                               (default: 120); after it, the state read so far
                               is used and an error is logged. Restores run in
                               the rebalance callback: keep their total under
                               max.poll.interval.ms (default 300000)

    A fingerprint key is required (--key-file, LOGSIEVE_HMAC_KEY_FILE or
    LOGSIEVE_HMAC_KEY), so that every instance writes the same fingerprints.
    Pipeline, redaction and enrich options are those of logsieve (see
    logsieve --help): -p, --split, --key-file, --replace, --jwt, --redact-key,
    --keep-key, --no-value-detectors, --max-depth, and the enrich options.
    Without --state-topic the enrich state is per instance and in memory,
    and a partition that moves to another member starts with empty state.
    Either way, all events of a user must reach one partition: key the input
    topic by actor (see --key-by and pipelines/kafka-two-stage).

    Output messages keep the key, the timestamp and the headers (their values
    redacted by the key rules, so a cookie or authorization header is
    redacted) and add logsieve.source.topic, logsieve.source.partition and
    logsieve.source.offset. A tombstone stays a tombstone; a value with no
    event (empty, whitespace, or dropped by select) sends nothing; a value
    over the producer's message.max.bytes becomes an envelope without text
    with logsieve.reason: oversized. Defaults: idempotent producer, acks=all,
    compression.type=zstd with compression.level=1, auto.offset.reset=earliest.
    Property values whose names contain password, secret, key, token or jaas
    are never logged.

    With --config FILE, SIGHUP reads FILE again between two consumer batches:
    the redaction rules, the enrich thresholds and allowlists and the log
    level change for the messages of the next batch on; the enrich state
    stays. The Kafka settings, the pipeline, --threads and the key need a
    restart: a reload that changes one logs a warning and keeps the old
    value. An invalid file is rejected with its errors and the old rules
    stay. Without --config, SIGHUP logs that there is nothing to reload.

    SIGTERM or SIGINT stops fetching, finishes the batch, flushes, commits and
    leaves the group, then exits 0; a second signal exits at once with
    128 + the signal number. Exit status: 1 on a fatal Kafka error or a
    failed delivery (offsets up to it are committed), 2 on a usage error.

    """
}
