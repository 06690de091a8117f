/// A small open-addressing hash table from normalised keys to values, looked
/// up with a pointer and a length so that no key is copied on the hot path.
struct NormalizedKeyTable<Value: Sendable>: Sendable {
    private struct Entry: Sendable {
        var hash: UInt64
        var key: [UInt8]
        var value: Value
    }

    private var slots: [Entry?] = Array(repeating: nil, count: 256)
    private var occupied = 0

    @inline(__always)
    private static func hash(_ key: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for index in 0..<count {
            hash = (hash ^ UInt64(key[index])) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    mutating func insert(_ key: [UInt8], _ value: Value) {
        if (occupied + 1) * 2 > slots.count { rehash(capacity: slots.count * 2) }
        let hash = key.withUnsafeBufferPointer { Self.hash($0.baseAddress!, count: $0.count) }
        var slot = Int(hash & UInt64(slots.count - 1))
        while let entry = slots[slot] {
            if entry.hash == hash && entry.key == key {
                slots[slot]!.value = value
                return
            }
            slot = (slot + 1) & (slots.count - 1)
        }
        slots[slot] = Entry(hash: hash, key: key, value: value)
        occupied += 1
    }

    private mutating func rehash(capacity: Int) {
        let old = slots
        slots = Array(repeating: nil, count: capacity)
        occupied = 0
        for case let entry? in old { insert(entry.key, entry.value) }
    }

    func lookup(_ key: UnsafePointer<UInt8>, count: Int) -> Value? {
        let hash = Self.hash(key, count: count)
        var slot = Int(hash & UInt64(slots.count - 1))
        while let entry = slots[slot] {
            if entry.hash == hash && entry.key.count == count
                && entry.key.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key, count) == 0 }) {
                return entry.value
            }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#endif
