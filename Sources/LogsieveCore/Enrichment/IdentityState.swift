/// One network a session was seen from.
struct NetworkObservation: Equatable {
    /// Event time at which the session was first seen from this network.
    var firstSeen: Double
    var ipAddress: String
    var asNumber: Int?
    var country: String?
    var isIPv4: Bool
}

/// One client a session was seen with.
struct ClientObservation: Equatable {
    var firstSeen: Double
    var family: String
    var operatingSystem: String
    var isScripted: Bool
    var deviceTokenHash: String?
}

/// What logsieve remembers of one session, keyed by the full HMAC of its
/// identifier (Okta `externalSessionId`, Entra `sessionId`).
final class SessionState {
    var user: SessionMAC?
    var started: Double
    var lastSeen: Double
    /// The distinct networks, oldest first, at most `maxObservations`.
    var networks: [NetworkObservation] = []
    var clients: [ClientObservation] = []
    /// Event time of the last network or client flag in this session.
    var lastCompromiseFlag: Double?
    /// Okta user ids created in this session (`user.lifecycle.create`), so
    /// that granting one of them a role reads as "create then grant".
    var createdUsers: [String] = []

    static let maxObservations = 8

    init(started: Double) {
        self.started = started
        lastSeen = started
    }
}

/// A successful sign-in, for impossible travel.
struct SignInObservation: Equatable {
    var time: Double
    var ipAddress: String
    var latitude: Double
    var longitude: Double
    var city: String?
    var country: String?
    var anonymizer: String?
}

/// What logsieve remembers of one user, keyed by the HMAC of the login.
final class UserState {
    var lastSeen: Double
    var lastSignIn: SignInObservation?
    /// Event time of the last network or client flag for this user.
    var lastCompromiseFlag: Double?
    /// Event time of the last MFA factor reset or deactivation for this user.
    var mfaReset: Double?

    init(lastSeen: Double) {
        self.lastSeen = lastSeen
    }
}

extension Array {
    /// Appends, dropping the oldest element beyond `limit`.
    mutating func appendBounded(_ element: Element, limit: Int) {
        append(element)
        if count > limit { removeFirst(count - limit) }
    }
}
