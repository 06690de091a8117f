#if canImport(Glibc)
import Glibc
#endif

/// One record cut from the input: a line, or a JSON value spanning lines.
public struct FramedRecord {
    public enum Kind: Equatable {
        /// One line, without its newline (and without a trailing `\r`).
        case line
        /// A pretty-printed value that spans lines; its newlines are JSON
        /// whitespace.
        case multiLineValue
        /// Lines of a value that never closed: cut off by a new value, the
        /// end of input or the size limit. It is not valid JSON.
        case unterminatedValue
        /// A line longer than the limit, which was discarded while reading;
        /// only its length is known.
        case tooLong(bytes: Int)
    }

    public var kind: Kind
    public var bytes: UnsafeRawBufferPointer
    /// The 1-based number of the record's first line in its input.
    public var lineNumber: Int
    /// Whether nothing can follow this record: the last line of an input,
    /// or a record that is a whole message. It cannot continue on a next
    /// line, so an unfinished value in it is invalid rather than pending.
    public var isFinal = false
}

/// The consumer's verdict on a line.
public enum LineVerdict {
    case consumed
    /// The line starts a JSON value that continues on the next lines.
    case continuesOnNextLine
}

/// Cuts a byte stream into lines, and into whole values where pretty-printed
/// JSON spans lines, in bounded memory.
///
/// The caller reads into `writableSpace()`, reports with `didRead`, and
/// calls `drain` to get every complete record. Records point into the
/// framer's buffer and are valid only during the callback. Like a line
/// splitter that remembers how far it searched, it never rescans bytes
/// while a long line arrives in many reads.
public final class NDJSONFramer {
    public let maxLineBytes: Int
    private let readSize: Int
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var start = 0
    private var filled = 0
    /// The index from which the search for the next newline goes on.
    private var searchFrom = 0
    private var lineNumber = 1
    private var atInputStart = true

    /// Bytes of an over-long line dropped so far, while discarding it.
    private var discarded: Int? = nil
    /// The tracker of a value that spans lines, while one is being read.
    private var multiLine: MultiLineTracker? = nil

    public init(maxLineBytes: Int, readSize: Int = 1 << 20) {
        self.maxLineBytes = maxLineBytes
        self.readSize = readSize
        capacity = readSize * 2
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        buffer.deallocate()
    }

    /// Starts a new input: line numbers restart and a byte order mark is
    /// skipped. Unconsumed bytes of the previous input must be drained first.
    public func startInput() {
        start = 0
        filled = 0
        searchFrom = 0
        lineNumber = 1
        atInputStart = true
        discarded = nil
        multiLine = nil
    }

    /// Space to read into, at least `readSize` bytes.
    public func writableSpace() -> UnsafeMutableRawBufferPointer {
        if start > 0 && (capacity - filled < readSize) {
            let pending = filled - start
            buffer.update(from: buffer + start, count: pending)
            searchFrom -= start
            multiLine?.shift(by: start)
            start = 0
            filled = pending
        }
        if capacity - filled < readSize {
            let newCapacity = max(capacity * 2, filled + readSize)
            let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            newBuffer.update(from: buffer, count: filled)
            buffer.deallocate()
            buffer = newBuffer
            capacity = newCapacity
        }
        return UnsafeMutableRawBufferPointer(start: buffer + filled, count: capacity - filled)
    }

    public func didRead(_ count: Int) {
        filled += count
        if atInputStart && filled - start >= 3 {
            if buffer[start] == 0xEF && buffer[start + 1] == 0xBB && buffer[start + 2] == 0xBF {
                start += 3
                searchFrom = start
            }
            atInputStart = false
        }
    }

    /// The number of buffered bytes not yet handed out.
    public var pendingBytes: Int { filled - start }

    /// Hands every complete record to `body`. At the end of input, what is
    /// left becomes the last record.
    public func drain(atEndOfInput: Bool, _ body: (FramedRecord) -> LineVerdict) {
        if atEndOfInput && atInputStart && filled - start < 3 { atInputStart = false }
        while true {
            if discarded != nil {
                guard discardOverlongLine(atEndOfInput: atEndOfInput, body) else { return }
                continue
            }
            if multiLine != nil {
                guard continueMultiLineValue(atEndOfInput: atEndOfInput, body) else { return }
                continue
            }
            let newline = findNewline()
            guard let newline else {
                if filled - start > maxLineBytes {
                    discarded = filled - start
                    start = filled
                    searchFrom = filled
                    continue
                }
                if atEndOfInput && filled > start {
                    emitLine(end: filled, next: filled, atEndOfInput: true, body)
                    continue
                }
                searchFrom = filled
                return
            }
            if newline - start > maxLineBytes {
                _ = body(FramedRecord(kind: .tooLong(bytes: newline - start), bytes: UnsafeRawBufferPointer(start: nil, count: 0),
                                      lineNumber: lineNumber))
                lineNumber += 1
                start = newline + 1
                searchFrom = start
                continue
            }
            emitLine(end: newline, next: newline + 1, atEndOfInput: atEndOfInput, body)
        }
    }

    private func findNewline() -> Int? {
        guard searchFrom < filled else { return nil }
        guard let found = memchr(buffer + searchFrom, Int32(ASCII.newline), filled - searchFrom) else { return nil }
        return buffer.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }

