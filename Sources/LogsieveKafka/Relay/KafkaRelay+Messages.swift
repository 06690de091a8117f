/// The hot path: one consumed message to one produced message.
extension KafkaRelay {
    /// Handles one consumer batch in order. The values are redacted first,
    /// all together, so that several threads can share the work. The
    /// ordered stages, headers and produce calls then run here, message by
    /// message.
    func handle(_ batch: [ConsumedMessage]) {
        batchValues.removeAll(keepingCapacity: true)
        for message in batch where message.error == nil {
            if let value = message.value { batchValues.append(value) }
        }
        sanitizer.batch.prepare(batchValues)
        var valueIndex = 0
        for message in batch {
            var index: Int? = nil
            if message.error == nil && message.value != nil {
                index = valueIndex
                valueIndex += 1
            }
            handle(message, valueIndex: index)
        }
        sanitizer.batch.finish()
    }

    private func handle(_ message: ConsumedMessage, valueIndex: Int?) {
        if let error = message.error {
            if error.isFatal {
                stopError = error
            } else {
                log.warning("\(error.description); librdkafka retries")
            }
            return
        }
        let state = partitionState(for: message)
        let offset = message.offset
        stateTopic?.willHandle(state.topicPartition, offset: offset)
        summary.consumed += 1

        guard let outgoing = makeOutgoing(message, valueIndex: valueIndex, state: state) else {
            // Nothing to send, so the offset is done once earlier ones are.
            summary.skipped += 1
            state.progress.track(offset: offset, delivered: true)
            return
        }
        state.progress.track(offset: offset, delivered: false)
        if !state.waiting.isEmpty {
            // Order within the partition: queue behind the waiting ones.
            state.waiting.append((offset, outgoing.owning))
            return
        }
        send(outgoing, offset: offset, state: state)
    }

    /// Sends one message, or queues it and pauses its partition when the
    /// producer queue is full.
    func send(_ outgoing: OutgoingMessage, offset: Int64, state: PartitionState) {
        guard !trySend(outgoing, offset: offset, state: state) else { return }
        state.waiting.append((offset, outgoing.owning))
        if !state.isPaused {
            consumer.pause([state.topicPartition])
            state.isPaused = true
            summary.pauses += 1
            log.debug("producer queue full; partition paused", LogKey.position(state.topicPartition, offset: offset))
        }
    }

    /// Produces one message. Returns false only when the producer queue is
    /// full; every other outcome is handled here.
    private func trySend(_ outgoing: OutgoingMessage, offset: Int64, state: PartitionState) -> Bool {
        do {
            try producer.produce(outgoing, token: DeliveryToken.make(slot: state.slot, offset: offset))
            summary.produced += 1
        } catch where error.isQueueFull {
            return false
        } catch where error.isMessageTooLarge && !outgoing.isOversizedEnvelope {
            sendOversizedEnvelope(for: outgoing, offset: offset, state: state)
        } catch {
            log.error("\(error.description); stopping so that the offset is not committed", LogKey.position(state.topicPartition, offset: offset))
            stopError = stopError ?? error
        }
        return true
    }

    /// Replaces a value over `message.max.bytes` with an envelope without
    /// its text, to the dead-letter topic when there is one.
    private func sendOversizedEnvelope(for outgoing: OutgoingMessage, offset: Int64, state: PartitionState) {
        summary.oversized += 1
        log.warning("sanitized message of \(outgoing.value.count) bytes is over message.max.bytes=\(producerMessageLimit); sending an envelope without its text",
                    LogKey.position(state.topicPartition, offset: offset))
        var envelope = outgoing
        envelope.value = .owned(sanitizer.oversizedEnvelope(bytes: outgoing.value.count, limit: producerMessageLimit))
        envelope.key = outgoing.key.owning
        if let deadLetter = configuration.deadLetterTopic {
            envelope.topic = deadLetter
            envelope.partition = outputPartition(inputPartition: state.topicPartition.partition, count: deadLetterPartitions)
        }
        envelope.headers.removeAll { $0.name == RelayHeader.reason }
        envelope.headers.append(.init(name: RelayHeader.reason, value: OutgoingMessage.oversizedReason))
        send(envelope, offset: offset, state: state)
    }

