/// Reads Okta's `debugContext.debugData`: the device token hash, the
/// anonymiser tunnels, and Okta's own behaviour and risk verdicts.
enum OktaDebugData {
    static func read(_ debugData: EventFields, into event: inout IdentityEvent) {
        event.client.deviceTokenHash = debugData.string(FieldPaths.dtHash)
        event.privilegeGranted = debugData.string(FieldPaths.privilegeGranted)

        // `tunnels` is JSON in a string: [{"anonymous":true,"operator":"…","type":"VPN"}].
        if event.anonymizer == nil, let tunnels = debugData.string(FieldPaths.tunnels),
           let tunnelFields = OktaMapString.parseJSON(tunnels) {
            var anonymous: [String] = []
            tunnelFields.fields.forEachElement([]) { tunnel in
                if tunnel.bool(FieldPaths.anonymous) == true {
                    anonymous.append(tunnel.string(FieldPaths.tunnelOperator) ?? tunnel.string(FieldPaths.type) ?? "tunnel")
                }
            }
            if !anonymous.isEmpty { event.anonymizer = "debugData.tunnels: " + anonymous.joined(separator: ", ") }
        }

        var behaviors: [(String, String)] = []
        var riskLevel: String? = nil
        var riskReasons: String? = nil
        if let text = debugData.string(FieldPaths.behaviors) {
            behaviors = OktaMapString.parse(text)
        } else if let object = debugData.object(FieldPaths.behaviors) {
            // Some collectors turn the map string into an object: either
            // {"New IP": "POSITIVE"} or {"New IP=POSITIVE": null}.
            behaviors = OktaMapString.members(of: object)
        } else {
            // …or into an array of "New IP=POSITIVE" strings.
            behaviors = debugData.strings(FieldPaths.behaviorsEach).flatMap(OktaMapString.parse)
        }
        if let text = debugData.string(FieldPaths.risk) {
            let risk = OktaMapString.parse(text)
            riskLevel = risk.first { $0.0 == "level" }?.1
            riskReasons = risk.first { $0.0 == "reasons" }?.1
        }
        // `logOnlySecurityData` is JSON in a string with the same verdicts,
        // written when the policy only logs them.
        let embedded = debugData.string(FieldPaths.logOnlySecurityData).flatMap(OktaMapString.parseJSON)
        if let security = embedded?.fields ?? debugData.object(FieldPaths.logOnlySecurityData) {
            if behaviors.isEmpty, let object = security.object(FieldPaths.behaviors) {
                behaviors = OktaMapString.members(of: object)
            }
            if riskLevel == nil {
                riskLevel = security.string(FieldPaths.riskLevel)
                riskReasons = security.string(FieldPaths.riskReasons)
            }
        }

        let positive = behaviors.filter { $0.1.uppercased() == "POSITIVE" }.map(\.0)
        if !positive.isEmpty {
            event.providerSignals.append(FlagReason(.oktaBehavior, .low, [("behaviors", .string(positive.joined(separator: ", ")))]))
        }
        if let riskLevel, let severity = FlagSeverity(providerLevel: riskLevel), severity > .low {
            var detail: [(String, Evidence)] = [("level", .string(riskLevel))]
            if let riskReasons { detail.append(("reasons", .string(riskReasons))) }
            event.providerSignals.append(FlagReason(.oktaRisk, severity, detail))
        }
        if debugData.bool(FieldPaths.threatSuspected) == true {
            var detail: [(String, Evidence)] = []
            if let detections = debugData.string(FieldPaths.threatDetections) { detail.append(("detections", .string(detections))) }
            event.providerSignals.append(FlagReason(.oktaThreatSuspected, .medium, detail))
        }
    }
}

/// The paths read from every event, built once rather than per event.
private enum FieldPaths {
    static let dtHash = fieldPath("dtHash")
    static let privilegeGranted = fieldPath("privilegeGranted")
    static let tunnels = fieldPath("tunnels")
    static let anonymous = fieldPath("anonymous")
    static let tunnelOperator = fieldPath("operator")
    static let type = fieldPath("type")
    static let behaviors = fieldPath("behaviors")
    static let behaviorsEach = fieldPath("behaviors", .iterate)
    static let risk = fieldPath("risk")
    static let logOnlySecurityData = fieldPath("logOnlySecurityData")
    static let riskLevel = fieldPath("risk", "level")
    static let riskReasons = fieldPath("risk", "reasons")
    static let threatSuspected = fieldPath("threatSuspected")
    static let threatDetections = fieldPath("threatDetections")
}
