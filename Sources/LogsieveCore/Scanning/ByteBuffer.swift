/// A growable byte buffer for output and scratch space.
///
/// The hot path appends millions of short runs per second, so this avoids
/// `Array`'s uniqueness and bounds checks: it is a class that owns one
/// allocation and is never shared between threads.
public final class ByteBuffer {
    public private(set) var base: UnsafeMutablePointer<UInt8>
    public private(set) var count: Int = 0
    public private(set) var capacity: Int

    public init(capacity: Int = 64 * 1024) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    public var isEmpty: Bool { count == 0 }

    /// The bytes written so far. Valid until the next append.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    @inline(__always)
    public func reserve(_ extra: Int) {
        if count &+ extra > capacity { grow(to: count + extra) }
    }

    @inline(never)
    private func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    public func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count &+= 1
    }

    @inline(__always)
    public func append(_ source: UnsafePointer<UInt8>, count length: Int) {
        guard length > 0 else { return }
        reserve(length)
        (base + count).update(from: source, count: length)
        count &+= length
    }

    public func append(_ bytes: UnsafeRawBufferPointer) {
        guard let start = bytes.baseAddress, bytes.count > 0 else { return }
        append(start.assumingMemoryBound(to: UInt8.self), count: bytes.count)
    }

    public func append(_ string: StaticString) {
        append(string.utf8Start, count: string.utf8CodeUnitCount)
    }

    public func append(string: String) {
        var string = string
        string.withUTF8 { append($0.baseAddress!, count: $0.count) }
    }

    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0.baseAddress!, count: $0.count) }
    }

    /// Appends `value` in decimal.
    public func appendDecimal(_ value: Int) {
        if value < 0 {
            append(UInt8(ascii: "-"))
            appendDecimal(UInt64(value.magnitude))
        } else {
            appendDecimal(UInt64(value))
        }
    }

    public func appendDecimal(_ value: UInt64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for 20 digits
        var length = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[23 - length] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                length += 1
            } while rest > 0
            append(raw.baseAddress!.assumingMemoryBound(to: UInt8.self) + 24 - length, count: length)
        }
    }

    /// Drops everything after the first `newCount` bytes.
    @inline(__always)
    public func truncate(to newCount: Int) {
        precondition(newCount <= count)
        count = newCount
    }

    public func removeAll() {
        count = 0
    }

    /// Replaces the bytes in `range` with `replacement`, moving the tail.
    public func replace(_ range: Range<Int>, with replacement: UnsafeRawBufferPointer) {
        let tail = count - range.upperBound
        let delta = replacement.count - range.count
        reserve(max(delta, 0))
        (base + range.lowerBound + replacement.count).update(from: base + range.upperBound, count: tail)
        if let source = replacement.baseAddress, replacement.count > 0 {
            (base + range.lowerBound).update(from: source.assumingMemoryBound(to: UInt8.self), count: replacement.count)
        }
        count += delta
    }

    public func toArray() -> [UInt8] {
        Array(UnsafeBufferPointer(start: base, count: count))
    }
}
