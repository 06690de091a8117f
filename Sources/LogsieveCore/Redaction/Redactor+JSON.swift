#if canImport(Glibc)
import Glibc
#endif

/// The structural pass: a recursive descent over one JSON value that applies
/// the key rules and hands strings to the text scan.
extension Redactor {
    static let cookieValueRule = KeyRule(.cookie, .plain)

    /// Redacts the value at `index` (no leading whitespace) and returns the
    /// index after it.
    func redactValue(
        _ pass: inout JSONPass, at index: Int, depth: Int, context: ValueContext, level: Int
    ) throws(JSONScanError) -> Int {
        guard index < pass.end else { throw JSONScanError(.unexpectedEnd, at: pass.end) }
        switch pass.text[index] {
        case ASCII.quote:
            if context == .cookieJar {
                // A cookie jar given as strings contains `Cookie` header values.
                return try redactSecretValue(&pass, at: index, rule: KeyRule(.cookie, .cookie), depth: depth, level: level)
            }
            return try redactString(&pass, at: index, depth: depth, level: level)
        case ASCII.openBrace:
            let objectContext: ValueContext
            switch context {
            case .cookieJar: objectContext = .cookieObject
            case .parameterList: objectContext = .parameterObject
            case .cookieEntry, .parameterEntry: objectContext = context
            default: objectContext = .plain
            }
            return try redactObject(&pass, at: index, depth: depth, context: objectContext, level: level)
        case ASCII.openBracket:
            let elementContext: ValueContext
            switch context {
            case .cookieJar: elementContext = .cookieEntry
            case .parameterList: elementContext = .parameterEntry
            default: elementContext = .plain
            }
            return try redactArray(&pass, at: index, depth: depth, context: elementContext, level: level)
        case ASCII.minus, 0x30...0x39:
            return try JSONLexer.scanNumber(pass.text, from: index, end: pass.end)
        default:
            return try JSONLexer.scanLiteral(pass.text, from: index, end: pass.end)
        }
    }

    private func redactArray(
        _ pass: inout JSONPass, at openIndex: Int, depth: Int, context: ValueContext, level: Int
    ) throws(JSONScanError) -> Int {
        guard depth < maxDepth else {
            throw JSONScanError(.tooDeep(limit: maxDepth), at: openIndex)
        }
        let text = pass.text
        let end = pass.end
        var cursor = JSONLexer.skipWhitespace(text, from: openIndex + 1, end: end)
        if cursor < end && text[cursor] == ASCII.closeBracket { return cursor + 1 }
        // Elements of a cookie or parameter list are entries; their strings
        // are cookie header values or plain strings respectively.
        let stringContext: ValueContext = context == .cookieEntry ? .cookieJar : .plain
        while true {
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            let elementContext = text[cursor] == ASCII.quote ? stringContext : context
            cursor = try redactValue(&pass, at: cursor, depth: depth + 1, context: elementContext, level: level)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            if text[cursor] == ASCII.closeBracket { return cursor + 1 }
            cursor = try JSONLexer.expect(ASCII.comma, text, cursor, end)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
        }
    }

