/// The name/value pairs seen so far in invalid text, carried from
/// one invalid line to the next so that a lone `"value": "sid=abc",` line
/// after a `"name": "Cookie",` line is redacted as a cookie.
///
/// In invalid text a `value` whose name was not seen is redacted as a
/// secret, and after a `cookies` key every `value` is a cookie: when the
/// structure is lost, the redactor fails closed.
public struct FragmentState: Sendable {
    /// The rule of the last pair name seen, if it names a secret.
    var pendingPairRule: KeyRule?
    /// Whether a pair name was seen since the last `value`.
    var sawPairName = false
    /// Whether a `cookies` key was seen.
    var inCookieJar = false

    public init() {}
}

/// Text that is not valid JSON (a truncated line, a stray byte, a value
/// nested too deep) is scrubbed token by token. String tokens are decoded
/// leniently and judged by the key before them, and the text between them
/// goes through the text scan. Nothing here recurses on the input's nesting.
extension Redactor {
    /// Writes `text[0..<count]`, scrubbed, to `output`. Returns whether
    /// anything was redacted; `output` receives the whole text either way.
    func scrubFragment(
        _ text: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer, depth: Int, level: Int,
        state: inout FragmentState
    ) -> Bool {
        let countsBefore = counts.total
        let outputStart = output.count
        var index = 0
        // The role of the last string that was followed by a colon.
        var keyRole: KeyRole? = nil
        while index < count {
            if text[index] == ASCII.quote {
                index = appendStringToken(text, count: count, quote: index, to: output, keyRole: &keyRole,
                                          depth: depth, level: level, state: &state)
                continue
            }
            var runEnd = index
            while runEnd < count && text[runEnd] != ASCII.quote { runEnd += 1 }
            if case .secret(let rule)? = keyRole {
                // A number, object or unquoted text under a secret key.
                var valueStart = JSONLexer.skipWhitespace(text, from: index, end: runEnd)
                if valueStart < runEnd && text[valueStart] == ASCII.colon {
                    valueStart = JSONLexer.skipWhitespace(text, from: valueStart + 1, end: runEnd)
                }
                if valueStart < runEnd {
                    let valueEnd = Self.fragmentValueEnd(text, from: valueStart, end: count)
                    output.append(text + index, count: valueStart - index)
                    output.append(ASCII.quote)
                    appendMarker(rule.kind, secret: text + valueStart, count: valueEnd - valueStart, to: output)
                    output.append(ASCII.quote)
                    keyRole = nil
                    index = valueEnd
                    continue
                }
            }
            appendScrubbedRun(text + index, count: runEnd - index, to: output, depth: depth, level: level, state: &state)
            // A key's role carries over `: ` to the string after it, no further.
            for offset in index..<runEnd where !ByteClass.isWhitespace(text[offset]) && text[offset] != ASCII.colon {
                keyRole = nil
                break
            }
            index = runEnd
        }
        rescanAsText(output, from: outputStart, level: level, state: &state)
        return counts.total != countsBefore
    }

    /// Runs the text scan once more over the rewritten fragment. One stray
    /// or escaped quote shifts every string token after it, so that keys
    /// land outside strings and their values inside. The text scan's
    /// `"name": "value"` rule does not depend on that pairing.
    private func rescanAsText(_ output: ByteBuffer, from start: Int, level: Int, state: inout FragmentState) {
        let rewritten = ByteBuffer(capacity: output.count - start + 16)
        rewritten.append(output.base + start, count: output.count - start)
        let rescanned = ByteBuffer(capacity: rewritten.count + 64)
        guard scrubText(rewritten.base, count: rewritten.count, into: rescanned, depth: 0, level: level + 1,
                        pendingPairRule: &state.pendingPairRule) else { return }
        output.truncate(to: start)
        output.append(rescanned.base, count: rescanned.count)
    }

