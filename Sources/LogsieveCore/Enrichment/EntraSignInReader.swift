/// Reads Microsoft Entra ID sign-in logs as Azure Monitor diagnostic
/// settings export them (`SignInLogs`, `NonInteractiveUserSignInLogs`):
/// top-level `time`, `callerIpAddress`, and the sign-in under `properties`.
enum EntraSignInReader {
    static let userPrincipalName = fieldPath("properties", "userPrincipalName")

    /// Whether the event is an Entra sign-in: `time`, `properties.userPrincipalName`,
    /// and an address in `callerIpAddress` or `properties.ipAddress`.
    static func recognizes(_ fields: EventFields) -> Bool {
        fields.has(FieldPaths.time) && fields.string(userPrincipalName) != nil
            && (fields.has(FieldPaths.callerIpAddress) || fields.has(FieldPaths.propertiesIpAddress))
    }

    static func read(_ fields: EventFields) -> IdentityEvent {
        var event = IdentityEvent(source: .entra, eventType: "signin")
        event.time = fields.string(FieldPaths.time).flatMap(EventTime.parse)
        event.user = fields.string(userPrincipalName)?.lowercased()
        event.isSignIn = true
        guard let properties = fields.object(FieldPaths.properties) else { return event }

        event.sessionIdentifier = properties.string(FieldPaths.sessionId)
        event.ipAddress = properties.string(FieldPaths.ipAddress) ?? fields.string(FieldPaths.callerIpAddress)
        event.network.country = properties.string(FieldPaths.locationCountryOrRegion)
        event.network.city = properties.string(FieldPaths.locationCity)
        event.network.latitude = properties.number(FieldPaths.locationGeoCoordinatesLatitude)
        event.network.longitude = properties.number(FieldPaths.locationGeoCoordinatesLongitude)
        event.network.asNumber = properties.number(FieldPaths.autonomousSystemNumber).map { Int($0) }
        event.client.rawUserAgent = properties.string(FieldPaths.userAgent)
        event.client.browser = properties.string(FieldPaths.deviceDetailBrowser)
        event.client.operatingSystem = properties.string(FieldPaths.deviceDetailOperatingSystem)

        // errorCode 0 is success; exports also carry it as `resultType` "0".
        if let code = properties.number(FieldPaths.statusErrorCode) ?? fields.number(FieldPaths.resultType) {
            event.outcome = code == 0 ? .success : .failure
        }

        let riskTypes = properties.strings(FieldPaths.riskEventTypesV2Each) + properties.strings(FieldPaths.riskEventTypesEach)
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

/// The paths read from every event, built once rather than per event.
private enum FieldPaths {
    static let time = fieldPath("time")
    static let callerIpAddress = fieldPath("callerIpAddress")
    static let propertiesIpAddress = fieldPath("properties", "ipAddress")
    static let properties = fieldPath("properties")
    static let sessionId = fieldPath("sessionId")
    static let ipAddress = fieldPath("ipAddress")
    static let locationCountryOrRegion = fieldPath("location", "countryOrRegion")
    static let locationCity = fieldPath("location", "city")
    static let locationGeoCoordinatesLatitude = fieldPath("location", "geoCoordinates", "latitude")
    static let locationGeoCoordinatesLongitude = fieldPath("location", "geoCoordinates", "longitude")
    static let autonomousSystemNumber = fieldPath("autonomousSystemNumber")
    static let userAgent = fieldPath("userAgent")
    static let deviceDetailBrowser = fieldPath("deviceDetail", "browser")
    static let deviceDetailOperatingSystem = fieldPath("deviceDetail", "operatingSystem")
    static let statusErrorCode = fieldPath("status", "errorCode")
    static let resultType = fieldPath("resultType")
    static let riskEventTypesV2Each = fieldPath("riskEventTypes_v2", .iterate)
    static let riskEventTypesEach = fieldPath("riskEventTypes", .iterate)
}
