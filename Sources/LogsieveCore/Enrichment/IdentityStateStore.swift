/// Counters for `--stats`.
public struct EnrichmentStats: Sendable, Equatable {
    public var eventsRecognized = 0
    public var eventsFlagged = 0
    public var lateEvents = 0
    public var eventsWithoutTime = 0
    public var sessionsEvicted = 0
    public var usersEvicted = 0
    public var sessionsExpired = 0
    public var usersExpired = 0
    public var sessionsTracked = 0
    public var usersTracked = 0
    /// Reasons raised, by flag, indexed like `EnrichmentFlag.allCases`.
    public var flagCounts = Array(repeating: 0, count: EnrichmentFlag.allCases.count)

    public init() {}
}

/// Per-session and per-user state, bounded by a time to live in event time
/// and by a maximum count with least-recently-used eviction.
final class IdentityStateStore {
    let configuration: EnrichmentConfiguration
    var sessions = LRUTable<SessionState>()
    var users = LRUTable<UserState>()
    /// The newest event time seen, which expiry and lateness are measured from.
    var watermark: Double = -.infinity
    var stats = EnrichmentStats()

    init(configuration: EnrichmentConfiguration) {
        self.configuration = configuration
    }

    func session(_ key: SessionMAC, at time: Double) -> SessionState {
        if let state = sessions.value(for: key), state.lastSeen >= watermark - configuration.sessionTTL {
            return state
        }
        let state = SessionState(started: time)
        sessions.set(state, for: key)
        while sessions.count > configuration.maxSessions {
            sessions.removeLeastRecent()
            stats.sessionsEvicted += 1
        }
        return state
    }

    func user(_ key: SessionMAC, at time: Double) -> UserState {
        if let state = users.value(for: key), state.lastSeen >= watermark - configuration.userTTL {
            return state
        }
        let state = UserState(lastSeen: time)
        users.set(state, for: key)
        while users.count > configuration.maxUsers {
            users.removeLeastRecent()
            stats.usersEvicted += 1
        }
        return state
    }

    /// Moves the watermark and forgets entries past their time to live. The
    /// least recently used entry is checked first, so a sweep stops at the
    /// first live one.
    func advance(to time: Double) {
        guard time > watermark else { return }
        watermark = time
        while let oldest = sessions.leastRecent, oldest.value.lastSeen < watermark - configuration.sessionTTL {
            sessions.removeLeastRecent()
            stats.sessionsExpired += 1
        }
        while let oldest = users.leastRecent, oldest.value.lastSeen < watermark - configuration.userTTL {
            users.removeLeastRecent()
            stats.usersExpired += 1
        }
    }

    var currentStats: EnrichmentStats {
        var current = stats
        current.sessionsTracked = sessions.count
        current.usersTracked = users.count
        return current
    }
}
