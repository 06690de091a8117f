/// Why a JSON text failed to scan, and at which byte.
public struct JSONScanError: Error, Sendable, Equatable {
    public enum Reason: Sendable, Equatable {
        case unexpectedEnd
        case unexpectedByte(UInt8)
        case invalidUTF8
        case controlCharacterInString(UInt8)
        case invalidEscape
        case invalidNumber
        case invalidLiteral
        case tooDeep(limit: Int)
        case trailingBytes
    }

    public var reason: Reason
    /// The byte offset from the start of the scanned text.
    public var offset: Int

    public init(_ reason: Reason, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }

    /// A short English description that names the byte in hex, never the text.
    public var message: String {
        switch reason {
        case .unexpectedEnd: "unexpected end of input"
        case .unexpectedByte(let byte): "unexpected byte 0x\(hex(byte))"
        case .invalidUTF8: "invalid UTF-8"
        case .controlCharacterInString(let byte): "unescaped control character 0x\(hex(byte)) in string"
        case .invalidEscape: "invalid escape sequence in string"
        case .invalidNumber: "invalid number"
        case .invalidLiteral: "invalid literal"
        case .tooDeep(let limit): "nesting deeper than \(limit) levels"
        case .trailingBytes: "unexpected bytes after the value"
        }
    }

    /// Whether the text ended inside a value that might continue on the next
    /// line, as pretty-printed JSON does.
    public var isUnexpectedEnd: Bool { reason == .unexpectedEnd }

    private func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
