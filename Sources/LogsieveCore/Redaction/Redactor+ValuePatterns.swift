#if canImport(Glibc)
import Glibc
#endif

/// Custom value patterns over string content, after the built-in rules.
extension Redactor {
    /// Replaces the matches of the custom patterns in `text` and writes the
    /// result to `output`. Returns whether anything changed; only then is
    /// the new content in `output`. A match that overlaps a marker (from an
    /// earlier rule) is skipped, so a pattern never rewrites a fingerprint.
    /// A pattern that hit its match limit redacts the whole value.
    func applyValuePatterns(
        _ matcher: any ValuePatternMatcher, _ text: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer
    ) -> Bool {
        guard count > 0 else { return false }
        patternMatches.removeAll(keepingCapacity: true)
        if let failedKind = matcher.collectMatches(text, count: count, into: &patternMatches) {
            appendMarker(failedKind, secret: text, count: count, to: output)
            return true
        }
        guard !patternMatches.isEmpty else { return false }
        if patternMatches.count > 1 {
            patternMatches.sort { $0.start != $1.start ? $0.start < $1.start : $0.end > $1.end }
        }
        var copied = 0
        var changed = false
        for match in patternMatches where match.start >= copied && match.end > match.start && match.end <= count {
            if Self.overlapsMarker(text, count: count, start: match.start, end: match.end) { continue }
            output.append(text + copied, count: match.start - copied)
            appendMarker(match.kind, secret: text + match.start, count: match.end - match.start, to: output)
            copied = match.end
            changed = true
        }
        guard changed else { return false }
        output.append(text + copied, count: count - copied)
        return true
    }

    /// Returns whether `text[start..<end]` overlaps a `[REDACTED…]` marker. Markers
    /// are at most 64 bytes past their prefix, so the search starts that far
    /// before `start`.
    private static func overlapsMarker(_ text: UnsafePointer<UInt8>, count: Int, start: Int, end: Int) -> Bool {
        var index = max(0, start - 80)
        while index < end {
            guard let found = memchr(text + index, Int32(ASCII.openBracket), end - index) else { return false }
            let position = UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - text
            let length = markerLength(text, at: position, end: count)
            if length > 0 && position + length > start { return true }
            index = position + 1
        }
        return false
    }
}
