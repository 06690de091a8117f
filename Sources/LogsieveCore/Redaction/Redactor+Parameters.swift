/// Secrets named in text: `name=value` (query strings, fragments, form
/// bodies, connection strings) and `name: value` (header lines, YAML-ish
/// logs, JSON fragments).
extension Redactor {
    /// Applies the parameter rules at the `=` at `separator` and returns
    /// where the scan goes on.
    func applyParameterRule(_ scrub: inout TextScrub, separator: Int, level: Int) -> Int {
        let text = scrub.text
        let end = scrub.end
        let nameStart = Self.nameStart(text, before: separator)
        guard nameStart < separator else { return separator + 1 }
        // URL-only names (`code`, `state`, …) count after `?`, `&`, `#` or
        // `;`, or at the start of a bare query string, not in prose.
        let inURL: Bool
        if nameStart == 0 {
            inURL = true
        } else if nameStart >= 6 && text[nameStart - 6] == ASCII.backslash {
            // `\u0026code=` in JSON-escaped text is `&code=`.
            let escaped = JSONLiteralEscape.scalar(text + nameStart - 6)
            inURL = escaped == 0x26 || escaped == 0x3F || escaped == 0x23 || escaped == 0x3B
        } else {
            let before = text[nameStart - 1]
            inURL = before == UInt8(ascii: "?") || before == ASCII.ampersand || before == UInt8(ascii: "#")
                || before == ASCII.semicolon
        }
        let decodedName = percentDecodedName(text + nameStart, count: separator - nameStart, level: level)
        let name = Self.innermostName(decodedName.base, count: decodedName.count)
        guard let rule = parameterRule(of: decodedName.base + name.lowerBound, count: name.count, inURL: inURL) else {
            return scrubEncodedValue(&scrub, separator: separator, inURL: inURL, level: level)
        }
        var valueStart = separator + 1
        var valueEnd: Int
        if valueStart < end && (text[valueStart] == ASCII.quote || text[valueStart] == UInt8(ascii: "'")) {
            let quote = text[valueStart]
            valueStart += 1
            valueEnd = valueStart
            while valueEnd < end && text[valueEnd] != quote { valueEnd += 1 }
        } else {
            // A marker from an earlier pass ends at its own `]`, which outside
            // a URL would also end the value and leave a stray `]` behind.
            let markerLength = Self.markerLength(text, at: valueStart, end: end)
            if markerLength > 0 { return valueStart + markerLength }
            valueEnd = valueStart
            while valueEnd < end && !Self.endsParameterValue(text[valueEnd], inURL: inURL) { valueEnd += 1 }
            if let credentialEnd = Self.credentialEndAfterSchemeWord(text, value: valueStart..<valueEnd, end: end, inURL: inURL) {
                valueEnd = credentialEnd
            }
        }
        guard valueEnd > valueStart else { return separator + 1 }
        if Self.isMarker(text + valueStart, count: valueEnd - valueStart)
            || CredentialShapes.hasPrefix(text, at: valueStart, end: valueEnd, "%5bredacted") {
            return valueEnd
        }
        replaceNamedValue(&scrub, valueStart, valueEnd, rule: rule, percentEncoded: true, level: level)
        return valueEnd
    }