    private func redactObject(
        _ pass: inout JSONPass, at openIndex: Int, depth: Int, context: ValueContext, level: Int
    ) throws(JSONScanError) -> Int {
        guard depth < maxDepth else {
            throw JSONScanError(.tooDeep(limit: maxDepth), at: openIndex)
        }
        let text = pass.text
        let end = pass.end
        var cursor = JSONLexer.skipWhitespace(text, from: openIndex + 1, end: end)
        if cursor < end && text[cursor] == ASCII.closeBrace { return cursor + 1 }
        // The rule of this object's name/value pair, once its name is seen:
        // nil before, .some(nil) when the name is not a secret.
        var pairNameRule: KeyRule?? = nil
        while true {
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            guard text[cursor] == ASCII.quote else { throw JSONScanError(.unexpectedByte(text[cursor]), at: cursor) }
            let keyQuote = cursor
            let key = try JSONLexer.scanString(text, quoteIndex: cursor, end: end)
            let role = keyRole(text, key, level: level)
            cursor = JSONLexer.skipWhitespace(text, from: key.end + 1, end: end)
            cursor = try JSONLexer.expect(ASCII.colon, text, cursor, end)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            let valueIndex = cursor

            var rule: KeyRule?
            var childContext = ValueContext.plain
            switch context {
            case .cookieObject:
                rule = Self.cookieValueRule
            case .parameterObject:
                rule = parameterRule(text, key, level: level)
            default:
                break
            }
            if rule == nil {
                switch role {
                case .secret(let secretRule):
                    rule = secretRule
                case .pairValue:
                    if context == .cookieEntry {
                        rule = Self.cookieValueRule
                    } else if let seen = pairNameRule {
                        rule = seen
                    } else {
                        rule = lookAheadForPairName(text, valueIndex: valueIndex, end: end, depth: depth, context: context, level: level)
                    }
                case .pairName:
                    if text[valueIndex] == ASCII.quote {
                        pairNameRule = .some(pairRule(text, stringAt: valueIndex, end: end, context: context, level: level))
                    }
                case .cookieJar:
                    childContext = .cookieJar
                case .parameterList:
                    childContext = .parameterList
                case .none:
                    break
                }
            }

            let removesMember: Bool
            if case .secret(let secretRule) = role, replacement(for: secretRule.kind) == .remove, context != .cookieObject {
                removesMember = true
            } else {
                removesMember = false
            }
            if removesMember, let rule {
                if let next = try removeMember(&pass, keyQuote: keyQuote, valueIndex: valueIndex, kind: rule.kind, depth: depth) {
                    cursor = next
                    continue
                }
                return pass.copyFrom + 1
            }
            if valueDetectorsEnabled && key.end - key.start >= 16 {
                // A secret used as a key (`{"eyJ…": true}`) is replaced too.
                scrubString(&pass, key, depth: depth, level: level, allowsNestedJSON: false)
            }
            if let rule {
                // Parameter lists (HAR `queryString`, `params`) may hold values
                // still percent-encoded, whose fingerprint must match the decoded
                // value's in a URL or form body.
                let decodesPercent = context == .parameterEntry || context == .parameterObject
                cursor = try redactSecretValue(&pass, at: valueIndex, rule: rule, depth: depth + 1, level: level,
                                               decodesPercent: decodesPercent)
            } else {
                cursor = try redactValue(&pass, at: valueIndex, depth: depth + 1, context: childContext, level: level)
            }
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
            guard cursor < end else { throw JSONScanError(.unexpectedEnd, at: end) }
            if text[cursor] == ASCII.closeBrace { return cursor + 1 }
            cursor = try JSONLexer.expect(ASCII.comma, text, cursor, end)
            cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
        }
    }

    /// Removes the member whose key starts at `keyQuote`, with one comma.
    /// Returns the index of the next member's key, or nil when the removed
    /// member was the last one; then `pass.copyFrom` is at the closing brace.
    private func removeMember(
        _ pass: inout JSONPass, keyQuote: Int, valueIndex: Int, kind: SecretKind, depth: Int
    ) throws(JSONScanError) -> Int? {
        let text = pass.text
        let end = pass.end
        let valueEnd = try JSONLexer.skipValue(text, from: valueIndex, end: end, depth: depth + 1, maxDepth: maxDepth)
        var next = JSONLexer.skipWhitespace(text, from: valueEnd, end: end)
        guard next < end else { throw JSONScanError(.unexpectedEnd, at: end) }
        pass.copyThrough(keyQuote)
        countRedaction(kind)
        pass.changed = true
        if text[next] == ASCII.comma {
            next = JSONLexer.skipWhitespace(text, from: next + 1, end: end)
            pass.copyFrom = next
            return next
        }
        guard text[next] == ASCII.closeBrace else { throw JSONScanError(.unexpectedByte(text[next]), at: next) }
        // The output ends with the bytes before the removed key: whitespace
        // and, unless it was the first member, the comma after the previous one.
        let output = pass.output
        var tail = output.count
        while tail > 0 && ByteClass.isWhitespace(output.base[tail - 1]) { tail -= 1 }
        if tail > 0 && output.base[tail - 1] == ASCII.comma { output.truncate(to: tail - 1) }
        pass.copyFrom = next
        return nil
    }

