/// The input offsets of one partition that are waiting for delivery
/// reports, and the offset that is safe to commit.
///
/// Offsets are tracked in the order they were consumed. The committable
/// offset is one past the last offset of the longest delivered prefix, so a
/// later success never commits past an earlier message still in flight or
/// failed: the lowest undelivered offset is the limit.
struct PartitionProgress {
    private var offsets: [Int64] = []
    private var delivered: [Bool] = []
    private var head = 0

    /// The next offset to read after a restart: everything below it was
    /// delivered. nil until the first message completes.
    private(set) var committableOffset: Int64?

    init() {}

    /// Messages consumed but not yet known to be delivered.
    var inFlightCount: Int { offsets.count - head }

    /// The lowest offset still waiting, if any.
    var lowestUndelivered: Int64? { head < offsets.count ? offsets[head] : nil }

    /// Records a consumed message. `delivered` is true for one that needs
    /// no output message (an empty value, or one a `select` dropped).
    mutating func track(offset: Int64, delivered isDelivered: Bool) {
        offsets.append(offset)
        delivered.append(isDelivered)
        advance()
    }

    /// Marks the message at `offset` delivered. Offsets that are not
    /// waiting (from before a revocation) are ignored.
    mutating func markDelivered(offset: Int64) {
        guard let index = index(of: offset) else { return }
        delivered[index] = true
        advance()
    }

    /// Forgets everything, as when the partition is revoked.
    mutating func reset() {
        self = PartitionProgress()
    }

    private func index(of offset: Int64) -> Int? {
        var low = head
        var high = offsets.count
        while low < high {
            let middle = (low + high) / 2
            if offsets[middle] < offset { low = middle + 1 } else { high = middle }
        }
        return low < offsets.count && offsets[low] == offset ? low : nil
    }

    private mutating func advance() {
        let start = head
        while head < offsets.count && delivered[head] { head += 1 }
        if head > start { committableOffset = offsets[head - 1] + 1 }
        // Drop the delivered prefix once it is large, in amortised O(1).
        if head >= 1024 && head * 2 >= offsets.count {
            offsets.removeFirst(head)
            delivered.removeFirst(head)
            head = 0
        }
    }
}
