/// The redaction engine for one thread.
///
/// It works on raw UTF-8 bytes: it finds keys and strings in the input,
/// decodes escapes only where a key or value must be compared, and copies
/// every byte that is not redacted through unchanged. Its facets live in
/// the `Redactor+*.swift` files:
/// - `+JSON`: the structural pass over a JSON value (key rules, name/value
///   pairs, cookie jars, whole values under secret keys);
/// - `+Text`: the scan of string content (value detectors, parameters,
///   JSON inside strings);
/// - `+Credentials`, `+Parameters`, `+Cookies`: the individual rules;
/// - `+Fragments`: text that is not valid JSON, scrubbed token by token;
/// - `+Markers`: the replacement text.
///
/// A redactor is not thread-safe: make one per thread. Instances share
/// nothing mutable, so several can run in parallel.
public final class Redactor {
    public let configuration: RedactorConfiguration
    let fingerprinter: Fingerprinter
    // Copies of the configuration that the hot path reads, so that it never
    // copies the configuration struct.
    let keyRules: CompiledKeyRules
    let maxDepth: Int
    let valueDetectorsEnabled: Bool
    /// The replacement mode of each kind, indexed by `SecretKind.rawValue`.
    let replacementByKind: [ReplacementMode]
    /// The custom value patterns, compiled for this redactor's thread.
    let valuePatterns: (any ValuePatternMatcher)?
    /// Scratch space for the matches of `valuePatterns` in one string.
    var patternMatches: [ValuePatternMatch] = []
    /// The output of the custom patterns over one string; consumed before
    /// the next string is searched, so one buffer serves every level.
    let patternOutput = ByteBuffer(capacity: 4096)
    let jwtMode: JWTMode
    /// `ByteClass.scan`, read once here: each read of a lazy static runs
    /// swift_once, and the text scan starts once per string.
    let scanClasses = ByteClass.scan
    public private(set) var counts = RedactionCounts()
    /// The kinds counted since the last `markCounts()`, so that the counts of a pass
    /// that failed half-way can be taken back.
    private var countJournal: [SecretKind] = []

    /// Scratch buffers, three per nesting level of JSON inside strings, so
    /// that no level overwrites a buffer that an outer level still reads.
    /// Levels 0 and 1 are stored properties, because reading one costs no
    /// reference counting on the hot path.
    private let levelZero = (ByteBuffer(capacity: 4096), ByteBuffer(capacity: 4096), ByteBuffer(capacity: 4096))
    private let levelOne = (ByteBuffer(capacity: 4096), ByteBuffer(capacity: 4096), ByteBuffer(capacity: 4096))
    private var deeperScratch: [ByteBuffer] = []
    var keyNormalizer = KeyNormalizer()
    let keyRoleCache = KeyRoleCache()
    /// The pending name of a name/value pair seen in invalid text, carried
    /// from one invalid line to the next.
    var fragmentState = FragmentState()
    /// The full MACs of the session identifiers fingerprinted in the
    /// current event, for the enrich stage.
    public internal(set) var sessionMACs = SessionMACTable()

    /// `valuePatterns` must not be shared with another redactor.
    public init(
        configuration: RedactorConfiguration, fingerprinter: Fingerprinter, valuePatterns: (any ValuePatternMatcher)? = nil
    ) {
        self.configuration = configuration
        self.fingerprinter = fingerprinter
        keyRules = configuration.keyRules.tables
        maxDepth = configuration.maxDepth
        valueDetectorsEnabled = configuration.valueDetectors
        replacementByKind = SecretKind.allCases.map { configuration.replacement(for: $0) }
        self.valuePatterns = valuePatterns
        jwtMode = configuration.jwt
    }

    /// Returns the replacement mode of `kind`.
    @inline(__always)
    func replacement(for kind: SecretKind) -> ReplacementMode {
        replacementByKind[Int(kind.rawValue)]
    }

    deinit {
        keyNormalizer.deallocate()
        keyRoleCache.deallocate()
    }

    /// Returns the scratch buffer `slot` (0, 1 or 2) of nesting `level`, emptied.
    @inline(__always)
    func scratchBuffer(level: Int, slot: Int) -> ByteBuffer {
        let buffer: ByteBuffer
        switch (level, slot) {
        case (0, 0): buffer = levelZero.0
        case (0, 1): buffer = levelZero.1
        case (0, _): buffer = levelZero.2
        case (1, 0): buffer = levelOne.0
        case (1, 1): buffer = levelOne.1
        case (1, _): buffer = levelOne.2
        default: buffer = deeperScratchBuffer(level: level, slot: slot)
        }
        buffer.removeAll()
        return buffer
    }

    private func deeperScratchBuffer(level: Int, slot: Int) -> ByteBuffer {
        let index = (level - 2) * 3 + slot
        while deeperScratch.count <= index { deeperScratch.append(ByteBuffer(capacity: 4096)) }
        return deeperScratch[index]
    }

    /// Classifies a key or a name given without JSON escapes. Short names
    /// go through the role cache, because real events repeat them.
    @inline(__always)
    func role(of name: UnsafePointer<UInt8>, count: Int) -> KeyRole {
        let cacheable = count > 0 && count <= KeyRoleCache.maxKeyLength
        if cacheable, let role = keyRoleCache.lookup(name, count: count) { return role }
        keyNormalizer.normalize(name, count: count)
        let role = keyRules.role(normalized: keyNormalizer.buffer, count: keyNormalizer.count)
        if cacheable { keyRoleCache.store(name, count: count, role: role) }
        return role
    }

    /// Classifies a parameter name in a URL, query string or form body;
    /// `inURL` selects whether the URL-only rules (`code`, `state`, …) apply.
    func parameterRule(of name: UnsafePointer<UInt8>, count: Int, inURL: Bool) -> KeyRule? {
        if case .secret(let rule) = role(of: name, count: count) { return rule }
        guard inURL else { return nil }
        keyNormalizer.normalize(name, count: count)
        return keyRules.parameterRule(normalized: keyNormalizer.buffer, count: keyNormalizer.count, inURL: true)
    }

    public func resetCounts() {
        counts = RedactionCounts()
        countJournal.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    func countRedaction(_ kind: SecretKind) {
        counts.add(kind)
        countJournal.append(kind)
    }

    /// Starts a new journal of counted redactions, once per event.
    public func beginEvent() {
        countJournal.removeAll(keepingCapacity: true)
        sessionMACs.removeAll()
    }

    /// Returns a mark in the journal, for `rollBackCounts(to:)`.
    public func markCounts() -> Int {
        countJournal.count
    }

    /// Takes back every redaction counted since `mark`.
    public func rollBackCounts(to mark: Int) {
        guard mark <= countJournal.count else { return }
        for kind in countJournal[mark...] { counts.subtract(kind) }
        countJournal.removeSubrange(mark...)
    }
}
