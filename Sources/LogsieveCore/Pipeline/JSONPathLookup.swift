/// Finding the values at a path in raw JSON, without building a tree.
enum JSONPathLookup {
    /// Calls `body` with the span of every value at `path` inside the value
    /// at `start`. Throws if the text is not valid JSON where it is read.
    static func forEachValue(
        _ text: UnsafePointer<UInt8>, start: Int, end: Int, path: ArraySlice<JSONPath.Component>, maxDepth: Int,
        _ body: (Int, Int) -> Void
    ) throws(JSONScanError) {
        guard let component = path.first else {
            body(start, try JSONLexer.skipValue(text, from: start, end: end, depth: 0, maxDepth: maxDepth))
            return
        }
        let rest = path.dropFirst()
        switch (component, text[start]) {
        case (.key(let key), ASCII.openBrace):
            try forEachMember(text, objectStart: start, end: end, maxDepth: maxDepth) { (keySpan: JSONLexer.StringSpan, valueStart: Int) throws(JSONScanError) in
                if keyEquals(text, keySpan, key) {
                    try forEachValue(text, start: valueStart, end: end, path: rest, maxDepth: maxDepth, body)
                }
            }
        case (.iterate, ASCII.openBrace):
            try forEachMember(text, objectStart: start, end: end, maxDepth: maxDepth) { (_: JSONLexer.StringSpan, valueStart: Int) throws(JSONScanError) in
                try forEachValue(text, start: valueStart, end: end, path: rest, maxDepth: maxDepth, body)
            }
        case (.iterate, ASCII.openBracket):
            try forEachElement(text, arrayStart: start, end: end, maxDepth: maxDepth) { (_: Int, elementStart: Int) throws(JSONScanError) in
                try forEachValue(text, start: elementStart, end: end, path: rest, maxDepth: maxDepth, body)
            }
        case (.index(let wanted), ASCII.openBracket):
            var starts: [Int] = []
            try forEachElement(text, arrayStart: start, end: end, maxDepth: maxDepth) { (_: Int, elementStart: Int) throws(JSONScanError) in
                starts.append(elementStart)
            }
            let index = wanted < 0 ? starts.count + wanted : wanted
            if index >= 0 && index < starts.count {
                try forEachValue(text, start: starts[index], end: end, path: rest, maxDepth: maxDepth, body)
            }
        default:
            // A path into a value of another type finds nothing, as in jq's `.a?`.
            return
        }
    }

    /// Calls `body` with each member's key span and value start; returns the
    /// index after the object.
    @discardableResult
    static func forEachMember(
        _ text: UnsafePointer<UInt8>, objectStart: Int, end: Int, maxDepth: Int,
        _ body: (JSONLexer.StringSpan, Int) throws(JSONScanError) -> Void
    ) throws(JSONScanError) -> Int {
        var cursor = JSONLexer.skipWhitespace(text, from: objectStart + 1, end: end)
        if cursor < end && text[cursor] == ASCII.closeBrace { return cursor + 1 }
        while true {
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            guard text[cursor] == ASCII.quote else { throw JSONScanError(.unexpectedByte(text[cursor]), at: cursor) }
            let key = try JSONLexer.scanString(text, quoteIndex: cursor, end: end)
            cursor = try JSONLexer.expect(ASCII.colon, text, JSONLexer.skipWhitespace(text, from: key.end + 1, end: end), end)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            try body(key, cursor)
            cursor = try JSONLexer.skipValue(text, from: cursor, end: end, depth: 1, maxDepth: maxDepth)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            if text[cursor] == ASCII.closeBrace { return cursor + 1 }
            cursor = try JSONLexer.expect(ASCII.comma, text, cursor, end)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
        }
    }

    /// Calls `body` with each element's index and start; returns the index
    /// after the array.
    @discardableResult
    static func forEachElement(
        _ text: UnsafePointer<UInt8>, arrayStart: Int, end: Int, maxDepth: Int,
        _ body: (Int, Int) throws(JSONScanError) -> Void
    ) throws(JSONScanError) -> Int {
        var cursor = JSONLexer.skipWhitespace(text, from: arrayStart + 1, end: end)
        if cursor < end && text[cursor] == ASCII.closeBracket { return cursor + 1 }
        var index = 0
        while true {
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            try body(index, cursor)
            index += 1
            cursor = try JSONLexer.skipValue(text, from: cursor, end: end, depth: 1, maxDepth: maxDepth)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            if text[cursor] == ASCII.closeBracket { return cursor + 1 }
            cursor = try JSONLexer.expect(ASCII.comma, text, cursor, end)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
        }
    }

    /// Whether a key, decoded, equals `expected`. Keys compare exactly, as in jq.
    static func keyEquals(_ text: UnsafePointer<UInt8>, _ key: JSONLexer.StringSpan, _ expected: [UInt8]) -> Bool {
        if !key.hasEscapes {
            guard key.end - key.start == expected.count else { return false }
            for (offset, byte) in expected.enumerated() where text[key.start + offset] != byte { return false }
            return true
        }
        let decoded = ByteBuffer(capacity: key.end - key.start)
        JSONStringCoding.decode(text, start: key.start, end: key.end, into: decoded)
        return decoded.toArray() == expected
    }
}
