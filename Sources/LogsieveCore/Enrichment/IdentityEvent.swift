/// The identity provider that wrote an event.
public enum IdentitySource: String, Sendable, CaseIterable {
    /// Okta System Log (`/api/v1/logs`, event hooks, EventBridge `detail`).
    case okta
    /// Microsoft Entra ID sign-in logs as Azure Monitor exports them.
    case entra
    /// Google Workspace Admin SDK Reports API, login activity.
    case googleWorkspace = "google_workspace"
}

/// The result of a sign-in or action, as the provider reports it.
enum EventOutcome: Equatable {
    case success
    case failure
    case unknown
}

/// The fields of one identity-provider event that the flags read, in the
/// same terms for every source.
struct IdentityEvent {
    var source: IdentitySource
    /// Okta's `eventType`; `signin` for Entra; the Google `events[].name` values joined by `,`.
    var eventType: String
    /// Event time in seconds since 1970, or `nil` when the event has none.
    var time: Double?
    /// The session identifier as it appears in the event: a
    /// `[REDACTED:session:…]` marker after `redact`, the raw value before.
    var sessionIdentifier: String?
    /// The acting user's login, lower-cased (Okta `actor.alternateId`,
    /// Entra `userPrincipalName`, Google `actor.email`).
    var user: String?
    var ipAddress: String?
    var network = NetworkFacts()
    var client = ClientFacts()
    var outcome = EventOutcome.unknown
    /// Whether this is a sign-in (successful or not), as opposed to an action
    /// inside a session.
    var isSignIn = false
    /// The provider's reason for calling the address an anonymising network.
    var anonymizer: String?
    /// Risk signals that the provider computed itself.
    var providerSignals: [FlagReason] = []
    /// `target[]` of Okta events.
    var targets: [EventTarget] = []
    /// Okta `debugData.privilegeGranted`.
    var privilegeGranted: String?
    /// Events that the provider writes on its own behalf (`system@okta.com`,
    /// `Okta-Integrations`), which tell nothing about a user's session.
    var isInternal = false
}

/// The network and location of an address, as the event gives them.
struct NetworkFacts: Equatable {
    var asNumber: Int?
    var asOrganization: String?
    var country: String?
    var city: String?
    var latitude: Double?
    var longitude: Double?
}

/// The client's user agent, browser, OS and device token.
struct ClientFacts: Hashable {
    var rawUserAgent: String?
    /// Okta's `client.userAgent.browser` (`CHROME`) or Entra's `deviceDetail.browser`.
    var browser: String?
    /// Okta's `client.userAgent.os` or Entra's `deviceDetail.operatingSystem`.
    var operatingSystem: String?
    /// Okta's device token hash, `debugContext.debugData.dtHash`.
    var deviceTokenHash: String?
}

/// One `target[]` entry of an Okta event.
struct EventTarget: Equatable {
    var type: String
    var id: String?
    var alternateId: String?
}
