/// Validating scans over raw JSON bytes (RFC 8259) that find where tokens end
/// without decoding them.
///
/// All functions take the text as a base pointer and an exclusive `end`
/// index, and return the index just past what they scanned. They throw
/// `JSONScanError` with the offset of the first byte that is not JSON.
#if _endian(big)
#error("The SWAR scans assume a little-endian target: the first byte is the lowest.")
#endif

enum JSONLexer {
    /// The result of scanning a string's content.
    struct StringSpan {
        /// Index of the first content byte, just past the opening quote.
        var start: Int
        /// Index of the closing quote.
        var end: Int
        /// Whether the content contains a backslash escape, so that the raw bytes
        /// differ from the decoded string.
        var hasEscapes: Bool
    }

    private static let lowBits: UInt64 = 0x0101_0101_0101_0101
    private static let highBits: UInt64 = 0x8080_8080_8080_8080

    /// Returns a mask with the high bit set in each of the 8 bytes of `word` that is
    /// a quote, a backslash, a control character or a non-ASCII byte (SWAR:
    /// one test for eight bytes). Bytes above the first flagged one may be
    /// flagged wrongly, because of borrows; the lowest flag is always right.
    @inline(__always)
    private static func attentionMask(_ word: UInt64) -> UInt64 {
        let quotes = word ^ (lowBits &* 0x22)
        let backslashes = word ^ (lowBits &* 0x5C)
        let hasQuote = (quotes &- lowBits) & ~quotes
        let hasBackslash = (backslashes &- lowBits) & ~backslashes
        let hasControl = (word &- (lowBits &* 0x20)) & ~word
        return (hasQuote | hasBackslash | hasControl | word) & highBits
    }

    /// Scans a string whose opening quote is at `quoteIndex`.
    @inline(__always)
    static func scanString(
        _ text: UnsafePointer<UInt8>, quoteIndex: Int, end: Int
    ) throws(JSONScanError) -> StringSpan {
        var index = quoteIndex + 1
        var hasEscapes = false
        while true {
            if index + 8 <= end {
                let mask = attentionMask(UnsafeRawPointer(text + index).loadUnaligned(as: UInt64.self))
                if mask == 0 {
                    index += 8
                    continue
                }
                // Little-endian: the lowest set bit belongs to the first byte.
                index += mask.trailingZeroBitCount >> 3
            }
            guard index < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            let byte = text[index]
            if byte == ASCII.quote {
                return StringSpan(start: quoteIndex + 1, end: index, hasEscapes: hasEscapes)
            } else if byte == ASCII.backslash {
                hasEscapes = true
                index = try scanEscape(text, backslashIndex: index, end: end)
            } else if byte < 0x20 {
                throw JSONScanError(.controlCharacterInString(byte), at: index)
            } else if byte >= 0x80 {
                index = try scanUTF8Sequence(text, at: index, end: end)
            } else {
                index += 1
            }
        }
    }

