/// `session.network_changed`, `session.client_changed` and
/// `session.scripted_client`: the signs that a session identifier is being
/// used by someone else.
enum SessionFlags {
    /// Compares the event with the session's networks and clients as they
    /// were at `asOf`, appends the flags, and records the event's network
    /// and client.
    static func evaluate(
        _ event: IdentityEvent, session: SessionState, at time: Double, asOf: Double, trusted: Bool,
        clientProfiles: inout ClientProfileCache, into reasons: inout [FlagReason]
    ) {
        let sessionAge = Int((time - session.started).rounded())
        let networks = session.networks.filter { $0.firstSeen <= asOf }
        let clients = session.clients.filter { $0.firstSeen <= asOf }

        if let ip = event.ipAddress {
            let address = IPAddress(ip)
            let current = NetworkObservation(firstSeen: time, ipAddress: ip, asNumber: event.network.asNumber,
                                             country: event.network.country, isIPv4: address?.isIPv4 ?? true)
            if !trusted, let previous = networks.last, !networks.contains(where: { sameNetwork($0, current) }),
               !isDualStack(current, networks) {
                reasons.append(FlagReason(.sessionNetworkChanged, .medium, [
                    ("previous_ip", .string(previous.ipAddress)), ("ip", .string(ip)),
                    ("previous_asn", previous.asNumber.map { .integer($0) } ?? .string("unknown")),
                    ("asn", current.asNumber.map { .integer($0) } ?? .string("unknown")),
                    ("previous_country", .string(previous.country ?? "unknown")),
                    ("country", .string(current.country ?? "unknown")),
                    ("seconds_since_session_start", .integer(sessionAge)),
                ]))
            }
            if !session.networks.contains(where: { $0.ipAddress == ip || sameSubscriber($0.ipAddress, ip) }) {
                session.networks.appendBounded(current, limit: SessionState.maxObservations)
            }
        }

        guard let profile = clientProfiles.profile(event.client) else { return }
        let current = ClientObservation(firstSeen: time, family: profile.family, operatingSystem: profile.operatingSystem,
                                        isScripted: profile.isScripted, deviceTokenHash: event.client.deviceTokenHash)
        if let first = clients.first {
            let previous = clients.last!
            let evidence: [(String, Evidence)] = [
                ("previous_client", .string(previous.family)), ("client", .string(current.family)),
                ("previous_os", .string(previous.operatingSystem)), ("os", .string(current.operatingSystem)),
                ("seconds_since_session_start", .integer(sessionAge)),
            ]
            if profile.isScripted && !first.isScripted {
                reasons.append(FlagReason(.sessionScriptedClient, .high, evidence))
            } else if !clients.contains(where: { sameClient($0, current) }) {
                reasons.append(FlagReason(.sessionClientChanged, .medium, evidence))
            } else if let hash = current.deviceTokenHash, clients.contains(where: { $0.deviceTokenHash != nil }),
                      !clients.contains(where: { $0.deviceTokenHash == hash }) {
                reasons.append(FlagReason(.sessionClientChanged, .medium, evidence + [("device_token_hash_changed", .boolean(true))]))
            }
        }
        if !session.clients.contains(where: { sameClient($0, current) && $0.deviceTokenHash == current.deviceTokenHash }) {
            session.clients.appendBounded(current, limit: SessionState.maxObservations)
        }
    }

    /// Same AS and country. Where the AS is unknown on either side the
    /// country decides, and where both are unknown nothing does.
    static func sameNetwork(_ previous: NetworkObservation, _ current: NetworkObservation) -> Bool {
        if let before = previous.asNumber, let now = current.asNumber, before != now { return false }
        if let before = previous.country, let now = current.country, before != now { return false }
        return true
    }

    /// Returns whether this is the first address of the other IP family in
    /// the same country. Such a dual-stack client's IPv6 may come from another AS of its ISP.
    static func isDualStack(_ current: NetworkObservation, _ networks: [NetworkObservation]) -> Bool {
        guard !networks.contains(where: { $0.isIPv4 == current.isIPv4 }) else { return false }
        return networks.contains { previous in
            guard let before = previous.country, let now = current.country else { return true }
            return before == now
        }
    }

    static func sameSubscriber(_ first: String, _ second: String) -> Bool {
        guard let a = IPAddress(first), let b = IPAddress(second) else { return false }
        return a.subscriberNetwork == b.subscriberNetwork
    }

    static func sameClient(_ previous: ClientObservation, _ current: ClientObservation) -> Bool {
        previous.family == current.family && previous.operatingSystem == current.operatingSystem
    }
}