    /// Applies the key rules at the `:` at `separator`: `Authorization:
    /// Bearer …`, `"password": "…"`, `token: …`. Names of name/value pairs
    /// are remembered in `scrub.pendingPairRule`.
    func applyKeyRule(_ scrub: inout TextScrub, separator: Int, level: Int) -> Int {
        let text = scrub.text
        let end = scrub.end
        var nameEnd = separator
        while nameEnd > 0 && (text[nameEnd - 1] == ASCII.space || text[nameEnd - 1] == ASCII.tab) { nameEnd -= 1 }
        if nameEnd > 0 && (text[nameEnd - 1] == ASCII.quote || text[nameEnd - 1] == UInt8(ascii: "'")) {
            nameEnd -= 1
            // `\"token\":` in JSON-escaped text.
            if nameEnd > 0 && text[nameEnd - 1] == ASCII.backslash { nameEnd -= 1 }
        }
        let nameStart = Self.nameStart(text, before: nameEnd)
        guard nameStart < nameEnd else { return separator + 1 }
        let rule: KeyRule
        switch role(of: text + nameStart, count: nameEnd - nameStart) {
        case .secret(let secretRule):
            rule = secretRule
        case .pairName:
            if let (start, valueEnd) = Self.quotedValue(text, after: separator, end: end) {
                scrub.pendingPairRule = parameterRule(of: text + start, count: valueEnd - start, inURL: false)
            }
            return separator + 1
        case .pairValue:
            guard let pending = scrub.pendingPairRule else { return separator + 1 }
            scrub.pendingPairRule = nil
            rule = pending
        default:
            return separator + 1
        }

        var valueStart = separator + 1
        while valueStart < end && (text[valueStart] == ASCII.space || text[valueStart] == ASCII.tab) { valueStart += 1 }
        guard valueStart < end else { return end }
        let valueEnd: Int
        switch text[valueStart] {
        case ASCII.backslash where valueStart + 1 < end && text[valueStart + 1] == ASCII.quote:
            // `\"value\"` in JSON-escaped text ends at the next `\"` or `"`.
            valueStart += 2
            var cursor = valueStart
            while cursor < end && text[cursor] != ASCII.quote && !(text[cursor] == ASCII.backslash && cursor + 1 < end && text[cursor + 1] == ASCII.quote) {
                cursor += 1
            }
            valueEnd = cursor
        case ASCII.quote, UInt8(ascii: "'"):
            let quote = text[valueStart]
            valueStart += 1
            var cursor = valueStart
            while cursor < end && text[cursor] != quote {
                cursor += text[cursor] == ASCII.backslash ? 2 : 1
            }
            valueEnd = min(cursor, end)
        case ASCII.openBrace, ASCII.openBracket:
            valueEnd = Self.bracketedValueEnd(text, from: valueStart, end: end)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            if CredentialShapes.hasPrefix(text, at: valueStart, end: end, "true", caseSensitive: true)
                || CredentialShapes.hasPrefix(text, at: valueStart, end: end, "false", caseSensitive: true)
                || CredentialShapes.hasPrefix(text, at: valueStart, end: end, "null", caseSensitive: true) {
                return valueStart
            }
            fallthrough
        default:
            var cursor = valueStart
            if rule.style == .authorization,
               let match = CredentialShapes.schemeCredential(text, at: valueStart, end: end) {
                // A known scheme ends where its credential does, so the text
                // after it stays and the fingerprint matches the one that
                // the same credential gets elsewhere.
                let output = scrub.beginReplacement(at: match.credentialStart)
                appendMarker(match.scheme.kind, secret: text + match.credentialStart,
                             count: match.credentialEnd - match.credentialStart, to: output)
                scrub.endReplacement(at: match.credentialEnd)
                return match.credentialEnd
            } else if rule.style != .plain {
                // Other header values run to the end of the line, or to a
                // quote that ends the string they were quoted in.
                while cursor < end && text[cursor] != ASCII.newline && text[cursor] != ASCII.carriageReturn
                        && !Self.isEscapedLineBreak(text, at: cursor, end: end)
                        && !Self.isClosingQuote(text, at: cursor, start: valueStart, end: end) {
                    cursor += 1
                }
            } else {
                while cursor < end && !Self.endsKeyValue(text[cursor]) { cursor += 1 }
            }
            valueEnd = cursor
        }
        guard valueEnd > valueStart else { return valueStart }
        if Self.isMarker(text + valueStart, count: valueEnd - valueStart) { return valueEnd }
        replaceNamedValue(&scrub, valueStart, valueEnd, rule: rule, percentEncoded: false, level: level)
        return valueEnd
    }

    /// Scans a percent-encoded parameter value (a redirect URL in a query
    /// string, `Bearer%20…`) once decoded, and replaces it with the encoded
    /// redacted form if anything in it was a secret. Returns where the scan
    /// goes on: after the value if it was replaced, else after the `=`.
    ///
    /// Only a valid `%XX` escape counts: decoding leaves a stray `%` as it
    /// is, and a value with one would otherwise be decoded and scanned again
    /// at every level up to the depth limit. Each value is scanned once (see
    /// `TextScrub.scannedEncodedValueEnd`), so the work stays linear in the
    /// text at each level.
    private func scrubEncodedValue(_ scrub: inout TextScrub, separator: Int, inURL: Bool, level: Int) -> Int {
        guard separator + 1 >= scrub.scannedEncodedValueEnd else { return separator + 1 }
        let text = scrub.text
        var valueEnd = separator + 1
        var hasEscape = false
        while valueEnd < scrub.end && !Self.endsParameterValue(text[valueEnd], inURL: true) {
            if text[valueEnd] == ASCII.percent && valueEnd + 2 < scrub.end
                && ByteClass.hexValue(text[valueEnd + 1]) != nil && ByteClass.hexValue(text[valueEnd + 2]) != nil {
                hasEscape = true
            }
            valueEnd += 1
        }
        scrub.scannedEncodedValueEnd = valueEnd
        guard hasEscape, level < maxDepth else { return separator + 1 }
        let decoded = ByteBuffer(capacity: valueEnd - separator)
        PercentEncoding.decode(text + separator + 1, count: valueEnd - separator - 1, into: decoded)
        let scrubbed = ByteBuffer(capacity: decoded.count + 64)
        var pending: KeyRule? = nil
        guard scrubText(decoded.base, count: decoded.count, into: scrubbed, depth: level + 1, level: level + 1,
                        pendingPairRule: &pending) else { return separator + 1 }
        let output = scrub.beginReplacement(at: separator + 1)
        PercentEncoding.encode(scrubbed.base, count: scrubbed.count, into: output)
        scrub.endReplacement(at: valueEnd)
        return valueEnd
    }

