/// Finds what the redactor changed by walking a JSON value and its redacted
/// copy side by side. The redactor keeps the structure and replaces strings,
/// so the two texts differ only in string content (and, with
/// `--replace remove`, in removed members). Each changed string yields one
/// finding per new marker in it.
///
/// This runs only for values that changed, so the hot path stays as it is.
enum RedactionDiff {
    typealias Report = (RedactionFinding) -> Void

    /// Compares two complete JSON values that start at index 0 (no leading
    /// whitespace). Texts that are not valid JSON yield no findings.
    static func compare(
        original: UnsafePointer<UInt8>, count originalCount: Int, redacted: UnsafePointer<UInt8>, count redactedCount: Int,
        path: [JSONPathComponent], report: Report
    ) {
        withoutActuallyEscaping(report) { report in
            var walker = Walker(original: original, originalEnd: originalCount, redacted: redacted,
                                redactedEnd: redactedCount, report: report)
            var path = path
            _ = try? walker.compareValues(0, 0, path: &path)
        }
    }

    private struct Walker {
        let original: UnsafePointer<UInt8>
        let originalEnd: Int
        let redacted: UnsafePointer<UInt8>
        let redactedEnd: Int
        let report: Report

        /// Compares the values at `a` (original) and `b` (redacted); returns
        /// the indices after both.
        mutating func compareValues(_ a: Int, _ b: Int, path: inout [JSONPathComponent]) throws(JSONScanError) -> (Int, Int) {
            guard a < originalEnd, b < redactedEnd else { throw JSONScanError(.unexpectedEnd, at: a) }
            let first = original[a]
            let second = redacted[b]
            if second == ASCII.quote {
                let redactedSpan = try JSONLexer.scanString(redacted, quoteIndex: b, end: redactedEnd)
                let originalEnd = try JSONLexer.skipValue(original, from: a, end: self.originalEnd, depth: 0, maxDepth: 100_000)
                let before: [UInt8]
                if first == ASCII.quote {
                    before = RedactionDiff.content(original, try JSONLexer.scanString(original, quoteIndex: a, end: self.originalEnd))
                } else {
                    before = Array(UnsafeBufferPointer(start: original + a, count: originalEnd - a))
                }
                let after = RedactionDiff.content(redacted, redactedSpan)
                if before != after {
                    RedactionDiff.reportChange(before: before, after: after, path: path, report: report)
                }
                return (originalEnd, redactedSpan.end + 1)
            }
            switch (first, second) {
            case (ASCII.openBrace, ASCII.openBrace):
                return try compareObjects(a, b, path: &path)
            case (ASCII.openBracket, ASCII.openBracket):
                return try compareArrays(a, b, path: &path)
            default:
                let nextA = try JSONLexer.skipValue(original, from: a, end: originalEnd, depth: 0, maxDepth: 100_000)
                let nextB = try JSONLexer.skipValue(redacted, from: b, end: redactedEnd, depth: 0, maxDepth: 100_000)
                return (nextA, nextB)
            }
        }

        private mutating func compareArrays(_ a: Int, _ b: Int, path: inout [JSONPathComponent]) throws(JSONScanError) -> (Int, Int) {
            var cursorA = JSONLexer.skipWhitespace(original, from: a + 1, end: originalEnd)
            var cursorB = JSONLexer.skipWhitespace(redacted, from: b + 1, end: redactedEnd)
            var index = 0
            while true {
                guard cursorA < originalEnd, cursorB < redactedEnd else { throw JSONScanError(.unexpectedEnd, at: cursorA) }
                if original[cursorA] == ASCII.closeBracket || redacted[cursorB] == ASCII.closeBracket {
                    let endA = try JSONLexer.skipValue(original, from: a, end: originalEnd, depth: 0, maxDepth: 100_000)
                    let endB = try JSONLexer.skipValue(redacted, from: b, end: redactedEnd, depth: 0, maxDepth: 100_000)
                    return (endA, endB)
                }
                path.append(.index(index))
                (cursorA, cursorB) = try compareValues(cursorA, cursorB, path: &path)
                path.removeLast()
                index += 1
                cursorA = skipSeparator(original, cursorA, originalEnd)
                cursorB = skipSeparator(redacted, cursorB, redactedEnd)
            }
        }

