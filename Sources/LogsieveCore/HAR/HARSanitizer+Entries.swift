import Glibc

/// The HAR-specific rewrites of an entry, done before the generic redactor
/// runs over it: content the generic rules cannot see into.
///
/// - `{"encoding": "base64", "text": …}` (response content, and any other
///   object of that shape): the body is decoded and scanned whatever its
///   MIME type, as JSON if it parses, else as text, and encoded again.
/// - `{"opcode": 2, "data": …}` (binary WebSocket frames in
///   `_webSocketMessages`): the same, because Chrome writes them in base64.
/// - a `text` that is a multipart body: each part whose name matches a key
///   rule (`name="password"`) loses its content; the other parts are scanned.
/// - with `--saml keep-unsigned`: every `SAMLResponse` (a member, a
///   name/value pair or a form parameter in any string) loses the content
///   of its `<ds:SignatureValue>` elements.
///
/// Content that cannot be decoded, or is larger than `maxBodyBytes`
/// decoded, becomes `[REDACTED:unscannable]` rather than being kept unread.
extension HARSanitizer {
    struct Replacement {
        /// The content span of a JSON string, between its quotes.
        var start: Int
        var end: Int
        /// The new content, JSON-escaped.
        var content: [UInt8]
    }

    /// A member of an object, as the rewrite rules look at it.
    private struct Member {
        var key: JSONLexer.StringSpan
        var valueIndex: Int
        var valueEnd: Int
        /// The value's content span when the value is a string.
        var string: JSONLexer.StringSpan?
    }

    /// Writes the rewritten entry to `rewritten` and returns true, or
    /// returns false when no rule applies. Throws for invalid JSON, with
    /// offsets in `text`.
    func rewriteEntry(_ text: UnsafePointer<UInt8>, count: Int) throws(JSONScanError) -> Bool {
        guard mayNeedRewrite(text, count: count) else { return false }
        var replacements: [Replacement] = []
        _ = try walk(text, at: 0, end: count, depth: 0, replacements: &replacements)
        guard !replacements.isEmpty else { return false }
        rewritten.removeAll()
        var copied = 0
        for replacement in replacements.sorted(by: { $0.start < $1.start }) {
            rewritten.append(text + copied, count: replacement.start - copied)
            rewritten.append(replacement.content)
            copied = replacement.end
        }
        rewritten.append(text + copied, count: count - copied)
        return true
    }

    /// Whether the entry contains a word that one of the rules starts from; a
    /// quick filter so that plain entries cost one `memmem` per word.
    private func mayNeedRewrite(_ text: UnsafePointer<UInt8>, count: Int) -> Bool {
        var needles: [StaticString] = ["base64", "\"opcode\"", "form-data"]
        if saml == .keepUnsigned { needles.append("SAMLResponse") }
        for needle in needles where ByteSearch.contains(needle, in: text, count: count) {
            return true
        }
        return false
    }

    private func walk(
        _ text: UnsafePointer<UInt8>, at index: Int, end: Int, depth: Int, replacements: inout [Replacement]
    ) throws(JSONScanError) -> Int {
        guard index < end else { throw JSONScanError(.unexpectedEnd, at: end) }
        guard depth < redactor.maxDepth else { throw JSONScanError(.tooDeep(limit: redactor.maxDepth), at: index) }
        switch text[index] {
        case ASCII.openBrace:
            var members: [Member] = []
            let objectEnd = try scanMembers(text, openIndex: index, end: end, depth: depth, into: &members)
            var handled = Set<Int>()
            applyObjectRules(text, members, handled: &handled, replacements: &replacements)
            for (position, member) in members.enumerated() where !handled.contains(position) {
                if let span = member.string {
                    applyTextRules(text, span, replacements: &replacements)
                } else {
                    _ = try walk(text, at: member.valueIndex, end: end, depth: depth + 1, replacements: &replacements)
                }
            }
            return objectEnd
        case ASCII.openBracket:
            var cursor = JSONLexer.skipWhitespace(text, from: index + 1, end: end)
            if cursor < end && text[cursor] == ASCII.closeBracket { return cursor + 1 }
            while true {
                guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
                if text[cursor] == ASCII.quote {
                    let span = try JSONLexer.scanString(text, quoteIndex: cursor, end: end)
                    applyTextRules(text, span, replacements: &replacements)
                    cursor = span.end + 1
                } else {
                    cursor = try walk(text, at: cursor, end: end, depth: depth + 1, replacements: &replacements)
                }
                cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
                guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
                if text[cursor] == ASCII.closeBracket { return cursor + 1 }
                cursor = try JSONLexer.expect(ASCII.comma, text, cursor, end)
                cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            }
        default:
            return try JSONLexer.skipValue(text, from: index, end: end, depth: depth, maxDepth: redactor.maxDepth)
        }
    }

