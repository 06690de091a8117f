/// A read-only open-addressing hash table from normalised keys to values,
/// looked up with a pointer and a length so that no key is copied and no
/// reference count changes on the hot path.
///
/// It is built once from its entries and never changes afterwards, which is
/// what makes sharing it between threads safe. It is a struct of pointers so
/// that using it costs no reference counting; its owner calls `deallocate()`.
struct NormalizedKeyTable<Value: BitwiseCopyable>: @unchecked Sendable {
    private let slotCount: Int
    private let hashes: UnsafeMutablePointer<UInt64>
    private let keyOffsets: UnsafeMutablePointer<Int>
    private let keyLengths: UnsafeMutablePointer<Int>
    private let values: UnsafeMutablePointer<Value>
    private let keyBytes: UnsafeMutablePointer<UInt8>
    /// Length 0 marks an empty slot, because no rule has an empty key.
    private static var emptyLength: Int { 0 }


    /// Later entries with the same key replace earlier ones.
    init(_ entries: [([UInt8], Value)]) {
        var slotCount = 16
        while slotCount < entries.count * 3 { slotCount *= 2 }
        self.slotCount = slotCount
        hashes = .allocate(capacity: slotCount)
        hashes.initialize(repeating: 0, count: slotCount)
        keyOffsets = .allocate(capacity: slotCount)
        keyOffsets.initialize(repeating: 0, count: slotCount)
        keyLengths = .allocate(capacity: slotCount)
        keyLengths.initialize(repeating: Self.emptyLength, count: slotCount)
        values = .allocate(capacity: slotCount)
        let totalBytes = entries.reduce(0) { $0 + $1.0.count }
        keyBytes = .allocate(capacity: max(totalBytes, 1))
        var used = 0
        for (key, value) in entries where !key.isEmpty {
            let hash = key.withUnsafeBufferPointer { Self.hash($0.baseAddress!, count: $0.count) }
            var slot = Int(hash & UInt64(slotCount - 1))
            while keyLengths[slot] != Self.emptyLength && !(hashes[slot] == hash && equals(slot, key)) {
                slot = (slot + 1) & (slotCount - 1)
            }
            if keyLengths[slot] == Self.emptyLength {
                key.withUnsafeBufferPointer { (keyBytes + used).initialize(from: $0.baseAddress!, count: key.count) }
                keyOffsets[slot] = used
                keyLengths[slot] = key.count
                hashes[slot] = hash
                used += key.count
                (values + slot).initialize(to: value)
            } else {
                values[slot] = value
            }
        }
    }

    func deallocate() {
        hashes.deallocate()
        keyOffsets.deallocate()
        keyLengths.deallocate()
        values.deallocate()
        keyBytes.deallocate()
    }

    private func equals(_ slot: Int, _ key: [UInt8]) -> Bool {
        keyLengths[slot] == key.count && key.withUnsafeBufferPointer {
            memcmp(keyBytes + keyOffsets[slot], $0.baseAddress!, key.count) == 0
        }
    }

    @inline(__always)
    static func hash(_ key: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for index in 0..<count {
            hash = (hash ^ UInt64(key[index])) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    func lookup(_ key: UnsafePointer<UInt8>, count: Int) -> Value? {
        guard count > 0 else { return nil }
        let hash = Self.hash(key, count: count)
        var slot = Int(hash & UInt64(slotCount - 1))
        while keyLengths[slot] != Self.emptyLength {
            if hashes[slot] == hash && keyLengths[slot] == count && memcmp(keyBytes + keyOffsets[slot], key, count) == 0 {
                return values[slot]
            }
            slot = (slot + 1) & (slotCount - 1)
        }
        return nil
    }
}

#if canImport(Glibc)
import Glibc
#endif
