import CRdKafka

/// The idempotent producer of the sanitized topic. Each message carries a
/// token in its opaque pointer, returned with its delivery report, so
/// nothing is allocated to track a message.
final class KafkaProducer {
    let handle: KafkaClientHandle
    private var topics: [String: OpaquePointer] = [:]
    /// The argument list of `rd_kafka_produceva`, reused for every message.
    private let fields = UnsafeMutablePointer<rd_kafka_vu_t>.allocate(capacity: 8)

    init(properties: KafkaProperties, log: KafkaLog) throws(KafkaError) {
        handle = try KafkaClientHandle(type: RD_KAFKA_PRODUCER, properties: properties, events: ClientEvents(log: log, role: "producer"))
    }

    deinit {
        for topic in topics.values { rd_kafka_topic_destroy(topic) }
        fields.deallocate()
    }

    var events: ClientEvents { handle.events }

    private func topicHandle(_ name: String) -> OpaquePointer {
        if let existing = topics[name] { return existing }
        let topic = rd_kafka_topic_new(handle.pointer, name, nil)!
        topics[name] = topic
        return topic
    }

    /// Returns the number of partitions of `topic`, asking the cluster.
    func partitionCount(of topic: String, timeoutMilliseconds: Int32) throws(KafkaError) -> Int32 {
        var metadata: UnsafePointer<rd_kafka_metadata>? = nil
        let result = rd_kafka_metadata(handle.pointer, 0, topicHandle(topic), &metadata, timeoutMilliseconds)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(code: result, context: "cannot read the metadata of topic \(topic); check --brokers and that the cluster is reachable")
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt > 0 else { throw KafkaError("topic \(topic) is not in the cluster's metadata; create it first") }
        let entry = metadata.pointee.topics[0]
        guard entry.err == RD_KAFKA_RESP_ERR_NO_ERROR, entry.partition_cnt > 0 else {
            throw KafkaError(code: entry.err, context: "topic \(topic) is not available; create it first")
        }
        return entry.partition_cnt
    }

    /// Queues one message; the value and key are copied. Throws `_QUEUE_FULL`
    /// when the producer queue is full (retry after `poll`) and
    /// `MSG_SIZE_TOO_LARGE` when it exceeds `message.max.bytes`.
    func produce(_ message: OutgoingMessage, token: UInt64) throws(KafkaError) {
        let headers = makeHeaders(message)
        var count = 0
        func add(_ type: rd_kafka_vtype_t, _ fill: (inout rd_kafka_vu_t) -> Void) {
            fields[count] = rd_kafka_vu_t()
            fields[count].vtype = type
            fill(&fields[count])
            count += 1
        }
        add(RD_KAFKA_VTYPE_RKT) { $0.u.rkt = topicHandle(message.topic) }
        add(RD_KAFKA_VTYPE_PARTITION) { $0.u.i32 = message.partition ?? RD_KAFKA_PARTITION_UA }
        add(RD_KAFKA_VTYPE_MSGFLAGS) { $0.u.i = RD_KAFKA_MSG_F_COPY }
        add(RD_KAFKA_VTYPE_HEADERS) { $0.u.headers = headers }
        add(RD_KAFKA_VTYPE_OPAQUE) { $0.u.ptr = UnsafeMutableRawPointer(bitPattern: UInt(token)) }
        if let timestamp = message.timestamp { add(RD_KAFKA_VTYPE_TIMESTAMP) { $0.u.i64 = timestamp } }
        let error: OpaquePointer? = message.value.withBytes { value in
            message.key.withBytes { key in
                if let value { add(RD_KAFKA_VTYPE_VALUE) { $0.u.mem = .init(ptr: UnsafeMutableRawPointer(mutating: value.baseAddress), size: value.count) } }
                if let key { add(RD_KAFKA_VTYPE_KEY) { $0.u.mem = .init(ptr: UnsafeMutableRawPointer(mutating: key.baseAddress), size: key.count) } }
                return rd_kafka_produceva(handle.pointer, fields, count)
            }
        }
        if let error {
            // The headers belong to the message only when it was queued.
            rd_kafka_headers_destroy(headers)
            throw KafkaError(consuming: error, context: "cannot produce to \(message.topic) partition \(message.partition.map(String.init) ?? "any")")
        }
    }

    /// Builds the message's headers: `headers`, then the source position.
    /// librdkafka copies names and values, so the offset is formatted on
    /// the stack.
    private func makeHeaders(_ message: OutgoingMessage) -> OpaquePointer {
        let headers = rd_kafka_headers_new(message.headers.count + 3)!
        for header in message.headers {
            if let value = header.value {
                value.withUnsafeBytes { bytes in _ = rd_kafka_header_add(headers, header.name, -1, bytes.baseAddress, bytes.count) }
            } else {
                _ = rd_kafka_header_add(headers, header.name, -1, nil, 0)
            }
        }
        guard let source = message.source else { return headers }
        source.topic.withUnsafeBytes { _ = rd_kafka_header_add(headers, RelayHeader.sourceTopic, -1, $0.baseAddress, $0.count) }
        source.partition.withUnsafeBytes { _ = rd_kafka_header_add(headers, RelayHeader.sourcePartition, -1, $0.baseAddress, $0.count) }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            let start = Self.formatDecimal(source.offset, into: digits)
            _ = rd_kafka_header_add(headers, RelayHeader.sourceOffset, -1, digits.baseAddress! + start, digits.count - start)
        }
        return headers
    }

    /// Writes the decimal digits of a non-negative `value` at the end of
    /// `buffer` (20 bytes fit any Int64) and returns the index of the first.
    static func formatDecimal(_ value: Int64, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var remaining = UInt64(max(value, 0))
        var index = buffer.count
        repeat {
            index -= 1
            buffer[index] = 0x30 + UInt8(remaining % 10)
            remaining /= 10
        } while remaining > 0
        return index
    }

    /// Serves delivery reports and errors for up to `timeoutMilliseconds`.
    func poll(timeoutMilliseconds: Int32) {
        _ = rd_kafka_poll(handle.pointer, timeoutMilliseconds)
    }

    /// Waits until every queued message has its delivery report. Returns
    /// false on timeout.
    func flush(timeoutMilliseconds: Int32) -> Bool {
        rd_kafka_flush(handle.pointer, timeoutMilliseconds) == RD_KAFKA_RESP_ERR_NO_ERROR
    }

    /// Messages queued or in flight, waiting for delivery reports.
    var outstandingCount: Int { Int(rd_kafka_outq_len(handle.pointer)) }

    func takeDeliveryReports() -> [DeliveryReport] {
        let reports = events.deliveryReports
        events.deliveryReports.removeAll(keepingCapacity: true)
        return reports
    }
}