    /// Scans the members of the object at `openIndex`, validating their
    /// keys and string values, and returns the index after the object.
    private func scanMembers(
        _ text: UnsafePointer<UInt8>, openIndex: Int, end: Int, depth: Int, into members: inout [Member]
    ) throws(JSONScanError) -> Int {
        var cursor = JSONLexer.skipWhitespace(text, from: openIndex + 1, end: end)
        if cursor < end && text[cursor] == ASCII.closeBrace { return cursor + 1 }
        while true {
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            guard text[cursor] == ASCII.quote else { throw JSONScanError(.unexpectedByte(text[cursor]), at: cursor) }
            let key = try JSONLexer.scanString(text, quoteIndex: cursor, end: end)
            cursor = JSONLexer.skipWhitespace(text, from: key.end + 1, end: end)
            cursor = try JSONLexer.expect(ASCII.colon, text, cursor, end)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            let valueIndex = cursor
            var string: JSONLexer.StringSpan? = nil
            if text[cursor] == ASCII.quote {
                let span = try JSONLexer.scanString(text, quoteIndex: cursor, end: end)
                string = span
                cursor = span.end + 1
            } else {
                cursor = try JSONLexer.skipValue(text, from: cursor, end: end, depth: depth + 1, maxDepth: redactor.maxDepth)
            }
            members.append(Member(key: key, valueIndex: valueIndex, valueEnd: cursor, string: string))
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            if text[cursor] == ASCII.closeBrace { return cursor + 1 }
            cursor = try JSONLexer.expect(ASCII.comma, text, cursor, end)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
        }
    }

    private func applyObjectRules(
        _ text: UnsafePointer<UInt8>, _ members: [Member], handled: inout Set<Int>, replacements: inout [Replacement]
    ) {
        func position(of name: StaticString) -> Int? {
            members.firstIndex { Self.rawEquals(text, $0.key, name) }
        }
        func stringValue(_ name: StaticString, equals expected: StaticString) -> Bool {
            guard let position = position(of: name), let span = members[position].string else { return false }
            return Self.rawEquals(text, span, expected)
        }

        // A base64 body, or a binary WebSocket frame.
        var base64Member: Int? = nil
        if stringValue("encoding", equals: "base64") {
            base64Member = position(of: "text")
        } else if let opcode = position(of: "opcode"), members[opcode].string == nil,
                  members[opcode].valueEnd - members[opcode].valueIndex == 1, text[members[opcode].valueIndex] == UInt8(ascii: "2") {
            base64Member = position(of: "data")
        }
        if let base64Member, let span = members[base64Member].string {
            handled.insert(base64Member)
            if let content = rewriteBase64Body(text, span) {
                replacements.append(Replacement(start: span.start, end: span.end, content: content))
            }
        }

        if let textMember = position(of: "text"), !handled.contains(textMember), let span = members[textMember].string,
           let content = rewriteMultipartText(text, span) {
            handled.insert(textMember)
            replacements.append(Replacement(start: span.start, end: span.end, content: content))
        }

        guard saml == .keepUnsigned else { return }
        // `"SAMLResponse": "…"`, and `{"name": "SAMLResponse", "value": "…"}`.
        var samlMember = position(of: "SAMLResponse")
        if samlMember == nil && stringValue("name", equals: "SAMLResponse") {
            samlMember = position(of: "value")
        }
        if let samlMember, !handled.contains(samlMember), let span = members[samlMember].string {
            handled.insert(samlMember)
            if let content = rewriteSAMLValue(text, span) {
                replacements.append(Replacement(start: span.start, end: span.end, content: content))
            }
        }
    }

