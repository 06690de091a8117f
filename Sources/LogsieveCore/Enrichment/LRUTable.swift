/// A map with a recency list, for bounded state: a lookup or insert moves
/// the entry to the front, and `removeLeastRecent()` takes from the back.
///
/// Entries live in arrays linked by index, so the list costs two `Int32`s
/// per entry and no allocation per node.
struct LRUTable<Value> {
    private var slots: [SessionMAC: Int32] = [:]
    private var keys: [SessionMAC] = []
    private var values: [Value?] = []
    private var previous: [Int32] = []
    private var next: [Int32] = []
    private var freeSlots: [Int32] = []
    /// Most and least recently used slots, -1 when empty.
    private var head: Int32 = -1
    private var tail: Int32 = -1

    var count: Int { slots.count }

    /// The value for `key`, moved to the front.
    mutating func value(for key: SessionMAC) -> Value? {
        guard let slot = slots[key] else { return nil }
        moveToFront(slot)
        return values[Int(slot)]
    }

    /// Inserts or replaces the value for `key` at the front.
    mutating func set(_ value: Value, for key: SessionMAC) {
        if let slot = slots[key] {
            values[Int(slot)] = value
            moveToFront(slot)
            return
        }
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            keys[Int(slot)] = key
            values[Int(slot)] = value
        } else {
            slot = Int32(keys.count)
            keys.append(key)
            values.append(value)
            previous.append(-1)
            next.append(-1)
        }
        slots[key] = slot
        linkAtFront(slot)
    }

    /// The least recently used entry, without moving it.
    var leastRecent: (key: SessionMAC, value: Value)? {
        guard tail >= 0, let value = values[Int(tail)] else { return nil }
        return (keys[Int(tail)], value)
    }

    @discardableResult
    mutating func removeLeastRecent() -> (key: SessionMAC, value: Value)? {
        guard let entry = leastRecent else { return nil }
        remove(entry.key)
        return entry
    }

    mutating func remove(_ key: SessionMAC) {
        guard let slot = slots.removeValue(forKey: key) else { return }
        unlink(slot)
        values[Int(slot)] = nil
        freeSlots.append(slot)
    }

    /// Every entry from least to most recently used, the order in which a
    /// snapshot must be loaded to restore the recency list.
    func forEachFromLeastRecent(_ body: (SessionMAC, Value) -> Void) {
        var slot = tail
        while slot >= 0 {
            if let value = values[Int(slot)] { body(keys[Int(slot)], value) }
            slot = previous[Int(slot)]
        }
    }

    private mutating func moveToFront(_ slot: Int32) {
        guard slot != head else { return }
        unlink(slot)
        linkAtFront(slot)
    }

    private mutating func linkAtFront(_ slot: Int32) {
        previous[Int(slot)] = -1
        next[Int(slot)] = head
        if head >= 0 { previous[Int(head)] = slot }
        head = slot
        if tail < 0 { tail = slot }
    }

    private mutating func unlink(_ slot: Int32) {
        let before = previous[Int(slot)]
        let after = next[Int(slot)]
        if before >= 0 { next[Int(before)] = after } else { head = after }
        if after >= 0 { previous[Int(after)] = before } else { tail = before }
        previous[Int(slot)] = -1
        next[Int(slot)] = -1
    }
}
