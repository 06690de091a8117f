/// Finds where a JSON container ends without validating it, for framing
/// input that a validating pass reads afterwards (HAR entries).
///
/// Strings are skipped eight bytes at a time, looking only for quotes and
/// backslashes; outside strings only brackets and quotes count. Invalid
/// JSON gets some end (or none), and the validating pass reports it.
enum JSONDelimiter {
    private static let lowBits: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Returns the index after the object or array at `start`, or nil if it
    /// does not end before `end`.
    static func containerEnd(_ text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int? {
        var depth = 0
        var index = start
        while index < end {
            switch text[index] {
            case ASCII.openBrace, ASCII.openBracket:
                depth += 1
                index += 1
            case ASCII.closeBrace, ASCII.closeBracket:
                depth -= 1
                index += 1
                if depth <= 0 { return index }
            case ASCII.quote:
                guard let stringEnd = stringEnd(text, from: index + 1, end: end) else { return nil }
                index = stringEnd
            default:
                index += 1
            }
        }
        return nil
    }

    /// Returns the index after the closing quote of a string whose content
    /// starts at `start`, or nil if it does not end before `end`.
    @inline(__always)
    private static func stringEnd(_ text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int? {
        var index = start
        while true {
            if index + 8 <= end {
                let word = UnsafeRawPointer(text + index).loadUnaligned(as: UInt64.self)
                let quotes = word ^ (lowBits &* 0x22)
                let backslashes = word ^ (lowBits &* 0x5C)
                let mask = ((quotes &- lowBits) & ~quotes | (backslashes &- lowBits) & ~backslashes) & highBits
                if mask == 0 {
                    index += 8
                    continue
                }
                index += mask.trailingZeroBitCount >> 3
            }
            guard index < end else { return nil }
            switch text[index] {
            case ASCII.quote:
                return index + 1
            case ASCII.backslash:
                index += 2
            default:
                index += 1
            }
        }
    }
}
