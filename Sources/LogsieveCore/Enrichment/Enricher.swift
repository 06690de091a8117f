import Glibc

/// The enrich stage's engine: recognises the identity provider, reads the
/// event, evaluates the flags against the session and user state, and
/// appends the `logsieve` member.
///
/// One instance per stream, not thread-safe, like `Redactor`.
public final class Enricher {
    public internal(set) var configuration: EnrichmentConfiguration
    let fingerprinter: Fingerprinter
    /// Replaced by `state` when each Kafka input partition keeps its own.
    var store: IdentityStateStore
    let maxDepth: Int
    /// `--geoip-db`: the network and location of addresses whose event
    /// does not carry them.
    public var locator: IPLocator?
    /// Arrival time, for events without a timestamp. Replaceable in tests.
    public var clock: () -> Double = { Double(time(nil)) }
    /// Okta writes `externalSessionId: "unknown"` for events outside a
    /// session; its MAC is recognised so that they do not share one state.
    private let unknownSessionMAC: SessionMAC
    private let scratch = ByteBuffer(capacity: 16 * 1024)
    private var clientProfiles = ClientProfileCache()

    public init(configuration: EnrichmentConfiguration, fingerprinter: Fingerprinter, maxDepth: Int) {
        self.configuration = configuration
        self.fingerprinter = fingerprinter
        self.maxDepth = maxDepth
        store = IdentityStateStore(configuration: configuration)
        unknownSessionMAC = Self.mac(of: "unknown", with: fingerprinter)
    }

    public var stats: EnrichmentStats { store.currentStats }

    /// Enriches one event: writes it with its `logsieve` member to `output`
    /// and returns `.rewritten`, or returns `.unchanged` for events of no
    /// known source and internal events without an old member to remove.
    func enrich(
        _ text: UnsafePointer<UInt8>, count: Int, sessionMACs: SessionMACTable, to output: ByteBuffer
    ) throws(JSONScanError) -> StageResult {
        let start = JSONLexer.skipWhitespace(text, from: 0, end: count)
        guard start < count, text[start] == ASCII.openBrace else { return .unchanged }
        guard let event = EventFields.indexed(text, start: start, end: count, maxDepth: maxDepth) else { return .unchanged }
        let root: EventFields
        if let eventRoot = configuration.eventRoot {
            guard let object = event.object(eventRoot.components),
                  let indexed = EventFields.indexed(text, start: object.start, end: object.end, maxDepth: maxDepth)
            else { return .unchanged }
            root = indexed
        } else {
            root = event
        }

        let identityEvent: IdentityEvent
        if OktaSystemLogReader.recognizes(root) {
            identityEvent = OktaSystemLogReader.read(root)
        } else if EntraSignInReader.recognizes(root) {
            identityEvent = EntraSignInReader.read(root)
        } else if GoogleWorkspaceLoginReader.recognizes(root) {
            identityEvent = GoogleWorkspaceLoginReader.read(root)
        } else {
            return .unchanged
        }
        store.stats.eventsRecognized += 1

        let assessment = identityEvent.isInternal ? EventAssessment() : assess(identityEvent, sessionMACs: sessionMACs)
        let hasOldMember = event.has(EnrichmentMember.path)
        if assessment.reasons.isEmpty && !hasOldMember { return .unchanged }
        if !assessment.reasons.isEmpty { store.stats.eventsFlagged += 1 }
        for reason in assessment.reasons {
            store.stats.flagCounts[EnrichmentFlag.allCases.firstIndex(of: reason.flag)!] += 1
        }
        try EnrichmentMember.write(text, start: start, end: count, removingOld: hasOldMember, assessment: assessment,
                                   source: identityEvent.source, maxDepth: maxDepth, scratch: scratch, to: output)
        return .rewritten
    }

