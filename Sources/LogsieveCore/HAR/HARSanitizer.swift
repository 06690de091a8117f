import Glibc

/// What `--saml` does with a `SAMLResponse`.
public enum SAMLMode: String, Sendable, CaseIterable {
    /// The whole value becomes `[REDACTED:saml]`.
    case redact
    /// The message stays readable: its base64 is decoded, the content of
    /// each `<ds:SignatureValue>` is removed, and it is encoded again, so
    /// the assertion can be read but not replayed.
    case keepUnsigned = "keep-unsigned"
}

/// Redacts the pieces of a HAR document that `HARStreamReader` cuts.
///
/// Each piece goes through `Redactor.redactValue` as a complete JSON value:
/// an entry as it is, the head closed with `]}}`, the tail opened with
/// `{"log":{"entries":[`, so that the key rules see every member with its
/// key. The added bytes are dropped from the output again. Entries first
/// get the HAR-specific rewrites (base64 bodies, binary WebSocket frames,
/// multipart bodies, SAML messages), see `HARSanitizer+Entries.swift`.
public final class HARSanitizer {
    public let redactor: Redactor
    public let saml: SAMLMode
    /// Decoded bodies larger than this are not scanned; they become
    /// `[REDACTED:unscannable]`.
    public let maxBodyBytes: Int

    static let headClosing: StaticString = "]}}"
    static let tailOpening: StaticString = "{\"log\":{\"entries\":["

    /// The piece as a complete JSON value, and its redacted form.
    let document = ByteBuffer(capacity: 1 << 16)
    let redacted = ByteBuffer(capacity: 1 << 16)
    /// The entry after the HAR-specific rewrites.
    let rewritten = ByteBuffer(capacity: 1 << 16)
    let bodyDecoded = ByteBuffer(capacity: 1 << 16)
    let bodyScrubbed = ByteBuffer(capacity: 1 << 16)

    /// The HAR redactor needs `SAMLResponse` out of the key rules for
    /// `keep-unsigned`, because the entry rewrite handles it; build its
    /// configuration with `configuration(_:saml:)`.
    public init(redactor: Redactor, saml: SAMLMode, maxBodyBytes: Int) {
        self.redactor = redactor
        self.saml = saml
        self.maxBodyBytes = maxBodyBytes
    }

    /// `base` adjusted for HAR input with the given SAML mode.
    public static func configuration(_ base: RedactorConfiguration, saml: SAMLMode) -> RedactorConfiguration {
        var configuration = base
        if saml == .keepUnsigned {
            configuration.keyRules.excludeKey("SAMLResponse")
        }
        return configuration
    }

    /// Redacts `piece` and appends the result to `output`. When `differences`
    /// is given, it receives every value that changed, with its path.
    public func sanitize(
        _ piece: HARStreamReader.Piece, to output: ByteBuffer, differences: ((RedactionFinding) -> Void)? = nil
    ) throws(HARFormatError) {
        guard let base = piece.bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), piece.bytes.count > 0 else { return }
        let count = piece.bytes.count
        switch piece.kind {
        case .separator:
            output.append(base, count: count)
        case .head:
            document.removeAll()
            document.append(base, count: count)
            document.append(Self.headClosing)
            try redactDocument(offsetInFile: piece.offset, documentPrefix: 0, path: [], differences: differences)
            output.append(redacted.base, count: redacted.count - Self.headClosing.utf8CodeUnitCount)
        case .tail:
            document.removeAll()
            document.append(Self.tailOpening)
            document.append(base, count: count)
            let prefix = Self.tailOpening.utf8CodeUnitCount
            try redactDocument(offsetInFile: piece.offset, documentPrefix: prefix, path: [], differences: differences)
            output.append(redacted.base + prefix, count: redacted.count - prefix)
        case .entry(let index):
            try sanitizeEntry(base, count: count, offsetInFile: piece.offset, index: index, to: output,
                              differences: differences)
        }
    }

    private func sanitizeEntry(
        _ text: UnsafePointer<UInt8>, count: Int, offsetInFile: Int, index: Int, to output: ByteBuffer,
        differences: ((RedactionFinding) -> Void)?
    ) throws(HARFormatError) {
        let first = JSONLexer.skipWhitespace(text, from: 0, end: count)
        output.append(text, count: first)
        let entryText = text + first
        let entryCount = count - first
        let path: [JSONPathComponent] = [.key(Array("log".utf8)), .key(Array("entries".utf8)), .index(index)]
        let rewrote: Bool
        do {
            rewrote = try rewriteEntry(entryText, count: entryCount)
        } catch {
            throw HARFormatError(error, pieceOffset: offsetInFile + first)
        }
        let source = rewrote ? UnsafePointer(rewritten.base) : entryText
        let sourceCount = rewrote ? rewritten.count : entryCount
        redacted.removeAll()
        redactor.beginEvent()
        do throws(JSONScanError) {
            let end = try redactor.redactValue(source, from: 0, end: sourceCount, to: redacted)
            guard end == sourceCount else { throw JSONScanError(.trailingBytes, at: end) }
        } catch {
            throw HARFormatError(error, pieceOffset: offsetInFile + first)
        }
        output.append(redacted.base, count: redacted.count)
        if let differences, !Self.equal(entryText, entryCount, redacted) {
            RedactionDiff.compare(original: entryText, count: entryCount, redacted: redacted.base,
                                  count: redacted.count, path: path, report: differences)
        }
    }

    /// Redacts `document` into `redacted`. `documentPrefix` bytes at its
    /// start are not in the file, which matters for error offsets.
    private func redactDocument(
        offsetInFile: Int, documentPrefix: Int, path: [JSONPathComponent], differences: ((RedactionFinding) -> Void)?
    ) throws(HARFormatError) {
        let text = UnsafePointer(document.base)
        let count = document.count
        let first = JSONLexer.skipWhitespace(text, from: 0, end: count)
        redacted.removeAll()
        redacted.append(text, count: first)
        redactor.beginEvent()
        do throws(JSONScanError) {
            let end = try redactor.redactValue(text, from: first, end: count, to: redacted)
            let rest = JSONLexer.skipWhitespace(text, from: end, end: count)
            guard rest == count else { throw JSONScanError(.trailingBytes, at: rest) }
            redacted.append(text + end, count: count - end)
        } catch {
            throw HARFormatError(error, pieceOffset: offsetInFile - documentPrefix)
        }
        if let differences, !Self.equal(text, count, redacted) {
            RedactionDiff.compare(original: text + first, count: count - first, redacted: redacted.base + first,
                                  count: redacted.count - first, path: path, report: differences)
        }
    }

    static func equal(_ text: UnsafePointer<UInt8>, _ count: Int, _ buffer: ByteBuffer) -> Bool {
        count == buffer.count && memcmp(text, buffer.base, count) == 0
    }
}
