/// The thresholds and exclusions of the enrich stage. Every default here is
/// documented in the README's flag table and in `--help`.
public struct EnrichmentConfiguration: Sendable {
    /// `--event-root PATH`: where the provider's event sits inside a wrapper,
    /// such as EventBridge's `.detail`. `nil` reads the event itself.
    public var eventRoot: JSONPath?
    /// `--max-travel-speed`: faster travel between two successful sign-ins
    /// of one user is impossible travel. 805 km/h is a commercial jet's
    /// cruising speed.
    public var maxTravelSpeed = 805.0
    /// `--min-travel-distance`: shorter moves are geolocation noise, in km.
    public var minTravelDistance = 50.0
    /// `--sensitive-action-window`: a sensitive action this long after a
    /// session or network flag for the same user is high, in seconds.
    public var sensitiveActionWindow = 30.0 * 60
    /// `--mfa-reset-window`: a sign-in this long after an MFA reset of the
    /// same user is flagged, in seconds.
    public var mfaResetWindow = 12.0 * 3600
    /// `--late-tolerance`: events up to this much older than the newest seen
    /// are evaluated against the state at their own time, in seconds.
    public var lateTolerance = 5.0 * 60
    /// `--session-ttl`: a session unseen this long (event time) is forgotten.
    public var sessionTTL = 24.0 * 3600
    /// `--user-ttl`: a user unseen this long (event time) is forgotten.
    public var userTTL = 30.0 * 86_400
    /// `--max-sessions`, `--max-users`: beyond these, the least recently
    /// seen entry is evicted.
    public var maxSessions = 1_000_000
    public var maxUsers = 1_000_000
    /// `--trusted-cidr`, `--trusted-asn`: addresses that never raise network flags.
    public var trustedNetworks: [IPNetwork] = []
    public var trustedASNumbers: Set<Int> = []

    public init() {}

    func isTrusted(ipAddress: IPAddress?, asNumber: Int?) -> Bool {
        if let asNumber, trustedASNumbers.contains(asNumber) { return true }
        guard let ipAddress else { return false }
        return trustedNetworks.contains { $0.contains(ipAddress) }
    }
}
