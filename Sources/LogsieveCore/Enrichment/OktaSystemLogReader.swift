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

    /// Whether the event is an Okta System Log event: it has `eventType`
    /// and an `actor` object. `published` is read when present.
    static func recognizes(_ fields: EventFields) -> Bool {
        fields.string(eventType) != nil && fields.object(actor) != nil
    }

    static func read(_ fields: EventFields) -> IdentityEvent {
        var event = IdentityEvent(source: .okta, eventType: fields.string(eventType) ?? "")
        event.time = fields.string(published).flatMap(EventTime.parse)
        event.sessionIdentifier = fields.string(fieldPath("authenticationContext", "externalSessionId"))
        let actorType = fields.string(fieldPath("actor", "type"))
        if actorType == "User" {
            event.user = fields.string(fieldPath("actor", "alternateId"))?.lowercased()
        }

        let client = fields.object(fieldPath("client"))
        event.ipAddress = client?.string(fieldPath("ipAddress"))
        event.network.country = client?.string(fieldPath("geographicalContext", "country"))
        event.network.city = client?.string(fieldPath("geographicalContext", "city"))
        event.network.latitude = client?.number(fieldPath("geographicalContext", "geolocation", "lat"))
        event.network.longitude = client?.number(fieldPath("geographicalContext", "geolocation", "lon"))
        event.client.rawUserAgent = client?.string(fieldPath("userAgent", "rawUserAgent"))
        event.client.browser = client?.string(fieldPath("userAgent", "browser"))
        event.client.operatingSystem = client?.string(fieldPath("userAgent", "os"))

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

        let login = fields.string(fieldPath("actor", "alternateId"))?.lowercased()
        event.isInternal = login == "system@okta.com" || actorType == "SystemPrincipal"
            || event.client.rawUserAgent == "Okta-Integrations"
            || (client?.string(fieldPath("id"))?.hasPrefix("okta.") ?? false)
        return event
    }
}
