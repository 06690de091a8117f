import CRdKafka
import Foundation
import LogsieveCore

/// The enrich state of each assigned input partition, checkpointed to the
/// state topic and restored from it when a partition is assigned, to this
/// process or to any other member of the group.
///
/// A checkpoint writes the entities that changed since the last one (a
/// tombstone for each that expired), then a marker with the input offset
/// the state reflects. It is taken only when every consumed message of the
/// partition was delivered, so every input offset below the marker's has
/// its output. A restore reads the state partition to its end, then
/// replays the input from the marker's offset up to the committed offset
/// into the state only, without output.
final class StateTopicCoordinator {
    /// One input partition's state and what the state topic contains of it.
    final class PartitionEnrichment {
        let topicPartition: TopicPartition
        let state: EnrichmentState
        /// The hash of the value last written (or read) for each key.
        var writtenHashes: [String: Int]
        /// One past the last input offset whose event is in the state.
        var nextOffset: Int64?
        /// The input offset that the state starts from: its checkpoint's, or
        /// the first one handled when the state started empty.
        var baseOffset: Int64?
        var checkpointedOffset: Int64?

        init(topicPartition: TopicPartition, state: EnrichmentState, writtenHashes: [String: Int]) {
            self.topicPartition = topicPartition
            self.state = state
            self.writtenHashes = writtenHashes
        }
    }

    let configuration: StateTopicConfiguration
    let enricher: Enricher
    let sanitizer: EventSanitizer
    let log: KafkaLog
    private let producer: KafkaProducer
    private let reader: StatePartitionReader
    private var partitions: [TopicPartition: PartitionEnrichment] = [:]
    private var active: PartitionEnrichment?
    private var lastCheckpoint = Date()

    init(configuration: StateTopicConfiguration, relay: RelayConfiguration, sanitizer: EventSanitizer, log: KafkaLog) throws(KafkaError) {
        guard let enricher = sanitizer.processor.pipeline.enricher else {
            throw KafkaError("--state-topic needs the enrich stage in the pipeline")
        }
        self.configuration = configuration
        self.enricher = enricher
        self.sanitizer = sanitizer
        self.log = log
        producer = try KafkaProducer(properties: relay.producerProperties(), log: log)
        reader = try StatePartitionReader(properties: relay.consumerProperties(), log: log)
    }

    /// Checks that the state topic exists with a partition for each input partition.
    ///
    /// NOTE: `cleanup.policy=compact` is not checked, because the mock cluster
    /// has no DescribeConfigs. Without it the broker deletes old checkpoints
    /// by retention, so a partition idle for longer than that loses its state.
    func checkTopic(inputTopic: String) throws(KafkaError) {
        let inputCount = try producer.partitionCount(of: inputTopic, timeoutMilliseconds: 10_000)
        let advice = "create the state topic \(configuration.topic) with \(inputCount) partitions (one per partition of \(inputTopic)) and cleanup.policy=compact, e.g. kafka-topics.sh --create --topic \(configuration.topic) --partitions \(inputCount) --config cleanup.policy=compact"
        let stateCount: Int32
        do {
            stateCount = try producer.partitionCount(of: configuration.topic, timeoutMilliseconds: 10_000)
        } catch {
            throw KafkaError("the state topic \(configuration.topic) is not available (\(error.description)); \(advice)")
        }
        guard stateCount >= inputCount else {
            throw KafkaError("the state topic \(configuration.topic) has \(stateCount) partitions, fewer than the \(inputCount) of \(inputTopic); \(advice)")
        }
    }

    /// Activates the partition's state in the enricher before one of its
    /// messages is handled, and records that the message's event is in it.
    func willHandle(_ topicPartition: TopicPartition, offset: Int64) {
        if active?.topicPartition != topicPartition {
            let entry = partitions[topicPartition] ?? makeEmpty(topicPartition)
            active = entry
            enricher.activate(entry.state)
        }
        if active?.baseOffset == nil { active?.baseOffset = offset }
        active?.nextOffset = offset + 1
    }

    private func makeEmpty(_ topicPartition: TopicPartition) -> PartitionEnrichment {
        let entry = PartitionEnrichment(topicPartition: topicPartition, state: enricher.makeState(), writtenHashes: [:])
        partitions[topicPartition] = entry
        return entry
    }

    var isCheckpointDue: Bool { Date().timeIntervalSince(lastCheckpoint) >= configuration.checkpointInterval }

    /// Drops the state of revoked partitions, which their next owner restores from the topic.
    func forget(_ revoked: [TopicPartition]) {
        for topicPartition in revoked { partitions[topicPartition] = nil }
        if let active, revoked.contains(active.topicPartition) { self.active = nil }
    }

