/// The value at a path in an event, as a Kafka message key.
public enum EventKey {
    /// Returns the value at `path` in the first JSON object of `event`: a
    /// string's content with its escapes decoded, or the JSON text of any
    /// other value. Returns nil when the path is missing, when it is null,
    /// or when the text is not valid JSON there.
    public static func value(at path: JSONPath, in event: UnsafeRawBufferPointer, maxDepth: Int = 512) -> [UInt8]? {
        guard let base = event.baseAddress?.assumingMemoryBound(to: UInt8.self), event.count > 0 else { return nil }
        let end = event.firstIndex(of: ASCII.newline) ?? event.count
        let start = JSONLexer.skipWhitespace(base, from: 0, end: end)
        guard start < end, base[start] == ASCII.openBrace else { return nil }
        var span: (Int, Int)? = nil
        do {
            try JSONPathLookup.forEachValue(base, start: start, end: end, path: path.components[...], maxDepth: maxDepth) { span = span ?? ($0, $1) }
        } catch {
            return nil
        }
        guard let (valueStart, valueEnd) = span else { return nil }
        if base[valueStart] == ASCII.quote {
            let output = ByteBuffer(capacity: max(16, valueEnd - valueStart))
            JSONStringCoding.decode(base, start: valueStart + 1, end: valueEnd - 1, into: output)
            return output.toArray()
        }
        let text = Array(UnsafeBufferPointer(start: base + valueStart, count: valueEnd - valueStart))
        return text == Array("null".utf8) ? nil : text
    }
}