    private func emitLine(end: Int, next: Int, atEndOfInput: Bool, _ body: (FramedRecord) -> LineVerdict) {
        var lineEnd = end
        if lineEnd > start && buffer[lineEnd - 1] == ASCII.carriageReturn { lineEnd -= 1 }
        let record = FramedRecord(kind: .line, bytes: UnsafeRawBufferPointer(start: buffer + start, count: lineEnd - start),
                                  lineNumber: lineNumber, isFinal: atEndOfInput && next >= filled)
        if body(record) == .continuesOnNextLine && !(atEndOfInput && next >= filled) {
            multiLine = MultiLineTracker(recordStart: start)
            return
        }
        lineNumber += 1
        start = next
        searchFrom = next
    }

    /// Drops the rest of an over-long line. Returns false when more input
    /// is needed.
    private func discardOverlongLine(atEndOfInput: Bool, _ body: (FramedRecord) -> LineVerdict) -> Bool {
        let newline = findNewline()
        let end = newline ?? filled
        discarded! += end - start
        if newline == nil && !atEndOfInput {
            start = filled
            searchFrom = filled
            return false
        }
        _ = body(FramedRecord(kind: .tooLong(bytes: discarded!), bytes: UnsafeRawBufferPointer(start: nil, count: 0),
                              lineNumber: lineNumber))
        discarded = nil
        lineNumber += 1
        start = min(end + 1, filled)
        searchFrom = start
        return true
    }

    /// Follows a value across lines until its brackets balance. A line that
    /// starts with `{` or `[` in its first column while the value is still
    /// open begins a new value, so a truncated line does not swallow the
    /// valid lines after it. Returns false when more input is needed.
    private func continueMultiLineValue(atEndOfInput: Bool, _ body: (FramedRecord) -> LineVerdict) -> Bool {
        var tracker = multiLine!
        let outcome = tracker.advance(buffer, end: filled)
        multiLine = tracker
        let recordEnd: Int
        let next: Int
        let lines: Int
        let kind: FramedRecord.Kind
        switch outcome {
        case .complete(let valueEnd):
            // The record runs to the end of the line that the value ends on.
            var lineEnd = valueEnd
            while lineEnd < filled && buffer[lineEnd] != ASCII.newline { lineEnd += 1 }
            if lineEnd == filled && !atEndOfInput { return false }
            (recordEnd, next, lines, kind) = (lineEnd, min(lineEnd + 1, filled), tracker.newlines, .multiLineValue)
        case .newValueStarts(let newlineIndex):
            (recordEnd, next, lines, kind) = (newlineIndex, newlineIndex + 1, tracker.newlines - 1, .unterminatedValue)
        case .needsMore:
            // Too long, or cut off by the end of input: hand out what there is.
            guard tracker.position - start > maxLineBytes || atEndOfInput else { return false }
            (recordEnd, next, lines, kind) = (filled, filled, tracker.newlines, .unterminatedValue)
        }
        // A value cut off by the end of input runs to the end of the buffer,
        // so the record would end with that input's line break.
        var trimmedEnd = recordEnd
        while trimmedEnd > start
                && (buffer[trimmedEnd - 1] == ASCII.carriageReturn || buffer[trimmedEnd - 1] == ASCII.newline) {
            trimmedEnd -= 1
        }
        _ = body(FramedRecord(kind: kind, bytes: UnsafeRawBufferPointer(start: buffer + start, count: trimmedEnd - start),
                              lineNumber: lineNumber))
        multiLine = nil
        lineNumber += lines + 1
        start = next
        searchFrom = next
        return true
    }
}

/// Follows the brackets of a JSON value across lines without validating it.
struct MultiLineTracker {
    enum Outcome {
        case complete(valueEnd: Int)
        case newValueStarts(newlineIndex: Int)
        case needsMore
    }

    /// The next byte to look at, as an index into the framer's buffer.
    private(set) var position: Int
    private(set) var newlines = 0
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// The index where the value ended, once it has. The framer may still be
    /// waiting for the end of that line.
    private var valueEnd: Int? = nil

    init(recordStart: Int) {
        position = recordStart
    }

    mutating func shift(by offset: Int) {
        position -= offset
        if let valueEnd { self.valueEnd = valueEnd - offset }
    }

    mutating func advance(_ buffer: UnsafePointer<UInt8>, end: Int) -> Outcome {
        if let valueEnd { return .complete(valueEnd: valueEnd) }
        while position < end {
            let byte = buffer[position]
            if byte == ASCII.newline {
                // Decide only once the first byte of the next line is known.
                guard position + 1 < end else { return .needsMore }
                // A JSON string cannot hold a raw newline, so one ends here.
                inString = false
                escaped = false
                newlines += 1
                let next = buffer[position + 1]
                if depth > 0 && (next == ASCII.openBrace || next == ASCII.openBracket) {
                    return .newValueStarts(newlineIndex: position)
                }
                position += 1
                continue
            }
            position += 1
            if inString {
                if escaped {
                    escaped = false
                } else if byte == ASCII.backslash {
                    escaped = true
                } else if byte == ASCII.quote {
                    inString = false
                }
                continue
            }
            switch byte {
            case ASCII.quote:
                inString = true
            case ASCII.openBrace, ASCII.openBracket:
                depth += 1
            case ASCII.closeBrace, ASCII.closeBracket:
                depth -= 1
                if depth <= 0 {
                    valueEnd = position
                    return .complete(valueEnd: position)
                }
            default:
                break
            }
        }
        return .needsMore
    }
}
