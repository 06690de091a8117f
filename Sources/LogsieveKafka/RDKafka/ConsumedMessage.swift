import CRdKafka

/// A message from a consumer batch, borrowed: its bytes stay valid until
/// the batch is released.
struct ConsumedMessage {
    let pointer: UnsafeMutablePointer<rd_kafka_message_t>

    /// A consumer error delivered in place of a message, if any.
    var error: KafkaError? {
        let code = pointer.pointee.err
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        let detail = rd_kafka_message_errstr(pointer).map { String(cString: $0) } ?? ""
        let isFatal = code == RD_KAFKA_RESP_ERR__FATAL
        return KafkaError(code: code, message: "consumer error on \(topicName) partition \(partition): \(detail)", isFatal: isFatal)
    }

    /// Identifies the topic for as long as the consumer exists.
    var topicIdentity: Int { pointer.pointee.rkt.map { Int(bitPattern: UnsafeRawPointer($0)) } ?? 0 }
    var topicName: String { pointer.pointee.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? "" }
    var partition: Int32 { pointer.pointee.partition }
    var offset: Int64 { pointer.pointee.offset }

    /// The value, or nil for a tombstone (a null value).
    var value: UnsafeRawBufferPointer? {
        guard let payload = pointer.pointee.payload else { return nil }
        return UnsafeRawBufferPointer(start: payload, count: pointer.pointee.len)
    }

    var key: UnsafeRawBufferPointer? {
        guard let key = pointer.pointee.key else { return nil }
        return UnsafeRawBufferPointer(start: key, count: pointer.pointee.key_len)
    }

    /// Milliseconds since the epoch, or nil when the message has none.
    var timestamp: Int64? {
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let value = rd_kafka_message_timestamp(pointer, &type)
        return type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || value < 0 ? nil : value
    }

    /// Calls `body` with each header's name and value (nil for a null value).
    func forEachHeader(_ body: (UnsafePointer<CChar>, UnsafeRawBufferPointer?) -> Void) {
        var headers: OpaquePointer? = nil
        guard rd_kafka_message_headers(pointer, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return }
        var index = 0
        var name: UnsafePointer<CChar>? = nil
        var value: UnsafeRawPointer? = nil
        var size = 0
        while rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            if let name {
                body(name, value.map { UnsafeRawBufferPointer(start: $0, count: size) })
            }
            index += 1
        }
    }
}
