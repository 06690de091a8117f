/// Cookies are redacted one by one: names and attributes stay, each value
/// becomes a marker with the fingerprint of the value alone.
extension Redactor {
    /// Appends a redacted `Cookie` header value: `a=1; sid=XYZ`.
    func appendRedactedCookies(_ value: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) {
        var segmentStart = 0
        while segmentStart <= count {
            var segmentEnd = segmentStart
            while segmentEnd < count && value[segmentEnd] != ASCII.semicolon && value[segmentEnd] != ASCII.newline {
                segmentEnd += 1
            }
            appendCookiePair(value, segmentStart, segmentEnd, to: output)
            guard segmentEnd < count else { break }
            output.append(value[segmentEnd])
            segmentStart = segmentEnd + 1
        }
    }

    /// `Set-Cookie` values, one per line: `sid=XYZ; Path=/; HttpOnly`. Only
    /// the first pair of each header is a cookie; the rest are attributes.
    /// Headers joined with commas (`a=1; Path=/, b=2; Path=/`, as many log
    /// formats write repeated headers) are split where `, name=` follows,
    /// because a cookie value cannot contain a comma (RFC 6265) and no
    /// attribute value but a date does, which has no `=` after its comma.
    func appendRedactedSetCookies(_ value: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) {
        var lineStart = 0
        while lineStart <= count {
            var lineEnd = lineStart
            while lineEnd < count && value[lineEnd] != ASCII.newline { lineEnd += 1 }
            var cursor = lineStart
            var expectsCookie = true
            while cursor <= lineEnd {
                var segmentEnd = cursor
                while segmentEnd < lineEnd && value[segmentEnd] != ASCII.semicolon { segmentEnd += 1 }
                var partStart = cursor
                while let comma = Self.cookieAfterComma(value, from: partStart, end: segmentEnd) {
                    appendSetCookiePart(value, partStart, comma, isCookie: expectsCookie, to: output)
                    output.append(ASCII.comma)
                    partStart = comma + 1
                    expectsCookie = true
                }
                appendSetCookiePart(value, partStart, segmentEnd, isCookie: expectsCookie, to: output)
                expectsCookie = false
                guard segmentEnd < lineEnd else { break }
                output.append(ASCII.semicolon)
                cursor = segmentEnd + 1
            }
            guard lineEnd < count else { break }
            output.append(ASCII.newline)
            lineStart = lineEnd + 1
        }
    }

    private func appendSetCookiePart(_ value: UnsafePointer<UInt8>, _ start: Int, _ end: Int, isCookie: Bool, to output: ByteBuffer) {
        if isCookie {
            appendCookiePair(value, start, end, to: output)
        } else {
            output.append(value + start, count: end - start)
        }
    }

    /// Returns the index of a comma in `value[start..<end]` that is followed
    /// by `name=`, which starts another cookie, or nil.
    private static func cookieAfterComma(_ value: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int? {
        var comma = start
        while comma < end {
            if value[comma] == ASCII.comma {
                var cursor = comma + 1
                while cursor < end && value[cursor] == ASCII.space { cursor += 1 }
                let nameStart = cursor
                while cursor < end && ByteClass.token[Int(value[cursor])] { cursor += 1 }
                if cursor > nameStart && cursor < end && value[cursor] == ASCII.equals { return comma }
            }
            comma += 1
        }
        return nil
    }

    /// Appends one redacted `name=value` pair. A segment without `=` is all value.
    private func appendCookiePair(_ value: UnsafePointer<UInt8>, _ start: Int, _ end: Int, to output: ByteBuffer) {
        var equals = start
        while equals < end && value[equals] != ASCII.equals { equals += 1 }
        var valueStart = equals < end ? equals + 1 : start
        var valueEnd = end
        while valueStart < valueEnd && value[valueStart] == ASCII.space { valueStart += 1 }
        while valueEnd > valueStart && ByteClass.isWhitespace(value[valueEnd - 1]) { valueEnd -= 1 }
        output.append(value + start, count: valueStart - start)
        if valueStart < valueEnd && !Self.isMarker(value + valueStart, count: valueEnd - valueStart) {
            var secretStart = valueStart
            var secretEnd = valueEnd
            // RFC 6265 allows a quoted cookie value; the quotes are not the secret.
            if secretEnd - secretStart >= 2 && value[secretStart] == ASCII.quote && value[secretEnd - 1] == ASCII.quote {
                secretStart += 1
                secretEnd -= 1
            }
            appendMarker(.cookie, secret: value + secretStart, count: secretEnd - secretStart, to: output)
        } else {
            output.append(value + valueStart, count: valueEnd - valueStart)
        }
        output.append(value + valueEnd, count: end - valueEnd)
    }
}
