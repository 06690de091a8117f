import CRdKafka

/// An error from librdkafka or from the relay's use of it.
///
/// The librdkafka error code stays inside this target: callers see its name
/// (`_QUEUE_FULL`, `TOPIC_AUTHORIZATION_FAILED`), whether it is fatal or
/// retriable, and a message that states what failed and what to do.
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// librdkafka's name of the error code, e.g. `_TRANSPORT` or `UNKNOWN_TOPIC_OR_PART`.
    public let name: String
    /// What failed, with the topic, partition or property involved.
    public let message: String
    /// The client instance cannot continue: the process must stop.
    public let isFatal: Bool
    /// Retrying the same operation later may succeed.
    public let isRetriable: Bool

    let code: rd_kafka_resp_err_t

    init(code: rd_kafka_resp_err_t, message: String, isFatal: Bool = false, isRetriable: Bool = false) {
        self.code = code
        self.name = String(cString: rd_kafka_err2name(code))
        self.message = message
        self.isFatal = isFatal
        self.isRetriable = isRetriable
    }

    /// An error about the relay's own settings or state, with no librdkafka code.
    init(_ message: String) {
        self.init(code: RD_KAFKA_RESP_ERR__INVALID_ARG, message: message)
    }

    /// Wraps an `rd_kafka_error_t` and destroys it.
    init(consuming error: OpaquePointer, context: String) {
        let code = rd_kafka_error_code(error)
        let text = String(cString: rd_kafka_error_string(error))
        self.init(code: code, message: "\(context): \(text)",
                  isFatal: rd_kafka_error_is_fatal(error) != 0, isRetriable: rd_kafka_error_is_retriable(error) != 0)
        rd_kafka_error_destroy(error)
    }

    /// Wraps a response code with librdkafka's description of it.
    init(code: rd_kafka_resp_err_t, context: String) {
        self.init(code: code, message: "\(context): \(String(cString: rd_kafka_err2str(code)))")
    }

    var isQueueFull: Bool { code == RD_KAFKA_RESP_ERR__QUEUE_FULL }
    var isMessageTooLarge: Bool { code == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE }

    public var description: String { "\(message) [\(name)]" }
}

extension String {
    /// Decodes a NUL-terminated error buffer that librdkafka filled in.
    init(cBuffer: [CChar]) {
        let end = cBuffer.firstIndex(of: 0) ?? cBuffer.count
        self = String(decoding: cBuffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
