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
    /// The object's members, for objects that many paths are read from.
    var members: MemberIndex? = nil

    /// Fields of the object at `start`, with its members indexed in one
    /// pass, so that each read starts at its member instead of rescanning
    /// the event. `nil` if the value is not a valid object.
    static func indexed(_ text: UnsafePointer<UInt8>, start: Int, end: Int, maxDepth: Int) -> EventFields? {
        guard let index = MemberIndex(text, objectStart: start, end: end, maxDepth: maxDepth) else { return nil }
        return EventFields(text: text, start: start, end: index.objectEnd, maxDepth: maxDepth, members: index)
    }

    /// Returns the span of the first value at `path`.
    func span(_ path: [JSONPath.Component]) -> (start: Int, end: Int)? {
        span(path[...])
    }

    /// Returns the span at a path slice, so that the rest of a path after an
    /// indexed member needs no new array.
    private func span(_ path: ArraySlice<JSONPath.Component>) -> (start: Int, end: Int)? {
        if let members, case .key(let key)? = path.first {
            guard let member = members.member(key, text) else { return nil }
            if path.count == 1 { return member }
            return EventFields(text: text, start: member.start, end: member.end, maxDepth: maxDepth).span(path.dropFirst())
        }
        var found: (Int, Int)? = nil
        try? JSONPathLookup.forEachValue(text, start: start, end: end, path: path, maxDepth: maxDepth) { valueStart, valueEnd in
            if found == nil { found = (valueStart, valueEnd) }
        }
        return found
    }

    func has(_ path: [JSONPath.Component]) -> Bool {
        span(path) != nil
    }

    /// Returns the decoded string at `path`, or `nil` for other types and empty strings.
    func string(_ path: [JSONPath.Component]) -> String? {
        guard let (valueStart, valueEnd) = span(path) else { return nil }
        return Self.decodeString(text, start: valueStart, end: valueEnd)
    }

    /// Returns every string that `path` reaches (with `[]`), in order.
    func strings(_ path: [JSONPath.Component]) -> [String] {
        var values: [String] = []
        try? JSONPathLookup.forEachValue(text, start: start, end: end, path: path[...], maxDepth: maxDepth) { valueStart, valueEnd in
            if let value = Self.decodeString(text, start: valueStart, end: valueEnd) { values.append(value) }
        }
        return values
    }

    /// Returns the number at `path`, also when it is written as a string,
    /// because Okta writes some numbers as strings.
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

    /// Returns the fields of the object at `path`, indexed for reading below it.
    func object(_ path: [JSONPath.Component]) -> EventFields? {
        guard let (valueStart, valueEnd) = span(path), text[valueStart] == ASCII.openBrace else { return nil }
        return Self.indexed(text, start: valueStart, end: valueEnd, maxDepth: maxDepth)
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

/// Builds a path of object keys, as the source readers write them.
func fieldPath(_ keys: String...) -> [JSONPath.Component] {
    keys.map { .key(Array($0.utf8)) }
}

/// The members of one JSON object: key and value spans, found in one pass.
struct MemberIndex {
    var keys: [JSONLexer.StringSpan] = []
    var values: [(start: Int, end: Int)] = []
    var objectEnd = 0

    init?(_ text: UnsafePointer<UInt8>, objectStart: Int, end: Int, maxDepth: Int) {
        guard objectStart < end, text[objectStart] == ASCII.openBrace else { return nil }
        do {
            var cursor = JSONLexer.skipWhitespace(text, from: objectStart + 1, end: end)
            // Okta, Entra ID and Google Workspace events have 10 to 30 top-level
            // members; one allocation each instead of doubling from one.
            keys.reserveCapacity(32)
            values.reserveCapacity(32)
            if cursor < end && text[cursor] == ASCII.closeBrace {
                objectEnd = cursor + 1
                return
            }
            while true {
                guard cursor < end, text[cursor] == ASCII.quote else { return nil }
                let key = try JSONLexer.scanString(text, quoteIndex: cursor, end: end)
                cursor = try JSONLexer.expect(ASCII.colon, text, JSONLexer.skipWhitespace(text, from: key.end + 1, end: end), end)
                let valueStart = JSONLexer.skipWhitespace(text, from: cursor, end: end)
                let valueEnd = try JSONLexer.skipValue(text, from: valueStart, end: end, depth: 1, maxDepth: maxDepth)
                keys.append(key)
                values.append((valueStart, valueEnd))
                cursor = JSONLexer.skipWhitespace(text, from: valueEnd, end: end)
                guard cursor < end else { return nil }
                if text[cursor] == ASCII.closeBrace {
                    objectEnd = cursor + 1
                    return
                }
                cursor = try JSONLexer.expect(ASCII.comma, text, cursor, end)
                cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            }
        } catch {
            return nil
        }
    }

    /// Returns the value of the first member named `key`, as jq reads it.
    func member(_ key: [UInt8], _ text: UnsafePointer<UInt8>) -> (start: Int, end: Int)? {
        for (index, span) in keys.enumerated() where JSONPathLookup.keyEquals(text, span, key) {
            return values[index]
        }
        return nil
    }
}