    /// Appends the string token at `quote`, redacted, and returns the index
    /// after it. An unterminated token runs to the end of the text.
    private func appendStringToken(
        _ text: UnsafePointer<UInt8>, count: Int, quote: Int, to output: ByteBuffer, keyRole: inout KeyRole?,
        depth: Int, level: Int, state: inout FragmentState
    ) -> Int {
        var close = quote + 1
        while close < count && text[close] != ASCII.quote {
            close += text[close] == ASCII.backslash ? 2 : 1
        }
        close = min(close, count)
        unowned(unsafe) let decoded = scratchBuffer(level: level + 1, slot: 0)
        Self.decodeLeniently(text + quote + 1, count: close - quote - 1, into: decoded)
        let afterToken = JSONLexer.skipWhitespace(text, from: min(close + 1, count), end: count)
        let isKey = afterToken < count && text[afterToken] == ASCII.colon

        var rule: KeyRule? = nil
        if isKey {
            keyRole = role(of: decoded.base, count: decoded.count)
            if keyRole == .cookieJar { state.inCookieJar = true }
        } else {
            switch keyRole {
            case .secret(let secretRule)?:
                rule = secretRule
            case .pairName?:
                state.pendingPairRule = parameterRule(of: decoded.base, count: decoded.count, inURL: false)
                state.sawPairName = true
            case .pairValue?:
                if state.inCookieJar {
                    rule = Self.cookieValueRule
                } else if state.sawPairName {
                    rule = state.pendingPairRule
                } else {
                    rule = KeyRule(.secret)
                }
                state.pendingPairRule = nil
                state.sawPairName = false
            default:
                break
            }
            keyRole = nil
        }

        unowned(unsafe) let scrubbed = scratchBuffer(level: level + 1, slot: 1)
        var content = decoded
        if let rule, !decoded.isEmpty, !Self.isMarker(decoded.base, count: decoded.count) {
            appendSecretValue(decoded.base, count: decoded.count, rule: rule, to: scrubbed, level: level + 1)
            content = scrubbed
        } else if scrubContent(decoded.base, count: decoded.count, into: scrubbed, depth: depth, level: level + 1,
                               allowsNestedJSON: !isKey) {
            content = scrubbed
        }
        output.append(ASCII.quote)
        JSONStringCoding.encode(content.base, count: content.count, into: output)
        if close < count { output.append(ASCII.quote) }
        return min(close + 1, count)
    }

    /// Appends text between string tokens, through the text scan.
    private func appendScrubbedRun(
        _ text: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer, depth: Int, level: Int,
        state: inout FragmentState
    ) {
        unowned(unsafe) let scrubbed = scratchBuffer(level: level + 1, slot: 1)
        if scrubText(text, count: count, into: scrubbed, depth: depth, level: level + 1,
                     pendingPairRule: &state.pendingPairRule) {
            output.append(scrubbed.base, count: scrubbed.count)
        } else {
            output.append(text, count: count)
        }
    }

    /// Returns the end of an unquoted value in a fragment: the first `,`,
    /// newline, or unmatched `}` or `]` outside brackets and strings.
    static func fragmentValueEnd(_ text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var depth = 0
        var index = start
        var inString = false
        while index < end {
            let byte = text[index]
            if inString {
                if byte == ASCII.backslash {
                    index += 1
                } else if byte == ASCII.quote {
                    inString = false
                }
            } else {
                switch byte {
                case ASCII.quote:
                    inString = true
                case ASCII.openBrace, ASCII.openBracket:
                    depth += 1
                case ASCII.closeBrace, ASCII.closeBracket:
                    if depth == 0 { return index }
                    depth -= 1
                    if depth == 0 { return index + 1 }
                case ASCII.comma, ASCII.newline:
                    if depth == 0 { return index }
                default:
                    break
                }
            }
            index += 1
        }
        return end
    }

    /// Decodes JSON escapes where they are valid and keeps any other
    /// backslash as it is.
    static func decodeLeniently(_ text: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer) {
        var index = 0
        var runStart = 0
        while index < count {
            guard text[index] == ASCII.backslash, index + 1 < count else {
                index += 1
                continue
            }
            let escaped = text[index + 1]
            let escapeLength: Int
            switch escaped {
            case ASCII.quote, ASCII.backslash, UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                escapeLength = 2
            case UInt8(ascii: "u") where index + 5 < count
                && (2...5).allSatisfy({ ByteClass.hexValue(text[index + $0]) != nil }):
                escapeLength = 6
            default:
                index += 1
                continue
            }
            output.append(text + runStart, count: index - runStart)
            JSONStringCoding.decode(text, start: index, end: index + escapeLength, into: output)
            index += escapeLength
            runStart = index
        }
        output.append(text + runStart, count: count - runStart)
    }
}
