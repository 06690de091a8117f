/// Why a HAR document could not be read, and at which byte of the file.
public struct HARFormatError: Error, Sendable, Equatable {
    public var message: String
    /// The byte offset from the start of the file, a UTF-8 BOM included.
    public var offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// A JSON syntax error inside a piece whose first byte is at `base` in the file.
    init(_ error: JSONScanError, pieceOffset base: Int) {
        let reason = error.isUnexpectedEnd ? "the HAR ends early (truncated?)" : "invalid JSON: \(error.message)"
        self.init(reason, at: base + error.offset)
    }
}
