/// Decoding and encoding of JSON string content.
enum JSONStringCoding {
    /// Appends the decoded content of a validated string (`text[start..<end]`,
    /// quotes excluded) to `output`. An unpaired surrogate escape decodes to
    /// U+FFFD, as the string has no other UTF-8 form.
    static func decode(_ text: UnsafePointer<UInt8>, start: Int, end: Int, into output: ByteBuffer) {
        var index = start
        var runStart = start
        while index < end {
            guard text[index] == ASCII.backslash else {
                index += 1
                continue
            }
            output.append(text + runStart, count: index - runStart)
            let escaped = text[index + 1]
            switch escaped {
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(text + index + 2)
                index += 6
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate counts only when a low one follows.
                    if index + 6 <= end && text[index] == ASCII.backslash && text[index + 1] == UInt8(ascii: "u") {
                        let low = hex4(text + index + 2)
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            index += 6
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar, to: output)
                runStart = index
                continue
            default: output.append(escaped)  // \" \\ \/
            }
            index += 2
            runStart = index
        }
        output.append(text + runStart, count: end - runStart)
    }

    private static func hex4(_ digits: UnsafePointer<UInt8>) -> UInt32 {
        var value: UInt32 = 0
        for offset in 0..<4 {
            value = value << 4 | UInt32(ByteClass.hexValue(digits[offset]) ?? 0)
        }
        return value
    }

    static func appendUTF8(_ scalar: UInt32, to output: ByteBuffer) {
        switch scalar {
        case 0..<0x80:
            output.append(UInt8(scalar))
        case 0x80..<0x800:
            output.append(UInt8(0xC0 | (scalar >> 6)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            output.append(UInt8(0xE0 | (scalar >> 12)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            output.append(UInt8(0xF0 | (scalar >> 18)))
            output.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            output.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Appends `text[0..<count]`, which must be valid UTF-8, as JSON string
    /// content: quotes, backslashes and control characters escaped, all else
    /// as it is.
    static func encode(_ text: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer) {
        var runStart = 0
        for index in 0..<count {
            let byte = text[index]
            guard byte < 0x20 || byte == ASCII.quote || byte == ASCII.backslash else { continue }
            output.append(text + runStart, count: index - runStart)
            switch byte {
            case ASCII.quote: output.append("\\\"")
            case ASCII.backslash: output.append("\\\\")
            case 0x0A: output.append("\\n")
            case 0x0D: output.append("\\r")
            case 0x09: output.append("\\t")
            case 0x08: output.append("\\b")
            case 0x0C: output.append("\\f")
            default:
                output.append("\\u00")
                let digits: StaticString = "0123456789abcdef"
                output.append(digits.utf8Start[Int(byte >> 4)])
                output.append(digits.utf8Start[Int(byte & 0xF)])
            }
            runStart = index + 1
        }
        output.append(text + runStart, count: count - runStart)
    }

    /// Appends `text[0..<count]` with every invalid UTF-8 sequence replaced by
    /// U+FFFD, so that arbitrary bytes can be placed in a JSON string.
    static func appendReplacingInvalidUTF8(_ text: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer) {
        var index = 0
        var runStart = 0
        while index < count {
            if text[index] < 0x80 {
                index += 1
                continue
            }
            let length = JSONLexer.utf8SequenceLength(text, at: index, end: count)
            if length > 0 {
                index += length
                continue
            }
            output.append(text + runStart, count: index - runStart)
            output.append("\u{FFFD}")
            index += 1
            runStart = index
        }
        output.append(text + runStart, count: count - runStart)
    }
}
