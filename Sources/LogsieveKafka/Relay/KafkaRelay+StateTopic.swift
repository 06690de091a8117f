import LogsieveCore

/// The relay's side of `--key-by` and `--state-topic`.
extension KafkaRelay {
    func setUpStateTopic() throws(KafkaError) {
        guard let stateConfiguration = configuration.stateTopic else { return }
        guard configuration.sourceTopics.count == 1 else {
            throw KafkaError("--state-topic works with one --from topic, because state partition p belongs to input partition p; run one relay per input topic")
        }
        let coordinator = try StateTopicCoordinator(configuration: stateConfiguration, relay: configuration, sanitizer: sanitizer, log: log)
        stateTopic = coordinator
        consumer.events.assignmentOffsets = { [unowned self] partitions in self.restoreState(partitions) }
    }

    /// Restores the assigned partitions' state; returns the start offsets
    /// that differ from the committed ones.
    private func restoreState(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        guard let stateTopic, !partitions.isEmpty else { return [:] }
        var committed: [TopicPartition: Int64] = [:]
        do {
            committed = try consumer.committed(partitions, timeoutMilliseconds: 10_000)
        } catch {
            log.error("\(error.description); restoring the enrich state without replaying up to the committed offsets")
        }
        return stateTopic.restore(partitions, committed: committed)
    }

    /// Returns whether every consumed message of the partition was delivered,
    /// so that its state and its offset agree.
    private func isSettled(_ topicPartition: TopicPartition) -> Bool {
        guard let state = stateByPartition[topicPartition], state.isAssigned else { return false }
        return state.progress.inFlightCount == 0 && state.waiting.isEmpty
    }

    /// Checkpoints `partitions` and drops their state. Revocation calls it
    /// after the partitions' offsets were committed.
    func checkpointState(_ partitions: [TopicPartition], reason: String) {
        guard let stateTopic else { return }
        stateTopic.checkpoint(partitions, isSettled: isSettled, reason: reason)
        stateTopic.forget(partitions)
    }

    /// Checkpoints every assigned partition every `--checkpoint-interval`
    /// seconds, after waiting for the delivery reports of what was sent.
    func checkpointStateIfDue() {
        guard let stateTopic, stateTopic.isCheckpointDue else { return }
        flushAndStore(reason: "state checkpoint")
        stateTopic.checkpoint(states.filter(\.isAssigned).map(\.topicPartition), isSettled: isSettled, reason: "periodic")
    }

    /// Returns the `--key-by` value of a sanitized event, or nil to keep the input key.
    func eventKey(_ value: MessageBytes) -> MessageBytes? {
        guard let path = configuration.keyPath, case .borrowed(let bytes) = value else { return nil }
        return EventKey.value(at: path, in: bytes, maxDepth: sanitizer.processor.redactor.configuration.maxDepth).map { .owned($0) }
    }
}
