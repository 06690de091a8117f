import Glibc

/// Cuts a HAR document into pieces that each fit in memory: the head (from
/// the first byte through the `[` of `log.entries`), each entry, the
/// separators between entries, and the tail (from the `]` of `log.entries`
/// to the end of the file).
///
/// Memory is bounded by the largest entry (and the head and tail), not by
/// the file: an entry is kept only until the next call to `next()`. A UTF-8
/// BOM at the start is skipped. The structure around the entries is checked
/// here; the content of each piece is checked by the redactor that reads it.
public final class HARStreamReader {
    public enum PieceKind: Equatable, Sendable {
        case head
        /// The entry with this 0-based index in `log.entries`.
        case entry(Int)
        /// Whitespace and the comma between two entries.
        case separator
        case tail
    }

    /// A piece of the file; `bytes` is valid until the next call to `next()`.
    public struct Piece {
        public var kind: PieceKind
        public var bytes: UnsafeRawBufferPointer
        /// The offset of the piece's first byte in the file.
        public var offset: Int
    }

    public typealias Read = (UnsafeMutableRawBufferPointer) throws -> Int

    public let maxEntryBytes: Int
    private let readSize: Int
    private let read: Read
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// The first byte not yet handed out.
    private var start = 0
    private var filled = 0
    /// The file offset of `buffer[0]`.
    private var bufferOffset = 0
    private var atEndOfInput = false
    private var state = State.head
    public private(set) var entryCount = 0

    private enum State {
        case head
        /// Before an entry, or before the `]` of an empty array.
        case firstElement
        case element
        case afterElement
        case tail
    }

    public init(maxEntryBytes: Int, readSize: Int = 1 << 20, read: @escaping Read) {
        self.maxEntryBytes = maxEntryBytes
        self.readSize = readSize
        self.read = read
        capacity = readSize * 2
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
    }

    /// Returns the next piece, or nil after the tail.
    /// - Throws: `HARFormatError` for a document that is not a HAR or ends
    ///   early, and any error of `read`.
    public func next() throws -> Piece? {
        switch state {
        case .head:
            try skipByteOrderMark()
            let end = try scanHead()
            state = .firstElement
            return take(.head, through: end)
        case .firstElement, .element:
            let first = try skipWhitespaceReading(from: start)
            if state == .firstElement && buffer[first] == ASCII.closeBracket {
                start = first
                return try readTail()
            }
            guard buffer[first] == ASCII.openBrace else {
                throw HARFormatError("entry \(entryCount) of log.entries is not a JSON object", at: bufferOffset + first)
            }
            let end = try scanEntry(from: first)
            let index = entryCount
            entryCount += 1
            state = .afterElement
            return take(.entry(index), through: end)
        case .afterElement:
            let next = try skipWhitespaceReading(from: start)
            switch buffer[next] {
            case ASCII.comma:
                state = .element
                // The separator runs up to the next entry's `{`.
                let element = try skipWhitespaceReading(from: next + 1)
                return take(.separator, through: element)
            case ASCII.closeBracket:
                return try readTail()
            default:
                throw HARFormatError("expected ',' or ']' after entry \(entryCount - 1) of log.entries, found byte 0x\(String(buffer[next], radix: 16, uppercase: true))",
                                     at: bufferOffset + next)
            }
        case .tail:
            return nil
        }
    }

    // MARK: - Head

    private func skipByteOrderMark() throws {
        try fill(atLeast: 3)
        if filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF {
            start = 3
        }
    }

    /// Finds the `[` of `log.entries` and returns the index after it. The
    /// scan starts over when the head is not all read yet, and each retry
    /// at least doubles what is read, so the total work stays linear.
    private func scanHead() throws -> Int {
        while true {
            do {
                return try locateEntries()
            } catch let error as JSONScanError where error.isUnexpectedEnd && !atEndOfInput {
                try fill(atLeast: max((filled - start) * 2, readSize))
            } catch let error as JSONScanError {
                throw HARFormatError(error, pieceOffset: bufferOffset)
            }
        }
    }

    private func locateEntries() throws -> Int {
        let text = UnsafePointer(buffer)
        let end = filled
        var cursor = JSONLexer.skipWhitespace(text, from: start, end: end)
        guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
        guard text[cursor] == ASCII.openBrace else {
            throw HARFormatError("a HAR file is one JSON object, but it starts with byte 0x\(String(text[cursor], radix: 16, uppercase: true))",
                                 at: bufferOffset + cursor)
        }
        cursor = try findMember("log", in: text, objectAt: cursor, end: end, container: "the top-level object")
        guard text[cursor] == ASCII.openBrace else {
            throw HARFormatError("\"log\" is not a JSON object", at: bufferOffset + cursor)
        }
        cursor = try findMember("entries", in: text, objectAt: cursor, end: end, container: "\"log\"")
        guard text[cursor] == ASCII.openBracket else {
            throw HARFormatError("\"log.entries\" is not a JSON array", at: bufferOffset + cursor)
        }
        return cursor + 1
    }

