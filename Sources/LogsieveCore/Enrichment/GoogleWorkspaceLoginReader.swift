/// Reads Google Workspace login activity from the Admin SDK Reports API
/// (`kind: admin#reports#activity`, `id.applicationName: login`).
/// Google login activity has no session identifier, so only the per-user
/// flags and Google's own `suspicious_login` apply.
enum GoogleWorkspaceLoginReader {
    static func recognizes(_ fields: EventFields) -> Bool {
        fields.string(FieldPaths.kind) == "admin#reports#activity" && fields.has(FieldPaths.idTime)
    }

    static func read(_ fields: EventFields) -> IdentityEvent {
        let names = fields.strings([.key(Array("events".utf8)), .iterate, .key(Array("name".utf8))])
        var event = IdentityEvent(source: .googleWorkspace, eventType: names.joined(separator: ","))
        event.time = fields.string(FieldPaths.idTime).flatMap(EventTime.parse)
        event.user = fields.string(FieldPaths.actorEmail)?.lowercased()
        event.ipAddress = fields.string(FieldPaths.ipAddress)
        if names.contains("login_success") {
            event.outcome = .success
            event.isSignIn = true
        } else if names.contains("login_failure") {
            event.outcome = .failure
            event.isSignIn = true
        }
        let suspicious = names.filter { $0.hasPrefix("suspicious_login") || $0 == "gov_attack_warning" }
        if !suspicious.isEmpty {
            event.providerSignals.append(FlagReason(.googleSuspiciousLogin, .medium, [("events", .string(suspicious.joined(separator: ", ")))]))
        }
        return event
    }
}

/// The paths read from every event, built once rather than per event.
private enum FieldPaths {
    static let kind = fieldPath("kind")
    static let idTime = fieldPath("id", "time")
    static let actorEmail = fieldPath("actor", "email")
    static let ipAddress = fieldPath("ipAddress")
}
