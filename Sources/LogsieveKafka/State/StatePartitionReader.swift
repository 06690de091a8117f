import CRdKafka
import Foundation
import LogsieveCore

/// The content of a state partition as of its last checkpoint marker.
struct RestoredPartition {
    /// The latest value of each entity written before the last marker, in
    /// the order of their latest writes. Entities deleted by a tombstone are absent.
    var entities: [EnrichmentEntity] = []
    var checkpoint: StateCheckpoint?
    /// The hash of the latest value of every key in the partition, marker
    /// or not, so that the next checkpoint rewrites or deletes whatever
    /// differs from the restored state, including a checkpoint that did not finish.
    var latestHashes: [String: Int] = [:]
    var messagesRead = 0
    /// Whether the end of the partition was reached before the deadline.
    var isComplete = true

    /// Folds messages, in offset order, into the latest value per key. The
    /// mock cluster never compacts, so the whole history may be read.
    mutating func apply(key: String, value: [UInt8]?) {
        messagesRead += 1
        latestHashes[key] = value.map(EntityHash.of)
        if key == StateCheckpoint.key {
            guard let value, let marker = StateCheckpoint.decode(value) else { return }
            checkpoint = marker
            // Everything before this marker is part of a finished checkpoint.
            entities = pending.sorted { $0.value.order < $1.value.order }.map { EnrichmentEntity(key: $0.key, value: $0.value.bytes) }
            return
        }
        if let value {
            pending[key] = (value, messagesRead)
        } else {
            pending[key] = nil
        }
    }

    /// The latest value of every entity key seen so far, with the position
    /// of its write; a tombstone removes the key.
    private var pending: [String: (bytes: [UInt8], order: Int)] = [:]
}

/// A process-local hash of an entity's encoding, to tell which entities
/// changed since they were last written.
enum EntityHash {
    static func of(_ bytes: [UInt8]) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes.count)
        hasher.combine(bytes)
        return hasher.finalize()
    }
}

/// Reads partitions from a start offset to their end with a consumer that
/// is assigned partitions directly and never joins the group.
final class StatePartitionReader {
    private let consumer: KafkaConsumer

    init(properties: KafkaProperties, log: KafkaLog) throws(KafkaError) {
        var readerProperties = properties
        readerProperties["enable.partition.eof"] = "true"
        readerProperties["enable.auto.commit"] = "false"
        readerProperties["enable.auto.offset.store"] = "false"
        consumer = try KafkaConsumer(properties: readerProperties, log: log, batchSize: 1000)
    }

    /// Calls `body` with each message of `topicPartition` from `offset`
    /// until the end of the partition, until `body` returns false, or
    /// until `deadline`. Returns false when the deadline stopped it.
    func read(_ topicPartition: TopicPartition, from offset: Int64, until deadline: Date,
              _ body: (ConsumedMessage) -> Bool) throws(KafkaError) -> Bool {
        let (low, high) = try consumer.watermarks(topicPartition, timeoutMilliseconds: 10_000)
        if high <= max(low, offset) { return true }
        try consumer.assign([(topicPartition, offset)])
        defer {
            consumer.releaseBatch()
            try? consumer.assign([])
        }
        while Date() < deadline {
            for message in consumer.poll(timeoutMilliseconds: 100) {
                guard message.partition == topicPartition.partition, message.topicName == topicPartition.topic else { continue }
                if message.pointer.pointee.err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return true }
                if let error = message.error { throw error }
                if !body(message) { return true }
                if message.offset >= high - 1 { return true }
            }
        }
        return false
    }

    /// Reads a state partition from its beginning and keeps the latest value per key.
    func restore(_ statePartition: TopicPartition, until deadline: Date) throws(KafkaError) -> RestoredPartition {
        var restored = RestoredPartition()
        let finished = try read(statePartition, from: Int64(RD_KAFKA_OFFSET_BEGINNING), until: deadline) { message in
            guard let key = message.key else { return true }
            restored.apply(key: String(decoding: key, as: UTF8.self), value: message.value.map { Array($0) })
            return true
        }
        restored.isComplete = finished
        return restored
    }
}