    /// Returns a parameter name with its `%XX` escapes decoded: the name
    /// itself when it has no `%`, as almost every name, else a copy in
    /// scratch slot 2 of `level`.
    @inline(__always)
    private func percentDecodedName(
        _ name: UnsafePointer<UInt8>, count: Int, level: Int
    ) -> (base: UnsafePointer<UInt8>, count: Int) {
        var index = 0
        while index < count && name[index] != ASCII.percent { index += 1 }
        guard index < count else { return (name, count) }
        unowned(unsafe) let decoded = scratchBuffer(level: level, slot: 2)
        PercentEncoding.decode(name, count: count, into: decoded)
        return (UnsafePointer(decoded.base), decoded.count)
    }

    /// Returns the range of the name that a rule judges in a parameter
    /// name: `password` in `user[password]`, `access_token` in
    /// `access_token[]`, the whole name otherwise.
    private static func innermostName(_ name: UnsafePointer<UInt8>, count: Int) -> Range<Int> {
        guard count > 0, name[count - 1] == ASCII.closeBracket else { return 0..<count }
        var open = count - 1
        while open > 0 && name[open] != ASCII.openBracket { open -= 1 }
        guard name[open] == ASCII.openBracket else { return 0..<count }
        if open + 1 < count - 1 { return (open + 1)..<(count - 1) }
        var start = 0
        while start < open && name[start] != ASCII.openBracket { start += 1 }
        return 0..<start
    }

    /// Replaces `text[start..<end]` by the redacted form of the value.
    private func replaceNamedValue(
        _ scrub: inout TextScrub, _ start: Int, _ end: Int, rule: KeyRule, percentEncoded: Bool, level: Int
    ) {
        var value = scrub.text + start
        var count = end - start
        if percentEncoded {
            // The fingerprint is over the decoded value, so that a token in a
            // URL and in a header gets the same one.
            unowned(unsafe) let decoded = scratchBuffer(level: level, slot: 2)
            PercentEncoding.decode(value, count: count, into: decoded)
            value = UnsafePointer(decoded.base)
            count = decoded.count
        }
        let output = scrub.beginReplacement(at: start)
        if percentEncoded {
            // Inside a URL, cookie and header styles make no sense: the value
            // is one secret, with the kind refined by its scheme or shape.
            if rule.style == .authorization {
                if let match = CredentialShapes.schemeCredential(value, at: 0, end: count) {
                    appendMarker(match.scheme.kind, secret: value + match.credentialStart,
                                 count: count - match.credentialStart, to: output)
                } else {
                    appendPlainSecret(value, count: count, kind: .authorization, to: output)
                }
            } else {
                appendPlainSecret(value, count: count, kind: rule.kind, to: output)
            }
        } else {
            appendSecretValue(value, count: count, rule: rule, to: output, level: level)
        }
        scrub.endReplacement(at: end)
    }

    /// Returns the start of the name that ends at `end`, at most 128 bytes
    /// back. In JSON-escaped text (a log line that quotes a request), a name
    /// right after `\n`, `\t` or `\u0026` starts after the escape, whose
    /// letters would otherwise be read as part of the name.
    private static func nameStart(_ text: UnsafePointer<UInt8>, before end: Int) -> Int {
        var start = end
        let limit = max(0, end - 128)
        let isNameByte = ByteClass.name  // read once: each read of a lazy static runs swift_once
        while start > limit && isNameByte[Int(text[start - 1])] { start -= 1 }
        guard start > 0 && start < end && text[start - 1] == ASCII.backslash else { return start }
        switch text[start] {
        case UInt8(ascii: "u") where end - start > 5 && JSONLiteralEscape.scalar(text + start - 1) != nil:
            return start + 5
        case UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"), UInt8(ascii: "b"), UInt8(ascii: "f"):
            return start + 1
        default:
            return start
        }
    }

    /// Whether a quote at `index` closes the string that a header line was
    /// quoted in: `"` or `\"`, unless it opens a quoted cookie value (`sid="…"`).
    private static func isClosingQuote(_ text: UnsafePointer<UInt8>, at index: Int, start: Int, end: Int) -> Bool {
        if text[index] == ASCII.backslash {
            return index + 1 < end && text[index + 1] == ASCII.quote
        }
        return text[index] == ASCII.quote && !(index > start && text[index - 1] == ASCII.equals)
    }

