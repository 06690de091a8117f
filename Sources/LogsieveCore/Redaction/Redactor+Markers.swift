extension Redactor {
    /// Appends the replacement for `secret` (the value itself, without a
    /// scheme word or cookie name) and counts it.
    func appendMarker(_ kind: SecretKind, secret: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) {
        countRedaction(kind)
        guard replacement(for: kind) == .fingerprint else {
            output.append("[REDACTED]")
            return
        }
        output.append("[REDACTED:")
        output.append(string: kind.name)
        if kind == .session {
            // The enrich stage keys sessions on the full MAC, which the
            // marker shows only the start of.
            output.append(ASCII.colon)
            sessionMACs.record(fingerprinter.appendFingerprint(returningMACOf: secret, count: count, to: output))
        } else if kind.isFingerprinted {
            output.append(ASCII.colon)
            fingerprinter.appendFingerprint(of: secret, count: count, to: output)
        }
        output.append(ASCII.closeBracket)
    }

    /// The length of the marker that starts at `index`, or 0 if none does.
    /// Markers are recognised so that redacting twice changes nothing.
    static func markerLength(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> Int {
        let prefix: StaticString = "[REDACTED"
        let prefixLength = prefix.utf8CodeUnitCount
        guard end - index >= prefixLength + 1 else { return 0 }
        for offset in 0..<prefixLength where text[index + offset] != prefix.utf8Start[offset] {
            return 0
        }
        var cursor = index + prefixLength
        if text[cursor] == ASCII.closeBracket { return cursor + 1 - index }
        guard text[cursor] == ASCII.colon else { return 0 }
        cursor += 1
        // A kind name, then optionally a colon and hex digits, then `]`.
        let limit = min(end, cursor + 64)
        while cursor < limit {
            let byte = text[cursor]
            if byte == ASCII.closeBracket { return cursor + 1 - index }
            guard ByteClass.token[Int(byte)] || byte == ASCII.colon else { return 0 }
            cursor += 1
        }
        return 0
    }

    /// Whether `text[0..<count]` is one marker, possibly with surrounding spaces.
    static func isMarker(_ text: UnsafePointer<UInt8>, count: Int) -> Bool {
        var start = 0
        var end = count
        while start < end && ByteClass.isWhitespace(text[start]) { start += 1 }
        while end > start && ByteClass.isWhitespace(text[end - 1]) { end -= 1 }
        return start < end && markerLength(text, at: start, end: end) == end - start
    }
}
