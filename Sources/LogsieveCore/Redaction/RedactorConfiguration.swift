/// The replacement written for a redacted value.
public enum ReplacementMode: String, Sendable, CaseIterable {
    /// `[REDACTED:<kind>:<fingerprint>]`, or `[REDACTED:<kind>]` for kinds
    /// that get no fingerprint.
    case fingerprint
    /// `[REDACTED]`.
    case mask
    /// JSON members whose key matches a key rule are removed; values inside
    /// strings and in name/value pairs become `[REDACTED]`.
    case remove
}

/// The way JWTs are redacted.
public enum JWTMode: String, Sendable, CaseIterable {
    /// The whole token becomes a marker.
    case redact
    /// Header and claims stay; the signature is dropped (`header.claims.`),
    /// so the token can be read but not replayed.
    case keepClaims = "keep-claims"
}

/// Settings of a redactor.
public struct RedactorConfiguration: Sendable {
    public var keyRules = KeyRuleSet.default
    public var replacement = ReplacementMode.fingerprint
    /// Replacement modes for single kinds, over `replacement`.
    public var replacementOverrides: [SecretKind: ReplacementMode] = [:]
    public var jwt = JWTMode.redact
    /// Containers nested deeper than this make the event invalid, and it is
    /// written as a scrubbed envelope. JSON inside a string that nests
    /// deeper is not parsed: the string is scrubbed as text instead.
    public var maxDepth = 512
    /// Whether the value detectors (credential schemes, JWTs, token shapes,
    /// URL parameters) run over strings. Key rules always apply.
    public var valueDetectors = true

    public static let defaultMaxDepth = 512
    /// The highest `maxDepth` allowed. The structural pass recurses once per
    /// level, and 20,000 levels ran within a default 8 MiB thread stack in a
    /// release build on x86_64; this keeps a margin of two.
    public static let maxAllowedDepth = 10_000

    public init() {}

    /// Returns the replacement mode of `kind`: its override, else `replacement`.
    public func replacement(for kind: SecretKind) -> ReplacementMode {
        replacementOverrides[kind] ?? replacement
    }
}

/// Redactions counted by kind, for `--stats`.
public struct RedactionCounts: Sendable, Equatable {
    public private(set) var byKind: [Int] = Array(repeating: 0, count: SecretKind.allCases.count)

    public init() {}

    @inline(__always)
    mutating func add(_ kind: SecretKind) {
        byKind[Int(kind.rawValue)] += 1
    }

    mutating func subtract(_ kind: SecretKind) {
        byKind[Int(kind.rawValue)] -= 1
    }

    public var total: Int { byKind.reduce(0, +) }

    public subscript(kind: SecretKind) -> Int { byKind[Int(kind.rawValue)] }

    public mutating func merge(_ other: RedactionCounts) {
        for index in byKind.indices { byKind[index] += other.byKind[index] }
    }
}