    /// Redacts a value that a key rule or a pair name marks as secret.
    func redactSecretValue(
        _ pass: inout JSONPass, at index: Int, rule: KeyRule, depth: Int, level: Int, decodesPercent: Bool = false
    ) throws(JSONScanError) -> Int {
        let text = pass.text
        let end = pass.end
        switch text[index] {
        case ASCII.quote:
            let span = try JSONLexer.scanString(text, quoteIndex: index, end: end)
            guard span.end > span.start else { return span.end + 1 }
            var content = decodedContent(text, span, level: level)
            if Self.isMarker(content.base, count: content.count) { return span.end + 1 }
            if decodesPercent && memchr(content.base, Int32(ASCII.percent), content.count) != nil {
                unowned(unsafe) let percentDecoded = scratchBuffer(level: level, slot: 2)
                PercentEncoding.decode(content.base, count: content.count, into: percentDecoded)
                content = (UnsafePointer(percentDecoded.base), percentDecoded.count)
            }
            unowned(unsafe) let replacement = scratchBuffer(level: level, slot: 1)
            appendSecretValue(content.base, count: content.count, rule: rule, to: replacement, level: level)
            pass.copyThrough(span.start)
            JSONStringCoding.encode(replacement.base, count: replacement.count, into: pass.output)
            pass.copyFrom = span.end
            pass.changed = true
            return span.end + 1
        case ASCII.openBrace, ASCII.openBracket, ASCII.minus, 0x30...0x39:
            // Numbers, objects and arrays under a secret key are replaced whole.
            let valueEnd = try JSONLexer.skipValue(text, from: index, end: end, depth: depth, maxDepth: maxDepth)
            pass.copyThrough(index)
            pass.output.append(ASCII.quote)
            appendMarker(rule.kind, secret: text + index, count: valueEnd - index, to: pass.output)
            pass.output.append(ASCII.quote)
            pass.copyFrom = valueEnd
            pass.changed = true
            return valueEnd
        default:
            // true, false and null hold no secret.
            return try JSONLexer.scanLiteral(text, from: index, end: end)
        }
    }

    /// Scans a string value and scrubs its content.
    private func redactString(_ pass: inout JSONPass, at index: Int, depth: Int, level: Int) throws(JSONScanError) -> Int {
        let span = try JSONLexer.scanString(pass.text, quoteIndex: index, end: pass.end)
        if let valuePatterns {
            scrubStringWithPatterns(&pass, span, valuePatterns, depth: depth, level: level)
        } else if valueDetectorsEnabled && span.end - span.start >= 3 {
            scrubString(&pass, span, depth: depth, level: level, allowsNestedJSON: true)
        }
        return span.end + 1
    }

    /// Runs the text scan over a string's content and, if it redacted
    /// anything, writes the new content, escaped, in place of the old.
    func scrubString(_ pass: inout JSONPass, _ span: JSONLexer.StringSpan, depth: Int, level: Int, allowsNestedJSON: Bool) {
        let content = decodedContent(pass.text, span, level: level)
        unowned(unsafe) let scrubbed = scratchBuffer(level: level, slot: 1)
        guard scrubContent(content.base, count: content.count, into: scrubbed, depth: depth, level: level,
                           allowsNestedJSON: allowsNestedJSON) else { return }
        pass.copyThrough(span.start)
        JSONStringCoding.encode(scrubbed.base, count: scrubbed.count, into: pass.output)
        pass.copyFrom = span.end
        pass.changed = true
    }

    /// Runs the text scan (when the value detectors are on) and then the
    /// custom patterns over a string's content, and writes the result in
    /// place of the old content if either changed it.
    private func scrubStringWithPatterns(
        _ pass: inout JSONPass, _ span: JSONLexer.StringSpan, _ valuePatterns: any ValuePatternMatcher, depth: Int, level: Int
    ) {
        var content = decodedContent(pass.text, span, level: level)
        unowned(unsafe) let scrubbed = scratchBuffer(level: level, slot: 1)
        var changed = false
        if valueDetectorsEnabled && content.count >= 3
            && scrubContent(content.base, count: content.count, into: scrubbed, depth: depth, level: level, allowsNestedJSON: true) {
            content = (UnsafePointer(scrubbed.base), scrubbed.count)
            changed = true
        }
        patternOutput.removeAll()
        if applyValuePatterns(valuePatterns, content.base, count: content.count, into: patternOutput) {
            content = (UnsafePointer(patternOutput.base), patternOutput.count)
            changed = true
        }
        guard changed else { return }
        pass.copyThrough(span.start)
        JSONStringCoding.encode(content.base, count: content.count, into: pass.output)
        pass.copyFrom = span.end
        pass.changed = true
    }

