/// A two-way set-associative cache from raw keys of up to 24 bytes without
/// escapes to their roles. Real events repeat a small set of keys, and a
/// hit costs a few loads and compares instead of normalising and hashing
/// the key.
///
/// Two ways per set, because hot keys that share a set would otherwise
/// evict each other on every event. A simulation of the JSON keys of an
/// 8 MiB slice of the benchmark corpus (171 distinct keys, 262,052
/// lookups) gives 35,631 misses for 512 direct-mapped slots and 2,408 for
/// 512 sets of two.
///
/// One per redactor, so never shared between threads. Roles depend only on
/// the redactor's fixed rules, so an entry never goes stale.
struct KeyRoleCache {
    private struct Entry {
        var length: Int
        var head: UInt64
        var middle: UInt64
        var tail: UInt64
        var role: KeyRole
    }

    private static let setCount = 512
    private static let ways = 2
    /// `ways` entries per set, the most recently stored first. An entry of
    /// length 0 is empty: lookups are only made for keys of 1 byte or more.
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        let capacity = Self.setCount * Self.ways
        entries = .allocate(capacity: capacity)
        entries.initialize(repeating: Entry(length: 0, head: 0, middle: 0, tail: 0, role: .none), count: capacity)
    }

    func deallocate() {
        entries.deallocate()
    }

    /// The maximum key length the cache stores.
    static let maxKeyLength = 24

    /// Returns the key's first, middle and last 8 bytes, which overlap for
    /// keys shorter than 24 bytes; a key shorter than 8 is zero-padded.
    @inline(__always)
    static func words(_ key: UnsafePointer<UInt8>, count: Int) -> (UInt64, UInt64, UInt64) {
        if count >= 8 {
            let raw = UnsafeRawPointer(key)
            return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: (count - 8) / 2, as: UInt64.self),
                    raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
        }
        return (shortKeyWord(key, count: count), 0, 0)
    }

    /// Returns the bytes of a key shorter than 8 bytes, zero-padded, with
    /// two or three overlapping loads in place of a loop. The overlapping
    /// bytes are the same in both loads, so OR-ing them changes nothing.
    @inline(__always)
    private static func shortKeyWord(_ key: UnsafePointer<UInt8>, count: Int) -> UInt64 {
        if count >= 4 {
            let raw = UnsafeRawPointer(key)
            let head = UInt64(raw.loadUnaligned(as: UInt32.self))
            let tail = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return head | tail << (8 * UInt64(count - 4))
        }
        guard count > 0 else { return 0 }
        let middle = count / 2
        return UInt64(key[0]) | UInt64(key[middle]) << (8 * UInt64(middle)) | UInt64(key[count - 1]) << (8 * UInt64(count - 1))
    }

    /// Returns the index of the key's set: the top 9 bits of the product
    /// select one of the 512 sets.
    @inline(__always)
    static func setIndex(head: UInt64, tail: UInt64, count: Int) -> Int {
        Int(truncatingIfNeeded: ((head &+ tail &* 31 &+ UInt64(count)) &* 0x9E37_79B9_7F4A_7C15) >> 55)
    }

    /// Returns the first entry of the key's set.
    @inline(__always)
    private func set(_ head: UInt64, _ tail: UInt64, _ count: Int) -> UnsafeMutablePointer<Entry> {
        entries + Self.setIndex(head: head, tail: tail, count: count) * Self.ways
    }

    @inline(__always)
    func lookup(_ key: UnsafePointer<UInt8>, count: Int) -> KeyRole? {
        let (head, middle, tail) = Self.words(key, count: count)
        let set = set(head, tail, count)
        for way in 0..<Self.ways {
            let entry = set[way]
            if entry.length == count && entry.head == head && entry.middle == middle && entry.tail == tail {
                return entry.role
            }
        }
        return nil
    }

    /// Stores a key's role as the first entry of its set, and moves the
    /// set's other entries one way down, which drops the oldest.
    func store(_ key: UnsafePointer<UInt8>, count: Int, role: KeyRole) {
        let (head, middle, tail) = Self.words(key, count: count)
        let set = set(head, tail, count)
        for way in stride(from: Self.ways - 1, to: 0, by: -1) {
            set[way] = set[way - 1]
        }
        set[0] = Entry(length: count, head: head, middle: middle, tail: tail, role: role)
    }
}
