/// Why a record became a `logsieve_invalid` envelope, grouped for metrics:
/// the envelope's `reason` text names the byte or the limit, this names
/// only the class.
public enum InvalidRecordReason: Int, Sendable, CaseIterable {
    case unexpectedEnd, unexpectedByte, invalidUTF8, controlCharacter, invalidEscape
    case invalidNumber, invalidLiteral, tooDeep, trailingBytes, tooLong

    init(_ reason: JSONScanError.Reason) {
        switch reason {
        case .unexpectedEnd: self = .unexpectedEnd
        case .unexpectedByte: self = .unexpectedByte
        case .invalidUTF8: self = .invalidUTF8
        case .controlCharacterInString: self = .controlCharacter
        case .invalidEscape: self = .invalidEscape
        case .invalidNumber: self = .invalidNumber
        case .invalidLiteral: self = .invalidLiteral
        case .tooDeep: self = .tooDeep
        case .trailingBytes: self = .trailingBytes
        }
    }

    /// The `reason` label of `logsieve_invalid_records_total`.
    public var name: String {
        switch self {
        case .unexpectedEnd: "unexpected_end"
        case .unexpectedByte: "unexpected_byte"
        case .invalidUTF8: "invalid_utf8"
        case .controlCharacter: "control_character"
        case .invalidEscape: "invalid_escape"
        case .invalidNumber: "invalid_number"
        case .invalidLiteral: "invalid_literal"
        case .tooDeep: "too_deep"
        case .trailingBytes: "trailing_bytes"
        case .tooLong: "too_long"
        }
    }
}

/// Invalid records by reason. Plain stored integers rather than an array,
/// so that copying `ProcessingStats` per record costs no reference count.
public struct InvalidRecordCounts: Sendable, Equatable {
    private var counts: (Int, Int, Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)

    public init() {}

    public subscript(reason: InvalidRecordReason) -> Int {
        get {
            withUnsafeBytes(of: counts) { $0.load(fromByteOffset: reason.rawValue * MemoryLayout<Int>.stride, as: Int.self) }
        }
        set {
            withUnsafeMutableBytes(of: &counts) {
                $0.storeBytes(of: newValue, toByteOffset: reason.rawValue * MemoryLayout<Int>.stride, as: Int.self)
            }
        }
    }

    public mutating func merge(_ other: InvalidRecordCounts) {
        for reason in InvalidRecordReason.allCases { self[reason] += other[reason] }
    }

    public static func == (lhs: InvalidRecordCounts, rhs: InvalidRecordCounts) -> Bool {
        InvalidRecordReason.allCases.allSatisfy { lhs[$0] == rhs[$0] }
    }
}
