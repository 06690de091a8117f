/// Reads Okta System Log events (the `/api/v1/logs` shape, also used by
/// event hooks and the EventBridge `detail`).
///
/// Keys are matched exactly as Okta writes them (`eventType`,
/// `debugContext`); lower-cased copies that some pipelines make are not
/// Okta's and are not read.
enum OktaSystemLogReader {
    static let eventType = fieldPath("eventType")
    static let actor = fieldPath("actor")
    static let published = fieldPath("published")

    /// Returns whether the event is an Okta System Log event, which has
    /// `eventType` and an `actor` object. `published` is read when present.
    static func recognizes(_ fields: EventFields) -> Bool {
        fields.string(eventType) != nil && fields.object(actor) != nil
    }

    static func read(_ fields: EventFields) -> IdentityEvent {
        var event = IdentityEvent(source: .okta, eventType: fields.string(eventType) ?? "")
        event.time = fields.string(published).flatMap(EventTime.parse)
        event.sessionIdentifier = fields.string(fieldPath("authenticationContext", "externalSessionId"))
        let actor = fields.object(Self.actor)
        let actorType = actor?.string(fieldPath("type"))
        let login = actor?.string(fieldPath("alternateId"))?.lowercased()
        if actorType == "User" {
            event.user = login
        }

        let client = fields.object(fieldPath("client"))
        event.ipAddress = client?.string(fieldPath("ipAddress"))
        if let place = client?.object(fieldPath("geographicalContext")) {
            event.network.country = place.string(fieldPath("country"))
            event.network.city = place.string(fieldPath("city"))
            event.network.latitude = place.number(fieldPath("geolocation", "lat"))
            event.network.longitude = place.number(fieldPath("geolocation", "lon"))
        }
        if let userAgent = client?.object(fieldPath("userAgent")) {
            event.client.rawUserAgent = userAgent.string(fieldPath("rawUserAgent"))
            event.client.browser = userAgent.string(fieldPath("browser"))
            event.client.operatingSystem = userAgent.string(fieldPath("os"))
        }

        let security = fields.object(fieldPath("securityContext"))
        event.network.asNumber = security?.number(fieldPath("asNumber")).map { Int($0) }
        event.network.asOrganization = security?.string(fieldPath("asOrg"))
        if security?.bool(fieldPath("isProxy")) == true {
            event.anonymizer = "securityContext.isProxy"
        }

        switch fields.string(fieldPath("outcome", "result")) {
        case "SUCCESS", "ALLOW": event.outcome = .success
        case "FAILURE", "DENY": event.outcome = .failure
        default: event.outcome = .unknown
        }
        event.isSignIn = event.eventType == "user.session.start"

        fields.forEachElement(fieldPath("target")) { target in
            guard let type = target.string(fieldPath("type")) else { return }
            event.targets.append(EventTarget(type: type, id: target.string(fieldPath("id")),
                                             alternateId: target.string(fieldPath("alternateId"))?.lowercased()))
        }

        if let debugData = fields.object(fieldPath("debugContext", "debugData")) {
            OktaDebugData.read(debugData, into: &event)
        }

        event.isInternal = login == "system@okta.com" || actorType == "SystemPrincipal"
            || event.client.rawUserAgent == "Okta-Integrations"
            || (client?.string(fieldPath("id"))?.hasPrefix("okta.") ?? false)
        return event
    }
}