    /// Evaluates every flag for one event and updates the state.
    func assess(_ readEvent: IdentityEvent, sessionMACs: SessionMACTable) -> EventAssessment {
        var event = readEvent
        if let locator, let ip = event.ipAddress, !event.network.isComplete, let location = locator.locate(ip) {
            event.network.fillMissing(from: location)
        }
        var assessment = EventAssessment()
        let time: Double
        var asOf: Double
        if let eventTime = event.time {
            time = eventTime
            asOf = eventTime
            if eventTime < store.watermark - configuration.lateTolerance {
                // Too late to rebuild the state at its time: compare with now.
                assessment.isLate = true
                asOf = .infinity
                store.stats.lateEvents += 1
            }
            store.advance(to: eventTime)
        } else {
            // Arrival time does not move the watermark, so that replaying
            // old logs with a few untimed events does not expire their state.
            time = clock()
            asOf = .infinity
            assessment.usesArrivalTime = true
            store.stats.eventsWithoutTime += 1
        }

        let address = event.ipAddress.flatMap(IPAddress.init)
        let trusted = configuration.isTrusted(ipAddress: address, asNumber: event.network.asNumber)
        var reasons = event.providerSignals
        if let anonymizer = event.anonymizer, !trusted {
            reasons.append(FlagReason(.networkAnonymizer, .low, [("source", .string(anonymizer)), ("ip", .string(event.ipAddress ?? "unknown"))]))
        }

        let userKey = event.user.map { Self.mac(of: "user\u{0}" + $0, with: fingerprinter) }
        let user = userKey.map { store.user($0, at: time) }
        var session: SessionState? = nil
        if let key = sessionKey(event.sessionIdentifier, sessionMACs: sessionMACs) {
            let state = store.session(key, at: time)
            if state.user == nil { state.user = userKey }
            SessionFlags.evaluate(event, session: state, at: time, asOf: asOf, trusted: trusted,
                                  clientProfiles: &clientProfiles, into: &reasons)
            session = state
        }
        if let user {
            UserFlags.evaluateSignIn(event, user: user, at: time, trusted: trusted, configuration: configuration, into: &reasons)
        }

        let flaggedNow = reasons.contains { $0.flag.marksCompromise }
        SensitiveActions.evaluate(event, session: session, user: user, at: time, configuration: configuration,
                                  flaggedNow: flaggedNow, into: &reasons)
        if flaggedNow {
            session?.lastCompromiseFlag = max(session?.lastCompromiseFlag ?? time, time)
            user?.lastCompromiseFlag = max(user?.lastCompromiseFlag ?? time, time)
        }
        if event.source == .okta, SensitiveActions.mfaResetEventTypes.contains(event.eventType), event.outcome != .failure {
            for target in event.targets where target.type == "User" {
                guard let login = target.alternateId else { continue }
                let targetUser = store.user(Self.mac(of: "user\u{0}" + login, with: fingerprinter), at: time)
                targetUser.mfaReset = max(targetUser.mfaReset ?? time, time)
                targetUser.lastSeen = max(targetUser.lastSeen, time)
            }
        }
        if let session { session.lastSeen = max(session.lastSeen, time) }
        if let user { user.lastSeen = max(user.lastSeen, time) }
        assessment.reasons = reasons
        return assessment
    }

    /// The full MAC that keys a session: from the redactor's table when the
    /// event contains a `[REDACTED:session:…]` marker, else of the raw value.
    func sessionKey(_ identifier: String?, sessionMACs: SessionMACTable) -> SessionMAC? {
        guard let identifier, !identifier.isEmpty else { return nil }
        let key: SessionMAC
        if let prefix = Self.markerPrefix(identifier) {
            // NOTE: a marker that this run did not write (input redacted by
            // an earlier run) has only its 48 displayed bits to key on.
            key = sessionMACs.mac(displayPrefix: prefix) ?? Self.mac(of: identifier, with: fingerprinter)
        } else if identifier.hasPrefix("[REDACTED") {
            // `--replace mask` leaves no fingerprint to tell sessions apart.
            return nil
        } else {
            key = Self.mac(of: identifier, with: fingerprinter)
        }
        return key == unknownSessionMAC ? nil : key
    }

    /// Parses the 48 bits shown in `[REDACTED:session:0123456789ab]`.
    static func markerPrefix(_ text: String) -> UInt64? {
        let prefix: StaticString = "[REDACTED:session:"
        let utf8 = Array(text.utf8)
        let prefixLength = prefix.utf8CodeUnitCount
        guard utf8.count == prefixLength + Fingerprinter.displayedDigits + 1, utf8.last == ASCII.closeBracket else { return nil }
        for index in 0..<prefixLength where utf8[index] != prefix.utf8Start[index] { return nil }
        var value: UInt64 = 0
        for byte in utf8[prefixLength..<(utf8.count - 1)] {
            switch byte {
            case 0x30...0x39: value = value << 4 | UInt64(byte - 0x30)
            case 0x61...0x66: value = value << 4 | UInt64(byte - 0x61 + 10)
            default: return nil
            }
        }
        return value
    }

    static func mac(of text: String, with fingerprinter: Fingerprinter) -> SessionMAC {
        var text = text
        return text.withUTF8 { fingerprinter.sessionMAC($0.baseAddress!, count: $0.count) }
    }
}

/// The flags' findings for one event.
struct EventAssessment {
    var reasons: [FlagReason] = []
    /// More than `--late-tolerance` older than the newest event seen.
    var isLate = false
    /// The event had no timestamp, so its arrival time was used.
    var usesArrivalTime = false
}
