import CRdKafka
import Foundation

/// A plain producer for the benchmark and the tests: loads newline-separated
/// messages into a topic, reads watermarks, and creates and deletes topics
/// with the admin API. It works against the mock cluster and a real one.
public final class TopicClient {
    private let producer: KafkaProducer

    /// `properties` are librdkafka producer properties, applied after
    /// `bootstrap.servers`.
    public init(brokers: String, properties: KafkaProperties = KafkaProperties(), logLevel: KafkaLog.Level = .warning) throws(KafkaError) {
        var merged = KafkaProperties([("bootstrap.servers", brokers), ("linger.ms", "20")])
        merged.merge(properties)
        producer = try KafkaProducer(properties: merged, log: KafkaLog(level: logLevel))
    }

    /// Returns the number of partitions of `topic`. A metadata request from a
    /// producer creates a missing topic when the cluster allows automatic
    /// creation (`allow.auto.create.topics` is true for producers).
    public func partitionCount(of topic: String, timeoutSeconds: Double = 10) throws(KafkaError) -> Int32 {
        try producer.partitionCount(of: topic, timeoutMilliseconds: Int32(timeoutSeconds * 1000))
    }

    /// Produces each line of `data` (split at `\n`, empty lines skipped) as
    /// one message, spread round-robin over the partitions so that each
    /// gets an equal share. With `keyDelimiter`, the bytes before its first
    /// occurrence in a line are the key and the rest is the value.
    /// Waits for every delivery report and throws the first failed one.
    /// Returns the number of messages produced.
    public func produceLines(_ data: Data, to topic: String, keyDelimiter: UInt8? = nil,
                             timeoutSeconds: Double = 300) throws(KafkaError) -> Int {
        let partitions = Int(try partitionCount(of: topic))
        var count = 0
        var failure: KafkaError?
        data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) in
            guard let base = bytes.baseAddress else { return }
            var start = 0
            while start < bytes.count, failure == nil {
                let newline = memchr(base + start, 0x0A, bytes.count - start)
                let end = newline.map { $0 - UnsafeMutableRawPointer(mutating: base) } ?? bytes.count
                defer { start = end + 1 }
                guard end > start else { continue }
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                var key = MessageBytes.null
                var value = MessageBytes.borrowed(line)
                if let keyDelimiter, let split = line.firstIndex(of: keyDelimiter) {
                    key = .borrowed(UnsafeRawBufferPointer(rebasing: line[..<split]))
                    value = .borrowed(UnsafeRawBufferPointer(rebasing: line[(split + 1)...]))
                }
                let message = OutgoingMessage(topic: topic, partition: Int32(count % partitions), key: key, value: value,
                                              headers: [], timestamp: nil)
                do throws(KafkaError) {
                    try produceWaitingForRoom(message, token: UInt64(count + 1))
                } catch {
                    failure = error
                }
                count += 1
                if count % 1000 == 0 { failure = failure ?? firstFailedDelivery() }
            }
        }
        if let failure { throw failure }
        guard producer.flush(timeoutMilliseconds: Int32(timeoutSeconds * 1000)) else {
            throw KafkaError("\(producer.outstandingCount) message(s) to \(topic) still undelivered after \(timeoutSeconds) s")
        }
        if let failed = firstFailedDelivery() { throw failed }
        return count
    }

    private func produceWaitingForRoom(_ message: OutgoingMessage, token: UInt64) throws(KafkaError) {
        while true {
            do {
                try producer.produce(message, token: token)
                return
            } catch where error.isQueueFull {
                producer.poll(timeoutMilliseconds: 10)
            }
        }
    }

    private func firstFailedDelivery() -> KafkaError? {
        producer.poll(timeoutMilliseconds: 0)
        return producer.takeDeliveryReports().first { $0.error != nil }?.error
    }

    /// Returns the sums of the low and high watermarks over every partition of
    /// `topic`. The high sum counts every message ever appended. The low
    /// sum rises above 0 once the cluster deleted messages, which the mock
    /// cluster does beyond about 5 MiB per partition.
    public func watermarkTotals(of topic: String, timeoutSeconds: Double = 10) throws(KafkaError) -> (low: Int64, high: Int64) {
        let timeout = Int32(timeoutSeconds * 1000)
        let partitions = try producer.partitionCount(of: topic, timeoutMilliseconds: timeout)
        var lowTotal: Int64 = 0
        var highTotal: Int64 = 0
        for partition in 0..<partitions {
            var low: Int64 = 0
            var high: Int64 = 0
            let result = rd_kafka_query_watermark_offsets(producer.handle.pointer, topic, partition, &low, &high, timeout)
            guard result == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(code: result, context: "cannot read the watermarks of \(topic) partition \(partition)")
            }
            lowTotal += low
            highTotal += high
        }
        return (lowTotal, highTotal)
    }

    /// Creates `topic` with the admin API. librdkafka's mock cluster
    /// (2.0.2) has no CreateTopics request, so there this throws and a
    /// caller can fall back to `partitionCount(of:)`, which auto-creates.
    public func createTopic(_ topic: String, partitions: Int32, replicationFactor: Int32 = 1,
                            timeoutSeconds: Double = 30) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        guard let newTopic = rd_kafka_NewTopic_new(topic, partitions, replicationFactor, &errorText, errorText.count) else {
            throw KafkaError("cannot describe topic \(topic) for creation: \(String(cBuffer: errorText))")
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        var topics: [OpaquePointer?] = [newTopic]
        try runAdminRequest(RD_KAFKA_EVENT_CREATETOPICS_RESULT, context: "cannot create topic \(topic)", timeoutSeconds: timeoutSeconds) { options, queue in
            rd_kafka_CreateTopics(producer.handle.pointer, &topics, 1, options, queue)
        } results: { event in
            var count = 0
            let list = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(event), &count)
            return (0..<count).compactMap { list?[$0] }
        }
    }

    /// Deletes `topic` with the admin API.
    public func deleteTopic(_ topic: String, timeoutSeconds: Double = 30) throws(KafkaError) {
        guard let deleteTopic = rd_kafka_DeleteTopic_new(topic) else { throw KafkaError("cannot describe topic \(topic) for deletion") }
        defer { rd_kafka_DeleteTopic_destroy(deleteTopic) }
        var topics: [OpaquePointer?] = [deleteTopic]
        try runAdminRequest(RD_KAFKA_EVENT_DELETETOPICS_RESULT, context: "cannot delete topic \(topic)", timeoutSeconds: timeoutSeconds) { options, queue in
            rd_kafka_DeleteTopics(producer.handle.pointer, &topics, 1, options, queue)
        } results: { event in
            var count = 0
            let list = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(event), &count)
            return (0..<count).compactMap { list?[$0] }
        }
    }

    /// Sends one admin request on a queue of its own, waits for its result
    /// event and throws the request's error or the first topic's error.
    private func runAdminRequest(_ expected: rd_kafka_event_type_t, context: String, timeoutSeconds: Double,
                                 send: (OpaquePointer, OpaquePointer) -> Void,
                                 results: (OpaquePointer) -> [OpaquePointer]) throws(KafkaError) {
        let queue = rd_kafka_queue_new(producer.handle.pointer)!
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(producer.handle.pointer, RD_KAFKA_ADMIN_OP_ANY)!
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errorText = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, Int32(timeoutSeconds * 1000), &errorText, errorText.count)
        send(options, queue)
        guard let event = rd_kafka_queue_poll(queue, Int32(timeoutSeconds * 1000) + 1000) else {
            throw KafkaError("\(context): no result within \(timeoutSeconds) s")
        }
        defer { rd_kafka_event_destroy(event) }
        let requestError = rd_kafka_event_error(event)
        guard requestError == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(code: requestError, message: "\(context): \(String(cString: rd_kafka_event_error_string(event)))")
        }
        guard rd_kafka_event_type(event) == expected else { throw KafkaError("\(context): unexpected admin result event") }
        for topicResult in results(event) {
            let code = rd_kafka_topic_result_error(topicResult)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                let text = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? ""
                throw KafkaError(code: code, message: "\(context): \(text)")
            }
        }
    }
}