    // MARK: - Restore

    /// Restores the state of newly assigned partitions and returns the
    /// offsets to start reading from where they differ from the committed
    /// ones. Runs inside the rebalance callback, before the assignment.
    /// A partition without a checkpoint starts empty, unless `replayFrom`
    /// names the offset that its empty state started from.
    func restore(_ assigned: [TopicPartition], committed: [TopicPartition: Int64],
                 replayFrom: [TopicPartition: Int64] = [:]) -> [TopicPartition: Int64] {
        var startOffsets: [TopicPartition: Int64] = [:]
        for topicPartition in assigned {
            let committedOffset = committed[topicPartition].flatMap { $0 >= 0 ? $0 : nil }
            if let start = restore(topicPartition, committedOffset: committedOffset, emptyStateBase: replayFrom[topicPartition]) {
                startOffsets[topicPartition] = start
            }
        }
        active = nil
        return startOffsets
    }

    /// Returns the offsets that the states of `partitions` start from.
    func baseOffsets(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        for topicPartition in partitions {
            if let base = self.partitions[topicPartition]?.baseOffset { result[topicPartition] = base }
        }
        return result
    }

    private func restore(_ topicPartition: TopicPartition, committedOffset: Int64?, emptyStateBase: Int64?) -> Int64? {
        let started = Date()
        let deadline = started.addingTimeInterval(configuration.restoreTimeout)
        let statePartition = TopicPartition(topic: configuration.topic, partition: topicPartition.partition)
        let position = LogKey.position(topicPartition)
        var restored = RestoredPartition()
        do {
            restored = try reader.restore(statePartition, until: deadline)
        } catch {
            log.error("cannot read the state partition \(statePartition): \(error.description); starting with empty enrich state", position)
        }
        if !restored.isComplete {
            log.error("restoring \(statePartition) took longer than the restore timeout of \(configuration.restoreTimeout) s; using the state read so far", position)
        }

        var state = enricher.makeState()
        var checkpoint = restored.checkpoint
        if let marker = checkpoint {
            if marker.keyIdentifier != enricher.keyIdentifier {
                log.warning("discarding the checkpoint in \(statePartition): it was written with fingerprint key \(marker.keyIdentifier), and the current key is \(enricher.keyIdentifier)", position)
                checkpoint = nil
            } else if marker.sourceTopic != topicPartition.topic || marker.sourcePartition != topicPartition.partition {
                log.warning("discarding the checkpoint in \(statePartition): it belongs to \(marker.sourceTopic)/\(marker.sourcePartition)", position)
                checkpoint = nil
            } else {
                do {
                    state = try enricher.makeState(entities: restored.entities, watermark: marker.watermark)
                } catch {
                    log.warning("discarding the checkpoint in \(statePartition): \(error)", position)
                    checkpoint = nil
                }
            }
        }
        let entry = PartitionEnrichment(topicPartition: topicPartition, state: state, writtenHashes: restored.latestHashes)
        partitions[topicPartition] = entry

        var replayed = 0
        var startOffset: Int64? = nil
        if let checkpoint {
            entry.checkpointedOffset = checkpoint.offset
            if let committedOffset, checkpoint.offset < committedOffset {
                replayed = replay(topicPartition, from: checkpoint.offset, to: committedOffset, into: entry, deadline: deadline)
            } else if checkpoint.offset > (committedOffset ?? -1) {
                // Every input message below the marker's offset was
                // delivered before the checkpoint was taken, so reading
                // resumes there and nothing is sent twice.
                startOffset = checkpoint.offset
            }
            entry.nextOffset = max(checkpoint.offset, committedOffset ?? checkpoint.offset)
            entry.baseOffset = checkpoint.offset
        } else if let base = emptyStateBase, let committedOffset, base < committedOffset {
            replayed = replay(topicPartition, from: base, to: committedOffset, into: entry, deadline: deadline)
            entry.baseOffset = base
        }
        let milliseconds = Int(Date().timeIntervalSince(started) * 1000)
        log.info("enrich state restored in \(milliseconds) ms", position + [
            ("kafka.state.checkpoint", checkpoint.map { String($0.offset) } ?? "none"),
            ("kafka.state.sessions", String(state.sessionCount)), ("kafka.state.users", String(state.userCount)),
            ("kafka.state.messages", String(restored.messagesRead)), ("kafka.state.replayed", String(replayed)),
        ])
        return startOffset
    }

