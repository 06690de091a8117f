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
    /// the first pair of each line is a cookie; the rest are attributes.
    func appendRedactedSetCookies(_ value: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) {
        var lineStart = 0
        while lineStart <= count {
            var lineEnd = lineStart
            while lineEnd < count && value[lineEnd] != ASCII.newline { lineEnd += 1 }
            var pairEnd = lineStart
            while pairEnd < lineEnd && value[pairEnd] != ASCII.semicolon { pairEnd += 1 }
            appendCookiePair(value, lineStart, pairEnd, to: output)
            output.append(value + pairEnd, count: lineEnd - pairEnd)
            guard lineEnd < count else { break }
            output.append(ASCII.newline)
            lineStart = lineEnd + 1
        }
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