        private mutating func compareObjects(_ a: Int, _ b: Int, path: inout [JSONPathComponent]) throws(JSONScanError) -> (Int, Int) {
            var cursorA = JSONLexer.skipWhitespace(original, from: a + 1, end: originalEnd)
            var cursorB = JSONLexer.skipWhitespace(redacted, from: b + 1, end: redactedEnd)
            while true {
                guard cursorA < originalEnd, cursorB < redactedEnd else { throw JSONScanError(.unexpectedEnd, at: cursorA) }
                if original[cursorA] == ASCII.closeBrace || redacted[cursorB] == ASCII.closeBrace {
                    // Members left in the original only were removed (`--replace remove`).
                    while cursorA < originalEnd && original[cursorA] == ASCII.quote {
                        let key = try JSONLexer.scanString(original, quoteIndex: cursorA, end: originalEnd)
                        report(RedactionFinding(path: path + [.key(RedactionDiff.content(original, key))], kind: "removed", fingerprint: nil))
                        var next = JSONLexer.skipWhitespace(original, from: key.end + 1, end: originalEnd) + 1
                        next = JSONLexer.skipWhitespace(original, from: next, end: originalEnd)
                        next = try JSONLexer.skipValue(original, from: next, end: originalEnd, depth: 0, maxDepth: 100_000)
                        cursorA = skipSeparator(original, next, originalEnd)
                    }
                    let endA = try JSONLexer.skipValue(original, from: a, end: originalEnd, depth: 0, maxDepth: 100_000)
                    let endB = try JSONLexer.skipValue(redacted, from: b, end: redactedEnd, depth: 0, maxDepth: 100_000)
                    return (endA, endB)
                }
                let keyA = try JSONLexer.scanString(original, quoteIndex: cursorA, end: originalEnd)
                let keyB = try JSONLexer.scanString(redacted, quoteIndex: cursorB, end: redactedEnd)
                let nameA = RedactionDiff.content(original, keyA)
                let nameB = RedactionDiff.content(redacted, keyB)
                let valueA = JSONLexer.skipWhitespace(original, from: JSONLexer.skipWhitespace(original, from: keyA.end + 1, end: originalEnd) + 1, end: originalEnd)
                if nameA != nameB && !RedactionDiff.hasNewMarkers(before: nameA, after: nameB) {
                    // The original member is gone (`--replace remove`); the redacted
                    // side is already at the next member.
                    report(RedactionFinding(path: path + [.key(nameA)], kind: "removed", fingerprint: nil))
                    let next = try JSONLexer.skipValue(original, from: valueA, end: originalEnd, depth: 0, maxDepth: 100_000)
                    cursorA = skipSeparator(original, next, originalEnd)
                    continue
                }
                if nameA != nameB {
                    RedactionDiff.reportChange(before: nameA, after: nameB, path: path + [.key(nameB)], report: report)
                }
                let valueB = JSONLexer.skipWhitespace(redacted, from: JSONLexer.skipWhitespace(redacted, from: keyB.end + 1, end: redactedEnd) + 1, end: redactedEnd)
                path.append(.key(nameB))
                (cursorA, cursorB) = try compareValues(valueA, valueB, path: &path)
                path.removeLast()
                cursorA = skipSeparator(original, cursorA, originalEnd)
                cursorB = skipSeparator(redacted, cursorB, redactedEnd)
            }
        }

        /// Skips whitespace and at most one comma after a value.
        private func skipSeparator(_ text: UnsafePointer<UInt8>, _ index: Int, _ end: Int) -> Int {
            var cursor = JSONLexer.skipWhitespace(text, from: index, end: end)
            if cursor < end && text[cursor] == ASCII.comma { cursor += 1 }
            return JSONLexer.skipWhitespace(text, from: cursor, end: end)
        }
    }

    static func content(_ text: UnsafePointer<UInt8>, _ span: JSONLexer.StringSpan) -> [UInt8] {
        guard span.hasEscapes else { return Array(UnsafeBufferPointer(start: text + span.start, count: span.end - span.start)) }
        let buffer = ByteBuffer(capacity: span.end - span.start)
        JSONStringCoding.decode(text, start: span.start, end: span.end, into: buffer)
        return buffer.toArray()
    }

    static func hasNewMarkers(before: [UInt8], after: [UInt8]) -> Bool {
        !newMarkers(before: before, after: after).isEmpty
    }

    /// Reports one finding per marker in `after` that is not in `before`.
    /// A base64 body is looked into when its text shows no new marker. A
    /// change without any marker (a SAML signature removed, a JWT cut to its
    /// claims) is reported as kind `changed`.
    static func reportChange(before: [UInt8], after: [UInt8], path: [JSONPathComponent], report: Report) {
        var markers = newMarkers(before: before, after: after)
        if markers.isEmpty, let decodedAfter = base64Decoded(after) {
            markers = newMarkers(before: base64Decoded(before) ?? [], after: decodedAfter)
        }
        if markers.isEmpty {
            report(RedactionFinding(path: path, kind: "changed", fingerprint: nil))
        }
        for marker in markers {
            report(RedactionFinding(path: path, kind: marker.kind, fingerprint: marker.fingerprint))
        }
    }

    private static func base64Decoded(_ text: [UInt8]) -> [UInt8]? {
        guard text.count >= 4 else { return nil }
        let buffer = ByteBuffer(capacity: text.count)
        let decoded = text.withUnsafeBufferPointer { Base64Codec.decode($0.baseAddress!, count: $0.count, into: buffer) }
        return decoded ? buffer.toArray() : nil
    }

    struct Marker: Equatable {
        var kind: String
        var fingerprint: String?
    }

    static func newMarkers(before: [UInt8], after: [UInt8]) -> [Marker] {
        var added = markers(in: after)
        for marker in markers(in: before) {
            if let position = added.firstIndex(of: marker) { added.remove(at: position) }
        }
        return added
    }

    /// The markers in `text`: `[REDACTED:kind:fingerprint]`, `[REDACTED:kind]`
    /// and `[REDACTED]` (kind `redacted`).
    static func markers(in text: [UInt8]) -> [Marker] {
        text.withUnsafeBufferPointer { bytes -> [Marker] in
            guard let base = bytes.baseAddress else { return [] }
            var found: [Marker] = []
            var index = 0
            let prefix = Array("[REDACTED".utf8)
            while index + prefix.count < bytes.count {
                guard base[index] == ASCII.openBracket else {
                    index += 1
                    continue
                }
                let length = Redactor.markerLength(base, at: index, end: bytes.count)
                guard length > 0 else {
                    index += 1
                    continue
                }
                // Between `[REDACTED` and `]`: nothing, or `:kind` and maybe `:fingerprint`.
                let inner = Array(bytes[(index + prefix.count)..<(index + length - 1)])
                let parts = inner.split(separator: ASCII.colon, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                if parts.count >= 2 {
                    found.append(Marker(kind: parts[1], fingerprint: parts.count >= 3 ? parts[2] : nil))
                } else {
                    found.append(Marker(kind: "redacted", fingerprint: nil))
                }
                index += length
            }
            return found
        }
    }
}