    /// Scans the members of the object at `openIndex` until the key `name`
    /// and returns the index of its value, skipping the values before it.
    private func findMember(
        _ name: StaticString, in text: UnsafePointer<UInt8>, objectAt openIndex: Int, end: Int, container: String
    ) throws -> Int {
        var cursor = JSONLexer.skipWhitespace(text, from: openIndex + 1, end: end)
        while true {
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            if text[cursor] == ASCII.closeBrace {
                throw HARFormatError("\(container) has no \"\(name)\" member, so this is not a HAR file", at: bufferOffset + cursor)
            }
            guard text[cursor] == ASCII.quote else { throw JSONScanError(.unexpectedByte(text[cursor]), at: cursor) }
            let key = try JSONLexer.scanString(text, quoteIndex: cursor, end: end)
            cursor = JSONLexer.skipWhitespace(text, from: key.end + 1, end: end)
            cursor = try JSONLexer.expect(ASCII.colon, text, cursor, end)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            if !key.hasEscapes && key.end - key.start == name.utf8CodeUnitCount
                && memcmp(text + key.start, name.utf8Start, name.utf8CodeUnitCount) == 0 {
                return cursor
            }
            cursor = try JSONLexer.skipValue(text, from: cursor, end: end, depth: 1, maxDepth: 10_000)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            if text[cursor] == ASCII.comma {
                cursor = JSONLexer.skipWhitespace(text, from: cursor + 1, end: end)
            } else if text[cursor] != ASCII.closeBrace {
                throw JSONScanError(.unexpectedByte(text[cursor]), at: cursor)
            }
        }
    }

    // MARK: - Entries

    /// Returns the index after the entry at `first`, reading until it is
    /// complete. The entry is only delimited here; the redactor validates it.
    private func scanEntry(from first: Int) throws -> Int {
        var first = first
        while true {
            do throws(JSONScanError) {
                // Entries are objects; only their end is needed here, because
                // the redactor validates every entry.
                if buffer[first] == ASCII.openBrace || buffer[first] == ASCII.openBracket {
                    guard let entryEnd = JSONDelimiter.containerEnd(UnsafePointer(buffer), from: first, end: filled) else {
                        throw JSONScanError(.unexpectedEnd, at: filled)
                    }
                    return entryEnd
                }
                return try JSONLexer.skipValue(UnsafePointer(buffer), from: first, end: filled, depth: 0, maxDepth: 10_000)
            } catch let error where error.isUnexpectedEnd && !atEndOfInput {
                let pending = filled - first
                if pending > maxEntryBytes {
                    throw HARFormatError("entry \(entryCount) of log.entries is larger than the limit of \(maxEntryBytes) bytes; raise --max-entry-bytes",
                                         at: bufferOffset + first)
                }
                let shift = first - start
                try fill(atLeast: max((filled - start) * 2, readSize))
                first = start + shift
            } catch let error where error.isUnexpectedEnd {
                throw HARFormatError("the HAR ends inside entry \(entryCount) of log.entries, which starts at byte \(bufferOffset + first) (truncated?)",
                                     at: bufferOffset + filled)
            } catch {
                throw HARFormatError(error, pieceOffset: bufferOffset)
            }
        }
    }

    /// Skips whitespace from `index`, reading more as needed, and returns
    /// the index of the next byte. The input must not end here.
    private func skipWhitespaceReading(from index: Int) throws -> Int {
        var offset = index - start
        while true {
            let next = JSONLexer.skipWhitespace(UnsafePointer(buffer), from: start + offset, end: filled)
            if next < filled { return next }
            if atEndOfInput {
                throw HARFormatError("the HAR ends inside log.entries after entry \(entryCount) (truncated?)", at: bufferOffset + filled)
            }
            offset = next - start
            try fill(atLeast: (filled - start) + readSize)
        }
    }

    // MARK: - Tail

    /// Reads the rest of the file as the tail, starting at the `]` at `start`.
    private func readTail() throws -> Piece {
        while !atEndOfInput {
            try fill(atLeast: (filled - start) + readSize)
        }
        state = .tail
        return take(.tail, through: filled)
    }

    // MARK: - Buffer

    private func take(_ kind: PieceKind, through end: Int) -> Piece {
        let piece = Piece(kind: kind, bytes: UnsafeRawBufferPointer(start: buffer + start, count: end - start),
                          offset: bufferOffset + start)
        start = end
        return piece
    }

    /// Reads until `filled - start >= count` or the input ends, moving the
    /// unread bytes to the front of the buffer and growing it as needed.
    private func fill(atLeast count: Int) throws {
        while filled - start < count && !atEndOfInput {
            if start > 0 && start >= capacity / 2 {
                (buffer).update(from: buffer + start, count: filled - start)
                bufferOffset += start
                filled -= start
                start = 0
            }
            if capacity - filled < readSize {
                var newCapacity = capacity * 2
                while newCapacity - filled < readSize { newCapacity *= 2 }
                let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
                newBuffer.update(from: buffer + start, count: filled - start)
                buffer.deallocate()
                buffer = newBuffer
                bufferOffset += start
                filled -= start
                start = 0
                capacity = newCapacity
            }
            let space = UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled)
            let got = try read(space)
            if got == 0 {
                atEndOfInput = true
            } else {
                filled += got
            }
        }
    }
}
