/// Reads Microsoft Entra ID sign-in logs as Azure Monitor diagnostic
/// settings export them (`SignInLogs`, `NonInteractiveUserSignInLogs`):
/// top-level `time`, `callerIpAddress`, and the sign-in under `properties`.
enum EntraSignInReader {
    static let userPrincipalName = fieldPath("properties", "userPrincipalName")

    /// Whether the event is an Entra sign-in: `time`, `properties.userPrincipalName`,
    /// and an address in `callerIpAddress` or `properties.ipAddress`.
    static func recognizes(_ fields: EventFields) -> Bool {
        fields.has(fieldPath("time")) && fields.string(userPrincipalName) != nil
            && (fields.has(fieldPath("callerIpAddress")) || fields.has(fieldPath("properties", "ipAddress")))
    }

    static func read(_ fields: EventFields) -> IdentityEvent {
        var event = IdentityEvent(source: .entra, eventType: "signin")
        event.time = fields.string(fieldPath("time")).flatMap(EventTime.parse)
        event.user = fields.string(userPrincipalName)?.lowercased()
        event.isSignIn = true
        guard let properties = fields.object(fieldPath("properties")) else { return event }

        event.sessionIdentifier = properties.string(fieldPath("sessionId"))
        event.ipAddress = properties.string(fieldPath("ipAddress")) ?? fields.string(fieldPath("callerIpAddress"))
        event.network.country = properties.string(fieldPath("location", "countryOrRegion"))
        event.network.city = properties.string(fieldPath("location", "city"))
        event.network.latitude = properties.number(fieldPath("location", "geoCoordinates", "latitude"))
        event.network.longitude = properties.number(fieldPath("location", "geoCoordinates", "longitude"))
        event.network.asNumber = properties.number(fieldPath("autonomousSystemNumber")).map { Int($0) }
        event.client.rawUserAgent = properties.string(fieldPath("userAgent"))
        event.client.browser = properties.string(fieldPath("deviceDetail", "browser"))
        event.client.operatingSystem = properties.string(fieldPath("deviceDetail", "operatingSystem"))

        // errorCode 0 is success; exports also carry it as `resultType` "0".
        if let code = properties.number(fieldPath("status", "errorCode")) ?? fields.number(fieldPath("resultType")) {
            event.outcome = code == 0 ? .success : .failure
        }

        let riskTypes = properties.strings(fieldPath("riskEventTypes_v2", .iterate)) + properties.strings(fieldPath("riskEventTypes", .iterate))
        let levels = ["riskLevelDuringSignIn", "riskLevelAggregated"].compactMap { properties.string(fieldPath($0)) }
        let severity = levels.compactMap(FlagSeverity.init(providerLevel:)).max()
        if severity != nil || !riskTypes.isEmpty {
            var detail: [(String, Evidence)] = []
            if !riskTypes.isEmpty { detail.append(("risk_event_types", .string(Array(Set(riskTypes)).sorted().joined(separator: ", ")))) }
            for level in ["riskLevelDuringSignIn", "riskLevelAggregated", "riskState"] {
                if let value = properties.string(fieldPath(level)) { detail.append((level, .string(value))) }
            }
            event.providerSignals.append(FlagReason(.entraRisk, severity ?? .low, detail))
        }
        return event
    }
}

/// A path of object keys followed by other components.
func fieldPath(_ first: String, _ rest: JSONPath.Component...) -> [JSONPath.Component] {
    [.key(Array(first.utf8))] + rest
}
