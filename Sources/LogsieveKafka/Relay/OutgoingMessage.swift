/// Bytes of an outgoing key or value: borrowed from the consumer batch and
/// the sanitizer's buffer on the fast path, owned when the message must
/// wait for room in the producer queue.
enum MessageBytes {
    /// A null value (a tombstone) or no key.
    case null
    case borrowed(UnsafeRawBufferPointer)
    case owned([UInt8])

    /// librdkafka reads a null payload pointer as a null value, so an empty
    /// value needs a non-null pointer.
    nonisolated(unsafe) private static let emptyValue = UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1)

    func withBytes<Result>(_ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
        switch self {
        case .null:
            return body(nil)
        case .borrowed(let bytes):
            return body(bytes.count == 0 ? UnsafeRawBufferPointer(start: Self.emptyValue, count: 0) : bytes)
        case .owned(let array):
            if array.isEmpty { return body(UnsafeRawBufferPointer(start: Self.emptyValue, count: 0)) }
            return array.withUnsafeBytes { body($0) }
        }
    }

    var owning: MessageBytes {
        if case .borrowed(let bytes) = self { return .owned(Array(bytes)) }
        return self
    }

    var count: Int {
        switch self {
        case .null: 0
        case .borrowed(let bytes): bytes.count
        case .owned(let array): array.count
        }
    }
}

/// One message for the producer.
struct OutgoingMessage {
    struct Header {
        var name: String
        var value: [UInt8]?
    }

    var topic: String
    /// nil lets librdkafka's partitioner choose by key.
    var partition: Int32?
    var key: MessageBytes
    var value: MessageBytes
    var headers: [Header]
    var timestamp: Int64?
    /// The input position, written as the `logsieve.source.*` headers after
    /// `headers`. nil for messages that do not come from an input topic.
    var source: SourcePosition? = nil

    static let oversizedReason = Array("oversized".utf8)

    /// Whether this is already the envelope that replaces an oversized
    /// message, which must not be replaced again.
    var isOversizedEnvelope: Bool {
        headers.contains { $0.name == RelayHeader.reason && $0.value == Self.oversizedReason }
    }

    /// A copy that no longer borrows the consumer batch or a buffer.
    var owning: OutgoingMessage {
        var copy = self
        copy.key = key.owning
        copy.value = value.owning
        return copy
    }
}

/// The input position of a relayed message. The topic and partition bytes
/// are formatted once per partition, and the producer formats the offset on
/// the stack, so that the three headers need no Swift allocation per message.
struct SourcePosition {
    var topic: [UInt8]
    var partition: [UInt8]
    var offset: Int64
}

/// Names of the headers that the relay adds.
public enum RelayHeader {
    public static let sourceTopic = "logsieve.source.topic"
    public static let sourcePartition = "logsieve.source.partition"
    public static let sourceOffset = "logsieve.source.offset"
    /// Why a message went to the dead-letter topic: `invalid-json` or `oversized`.
    public static let reason = "logsieve.reason"
}
