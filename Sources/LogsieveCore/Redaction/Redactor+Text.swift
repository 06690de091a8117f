/// The text scan: the value detectors and parameter rules over the decoded
/// content of a string, or over text that is not JSON.
extension Redactor {
    /// Scrubs string content. Content that looks like JSON is redacted as
    /// JSON, recursively; if it does not parse, it is scrubbed token by
    /// token as a fragment. Returns whether anything changed; only then is
    /// the new content in `output`.
    func scrubContent(
        _ text: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer, depth: Int, level: Int, allowsNestedJSON: Bool
    ) -> Bool {
        if allowsNestedJSON {
            let first = JSONLexer.skipWhitespace(text, from: 0, end: count)
            if first < count && (text[first] == ASCII.openBrace || text[first] == ASCII.openBracket) {
                if let changed = redactNestedJSON(text, count: count, first: first, into: output, depth: depth, level: level) {
                    return changed
                }
                var state = FragmentState()
                return scrubFragment(text, count: count, into: output, depth: depth, level: level, state: &state)
            }
        }
        var pending: KeyRule? = nil
        return scrubText(text, count: count, into: output, depth: depth, level: level, pendingPairRule: &pending)
    }

    /// Redacts text that should be a JSON document. Returns nil when it is
    /// not valid JSON, with the counts as they were.
    private func redactNestedJSON(
        _ text: UnsafePointer<UInt8>, count: Int, first: Int, into output: ByteBuffer, depth: Int, level: Int
    ) -> Bool? {
        let countMark = markCounts()
        let outputStart = output.count
        var pass = JSONPass(text: text, end: count, output: output)
        do {
            let valueEnd = try redactValue(&pass, at: first, depth: depth + 1, context: .plain, level: level + 1)
            guard JSONLexer.skipWhitespace(text, from: valueEnd, end: count) == count else {
                throw JSONScanError(.trailingBytes, at: valueEnd)
            }
        } catch {
            rollBackCounts(to: countMark)
            output.truncate(to: outputStart)
            return nil
        }
        guard pass.changed else {
            output.truncate(to: outputStart)
            return false
        }
        pass.copyThrough(count)
        return true
    }

    /// Runs the detector loop. It looks at word starts for credential
    /// schemes, JWTs, PEM blocks and token shapes. It looks at `=`, `:`, `@`
    /// and `[` for parameters, headers and keys, userinfo and markers, and
    /// at `%` for an encoded space between words. Every other byte costs
    /// one table load.
    func scrubText(
        _ text: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer, depth: Int, level: Int,
        pendingPairRule: inout KeyRule?
    ) -> Bool {
        var scrub = TextScrub(text: text, end: count, output: output)
        scrub.pendingPairRule = pendingPairRule
        let classes = scanClasses
        var index = 0
        // 256 after a token character, to index the second half of `classes`.
        var afterToken = 0
        while index < count {
            let byteClass = classes[Int(text[index]) | afterToken]
            if byteClass <= ByteClass.Scan.token {
                afterToken = Int(byteClass) << 8
                index += 1
                continue
            }
            switch byteClass {
            case ByteClass.Scan.detectorStart:
                if let next = matchWordStart(&scrub, at: index, level: level) {
                    index = next
                    afterToken = 0
                    continue
                }
                afterToken = 256
                index += 1
            case ByteClass.Scan.equals:
                afterToken = 0
                index = applyParameterRule(&scrub, separator: index, level: level)
            case ByteClass.Scan.colon:
                afterToken = 0
                index = applyKeyRule(&scrub, separator: index, level: level)
            case ByteClass.Scan.at:
                afterToken = 0
                index = applyUserinfoRule(&scrub, at: index)
            case ByteClass.Scan.percent:
                // An encoded space ends a word like a space does, so that
                // the detectors see `Bearer` in `Authorization%3A%20Bearer%20…`.
                afterToken = 0
                index += CredentialShapes.isEncodedSpace(text, at: index, end: count) ? 3 : 1
            default:
                afterToken = 0
                index += max(Self.markerLength(text, at: index, end: count), 1)
            }
        }
        scrub.finish()
        pendingPairRule = scrub.pendingPairRule
        return scrub.changed
    }

    /// Tries the detectors that start at a word. Returns the index after a
    /// match that was replaced, or nil.
    @inline(__always)
    private func matchWordStart(_ scrub: inout TextScrub, at index: Int, level: Int) -> Int? {
        let text = scrub.text
        let end = scrub.end
        switch text[index] {
        case UInt8(ascii: "B"), UInt8(ascii: "b"), UInt8(ascii: "D"), UInt8(ascii: "d"), UInt8(ascii: "S"):
            if let next = replaceSchemeCredential(&scrub, at: index) { return next }
        case UInt8(ascii: "e"):
            if let next = replaceJWT(&scrub, at: index) { return next }
        case ASCII.minus:
            return replacePrivateKeyBlock(&scrub, at: index)
        default:
            break
        }
        guard let match = matchTokenShape(text, at: index, end: end) else { return nil }
        let output = scrub.beginReplacement(at: index)
        appendMarker(match.kind, secret: text + index, count: match.end - index, to: output)
        scrub.endReplacement(at: match.end)
        return match.end
    }
}