    /// Returns the decoded content of a string: the raw bytes when it has no
    /// escapes, else a copy decoded into scratch slot 0 of `level`.
    ///
    /// Inlined, because it runs for every key and most strings have no
    /// escapes; the copy is out of line.
    @inline(__always)
    func decodedContent(
        _ text: UnsafePointer<UInt8>, _ span: JSONLexer.StringSpan, level: Int
    ) -> (base: UnsafePointer<UInt8>, count: Int) {
        guard span.hasEscapes else { return (text + span.start, span.end - span.start) }
        return decodedCopy(text, span, level: level)
    }

    @inline(never)
    private func decodedCopy(
        _ text: UnsafePointer<UInt8>, _ span: JSONLexer.StringSpan, level: Int
    ) -> (base: UnsafePointer<UInt8>, count: Int) {
        unowned(unsafe) let decoded = scratchBuffer(level: level, slot: 0)
        JSONStringCoding.decode(text, start: span.start, end: span.end, into: decoded)
        return (UnsafePointer(decoded.base), decoded.count)
    }

    /// Classifies a key, after decoding escapes and normalising.
    private func keyRole(_ text: UnsafePointer<UInt8>, _ key: JSONLexer.StringSpan, level: Int) -> KeyRole {
        let content = decodedContent(text, key, level: level)
        return role(of: content.base, count: content.count)
    }

    /// Classifies a key in a parameter object, where URL parameter rules apply.
    private func parameterRule(_ text: UnsafePointer<UInt8>, _ key: JSONLexer.StringSpan, level: Int) -> KeyRule? {
        let content = decodedContent(text, key, level: level)
        return parameterRule(of: content.base, count: content.count, inURL: true)
    }

    /// Classifies the pair name in the string at `index`, for its value.
    private func pairRule(
        _ text: UnsafePointer<UInt8>, stringAt index: Int, end: Int, context: ValueContext, level: Int
    ) -> KeyRule? {
        guard let span = try? JSONLexer.scanString(text, quoteIndex: index, end: end) else { return nil }
        let content = decodedContent(text, span, level: level)
        return parameterRule(of: content.base, count: content.count, inURL: context == .parameterEntry)
    }

    /// Finds the name of a pair whose `value` member comes before its `name`
    /// member by scanning ahead to the end of the object. Invalid JSON
    /// returns nil here; the main pass reports it.
    private func lookAheadForPairName(
        _ text: UnsafePointer<UInt8>, valueIndex: Int, end: Int, depth: Int, context: ValueContext, level: Int
    ) -> KeyRule? {
        let maxDepth = maxDepth
        do {
            var cursor = try JSONLexer.skipValue(text, from: valueIndex, end: end, depth: depth + 1, maxDepth: maxDepth)
            while true {
                cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
                guard cursor < end, text[cursor] == ASCII.comma else { return nil }
                cursor = JSONLexer.skipWhitespace(text, from: cursor + 1, end: end)
                guard cursor < end, text[cursor] == ASCII.quote else { return nil }
                let key = try JSONLexer.scanString(text, quoteIndex: cursor, end: end)
                let role = keyRole(text, key, level: level)
                cursor = JSONLexer.skipWhitespace(text, from: key.end + 1, end: end)
                cursor = try JSONLexer.expect(ASCII.colon, text, cursor, end)
                cursor = JSONLexer.skipWhitespace(text, from: cursor, end: end)
                guard cursor < end else { return nil }
                if role == .pairName && text[cursor] == ASCII.quote {
                    return pairRule(text, stringAt: cursor, end: end, context: context, level: level)
                }
                cursor = try JSONLexer.skipValue(text, from: cursor, end: end, depth: depth + 1, maxDepth: maxDepth)
            }
        } catch {
            return nil
        }
    }
}