    /// Runs the input messages from `start` up to `end` (exclusive) through
    /// the pipeline into the partition's state; their output is discarded.
    private func replay(_ topicPartition: TopicPartition, from start: Int64, to end: Int64, into entry: PartitionEnrichment,
                        deadline: Date) -> Int {
        enricher.activate(entry.state)
        var count = 0
        do {
            let finished = try reader.read(topicPartition, from: start, until: deadline) { message in
                guard message.offset < end else { return false }
                if let value = message.value { _ = sanitizer.sanitize(value) }
                count += 1
                return message.offset + 1 < end
            }
            if !finished {
                log.error("replaying \(topicPartition) from offset \(start) to \(end) took longer than the restore timeout of \(configuration.restoreTimeout) s; the state misses the rest", LogKey.position(topicPartition))
            }
        } catch {
            log.error("cannot replay \(topicPartition) from offset \(start) to \(end): \(error.description); the state misses those events", LogKey.position(topicPartition))
        }
        return count
    }

    // MARK: - Checkpoint

    /// Checkpoints each of `candidates` whose consumed messages were all
    /// delivered (`isSettled`); the others wait for the next checkpoint.
    func checkpoint(_ candidates: [TopicPartition], isSettled: (TopicPartition) -> Bool, reason: String) {
        lastCheckpoint = Date()
        for topicPartition in candidates {
            guard let entry = partitions[topicPartition], let offset = entry.nextOffset else { continue }
            guard isSettled(topicPartition) else {
                log.warning("not checkpointing the enrich state (\(reason)): messages of the partition are still undelivered", LogKey.position(topicPartition, offset: offset))
                continue
            }
            do {
                try write(entry, offset: offset)
            } catch {
                log.error("enrich state checkpoint (\(reason)) failed: \(error.description); the next checkpoint retries", LogKey.position(topicPartition, offset: offset))
            }
        }
    }

    private func write(_ entry: PartitionEnrichment, offset: Int64) throws(KafkaError) {
        let entities = enricher.entities(of: entry.state)
        var newHashes: [String: Int] = [:]
        var changed: [(String, [UInt8]?)] = []
        for entity in entities {
            let hash = EntityHash.of(entity.value)
            newHashes[entity.key] = hash
            if entry.writtenHashes[entity.key] != hash { changed.append((entity.key, entity.value)) }
        }
        for key in entry.writtenHashes.keys where key != StateCheckpoint.key && newHashes[key] == nil {
            changed.append((key, nil))
        }
        if changed.isEmpty && entry.checkpointedOffset == offset { return }

        let marker = StateCheckpoint(sourceTopic: entry.topicPartition.topic, sourcePartition: entry.topicPartition.partition,
                                     offset: offset, watermark: entry.state.watermark, keyIdentifier: enricher.keyIdentifier,
                                     entityCount: entities.count)
        let partition = entry.topicPartition.partition
        for (key, value) in changed {
            try produce(key: key, value: value, partition: partition)
        }
        try produce(key: StateCheckpoint.key, value: marker.encoded(), partition: partition)
        guard producer.flush(timeoutMilliseconds: 30_000) else {
            throw KafkaError("\(producer.outstandingCount) state message(s) to \(configuration.topic) undelivered after 30 s")
        }
        if let failed = producer.takeDeliveryReports().first(where: { $0.error != nil })?.error { throw failed }
        entry.writtenHashes = newHashes
        entry.writtenHashes[StateCheckpoint.key] = 0
        entry.checkpointedOffset = offset
        log.debug("enrich state checkpointed", LogKey.position(entry.topicPartition, offset: offset) + [
            ("kafka.state.changed", String(changed.count)), ("kafka.state.entities", String(entities.count))])
    }

    private func produce(key: String, value: [UInt8]?, partition: Int32) throws(KafkaError) {
        let message = OutgoingMessage(topic: configuration.topic, partition: partition, key: .owned(Array(key.utf8)),
                                      value: value.map { .owned($0) } ?? .null, headers: [], timestamp: nil)
        while true {
            do {
                try producer.produce(message, token: 0)
                return
            } catch where error.isQueueFull {
                producer.poll(timeoutMilliseconds: 10)
            }
        }
    }
}

extension TopicPartitionList {
    /// Sets the offsets of the listed partitions that `offsets` names.
    static func setOffsets(_ offsets: [TopicPartition: Int64], in list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        for index in 0..<Int(list.pointee.cnt) {
            let element = list.pointee.elems[index]
            let topicPartition = TopicPartition(topic: String(cString: element.topic), partition: element.partition)
            if let offset = offsets[topicPartition] { list.pointee.elems[index].offset = offset }
        }
    }
}
