import CRdKafka

/// librdkafka's transactional producer API, for `--exactly-once`. Each call
/// blocks up to its timeout; a retriable error is retried here, and any
/// other error is thrown with librdkafka's fatal flag.
extension KafkaProducer {
    func initTransactions(timeoutMilliseconds: Int32) throws(KafkaError) {
        try retrying("init_transactions") { rd_kafka_init_transactions(handle.pointer, timeoutMilliseconds) }
    }

    func beginTransaction() throws(KafkaError) {
        if let error = rd_kafka_begin_transaction(handle.pointer) {
            throw KafkaError(consuming: error, context: "begin_transaction failed")
        }
    }

    /// Adds the consumer's next offsets to the transaction, with the
    /// consumer group metadata that fences a member of an older generation.
    func sendOffsetsToTransaction(_ offsets: [(TopicPartition, Int64)], consumer: KafkaConsumer,
                                  timeoutMilliseconds: Int32) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        guard let metadata = rd_kafka_consumer_group_metadata(consumer.handle.pointer) else {
            throw KafkaError("send_offsets_to_transaction failed: the consumer has no group metadata")
        }
        defer { rd_kafka_consumer_group_metadata_destroy(metadata) }
        try TopicPartitionList.with(offsets) { list throws(KafkaError) in
            try retrying("send_offsets_to_transaction") {
                rd_kafka_send_offsets_to_transaction(handle.pointer, list, metadata, timeoutMilliseconds)
            }
        }
    }

    /// Flushes the transaction's messages and commits them with its offsets.
    func commitTransaction(timeoutMilliseconds: Int32) throws(KafkaError) {
        try retrying("commit_transaction") { rd_kafka_commit_transaction(handle.pointer, timeoutMilliseconds) }
    }

    /// Aborts the transaction: its messages are never visible to
    /// `read_committed` readers and its offsets are not committed.
    func abortTransaction(timeoutMilliseconds: Int32) throws(KafkaError) {
        try retrying("abort_transaction") { rd_kafka_abort_transaction(handle.pointer, timeoutMilliseconds) }
    }

    private func retrying(_ name: String, attempts: Int = 3, _ call: () -> OpaquePointer?) throws(KafkaError) {
        for attempt in 1...attempts {
            guard let error = call() else { return }
            let wrapped = KafkaError(consuming: error, context: "\(name) failed")
            if !wrapped.isRetriable || attempt == attempts { throw wrapped }
            events.log.warning("\(wrapped.description); retrying (\(attempt) of \(attempts))")
        }
    }
}

extension KafkaConsumer {
    /// Moves the fetch positions of assigned partitions, as after an aborted transaction.
    func seek(_ offsets: [(TopicPartition, Int64)], timeoutMilliseconds: Int32) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        try TopicPartitionList.with(offsets) { list throws(KafkaError) in
            if let error = rd_kafka_seek_partitions(handle.pointer, list, timeoutMilliseconds) {
                throw KafkaError(consuming: error, context: "seek failed")
            }
            for (topicPartition, _, code) in TopicPartitionList.offsets(of: list) where code != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(code: code, context: "seek of \(topicPartition) failed")
            }
        }
    }
}
