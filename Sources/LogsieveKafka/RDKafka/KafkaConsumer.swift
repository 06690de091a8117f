import CRdKafka

/// A consumer group member: one `rd_kafka_t` of type consumer and its
/// consumer queue, read in batches.
final class KafkaConsumer {
    let handle: KafkaClientHandle
    private let queue: OpaquePointer
    private var batch: [UnsafeMutablePointer<rd_kafka_message_t>?]
    private var batchCount = 0

    init(properties: KafkaProperties, log: KafkaLog, batchSize: Int) throws(KafkaError) {
        handle = try KafkaClientHandle(type: RD_KAFKA_CONSUMER, properties: properties, events: ClientEvents(log: log, role: "consumer"))
        // Errors and other events of the main queue arrive on the consumer queue.
        rd_kafka_poll_set_consumer(handle.pointer)
        queue = rd_kafka_queue_get_consumer(handle.pointer)
        batch = Array(repeating: nil, count: batchSize)
    }

    deinit {
        releaseBatch()
        rd_kafka_queue_destroy(queue)
    }

    var events: ClientEvents { handle.events }

    func subscribe(_ topics: [String]) throws(KafkaError) {
        let list = rd_kafka_topic_partition_list_new(Int32(topics.count))!
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for topic in topics {
            rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA)
        }
        let result = rd_kafka_subscribe(handle.pointer, list)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(code: result, context: "cannot subscribe to \(topics.joined(separator: ","))")
        }
    }

    /// Waits up to `timeoutMilliseconds` for messages and returns the next
    /// batch; rebalance and error callbacks run inside this call. The
    /// messages stay valid until the next `poll` or `releaseBatch`.
    func poll(timeoutMilliseconds: Int32) -> [ConsumedMessage] {
        releaseBatch()
        let count = batch.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_consume_batch_queue(queue, timeoutMilliseconds, buffer.baseAddress, buffer.count)
        }
        guard count > 0 else { return [] }
        batchCount = count
        return (0..<count).map { ConsumedMessage(pointer: batch[$0]!) }
    }

    func releaseBatch() {
        for index in 0..<batchCount {
            rd_kafka_message_destroy(batch[index])
            batch[index] = nil
        }
        batchCount = 0
    }

    /// Stores offsets for the next commit: `offset` is the next one to read.
    func storeOffsets(_ offsets: [(TopicPartition, Int64)]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try TopicPartitionList.with(offsets) { list throws(KafkaError) in
            let result = rd_kafka_offsets_store(handle.pointer, list)
            // A partition revoked meanwhile reports _STATE per element; its
            // new owner reads from the committed offset, which is safe.
            if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__STATE {
                throw KafkaError(code: result, context: "cannot store offsets")
            }
        }
    }

    /// Commits the stored offsets of the current assignment. A synchronous
    /// commit waits for the coordinator; an asynchronous one reports through
    /// the commit callback.
    func commitStored(synchronous: Bool) throws(KafkaError) {
        let result = rd_kafka_commit(handle.pointer, nil, synchronous ? 0 : 1)
        if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__NO_OFFSET {
            throw KafkaError(code: result, context: "offset commit failed")
        }
    }

    /// Commits the given offsets and waits for the result.
    func commit(_ offsets: [(TopicPartition, Int64)]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try TopicPartitionList.with(offsets) { list throws(KafkaError) in
            let result = rd_kafka_commit(handle.pointer, list, 0)
            if result != RD_KAFKA_RESP_ERR_NO_ERROR && result != RD_KAFKA_RESP_ERR__NO_OFFSET {
                throw KafkaError(code: result, context: "offset commit failed")
            }
        }
    }

    /// The committed offsets of `partitions`, as the group coordinator has them.
    func committed(_ partitions: [TopicPartition], timeoutMilliseconds: Int32) throws(KafkaError) -> [TopicPartition: Int64] {
        try TopicPartitionList.with(partitions.map { ($0, Int64(RD_KAFKA_OFFSET_INVALID)) }) { list throws(KafkaError) in
            let result = rd_kafka_committed(handle.pointer, list, timeoutMilliseconds)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: result, context: "cannot read committed offsets") }
            var offsets: [TopicPartition: Int64] = [:]
            for (topicPartition, offset, _) in TopicPartitionList.offsets(of: list) { offsets[topicPartition] = offset }
            return offsets
        }
    }

    /// Whether the current assignment was lost, as when the coordinator
    /// dropped this member: other members may own the partitions already.
    var isAssignmentLost: Bool { rd_kafka_assignment_lost(handle.pointer) != 0 }

    func pause(_ partitions: [TopicPartition]) {
        try? TopicPartitionList.with(partitions.map { ($0, 0) }) { list in _ = rd_kafka_pause_partitions(handle.pointer, list) }
    }

    func resume(_ partitions: [TopicPartition]) {
        try? TopicPartitionList.with(partitions.map { ($0, 0) }) { list in _ = rd_kafka_resume_partitions(handle.pointer, list) }
    }

    /// Leaves the consumer group: revocation runs through the rebalance
    /// callback, so the relay flushes and commits before the group moves on.
    func close() throws(KafkaError) {
        releaseBatch()
        let result = rd_kafka_consumer_close(handle.pointer)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: result, context: "leaving the consumer group failed") }
    }
}

extension KafkaConsumer {
    /// Reads `partitions` from the given offsets without joining a group,
    /// as the tests read the sanitized topic.
    func assign(_ partitions: [(TopicPartition, Int64)]) throws(KafkaError) {
        try TopicPartitionList.with(partitions) { list throws(KafkaError) in
            let result = rd_kafka_assign(handle.pointer, list)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: result, context: "cannot assign partitions") }
        }
    }

    /// The low and high watermarks of a partition, from the broker.
    func watermarks(_ topicPartition: TopicPartition, timeoutMilliseconds: Int32) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let result = rd_kafka_query_watermark_offsets(handle.pointer, topicPartition.topic, topicPartition.partition, &low, &high, timeoutMilliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(code: result, context: "cannot read the watermarks of \(topicPartition)") }
        return (low, high)
    }
}
