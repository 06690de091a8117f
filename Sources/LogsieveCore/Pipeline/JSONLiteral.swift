/// A scalar literal in a pipeline expression: `"text"`, `42`, `true`, `null`.
public enum JSONLiteral: Sendable, Equatable {
    case string([UInt8])
    case number(Double)
    case bool(Bool)
    case null

    static func parse(_ scanner: inout ExpressionScanner) throws(ExpressionError) -> JSONLiteral {
        scanner.skipSpaces()
        let column = scanner.column
        switch scanner.current {
        case "\"":
            return .string(Array(try scanner.stringLiteral().utf8))
        case let character? where character == "-" || character.isNumber:
            let start = scanner.position
            while let next = scanner.current, next == "-" || next == "+" || next == "." || next == "e" || next == "E"
                    || (next.isASCII && next.isNumber) {
                scanner.position += 1
            }
            let text = String(scanner.characters[start..<scanner.position])
            guard isJSONNumber(text), let value = Double(text) else {
                throw ExpressionError("invalid number '\(text)'", column: column)
            }
            return .number(value)
        default:
            switch scanner.identifier() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                throw ExpressionError("expected a string, a number, true, false or null", column: column)
            }
        }
    }

    private static func isJSONNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress, !bytes.isEmpty else { return false }
            return (try? JSONLexer.scanNumber(base, from: 0, end: bytes.count)) == bytes.count
        }
    }

    /// Decodes a quoted JSON string literal; nil if it is not one.
    static func decodeString(_ quoted: [UInt8]) -> String? {
        quoted.withUnsafeBufferPointer { buffer -> String? in
            guard let base = buffer.baseAddress,
                  let span = try? JSONLexer.scanString(base, quoteIndex: 0, end: quoted.count),
                  span.end == quoted.count - 1 else { return nil }
            let decoded = ByteBuffer(capacity: quoted.count)
            JSONStringCoding.decode(base, start: span.start, end: span.end, into: decoded)
            return String(decoding: decoded.bytes, as: UTF8.self)
        }
    }

    /// Whether the raw JSON value `text[start..<end]` equals this literal.
    func matches(_ text: UnsafePointer<UInt8>, start: Int, end: Int) -> Bool {
        switch self {
        case .string(let expected):
            guard text[start] == ASCII.quote,
                  let span = try? JSONLexer.scanString(text, quoteIndex: start, end: end) else { return false }
            if !span.hasEscapes {
                return span.end - span.start == expected.count
                    && expected.withUnsafeBufferPointer { memcmp($0.baseAddress!, text + span.start, expected.count) == 0 || expected.isEmpty }
            }
            let decoded = ByteBuffer(capacity: span.end - span.start)
            JSONStringCoding.decode(text, start: span.start, end: span.end, into: decoded)
            return decoded.count == expected.count && decoded.toArray() == expected
        case .number(let expected):
            guard text[start] == ASCII.minus || (text[start] >= 0x30 && text[start] <= 0x39) else { return false }
            return Double(String(decoding: UnsafeBufferPointer(start: text + start, count: end - start), as: UTF8.self)) == expected
        case .bool(let expected):
            return end - start == (expected ? 4 : 5) && text[start] == (expected ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        case .null:
            return end - start == 4 && text[start] == UInt8(ascii: "n")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
