import Glibc

/// Multipart bodies (RFC 7578 `multipart/form-data`, as `postData.text`).
///
/// The generic text scan sees a part's name and its content on different
/// lines, so `name="password"` followed by the password is not a
/// `name=value` pair to it. Here each part is cut out: a part whose name
/// matches a key rule has its content replaced whole, and the content of
/// the other parts is scanned like any string.
extension HARSanitizer {
    /// Returns the new escaped content of the string at `span` when it is a
    /// multipart body and a part changed, else nil.
    func rewriteMultipartText(_ text: UnsafePointer<UInt8>, _ span: JSONLexer.StringSpan) -> [UInt8]? {
        // A body starts with its delimiter line: `--` and the boundary.
        guard span.end - span.start > 4, text[span.start] == ASCII.minus, text[span.start + 1] == ASCII.minus else { return nil }
        let body = Self.decodedString(text, span)
        let output = ByteBuffer(capacity: body.count + 64)
        guard redactMultipart(body.base, count: body.count, into: output) else { return nil }
        return Self.escaped(output.base, count: output.count)
    }

    /// Writes the redacted body to `output` and returns true if a part
    /// changed. Returns false for text without a delimiter line and headers.
    func redactMultipart(_ body: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer) -> Bool {
        guard let lineEnd = Self.find(ASCII.newline, in: body, from: 0, end: count) else { return false }
        var delimiterEnd = lineEnd
        if delimiterEnd > 0 && body[delimiterEnd - 1] == ASCII.carriageReturn { delimiterEnd -= 1 }
        let delimiterLength = delimiterEnd
        guard delimiterLength > 2, delimiterLength <= 80,
              ByteSearch.contains("Content-Disposition", in: body, count: count) || ByteSearch.contains("content-disposition", in: body, count: count)
        else { return false }

        var changed = false
        var copied = 0
        var partStart = lineEnd + 1
        while partStart < count {
            // Headers end at the first empty line.
            guard let headerEnd = Self.blankLine(in: body, from: partStart, end: count) else { break }
            let contentStart = headerEnd.contentStart
            // The content ends before the line break that precedes the next delimiter.
            var contentEnd = count
            var nextPart = count
            var search = contentStart
            while let found = Self.findBytes(body, delimiterLength, in: body, from: search, end: count) {
                if found > 0 && body[found - 1] == ASCII.newline {
                    contentEnd = found - 1
                    if contentEnd > contentStart && body[contentEnd - 1] == ASCII.carriageReturn { contentEnd -= 1 }
                    nextPart = found
                    break
                }
                search = found + 1
            }
            if contentEnd < contentStart { contentEnd = contentStart }

            let scratch = ByteBuffer(capacity: contentEnd - contentStart + 64)
            if redactPart(body, headers: partStart..<headerEnd.headersEnd, content: contentStart..<contentEnd, into: scratch) {
                output.append(body + copied, count: contentStart - copied)
                output.append(scratch.base, count: scratch.count)
                copied = contentEnd
                changed = true
            }
            // Skip the delimiter line; `--` after it ends the body.
            guard nextPart < count, let next = Self.find(ASCII.newline, in: body, from: nextPart, end: count) else { break }
            partStart = next + 1
        }
        guard changed else { return false }
        output.append(body + copied, count: count - copied)
        return true
    }

    /// Redacts one part's content into `output`; returns whether it changed.
    private func redactPart(
        _ body: UnsafePointer<UInt8>, headers: Range<Int>, content: Range<Int>, into output: ByteBuffer
    ) -> Bool {
        guard !content.isEmpty, !Redactor.isMarker(body + content.lowerBound, count: content.count) else { return false }
        if let name = Self.partName(body, headers: headers) {
            redactor.keyNormalizer.normalize(body + name.lowerBound, count: name.count)
            if let rule = redactor.keyRules.parameterRule(
                normalized: redactor.keyNormalizer.buffer, count: redactor.keyNormalizer.count, inURL: false) {
                redactor.appendSecretValue(body + content.lowerBound, count: content.count, rule: rule, to: output, level: 0)
                return true
            }
        }
        return redactor.scrubContent(body + content.lowerBound, count: content.count, into: output, depth: 0, level: 0,
                                     allowsNestedJSON: true)
    }

    /// The `name` parameter of the part's `Content-Disposition` header; the
    /// `filename` parameter does not count.
    static func partName(_ body: UnsafePointer<UInt8>, headers: Range<Int>) -> Range<Int>? {
        var index = headers.lowerBound
        while let found = findBytes(Array("name=\"".utf8), in: body, from: index, end: headers.upperBound) {
            index = found + 6
            let before = found > headers.lowerBound ? body[found - 1] : ASCII.space
            guard before == ASCII.space || before == ASCII.semicolon || before == ASCII.tab else { continue }
            guard let close = find(ASCII.quote, in: body, from: index, end: headers.upperBound) else { return nil }
            return index..<close
        }
        return nil
    }

    /// The end of the headers and the start of the content after the empty
    /// line (`\r\n\r\n` or `\n\n`) from `start` on.
    private static func blankLine(in body: UnsafePointer<UInt8>, from start: Int, end: Int) -> (headersEnd: Int, contentStart: Int)? {
        var index = start
        while let newline = find(ASCII.newline, in: body, from: index, end: end) {
            var next = newline + 1
            if next < end && body[next] == ASCII.carriageReturn { next += 1 }
            if next < end && body[next] == ASCII.newline { return (newline, next + 1) }
            if next >= end { return nil }
            index = newline + 1
        }
        return nil
    }

    static func find(_ byte: UInt8, in text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int? {
        guard start < end, let found = memchr(text + start, Int32(byte), end - start) else { return nil }
        return UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - text
    }

    static func findBytes(_ needle: UnsafePointer<UInt8>, _ length: Int, in text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int? {
        ByteSearch.find(needle, length: length, in: text, from: start, end: end)
    }

    static func findBytes(_ needle: [UInt8], in text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int? {
        needle.withUnsafeBufferPointer { findBytes($0.baseAddress!, $0.count, in: text, from: start, end: end) }
    }
}
