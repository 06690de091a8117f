/// Okta admin actions that an attacker with a stolen admin session takes
/// first. `admin.sensitive_action` is info on its own and high inside a
/// flagged session, or soon after a flag for the same user.
enum SensitiveActions {
    /// Okta `eventType` values and what they are, for the reason's detail.
    static let oktaEventTypes: [String: String] = [
        "user.account.privilege.grant": "admin role granted to a user",
        "group.privilege.grant": "admin role granted to a group",
        "user.lifecycle.create": "user created",
        "user.mfa.factor.deactivate": "MFA factor deactivated",
        "user.mfa.factor.reset_all": "all MFA factors reset",
        "system.mfa.factor.deactivate": "MFA factor type deactivated for the org",
        "policy.lifecycle.create": "policy created",
        "policy.lifecycle.update": "policy changed",
        "policy.lifecycle.deactivate": "policy deactivated",
        "policy.lifecycle.delete": "policy deleted",
        "policy.rule.create": "sign-on rule created",
        "policy.rule.update": "sign-on rule changed",
        "policy.rule.deactivate": "sign-on rule deactivated",
        "policy.rule.delete": "sign-on rule deleted",
        "zone.create": "network zone created",
        "zone.update": "network zone changed",
        "zone.deactivate": "network zone deactivated",
        "zone.delete": "network zone deleted",
        "system.api_token.create": "API token created",
        "system.idp.lifecycle.create": "identity provider created",
        "user.session.impersonation.grant": "impersonation granted",
    ]

    /// Okta events that reset a user's factors, for `user.sign_in_after_mfa_reset`.
    static let mfaResetEventTypes: Set<String> = ["user.mfa.factor.reset_all", "user.mfa.factor.deactivate"]

    static func evaluate(
        _ event: IdentityEvent, session: SessionState?, user: UserState?, at time: Double,
        configuration: EnrichmentConfiguration, flaggedNow: Bool, into reasons: inout [FlagReason]
    ) {
        guard event.source == .okta, let action = oktaEventTypes[event.eventType], event.outcome != .failure else { return }
        var detail: [(String, Evidence)] = [("action", .string(event.eventType)), ("meaning", .string(action))]
        let targetUsers = event.targets.filter { $0.type == "User" }
        if let target = targetUsers.first?.alternateId { detail.append(("target", .string(target))) }
        if let privilege = event.privilegeGranted { detail.append(("privilege", .string(privilege))) }

        var severity = FlagSeverity.info
        if let session, targetUsers.contains(where: { $0.id.map(session.createdUsers.contains) ?? false }),
           event.eventType.hasSuffix("privilege.grant") {
            detail.append(("target_created_in_session", .boolean(true)))
            severity = .medium
        }
        if flaggedNow || session?.lastCompromiseFlag != nil {
            detail.append(("session_flagged", .boolean(true)))
            severity = .high
        } else if let flagged = user?.lastCompromiseFlag, time >= flagged, time - flagged <= configuration.sensitiveActionWindow {
            detail.append(("seconds_since_user_flag", .integer(Int((time - flagged).rounded()))))
            severity = .high
        }
        reasons.append(FlagReason(.adminSensitiveAction, severity, detail))

        if event.eventType == "user.lifecycle.create", let session {
            for id in targetUsers.compactMap(\.id) { session.createdUsers.appendBounded(id, limit: SessionState.maxObservations) }
        }
    }
}
