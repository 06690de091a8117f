import CRdKafka
import Foundation

/// The consumer-group relay: reads the raw topics, sanitizes each message,
/// produces it to the sanitized topic, and commits an input offset only
/// after the output message's delivery report succeeded.
///
/// Everything runs on the thread that calls `run`: the consumer poll serves
/// rebalances, the producer poll serves delivery reports.
public final class KafkaRelay {
    let configuration: RelayConfiguration
    let sanitizer: EventSanitizer
    let log: KafkaLog
    let consumer: KafkaConsumer
    let producer: KafkaProducer

    var states: [PartitionState] = []
    var stateByPartition: [TopicPartition: PartitionState] = [:]
    /// Slots by the consumer's topic handle and partition, for the hot path.
    var slotByTopicHandle: [Int: [Int32: PartitionState]] = [:]
    var summary = RelaySummary()
    /// The values of the batch in hand, for the sanitizer; reused.
    var batchValues: [UnsafeRawBufferPointer] = []
    var destinationPartitions: Int32 = 1
    var deadLetterPartitions: Int32 = 1
    /// The producer's `message.max.bytes`, for the oversized envelope.
    var producerMessageLimit = "1000000"
    var hasBeenAssigned = false
    /// Delivered offsets whose commit on revocation failed, kept until the
    /// next assignment (see `commitRetainedOffsets`).
    var uncommittedAtRevocation: [TopicPartition: Int64] = [:]
    /// The first delivery or produce failure that the relay cannot retry.
    var stopError: KafkaError?
    /// Per-partition enrich state in `--state-topic`, if configured.
    var stateTopic: StateTopicCoordinator?
    /// Runs on the relay's thread between two consumer batches, when no
    /// message is in hand. `logsieve kafka` swaps the sanitizer's workers
    /// there after a SIGHUP (`EventSanitizer.replaceWorkers`). Set it before `run`.
    public var betweenBatches: (() -> Void)?
    /// Health, readiness and metrics for `--metrics`; set before `run`.
    public var monitor: RelayMonitor? {
        didSet {
            consumer.events.statisticsHandler = monitor.map { monitor in
                { [log] json in monitor.recordStatistics(json, log: log) }
            }
        }
    }

    public init(configuration: RelayConfiguration, sanitizer: EventSanitizer, log: KafkaLog) throws(KafkaError) {
        var relayLog = log
        relayLog.metadata.append((LogKey.group, configuration.group))
        try DeliveryGuard.check(configuration.properties, allowed: configuration.unsafeAllowed)
        self.configuration = configuration
        self.sanitizer = sanitizer
        self.log = relayLog
        let producerProperties = configuration.producerProperties()
        producer = try KafkaProducer(properties: producerProperties, log: relayLog)
        consumer = try KafkaConsumer(properties: configuration.consumerProperties(), log: relayLog, batchSize: configuration.batchSize)
        producerMessageLimit = producerProperties["message.max.bytes"] ?? producerMessageLimit
        consumer.events.rebalanceHandler = { [unowned self] event in self.handleRebalance(event) }
        try setUpStateTopic()
    }

    /// Runs until `shouldStop` returns true or an error stops the relay,
    /// then flushes, commits and leaves the group. Throws the error that
    /// stopped it, after committing what was delivered.
    public func run(shouldStop: () -> Bool) throws(KafkaError) -> RelaySummary {
        destinationPartitions = try producer.partitionCount(of: configuration.destinationTopic, timeoutMilliseconds: 10_000)
        if let deadLetter = configuration.deadLetterTopic {
            deadLetterPartitions = try producer.partitionCount(of: deadLetter, timeoutMilliseconds: 10_000)
        }
        try stateTopic?.checkTopic(inputTopic: configuration.sourceTopics[0])
        try consumer.subscribe(configuration.sourceTopics)
        log.info("relay started: \(configuration.sourceTopics.joined(separator: ",")) -> \(configuration.destinationTopic)",
                 [("kafka.output.partitions", String(destinationPartitions)), ("kafka.properties", configuration.properties.maskedDescription)])

        if configuration.exactlyOnce {
            do {
                try runTransactions(shouldStop: shouldStop)
            } catch {
                stopError = stopError ?? error
            }
            shutDown()
            if let stopError { throw stopError }
            return summary
        }
        var lastCommit = Date()
        while !shouldStop() {
            if let fatal = consumer.events.fatalError ?? producer.events.fatalError {
                stopError = fatal
            }
            if stopError != nil { break }
            let waiting = retryWaitingMessages()
            // With partitions paused for a full queue, block on the producer
            // instead, so that neither loop spins.
            producer.poll(timeoutMilliseconds: waiting ? 50 : 0)
            let batch = consumer.poll(timeoutMilliseconds: waiting ? 0 : 100)
            monitor?.health.beginWork()
            handle(batch)
            consumer.releaseBatch()
            betweenBatches?()
            producer.poll(timeoutMilliseconds: 0)
            applyDeliveryReports()
            storeOffsets()
            monitor?.health.endWork()
            monitor?.tick(self)
            if Date().timeIntervalSince(lastCommit) >= configuration.commitInterval {
                commitStored(synchronous: false)
                lastCommit = Date()
            }
            checkpointStateIfDue()
        }
        shutDown()
        if let stopError { throw stopError }
        return summary
    }

    /// Stops fetching, waits for the delivery reports of what was produced,
    /// commits the delivered offsets and leaves the group.
    func shutDown() {
        monitor?.stopping()
        log.info("stopping: flushing \(producer.outstandingCount) message(s) in flight")
        flushAndStore(reason: "shutdown")
        commitStored(synchronous: true)
        CooperativeCloseGuard.prepareClose(relay: self)
        do {
            if !consumer.handle.skipsConsumerClose { try consumer.close() }
        } catch {
            log.error("\(error.description); the group rebalances after session.timeout.ms")
        }
        log.info("stopped", [("kafka.consumed", String(summary.consumed)), ("kafka.delivered", String(summary.delivered)),
                             ("kafka.invalid", String(summary.invalid)), ("kafka.oversized", String(summary.oversized)),
                             ("kafka.pauses", String(summary.pauses))])
    }

    /// Waits up to `flushTimeout` for delivery reports, then stores the
    /// offsets they allow.
    func flushAndStore(reason: String) {
        let timeout = Int32(configuration.flushTimeout * 1000)
        if !producer.flush(timeoutMilliseconds: timeout) {
            log.warning("\(producer.outstandingCount) message(s) still undelivered after \(configuration.flushTimeout) s (\(reason)); their input offsets are not committed, so they are read again")
        }
        applyDeliveryReports()
        storeOffsets()
    }

    /// Commits the stored offsets of the assignment. A failed commit is
    /// logged; the next one covers the same offsets.
    func commitStored(synchronous: Bool) {
        do {
            try consumer.commitStored(synchronous: synchronous)
            if synchronous {
                for state in states where state.isAssigned { state.committedOffset = state.storedOffset }
            }
        } catch {
            log.warning("\(error.description); the next commit retries")
        }
    }
}
