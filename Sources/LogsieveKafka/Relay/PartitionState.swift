/// What the relay keeps per assigned input partition.
final class PartitionState {
    let topicPartition: TopicPartition
    /// The index of this state in the relay's table, carried in delivery
    /// report tokens.
    let slot: Int
    var progress = PartitionProgress()
    /// The offset last passed to `rd_kafka_offsets_store`.
    var storedOffset: Int64?
    /// The offset last committed, for the revocation and shutdown logs.
    var committedOffset: Int64?
    /// Messages that met a full producer queue, in input order. While any
    /// wait, the partition is paused and newer messages queue up behind them.
    var waiting: [(offset: Int64, message: OutgoingMessage)] = []
    var isPaused = false
    var isAssigned = true
    /// The values of the `logsieve.source.topic` and `.partition` headers.
    let topicHeaderValue: [UInt8]
    let partitionHeaderValue: [UInt8]

    init(topicPartition: TopicPartition, slot: Int) {
        self.topicPartition = topicPartition
        self.slot = slot
        topicHeaderValue = Array(topicPartition.topic.utf8)
        partitionHeaderValue = Array(String(topicPartition.partition).utf8)
    }
}

/// Delivery report tokens: the partition's slot and the input offset,
/// packed into the message's opaque pointer so that a report finds its
/// input without a lookup table. Offsets must be below 2^48 (281 trillion).
enum DeliveryToken {
    static let offsetBits: UInt64 = 48

    static func make(slot: Int, offset: Int64) -> UInt64 {
        // Plus one, because a null opaque pointer would be token 0 at slot 0.
        (UInt64(slot) << offsetBits) | (UInt64(offset) + 1)
    }

    static func slot(_ token: UInt64) -> Int { Int(token >> offsetBits) }
    static func offset(_ token: UInt64) -> Int64 { Int64(token & ((1 << offsetBits) - 1)) - 1 }
}

/// Counters for the final log line and the tests.
public struct RelaySummary: Sendable, Equatable {
    public var consumed = 0
    public var produced = 0
    public var delivered = 0
    public var invalid = 0
    public var oversized = 0
    public var tombstones = 0
    public var skipped = 0
    public var pauses = 0
}
