/// A direct-mapped cache from raw keys of up to 24 bytes without escapes to
/// their roles. Real events repeat a small set of keys, and a hit costs two
/// or three loads and compares instead of normalising and hashing the key.
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

    private static let slotCount = 512
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        entries = .allocate(capacity: Self.slotCount)
        entries.initialize(repeating: Entry(length: 0, head: 0, middle: 0, tail: 0, role: .none), count: Self.slotCount)
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

    @inline(__always)
    private static func slot(_ head: UInt64, _ tail: UInt64, _ count: Int) -> Int {
        Int(truncatingIfNeeded: ((head &+ tail &* 31 &+ UInt64(count)) &* 0x9E37_79B9_7F4A_7C15) >> 55)
    }

    @inline(__always)
    func lookup(_ key: UnsafePointer<UInt8>, count: Int) -> KeyRole? {
        let (head, middle, tail) = Self.words(key, count: count)
        let entry = entries[Self.slot(head, tail, count)]
        guard entry.length == count && entry.head == head && entry.middle == middle && entry.tail == tail else {
            return nil
        }
        return entry.role
    }

    func store(_ key: UnsafePointer<UInt8>, count: Int, role: KeyRole) {
        let (head, middle, tail) = Self.words(key, count: count)
        entries[Self.slot(head, tail, count)] = Entry(length: count, head: head, middle: middle, tail: tail, role: role)
    }
}