    /// Builds the output message, or returns nil when there is nothing to send.
    private func makeOutgoing(_ message: ConsumedMessage, valueIndex: Int?, state: PartitionState) -> OutgoingMessage? {
        var value = MessageBytes.null
        var reason: String? = nil
        if let valueIndex {
            let (outcome, output) = sanitizer.batch.result(at: valueIndex)
            switch outcome {
            case .nothing:
                return nil
            case .events:
                value = .borrowed(output)
            case .invalid:
                // Only the scrubbed envelope leaves; the raw bytes never do.
                summary.invalid += 1
                reason = "invalid-json"
                value = .borrowed(output)
                // Rate-limited: one producer of bad input must not flood the log.
                log.logLimited(.warning, "message is not valid JSON; sending the scrubbed envelope", LogKey.position(state.topicPartition, offset: message.offset))
            }
        } else {
            // A tombstone stays a tombstone, so compaction downstream works.
            summary.tombstones += 1
        }

        var headers: [OutgoingMessage.Header] = []
        message.forEachHeader { name, headerValue in
            let text = String(cString: name)
            guard let headerValue else {
                headers.append(.init(name: text, value: nil))
                return
            }
            headers.append(.init(name: text, value: sanitizer.sanitizeHeader(name: name, value: headerValue) ?? Array(headerValue)))
        }
        // A header of the same name from upstream would be ambiguous.
        headers.removeAll { $0.name.hasPrefix("logsieve.") }

        var topic = configuration.destinationTopic
        var partitionCount = destinationPartitions
        if let reason {
            headers.append(.init(name: RelayHeader.reason, value: Array(reason.utf8)))
            if let deadLetter = configuration.deadLetterTopic {
                topic = deadLetter
                partitionCount = deadLetterPartitions
            }
        }
        let key: MessageBytes = eventKey(value) ?? message.key.map { .borrowed($0) } ?? .null
        let source = SourcePosition(topic: state.topicHeaderValue, partition: state.partitionHeaderValue, offset: message.offset)
        return OutgoingMessage(topic: topic, partition: outputPartition(inputPartition: message.partition, count: partitionCount),
                               key: key, value: value, headers: headers, timestamp: message.timestamp, source: source)
    }

    func outputPartition(inputPartition: Int32, count: Int32) -> Int32? {
        switch configuration.partitioner {
        case .partition: inputPartition % count
        case .key: nil
        }
    }

    private func partitionState(for message: ConsumedMessage) -> PartitionState {
        if let state = slotByTopicHandle[message.topicIdentity]?[message.partition] { return state }
        let topicPartition = TopicPartition(topic: message.topicName, partition: message.partition)
        let state = stateForPartition(topicPartition)
        slotByTopicHandle[message.topicIdentity, default: [:]][message.partition] = state
        return state
    }

    func stateForPartition(_ topicPartition: TopicPartition) -> PartitionState {
        if let state = stateByPartition[topicPartition] { return state }
        let state = PartitionState(topicPartition: topicPartition, slot: states.count)
        states.append(state)
        stateByPartition[topicPartition] = state
        return state
    }

    /// Sends waiting messages in order while the producer queue has room,
    /// and resumes partitions that have none left. Returns whether any
    /// message still waits.
    func retryWaitingMessages() -> Bool {
        var stillWaiting = false
        for state in states where !state.waiting.isEmpty {
            while let (offset, message) = state.waiting.first, trySend(message, offset: offset, state: state) {
                state.waiting.removeFirst()
            }
            if state.waiting.isEmpty && state.isPaused {
                consumer.resume([state.topicPartition])
                state.isPaused = false
                log.debug("producer queue has room; partition resumed", LogKey.position(state.topicPartition))
            } else if !state.waiting.isEmpty {
                stillWaiting = true
            }
        }
        return stillWaiting
    }

    /// Marks delivered messages in their partitions' progress. A failed
    /// delivery stops the relay: its offset and every later one in the
    /// partition stay uncommitted, so a restart reads them again.
    /// NOTE: a message that fails the same way on every attempt stops
    /// every restart at the same offset, because nothing dead-letters it.
    func applyDeliveryReports() {
        for report in producer.takeDeliveryReports() {
            let slot = DeliveryToken.slot(report.token)
            let offset = DeliveryToken.offset(report.token)
            guard slot < states.count else { continue }
            let state = states[slot]
            if let error = report.error {
                log.error("\(error.description); stopping without committing past it, so a restart reads it again",
                          LogKey.position(state.topicPartition, offset: offset))
                stopError = stopError ?? error
                monitor?.deliveryFailed()
                continue
            }
            summary.delivered += 1
            guard state.isAssigned else { continue }
            state.progress.markDelivered(offset: offset)
        }
    }

    /// Stores the committable offset of each partition that advanced.
    func storeOffsets() {
        var offsets: [(TopicPartition, Int64)] = []
        for state in states where state.isAssigned {
            guard let offset = state.progress.committableOffset, offset != state.storedOffset else { continue }
            offsets.append((state.topicPartition, offset))
            state.storedOffset = offset
        }
        do {
            try consumer.storeOffsets(offsets)
        } catch {
            log.warning("\(error.description); the offsets are stored again with the next delivery")
            for (topicPartition, _) in offsets { stateByPartition[topicPartition]?.storedOffset = nil }
        }
    }
}
