/// A match of a custom value pattern: bytes `start..<end` of the string
/// searched, to be replaced by a marker of `kind`.
public struct ValuePatternMatch: Sendable, Equatable {
    public var start: Int
    public var end: Int
    public var kind: SecretKind

    public init(start: Int, end: Int, kind: SecretKind) {
        self.start = start
        self.end = end
        self.kind = kind
    }
}

/// The custom value patterns of one redactor, compiled for one thread.
///
/// The redactor calls it on string values (and text lines) after the
/// built-in rules ran, so that patterns see only what those left. The
/// implementation lives outside the engine (`LogsievePatterns`, PCRE2), so
/// that the engine links no regular expression library.
public protocol ValuePatternMatcher: AnyObject {
    /// Appends every match in `text[0..<count]` to `matches`, in any order,
    /// overlapping ones included. Returns the kind of a pattern whose search
    /// failed (a match or depth limit hit, an internal error): the caller
    /// then redacts the whole value, because a pattern that could not finish
    /// might have matched. Returns nil when every pattern ran to the end.
    func collectMatches(_ text: UnsafePointer<UInt8>, count: Int, into matches: inout [ValuePatternMatch]) -> SecretKind?
}