    /// Applies the rules for any string: `SAMLResponse=` parameters in forms and URLs.
    private func applyTextRules(_ text: UnsafePointer<UInt8>, _ span: JSONLexer.StringSpan, replacements: inout [Replacement]) {
        guard saml == .keepUnsigned, span.end - span.start > 13 else { return }
        if let content = rewriteSAMLParameters(text, span) {
            replacements.append(Replacement(start: span.start, end: span.end, content: content))
        }
    }

    /// Whether the string at `span` is exactly `expected`, compared raw:
    /// the HAR member names and values matched here are plain ASCII.
    static func rawEquals(_ text: UnsafePointer<UInt8>, _ span: JSONLexer.StringSpan, _ expected: StaticString) -> Bool {
        span.end - span.start == expected.utf8CodeUnitCount
            && memcmp(text + span.start, expected.utf8Start, expected.utf8CodeUnitCount) == 0
    }

    /// Returns the decoded content of a JSON string, in a new buffer.
    static func decodedString(_ text: UnsafePointer<UInt8>, _ span: JSONLexer.StringSpan) -> ByteBuffer {
        let buffer = ByteBuffer(capacity: span.end - span.start + 16)
        if span.hasEscapes {
            JSONStringCoding.decode(text, start: span.start, end: span.end, into: buffer)
        } else {
            buffer.append(text + span.start, count: span.end - span.start)
        }
        return buffer
    }

    /// `content` JSON-escaped.
    static func escaped(_ content: UnsafePointer<UInt8>, count: Int) -> [UInt8] {
        let buffer = ByteBuffer(capacity: count + 16)
        JSONStringCoding.encode(content, count: count, into: buffer)
        return buffer.toArray()
    }

    /// Returns the replacement marker for content that could not be scanned.
    func unscannableMarker(_ content: UnsafePointer<UInt8>, count: Int) -> [UInt8] {
        let buffer = ByteBuffer(capacity: 32)
        redactor.appendMarker(.unscannable, secret: content, count: count, to: buffer)
        return buffer.toArray()
    }

    /// Whether a decoded body starts with the magic number of gzip, zlib's
    /// deflate with the default window, or zstd: content whose secrets no
    /// text scan can see, so it is replaced whole rather than kept unread.
    static func isCompressed(_ body: ByteBuffer) -> Bool {
        let bytes = body.base
        guard body.count >= 2 else { return false }
        if bytes[0] == 0x1F && bytes[1] == 0x8B { return true }
        if bytes[0] == 0x78 && (UInt16(bytes[0]) << 8 | UInt16(bytes[1])) % 31 == 0 { return true }
        return body.count >= 4 && bytes[0] == 0x28 && bytes[1] == 0xB5 && bytes[2] == 0x2F && bytes[3] == 0xFD
    }

    /// Decodes a base64 body, scans it and encodes it again. Returns the
    /// new escaped content, or nil when nothing changed.
    private func rewriteBase64Body(_ text: UnsafePointer<UInt8>, _ span: JSONLexer.StringSpan) -> [UInt8]? {
        let content = Self.decodedString(text, span)
        guard content.count > 0, !Redactor.isMarker(content.base, count: content.count) else { return nil }
        bodyDecoded.removeAll()
        guard Base64Codec.decode(content.base, count: content.count, into: bodyDecoded),
              bodyDecoded.count <= maxBodyBytes, !Self.isCompressed(bodyDecoded) else {
            return unscannableMarker(content.base, count: content.count)
        }
        bodyScrubbed.removeAll()
        guard redactor.scrubContent(bodyDecoded.base, count: bodyDecoded.count, into: bodyScrubbed, depth: 0, level: 0,
                                    allowsNestedJSON: true) else { return nil }
        let encoded = ByteBuffer(capacity: bodyScrubbed.count * 4 / 3 + 8)
        Base64Codec.encode(bodyScrubbed.base, count: bodyScrubbed.count, into: encoded)
        return encoded.toArray()
    }
}
