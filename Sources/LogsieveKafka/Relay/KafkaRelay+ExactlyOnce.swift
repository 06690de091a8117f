import Foundation

/// `--exactly-once`: each consumer batch is one transaction of the output
/// messages and the input offsets after them, so that readers with
/// `isolation.level=read_committed` see each input message's output once.
///
/// NOTE: librdkafka 2.0.2's mock cluster accepts every transactional call
/// but neither stores the offsets of TxnOffsetCommit nor hides aborted
/// messages from read_committed readers, so the tests there cover the
/// calls and the output, not the guarantee.
extension KafkaRelay {
    /// After this many aborted transactions in a row the relay stops.
    static let maxConsecutiveAborts = 5

    func runTransactions(shouldStop: () -> Bool) throws(KafkaError) {
        let timeout = Int32(configuration.flushTimeout * 1000)
        try producer.initTransactions(timeoutMilliseconds: timeout)
        log.info("transactional producer ready", [("kafka.transactional.id", configuration.transactionalID ?? "")])
        var consecutiveAborts = 0
        while !shouldStop() {
            if let fatal = consumer.events.fatalError ?? producer.events.fatalError {
                stopError = fatal
            }
            if stopError != nil { break }
            // The last batch was released and its transaction committed or
            // aborted, so no message is in hand.
            betweenBatches?()
            let batch = consumer.poll(timeoutMilliseconds: 100)
            monitor?.health.beginWork()
            if batch.isEmpty {
                producer.poll(timeoutMilliseconds: 0)
                monitor?.health.endWork()
                monitor?.tick(self)
                checkpointStateIfDue()
                continue
            }
            var nextOffsets: [Int: Int64] = [:]
            var firstOffsets: [Int: Int64] = [:]
            do throws(KafkaError) {
                try producer.beginTransaction()
                handle(batch)
                for message in batch {
                    guard message.error == nil, let state = slotByTopicHandle[message.topicIdentity]?[message.partition] else { continue }
                    nextOffsets[state.slot] = message.offset + 1
                    if firstOffsets[state.slot] == nil { firstOffsets[state.slot] = message.offset }
                }
                consumer.releaseBatch()
                while retryWaitingMessages() { producer.poll(timeoutMilliseconds: 50) }
                if let error = stopError {
                    stopError = nil
                    throw error
                }
                let offsets = nextOffsets.map { (states[$0.key].topicPartition, $0.value) }
                try producer.sendOffsetsToTransaction(offsets, consumer: consumer, timeoutMilliseconds: timeout)
                try producer.commitTransaction(timeoutMilliseconds: timeout)
                producer.poll(timeoutMilliseconds: 0)
                applyDeliveryReports()
                for (slot, offset) in nextOffsets { states[slot].committedOffset = offset }
                consecutiveAborts = 0
            } catch {
                consumer.releaseBatch()
                if error.isFatal {
                    stopError = error
                    break
                }
                consecutiveAborts += 1
                log.warning("transaction failed (\(consecutiveAborts) in a row): \(error.description); aborting and reading its messages again")
                let rewind = firstOffsets.map { (states[$0.key].topicPartition, $0.value) }
                do throws(KafkaError) {
                    try abortAndRewind(rewind, timeout: timeout)
                } catch {
                    stopError = error
                    break
                }
                if consecutiveAborts >= Self.maxConsecutiveAborts {
                    stopError = error
                    break
                }
            }
            monitor?.health.endWork()
            monitor?.tick(self)
            checkpointStateIfDue()
        }
    }

    /// Aborts the open transaction, drops its delivery reports, moves each
    /// partition back to its first message in it, and rebuilds those
    /// partitions' enrich state when `--state-topic` keeps it.
    private func abortAndRewind(_ rewind: [(TopicPartition, Int64)], timeout: Int32) throws(KafkaError) {
        try producer.abortTransaction(timeoutMilliseconds: timeout)
        producer.poll(timeoutMilliseconds: 0)
        _ = producer.takeDeliveryReports()
        for state in states {
            state.progress.reset()
            state.waiting.removeAll()
            if state.isPaused {
                consumer.resume([state.topicPartition])
                state.isPaused = false
            }
        }
        var positions = Dictionary(rewind, uniquingKeysWith: min)
        if let stateTopic {
            // NOTE: without --state-topic the enrich state keeps the effects
            // of the aborted messages, which are read again.
            // A state that started empty, with no checkpoint yet, is
            // rebuilt by a replay from where it started.
            let bases = stateTopic.baseOffsets(Array(positions.keys))
            stateTopic.forget(Array(positions.keys))
            for (topicPartition, offset) in stateTopic.restore(Array(positions.keys), committed: positions, replayFrom: bases) {
                positions[topicPartition] = offset
            }
        }
        try consumer.seek(positions.map { ($0.key, $0.value) }, timeoutMilliseconds: timeout)
    }
}
