/// A JSON value as `StrictJSON` parsed it, for comparing structure.
indirect enum JSONNode: Equatable {
    struct Member: Equatable {
        var key: [UInt8]
        var value: JSONNode
    }

    case object([Member])
    case array([JSONNode])
    /// The decoded UTF-8 bytes. An unpaired surrogate escape decodes to U+FFFD.
    case string([UInt8])
    /// The number's text as written.
    case number([UInt8])
    case bool(Bool)
    case null
}

/// A strict RFC 8259 parser, independent of the code under test, so that it
/// can judge that code's output. Foundation's `JSONSerialization` is not
/// strict enough for this: it accepts some inputs that RFC 8259 rejects,
/// and it rejects unpaired surrogate escapes, which the RFC's grammar allows.
///
/// Rejected: bytes outside strings other than the four whitespace bytes,
/// control characters in strings, escapes other than the nine the RFC
/// lists, invalid UTF-8 (overlong forms, encoded surrogates, code points
/// above U+10FFFF), leading zeros, `+`, `.5`, `1.`, trailing commas, and
/// anything after the value but whitespace.
struct StrictJSON {
    enum Failure: Error, Equatable {
        /// The input is not JSON; the offset is where parsing stopped.
        case invalid(at: Int)
        /// The input nests deeper than the parser's limit, so no verdict.
        case tooDeep
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private let maxDepth: Int
    private var index = 0
    /// The byte ranges of string values (keys excluded), quotes included.
    private(set) var valueStringSpans: [Range<Int>] = []

    private init(_ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    /// Parses one JSON text, with optional surrounding whitespace.
    static func parse(_ bytes: [UInt8], maxDepth: Int = 2_000) throws(Failure) -> (JSONNode, [Range<Int>]) {
        let result: Result<(JSONNode, [Range<Int>]), Failure> = bytes.withUnsafeBufferPointer { buffer in
            var parser = StrictJSON(buffer, maxDepth: maxDepth)
            do throws(Failure) {
                parser.skipWhitespace()
                let value = try parser.parseValue(depth: 0)
                parser.skipWhitespace()
                guard parser.index == buffer.count else { throw .invalid(at: parser.index) }
                return .success((value, parser.valueStringSpans))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    static func isValid(_ bytes: [UInt8]) -> Bool {
        (try? parse(bytes)) != nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
            index += 1
        }
    }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func expect(_ literal: StaticString) throws(Failure) {
        let count = literal.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw .invalid(at: index) }
        for offset in 0..<count where bytes[index + offset] != literal.utf8Start[offset] {
            throw .invalid(at: index + offset)
        }
        index += count
    }

    private mutating func parseValue(depth: Int) throws(Failure) -> JSONNode {
        guard let byte = peek() else { throw .invalid(at: index) }
        switch byte {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            let start = index
            let string = try parseString()
            valueStringSpans.append(start..<index)
            return .string(string)
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        default:
            return try parseNumber()
        }
    }

    private mutating func parseObject(depth: Int) throws(Failure) -> JSONNode {
        guard depth <= maxDepth else { throw .tooDeep }
        index += 1
        skipWhitespace()
        var members: [JSONNode.Member] = []
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            guard peek() == UInt8(ascii: "\"") else { throw .invalid(at: index) }
            let key = try parseString()
            skipWhitespace()
            try expect(":")
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append(JSONNode.Member(key: key, value: value))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                index += 1
                return .object(members)
            default:
                throw .invalid(at: index)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(Failure) -> JSONNode {
        guard depth <= maxDepth else { throw .tooDeep }
        index += 1
        skipWhitespace()
        var elements: [JSONNode] = []
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
                skipWhitespace()
            case UInt8(ascii: "]"):
                index += 1
                return .array(elements)
            default:
                throw .invalid(at: index)
            }
        }
    }

    private mutating func parseNumber() throws(Failure) -> JSONNode {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        guard let first = peek(), isDigit(first) else { throw .invalid(at: index) }
        index += 1
        if first != UInt8(ascii: "0") {
            while let byte = peek(), isDigit(byte) { index += 1 }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            try digits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
        return .number(Array(bytes[start..<index]))
    }

    private mutating func digits() throws(Failure) {
        guard let byte = peek(), isDigit(byte) else { throw .invalid(at: index) }
        while let byte = peek(), isDigit(byte) { index += 1 }
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// Parses the string at `index` (its opening quote) and returns its
    /// decoded UTF-8 bytes.
    private mutating func parseString() throws(Failure) -> [UInt8] {
        index += 1
        var decoded: [UInt8] = []
        var pendingHighSurrogate: UInt32? = nil
        func flushSurrogate() {
            if pendingHighSurrogate != nil {
                decoded += [0xEF, 0xBF, 0xBD]
                pendingHighSurrogate = nil
            }
        }
        while true {
            guard let byte = peek() else { throw .invalid(at: index) }
            if byte == UInt8(ascii: "\"") {
                flushSurrogate()
                index += 1
                return decoded
            }
            if byte < 0x20 { throw .invalid(at: index) }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard let escaped = peek() else { throw .invalid(at: index) }
                index += 1
                if escaped == UInt8(ascii: "u") {
                    let unit = try hexQuad()
                    if unit >= 0xDC00 && unit <= 0xDFFF, let high = pendingHighSurrogate {
                        pendingHighSurrogate = nil
                        appendUTF8(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00), to: &decoded)
                    } else {
                        flushSurrogate()
                        if unit >= 0xD800 && unit <= 0xDBFF {
                            pendingHighSurrogate = unit
                        } else if unit >= 0xDC00 && unit <= 0xDFFF {
                            decoded += [0xEF, 0xBF, 0xBD]
                        } else {
                            appendUTF8(unit, to: &decoded)
                        }
                    }
                    continue
                }
                flushSurrogate()
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escaped)
                case UInt8(ascii: "b"): decoded.append(0x08)
                case UInt8(ascii: "f"): decoded.append(0x0C)
                case UInt8(ascii: "n"): decoded.append(0x0A)
                case UInt8(ascii: "r"): decoded.append(0x0D)
                case UInt8(ascii: "t"): decoded.append(0x09)
                default: throw .invalid(at: index - 1)
                }
                continue
            }
            flushSurrogate()
            let length = try utf8SequenceLength(at: index)
            decoded += bytes[index..<(index + length)]
            index += length
        }
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        guard index + 4 <= bytes.count else { throw .invalid(at: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: throw .invalid(at: index)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    /// Returns the length of the well-formed UTF-8 sequence at `start`
    /// (Unicode 15, table 3-7), or fails.
    private func utf8SequenceLength(at start: Int) throws(Failure) -> Int {
        let lead = bytes[start]
        let length: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondRange = 0x80...0x9F
        case 0xF0: length = 4; secondRange = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondRange = 0x80...0x8F
        default: throw .invalid(at: start)
        }
        guard start + length <= bytes.count else { throw .invalid(at: start) }
        guard secondRange.contains(bytes[start + 1]) else { throw .invalid(at: start + 1) }
        for offset in 2..<length where !(0x80...0xBF).contains(bytes[start + offset]) {
            throw .invalid(at: start + offset)
        }
        return length
    }

    private func appendUTF8(_ scalar: UInt32, to output: inout [UInt8]) {
        output += Array(String(Character(Unicode.Scalar(scalar)!)).utf8)
    }
}
