import LogsieveCore

/// One custom value pattern as configured: a PCRE2 regular expression whose
/// matches in string values become `[REDACTED:<kind>:<fingerprint>]`.
public struct ValuePatternDefinition: Sendable, Equatable {
    /// A name for messages and `config show`; it does not appear in output.
    public var name: String
    /// The expression, in PCRE2 syntax, compiled with `PCRE2_UTF` and
    /// `PCRE2_MATCH_INVALID_UTF` (and `PCRE2_CASELESS` when `caseless`).
    public var expression: String
    /// The kind written into the marker.
    public var kind: SecretKind
    /// Bytes that every match contains. A value without them is not
    /// searched at all, which keeps many patterns cheap on values that
    /// cannot match. Compared byte for byte, also when `caseless`.
    public var literal: String?
    public var caseless: Bool

    public init(name: String, expression: String, kind: SecretKind, literal: String? = nil, caseless: Bool = false) {
        self.name = name
        self.expression = expression
        self.kind = kind
        self.literal = literal
        self.caseless = caseless
    }
}

/// The limits of one search of one pattern in one value. A search that
/// reaches one fails, and the value is redacted whole.
public struct ValuePatternLimits: Sendable, Equatable {
    /// `pcre2_set_match_limit`: the number of times PCRE2 may call its
    /// internal match function (or, with JIT, a comparable count), per search.
    public var matchLimit: UInt32 = 100_000
    /// `pcre2_set_depth_limit`: the backtracking depth, for the interpreter
    /// when JIT is not available. JIT searches are bounded by its stack.
    public var depthLimit: UInt32 = 10_000

    public static let `default` = ValuePatternLimits()

    public init() {}
}

/// A pattern that PCRE2 rejected, with the offset in the expression.
public struct ValuePatternError: Error, Sendable {
    public var name: String
    public var message: String
    /// The byte offset in the expression where PCRE2 stopped.
    public var offset: Int
}
