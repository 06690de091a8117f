/// Consumer group rebalances, eager and cooperative. The callback runs
/// inside the consumer poll, between batches, so no message of a revoked
/// partition is being handled at that moment.
extension KafkaRelay {
    func handleRebalance(_ event: RebalanceEvent) {
        defer { monitor?.didRebalance(self) }
        switch event {
        case .assign(let partitions):
            hasBeenAssigned = true
            commitRetainedOffsets(partitions)
            for topicPartition in partitions {
                let state = stateForPartition(topicPartition)
                state.isAssigned = true
                state.progress.reset()
                state.storedOffset = nil
                state.waiting.removeAll()
                state.isPaused = false
            }
            log.info("partitions assigned: \(describe(partitions))", [(LogKey.partitionCount, String(partitions.count))])
        case .revoke(let partitions):
            revoke(partitions)
        }
    }

    /// Flushes the messages in flight, commits what was delivered, and
    /// forgets the revoked partitions before librdkafka releases them.
    private func revoke(_ partitions: [TopicPartition]) {
        guard !partitions.isEmpty else { return }
        // One flush covers every partition: librdkafka has no flush per
        // partition, and messages of kept partitions lose nothing by it.
        flushAndStore(reason: "revocation")
        var offsets: [(TopicPartition, Int64)] = []
        for topicPartition in partitions {
            guard let state = stateByPartition[topicPartition] else { continue }
            if let offset = state.progress.committableOffset { offsets.append((topicPartition, offset)) }
            if state.progress.inFlightCount > 0 {
                log.warning("\(state.progress.inFlightCount) message(s) undelivered at revocation; the next owner reads them again",
                            LogKey.position(topicPartition, offset: state.progress.lowestUndelivered))
            }
        }
        do {
            try consumer.commit(offsets)
            for (topicPartition, offset) in offsets { stateByPartition[topicPartition]?.committedOffset = offset }
        } catch {
            log.warning("\(error.description) before revocation; the next owner reads from the last committed offset, so some messages repeat")
            if !consumer.isAssignmentLost {
                for (topicPartition, offset) in offsets { uncommittedAtRevocation[topicPartition] = offset }
            }
        }
        checkpointState(partitions, reason: "revocation")
        for topicPartition in partitions {
            guard let state = stateByPartition[topicPartition] else { continue }
            state.isAssigned = false
            state.progress.reset()
            state.storedOffset = nil
            // Waiting messages were never produced; the next owner reads them.
            state.waiting.removeAll()
            state.isPaused = false
        }
        log.info("partitions revoked: \(describe(partitions))", [(LogKey.partitionCount, String(partitions.count))])
    }

    /// Commits, before fetching starts, the offsets of newly assigned
    /// partitions that this member delivered but could not commit when
    /// they were revoked.
    ///
    /// A coordinator may reject commits while the group rebalances
    /// (`REBALANCE_IN_PROGRESS`). librdkafka's mock cluster (2.0.2) rejects
    /// the commit on revocation of the eager protocol that way. Once the new
    /// assignment arrives, the commit is valid again for the partitions
    /// this member got back, and no other member owned them in between,
    /// because the offsets are kept only until the very next assignment.
    /// Partitions that moved to another member still replay the messages
    /// after their last commit.
    private func commitRetainedOffsets(_ partitions: [TopicPartition]) {
        let retained = partitions.compactMap { topicPartition in uncommittedAtRevocation[topicPartition].map { (topicPartition, $0) } }
        uncommittedAtRevocation.removeAll()
        guard !retained.isEmpty else { return }
        do {
            try consumer.commit(retained)
            log.info("committed the offsets of \(retained.count) partition(s) that the commit on revocation missed: \(describe(retained.map(\.0)))")
        } catch {
            log.warning("\(error.description) after the assignment; the messages delivered since the last commit of \(describe(retained.map(\.0))) repeat")
        }
    }

    private func describe(_ partitions: [TopicPartition]) -> String {
        if partitions.isEmpty { return "none" }
        let byTopic = Dictionary(grouping: partitions, by: \.topic)
        return byTopic.keys.sorted().map { topic in
            "\(topic)[\(byTopic[topic]!.map(\.partition).sorted().map(String.init).joined(separator: ","))]"
        }.joined(separator: " ")
    }
}
