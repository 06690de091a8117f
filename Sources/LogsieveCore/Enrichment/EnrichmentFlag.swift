/// How urgent a flag is. The event's `severity` is that of its most
/// severe flag.
public enum FlagSeverity: Int, Comparable, Sendable, CaseIterable {
    case info, low, medium, high

    public var name: String {
        switch self {
        case .info: "info"
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        }
    }

    public static func < (lhs: FlagSeverity, rhs: FlagSeverity) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// The flag names. They are part of the interface that SIEM rules match
/// on, like the redaction kinds: a rename is a breaking change. The README
/// table lists each with its meaning and default threshold.
public enum EnrichmentFlag: String, Sendable, CaseIterable {
    case sessionNetworkChanged = "session.network_changed"
    case sessionClientChanged = "session.client_changed"
    case sessionScriptedClient = "session.scripted_client"
    case userImpossibleTravel = "user.impossible_travel"
    case userSignInAfterMFAReset = "user.sign_in_after_mfa_reset"
    case networkAnonymizer = "network.anonymizer"
    case adminSensitiveAction = "admin.sensitive_action"
    case oktaBehavior = "okta.behavior"
    case oktaRisk = "okta.risk"
    case oktaThreatSuspected = "okta.threat_suspected"
    case entraRisk = "entra.risk"
    case googleSuspiciousLogin = "google.suspicious_login"

    /// Whether the flag says that a session or its network moved, which
    /// makes a later sensitive action in that session or by that user high.
    var marksCompromise: Bool {
        switch self {
        case .sessionNetworkChanged, .sessionClientChanged, .sessionScriptedClient, .userImpossibleTravel: true
        default: false
        }
    }
}

/// A piece of evidence in a reason's `detail`.
enum Evidence: Equatable {
    case string(String)
    case integer(Int)
    case number(Double)
    case boolean(Bool)
}

/// One flag on one event, with what an analyst needs to triage it.
struct FlagReason: Equatable {
    var flag: EnrichmentFlag
    var severity: FlagSeverity
    /// Evidence in a fixed order, so that the output is stable.
    var detail: [(String, Evidence)]

    init(_ flag: EnrichmentFlag, _ severity: FlagSeverity, _ detail: [(String, Evidence)] = []) {
        self.flag = flag
        self.severity = severity
        self.detail = detail
    }

    static func == (lhs: FlagReason, rhs: FlagReason) -> Bool {
        lhs.flag == rhs.flag && lhs.severity == rhs.severity && lhs.detail.elementsEqual(rhs.detail) { $0.0 == $1.0 && $0.1 == $1.1 }
    }
}

extension FlagSeverity {
    /// Okta's and Entra's risk levels (`LOW`, `medium`, `HIGH`); `none`
    /// and unknown words are `nil`.
    init?(providerLevel: String) {
        switch providerLevel.lowercased() {
        case "low": self = .low
        case "medium": self = .medium
        case "high": self = .high
        default: return nil
        }
    }
}
