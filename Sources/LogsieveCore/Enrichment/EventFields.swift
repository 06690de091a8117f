/// Typed reads of single fields from one raw JSON event, through
/// `JSONPathLookup`, so that no tree is built per event.
///
/// A field that is missing, of another type, or under invalid JSON reads
/// as `nil`: enrichment never rejects an event that redaction accepted.
struct EventFields {
    let text: UnsafePointer<UInt8>
    /// The value that source readers look into: the event itself, or the
    /// object at `--event-root`.
    let start: Int
    let end: Int
    let maxDepth: Int

    /// The span of the first value at `path`.
    func span(_ path: [JSONPath.Component]) -> (start: Int, end: Int)? {
        var found: (Int, Int)? = nil
        try? JSONPathLookup.forEachValue(text, start: start, end: end, path: path[...], maxDepth: maxDepth) { valueStart, valueEnd in
            if found == nil { found = (valueStart, valueEnd) }
        }
        return found
    }

    func has(_ path: [JSONPath.Component]) -> Bool {
        span(path) != nil
    }

    /// The decoded string at `path`; `nil` for other types and empty strings.
    func string(_ path: [JSONPath.Component]) -> String? {
        guard let (valueStart, valueEnd) = span(path) else { return nil }
        return Self.decodeString(text, start: valueStart, end: valueEnd)
    }

    /// Every string that `path` reaches (with `[]`), in order.
    func strings(_ path: [JSONPath.Component]) -> [String] {
        var values: [String] = []
        try? JSONPathLookup.forEachValue(text, start: start, end: end, path: path[...], maxDepth: maxDepth) { valueStart, valueEnd in
            if let value = Self.decodeString(text, start: valueStart, end: valueEnd) { values.append(value) }
        }
        return values
    }

    /// The number at `path`, or a string that holds one (Okta writes some
    /// numbers as strings, Entra writes `errorCode` as a number).
    func number(_ path: [JSONPath.Component]) -> Double? {
        guard let (valueStart, valueEnd) = span(path) else { return nil }
        if text[valueStart] == ASCII.quote {
            return Self.decodeString(text, start: valueStart, end: valueEnd).flatMap { Double($0) }
        }
        return Double(String(decoding: UnsafeBufferPointer(start: text + valueStart, count: valueEnd - valueStart), as: UTF8.self))
    }

    /// `true` or `false` at `path`, or the strings "true" and "false".
    func bool(_ path: [JSONPath.Component]) -> Bool? {
        guard let (valueStart, valueEnd) = span(path) else { return nil }
        switch text[valueStart] {
        case UInt8(ascii: "t"): return true
        case UInt8(ascii: "f"): return false
        case ASCII.quote:
            switch Self.decodeString(text, start: valueStart, end: valueEnd)?.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// The fields of the object at `path`, for reading below it.
    func object(_ path: [JSONPath.Component]) -> EventFields? {
        guard let (valueStart, valueEnd) = span(path), text[valueStart] == ASCII.openBrace else { return nil }
        return EventFields(text: text, start: valueStart, end: valueEnd, maxDepth: maxDepth)
    }

    /// Calls `body` with the fields of each element of the array at `path`.
    func forEachElement(_ path: [JSONPath.Component], _ body: (EventFields) -> Void) {
        guard let (arrayStart, arrayEnd) = span(path), text[arrayStart] == ASCII.openBracket else { return }
        try? JSONPathLookup.forEachElement(text, arrayStart: arrayStart, end: arrayEnd, maxDepth: maxDepth) { (_: Int, elementStart: Int) in
            let elementEnd = (try? JSONLexer.skipValue(text, from: elementStart, end: arrayEnd, depth: 0, maxDepth: maxDepth)) ?? arrayEnd
            body(EventFields(text: text, start: elementStart, end: elementEnd, maxDepth: maxDepth))
        }
    }

    static func decodeString(_ text: UnsafePointer<UInt8>, start: Int, end: Int) -> String? {
        guard text[start] == ASCII.quote, let span = try? JSONLexer.scanString(text, quoteIndex: start, end: end) else { return nil }
        guard span.end > span.start else { return nil }
        if !span.hasEscapes {
            return String(decoding: UnsafeBufferPointer(start: text + span.start, count: span.end - span.start), as: UTF8.self)
        }
        let decoded = ByteBuffer(capacity: span.end - span.start)
        JSONStringCoding.decode(text, start: span.start, end: span.end, into: decoded)
        return String(decoding: decoded.bytes, as: UTF8.self)
    }
}

/// A path of object keys, as the source readers write them.
func fieldPath(_ keys: String...) -> [JSONPath.Component] {
    keys.map { .key(Array($0.utf8)) }
}