    private static func scanEscape(
        _ text: UnsafePointer<UInt8>, backslashIndex: Int, end: Int
    ) throws(JSONScanError) -> Int {
        let index = backslashIndex + 1
        guard index < end else { throw JSONScanError(.unexpectedEnd, at: end) }
        switch text[index] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
             UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            return index + 1
        case UInt8(ascii: "u"):
            guard index + 4 < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            for digit in 1...4 where ByteClass.hexValue(text[index + digit]) == nil {
                throw JSONScanError(.invalidEscape, at: backslashIndex)
            }
            return index + 5
        default:
            throw JSONScanError(.invalidEscape, at: backslashIndex)
        }
    }

    /// Validates one UTF-8 sequence (RFC 3629: no overlong forms, no
    /// surrogates, nothing above U+10FFFF) and returns the index after it.
    static func scanUTF8Sequence(
        _ text: UnsafePointer<UInt8>, at index: Int, end: Int
    ) throws(JSONScanError) -> Int {
        let length = utf8SequenceLength(text, at: index, end: end)
        guard length > 0 else { throw JSONScanError(.invalidUTF8, at: index) }
        return index + length
    }

    /// Returns the length of the valid UTF-8 sequence at `index`, or 0 if it is invalid.
    static func utf8SequenceLength(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> Int {
        let lead = text[index]
        @inline(__always) func continuation(_ offset: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            index + offset < end && text[index + offset] >= low && text[index + offset] <= high
        }
        switch lead {
        case 0x00...0x7F:
            return 1
        case 0xC2...0xDF:
            return continuation(1) ? 2 : 0
        case 0xE0:
            return continuation(1, 0xA0) && continuation(2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF:
            return continuation(1) && continuation(2) ? 3 : 0
        case 0xED:
            return continuation(1, 0x80, 0x9F) && continuation(2) ? 3 : 0
        case 0xF0:
            return continuation(1, 0x90) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF1...0xF3:
            return continuation(1) && continuation(2) && continuation(3) ? 4 : 0
        case 0xF4:
            return continuation(1, 0x80, 0x8F) && continuation(2) && continuation(3) ? 4 : 0
        default:
            return 0
        }
    }

    @inline(__always)
    static func skipWhitespace(_ text: UnsafePointer<UInt8>, from index: Int, end: Int) -> Int {
        var index = index
        while index < end && ByteClass.isWhitespace(text[index]) { index += 1 }
        return index
    }

    /// Scans a number starting at `index`.
    static func scanNumber(_ text: UnsafePointer<UInt8>, from start: Int, end: Int) throws(JSONScanError) -> Int {
        var index = start
        @inline(__always) func isDigit(_ index: Int) -> Bool {
            index < end && text[index] >= 0x30 && text[index] <= 0x39
        }
        if index < end && text[index] == ASCII.minus { index += 1 }
        guard isDigit(index) else { throw error(at: index) }
        if text[index] == 0x30 {
            index += 1
        } else {
            while isDigit(index) { index += 1 }
        }
        if index < end && text[index] == ASCII.dot {
            index += 1
            guard isDigit(index) else { throw error(at: index) }
            while isDigit(index) { index += 1 }
        }
        if index < end && (text[index] | 0x20) == UInt8(ascii: "e") {
            index += 1
            if index < end && (text[index] == UInt8(ascii: "+") || text[index] == ASCII.minus) { index += 1 }
            guard isDigit(index) else { throw error(at: index) }
            while isDigit(index) { index += 1 }
        }
        return index

        func error(at index: Int) -> JSONScanError {
            JSONScanError(index >= end ? .unexpectedEnd : .invalidNumber, at: index)
        }
    }

    /// Scans `true`, `false` or `null` starting at `index`.
    static func scanLiteral(_ text: UnsafePointer<UInt8>, from index: Int, end: Int) throws(JSONScanError) -> Int {
        let expected: StaticString
        switch text[index] {
        case UInt8(ascii: "t"): expected = "true"
        case UInt8(ascii: "f"): expected = "false"
        case UInt8(ascii: "n"): expected = "null"
        default: throw JSONScanError(.unexpectedByte(text[index]), at: index)
        }
        let literal = expected.utf8Start
        for offset in 0..<expected.utf8CodeUnitCount {
            guard index + offset < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            guard text[index + offset] == literal[offset] else {
                throw JSONScanError(.invalidLiteral, at: index + offset)
            }
        }
        return index + expected.utf8CodeUnitCount
    }

    /// Scans any value starting at `index` (no leading whitespace) and
    /// returns the index after it. Containers nest at most `maxDepth` deep.
    static func skipValue(
        _ text: UnsafePointer<UInt8>, from index: Int, end: Int, depth: Int, maxDepth: Int
    ) throws(JSONScanError) -> Int {
        guard index < end else { throw JSONScanError(.unexpectedEnd, at: end) }
        switch text[index] {
        case ASCII.quote:
            return try scanString(text, quoteIndex: index, end: end).end + 1
        case ASCII.openBrace:
            guard depth < maxDepth else { throw JSONScanError(.tooDeep(limit: maxDepth), at: index) }
            var cursor = skipWhitespace(text, from: index + 1, end: end)
            if cursor < end && text[cursor] == ASCII.closeBrace { return cursor + 1 }
            while true {
                guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
                guard text[cursor] == ASCII.quote else { throw JSONScanError(.unexpectedByte(text[cursor]), at: cursor) }
                cursor = try scanString(text, quoteIndex: cursor, end: end).end + 1
                cursor = try expect(ASCII.colon, text, skipWhitespace(text, from: cursor, end: end), end)
                cursor = skipWhitespace(text, from: cursor, end: end)
                cursor = try skipValue(text, from: cursor, end: end, depth: depth + 1, maxDepth: maxDepth)
                cursor = skipWhitespace(text, from: cursor, end: end)
                guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
                if text[cursor] == ASCII.closeBrace { return cursor + 1 }
                cursor = try expect(ASCII.comma, text, cursor, end)
                cursor = skipWhitespace(text, from: cursor, end: end)
            }
        case ASCII.openBracket:
            guard depth < maxDepth else { throw JSONScanError(.tooDeep(limit: maxDepth), at: index) }
            var cursor = skipWhitespace(text, from: index + 1, end: end)
            if cursor < end && text[cursor] == ASCII.closeBracket { return cursor + 1 }
            while true {
                cursor = try skipValue(text, from: cursor, end: end, depth: depth + 1, maxDepth: maxDepth)
                cursor = skipWhitespace(text, from: cursor, end: end)
                guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
                if text[cursor] == ASCII.closeBracket { return cursor + 1 }
                cursor = try expect(ASCII.comma, text, cursor, end)
                cursor = skipWhitespace(text, from: cursor, end: end)
            }
        case ASCII.minus, 0x30...0x39:
            return try scanNumber(text, from: index, end: end)
        default:
            return try scanLiteral(text, from: index, end: end)
        }
    }

    @inline(__always)
    static func expect(
        _ byte: UInt8, _ text: UnsafePointer<UInt8>, _ index: Int, _ end: Int
    ) throws(JSONScanError) -> Int {
        guard index < end else { throw JSONScanError(.unexpectedEnd, at: end) }
        guard text[index] == byte else { throw JSONScanError(.unexpectedByte(text[index]), at: index) }
        return index + 1
    }
}
