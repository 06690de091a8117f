/// The session and user state of one stream, such as one Kafka input
/// partition. An `Enricher` works on one state at a time, and `activate`
/// swaps another in, so that each partition keeps its own state and can
/// move to another process with its partition.
public final class EnrichmentState {
    let store: IdentityStateStore

    init(store: IdentityStateStore) {
        self.store = store
    }

    public var sessionCount: Int { store.sessions.count }
    public var userCount: Int { store.users.count }
    /// The newest event time seen, in seconds since the epoch; nil before the first timed event.
    public var watermark: Double? { store.watermark == -.infinity ? nil : store.watermark }
}

/// One session or user of an `EnrichmentState`, as a message of a
/// compacted state topic: `key` names the entity by the hex HMAC that keys
/// it (`session:…` or `user:…`), and `value` is its snapshot encoding.
public struct EnrichmentEntity: Equatable, Sendable {
    public var key: String
    public var value: [UInt8]

    public init(key: String, value: [UInt8]) {
        self.key = key
        self.value = value
    }

    static let version: UInt8 = 1
    static let sessionKind: UInt8 = 0
    static let userKind: UInt8 = 1
}

extension Enricher {
    /// The identifier of the fingerprint key, which state must have been written with to be used.
    public var keyIdentifier: String { fingerprinter.key.identifier }

    /// Returns a new, empty state with this enricher's configuration.
    public func makeState() -> EnrichmentState {
        EnrichmentState(store: IdentityStateStore(configuration: configuration))
    }

    /// The state that the next events read and change.
    public var activeState: EnrichmentState { EnrichmentState(store: store) }

    /// Makes `state` the one that the next events read and change.
    public func activate(_ state: EnrichmentState) {
        store = state.store
    }

    /// Encodes every session and user of `state`, each as one entity.
    public func entities(of state: EnrichmentState) -> [EnrichmentEntity] {
        var result: [EnrichmentEntity] = []
        result.reserveCapacity(state.sessionCount + state.userCount)
        state.store.sessions.forEachFromLeastRecent { key, session in
            var writer = SnapshotWriter()
            writer.u8(EnrichmentEntity.version)
            writer.u8(EnrichmentEntity.sessionKind)
            EnrichmentSnapshot.writeSession(session, key: key, to: &writer)
            result.append(EnrichmentEntity(key: "session:" + key.hexDigits, value: writer.bytes))
        }
        state.store.users.forEachFromLeastRecent { key, user in
            var writer = SnapshotWriter()
            writer.u8(EnrichmentEntity.version)
            writer.u8(EnrichmentEntity.userKind)
            EnrichmentSnapshot.writeUser(user, key: key, to: &writer)
            result.append(EnrichmentEntity(key: "user:" + key.hexDigits, value: writer.bytes))
        }
        return result
    }

    /// Builds a state from entities and the watermark they were written with.
    /// Throws on the first entity that cannot be decoded.
    ///
    /// NOTE: the recency order is rebuilt from each entry's last-seen event
    /// time, which differs from the order of use where late events touched an
    /// entry. It only decides which entry `--max-sessions` evicts first.
    public func makeState(entities: [EnrichmentEntity], watermark: Double?) throws(SnapshotError) -> EnrichmentState {
        var sessions: [(SessionMAC, SessionState)] = []
        var users: [(SessionMAC, UserState)] = []
        for entity in entities {
            var reader = SnapshotReader(entity.value)
            let version = try reader.u8()
            guard version == EnrichmentEntity.version else { throw .unsupportedVersion(UInt32(version)) }
            switch try reader.u8() {
            case EnrichmentEntity.sessionKind: sessions.append(try EnrichmentSnapshot.readSession(&reader))
            case EnrichmentEntity.userKind: users.append(try EnrichmentSnapshot.readUser(&reader))
            default: throw .notASnapshot
            }
            guard reader.offset == reader.bytes.count else { throw .truncated(offset: reader.offset) }
        }
        let state = makeState()
        let store = state.store
        for (key, session) in sessions.sorted(by: { $0.1.lastSeen < $1.1.lastSeen }) { store.sessions.set(session, for: key) }
        for (key, user) in users.sorted(by: { $0.1.lastSeen < $1.1.lastSeen }) { store.users.set(user, for: key) }
        store.watermark = watermark ?? -.infinity
        while store.sessions.count > configuration.maxSessions {
            store.sessions.removeLeastRecent()
            store.stats.sessionsEvicted += 1
        }
        while store.users.count > configuration.maxUsers {
            store.users.removeLeastRecent()
            store.stats.usersEvicted += 1
        }
        return state
    }
}

extension SessionMAC {
    /// The 64 lower-case hex digits of the MAC.
    var hexDigits: String {
        [words.0, words.1, words.2, words.3].map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }.joined()
    }
}
