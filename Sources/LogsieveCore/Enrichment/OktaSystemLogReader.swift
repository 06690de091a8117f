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
        event.sessionIdentifier = fields.string(FieldPaths.authenticationContextExternalSessionId)
        let actor = fields.object(Self.actor)
        let actorType = actor?.string(FieldPaths.type)
        let login = actor?.string(FieldPaths.alternateId)?.lowercased()
        if actorType == "User" {
            event.user = login
        }

        let client = fields.object(FieldPaths.client)
        event.ipAddress = client?.string(FieldPaths.ipAddress)
        if let place = client?.object(FieldPaths.geographicalContext) {
            event.network.country = place.string(FieldPaths.country)
            event.network.city = place.string(FieldPaths.city)
            event.network.latitude = place.number(FieldPaths.geolocationLat)
            event.network.longitude = place.number(FieldPaths.geolocationLon)
        }
        if let userAgent = client?.object(FieldPaths.userAgent) {
            event.client.rawUserAgent = userAgent.string(FieldPaths.rawUserAgent)
            event.client.browser = userAgent.string(FieldPaths.browser)
            event.client.operatingSystem = userAgent.string(FieldPaths.os)
        }

        let security = fields.object(FieldPaths.securityContext)
        event.network.asNumber = security?.number(FieldPaths.asNumber).map { Int($0) }
        event.network.asOrganization = security?.string(FieldPaths.asOrg)
        if security?.bool(FieldPaths.isProxy) == true {
            event.anonymizer = "securityContext.isProxy"
        }

        switch fields.string(FieldPaths.outcomeResult) {
        case "SUCCESS", "ALLOW": event.outcome = .success
        case "FAILURE", "DENY": event.outcome = .failure
        default: event.outcome = .unknown
        }
        event.isSignIn = event.eventType == "user.session.start"

        fields.forEachElement(FieldPaths.target) { target in
            guard let type = target.string(FieldPaths.type) else { return }
            event.targets.append(EventTarget(type: type, id: target.string(FieldPaths.id),
                                             alternateId: target.string(FieldPaths.alternateId)?.lowercased()))
        }

        if let debugData = fields.object(FieldPaths.debugContextDebugData) {
            OktaDebugData.read(debugData, into: &event)
        }

        event.isInternal = login == "system@okta.com" || actorType == "SystemPrincipal"
            || event.client.rawUserAgent == "Okta-Integrations"
            || (client?.string(FieldPaths.id)?.hasPrefix("okta.") ?? false)
        return event
    }
}

/// The paths read from every event, built once rather than per event.
private enum FieldPaths {
    static let authenticationContextExternalSessionId = fieldPath("authenticationContext", "externalSessionId")
    static let type = fieldPath("type")
    static let alternateId = fieldPath("alternateId")
    static let client = fieldPath("client")
    static let ipAddress = fieldPath("ipAddress")
    static let geographicalContext = fieldPath("geographicalContext")
    static let country = fieldPath("country")
    static let city = fieldPath("city")
    static let geolocationLat = fieldPath("geolocation", "lat")
    static let geolocationLon = fieldPath("geolocation", "lon")
    static let userAgent = fieldPath("userAgent")
    static let rawUserAgent = fieldPath("rawUserAgent")
    static let browser = fieldPath("browser")
    static let os = fieldPath("os")
    static let securityContext = fieldPath("securityContext")
    static let asNumber = fieldPath("asNumber")
    static let asOrg = fieldPath("asOrg")
    static let isProxy = fieldPath("isProxy")
    static let outcomeResult = fieldPath("outcome", "result")
    static let target = fieldPath("target")
    static let id = fieldPath("id")
    static let debugContextDebugData = fieldPath("debugContext", "debugData")
}