    /// Whether `\r` or `\n`, as JSON-escaped text writes a line break, is at `index`.
    private static func isEscapedLineBreak(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> Bool {
        text[index] == ASCII.backslash && index + 1 < end
            && (text[index + 1] == UInt8(ascii: "r") || text[index + 1] == UInt8(ascii: "n"))
    }

    @inline(__always)
    static func endsParameterValue(_ byte: UInt8, inURL: Bool) -> Bool {
        switch byte {
        case ASCII.ampersand, ASCII.quote, UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"),
             ASCII.space, ASCII.tab, ASCII.newline, ASCII.carriageReturn, UInt8(ascii: "#"):
            return true
        case ASCII.semicolon, ASCII.comma, UInt8(ascii: ")"), ASCII.closeBracket, ASCII.closeBrace:
            return !inURL
        default:
            return false
        }
    }

    @inline(__always)
    private static func endsKeyValue(_ byte: UInt8) -> Bool {
        switch byte {
        case ASCII.space, ASCII.tab, ASCII.newline, ASCII.carriageReturn, ASCII.comma, ASCII.semicolon,
             ASCII.quote, UInt8(ascii: "'"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ")"),
             ASCII.closeBracket, ASCII.closeBrace, ASCII.ampersand:
            return true
        default:
            return false
        }
    }

    /// Returns the content of a quoted value after `separator`, if there is one.
    private static func quotedValue(_ text: UnsafePointer<UInt8>, after separator: Int, end: Int) -> (Int, Int)? {
        var start = separator + 1
        while start < end && (text[start] == ASCII.space || text[start] == ASCII.tab) { start += 1 }
        guard start < end, text[start] == ASCII.quote else { return nil }
        start += 1
        var valueEnd = start
        while valueEnd < end && text[valueEnd] != ASCII.quote { valueEnd += 1 }
        return (start, valueEnd)
    }

    /// Returns the end of a `{…}` or `[…]` value in text, skipping quoted
    /// strings, or the end of the text if the value is not closed.
    private static func bracketedValueEnd(_ text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var depth = 0
        var cursor = start
        var inString = false
        while cursor < end {
            let byte = text[cursor]
            if inString {
                if byte == ASCII.backslash {
                    cursor += 1
                } else if byte == ASCII.quote {
                    inString = false
                }
            } else if byte == ASCII.quote {
                inString = true
            } else if byte == ASCII.openBrace || byte == ASCII.openBracket {
                depth += 1
            } else if byte == ASCII.closeBrace || byte == ASCII.closeBracket {
                depth -= 1
                if depth == 0 { return cursor + 1 }
            }
            cursor += 1
        }
        return end
    }
}

/// Percent-decoding (RFC 3986) of names and values found in URLs.
enum PercentEncoding {
    /// Appends `text[0..<count]` with every byte outside RFC 3986's
    /// unreserved set (and `[`, `]`, `:`, which markers use) percent-encoded.
    static func encode(_ text: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer) {
        let digits: StaticString = "0123456789ABCDEF"
        for index in 0..<count {
            let byte = text[index]
            if ByteClass.isAlphanumeric(byte) || byte == ASCII.minus || byte == ASCII.dot || byte == 0x5F || byte == 0x7E
                || byte == ASCII.openBracket || byte == ASCII.closeBracket || byte == ASCII.colon {
                output.append(byte)
            } else {
                output.append(ASCII.percent)
                output.append(digits.utf8Start[Int(byte >> 4)])
                output.append(digits.utf8Start[Int(byte & 0xF)])
            }
        }
    }

    /// Appends `text[0..<count]` with each valid `%XX` decoded; other bytes,
    /// `+` included, stay as they are.
    static func decode(_ text: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer) {
        var index = 0
        while index < count {
            let byte = text[index]
            if byte == ASCII.percent, index + 2 < count,
               let high = ByteClass.hexValue(text[index + 1]), let low = ByteClass.hexValue(text[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(byte)
                index += 1
            }
        }
    }
}

/// JSON `\uXXXX` escapes met in raw text.
enum JSONLiteralEscape {
    /// Returns the scalar of the `\uXXXX` escape at `text`, or nil.
    static func scalar(_ text: UnsafePointer<UInt8>) -> UInt32? {
        guard text[0] == ASCII.backslash, text[1] == UInt8(ascii: "u") else { return nil }
        var value: UInt32 = 0
        for offset in 2..<6 {
            guard let digit = ByteClass.hexValue(text[offset]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
