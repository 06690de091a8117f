import Glibc

/// Substring search over raw bytes. Glibc's `memmem` is a GNU extension
/// that the Swift Glibc module does not export, so this is `memchr` for the
/// first byte and `memcmp` for the rest.
enum ByteSearch {
    /// The index of the first `needle` in `text[start..<end]`, or nil.
    static func find(
        _ needle: UnsafePointer<UInt8>, length: Int, in text: UnsafePointer<UInt8>, from start: Int, end: Int
    ) -> Int? {
        guard length > 0 else { return start <= end ? start : nil }
        var index = start
        let first = Int32(needle[0])
        while end - index >= length {
            guard let found = memchr(text + index, first, end - index - length + 1) else { return nil }
            let position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - text
            if memcmp(text + position + 1, needle + 1, length - 1) == 0 { return position }
            index = position + 1
        }
        return nil
    }

    static func contains(_ needle: StaticString, in text: UnsafePointer<UInt8>, count: Int) -> Bool {
        find(needle.utf8Start, length: needle.utf8CodeUnitCount, in: text, from: 0, end: count) != nil
    }
}
