import Foundation

/// Okta System Log events shaped like the `/api/v1/logs` output (as in the
/// Panther corpus and Okta's documentation), with the fields a scenario varies.
struct OktaEvent {
    var eventType = "user.session.start"
    var published = "2024-05-01T09:00:00.000Z"
    var user = "admin@example.com"
    var session = "102abcdEFGhijkLMNopq0123"
    var ip = "198.51.100.10"
    var asNumber = 64496
    var asOrg = "northwind telecom"
    var country = "United States"
    var city = "Portland"
    var latitude = 45.5202
    var longitude = -122.6742
    var rawUserAgent = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
    var browser = "CHROME"
    var os = "Mac OS X"
    var isProxy = false
    var result = "SUCCESS"
    var dtHash: String? = nil
    var targets: [[String: Any]] = []
    var debugData: [String: Any] = [:]
    var clientID: String? = nil

    var json: String {
        var data = debugData
        data["requestUri"] = "/api/v1/authn"
        if let dtHash { data["dtHash"] = dtHash }
        var client: [String: Any] = [
            "device": "Computer", "ipAddress": ip, "zone": "null",
            "userAgent": ["browser": browser, "os": os, "rawUserAgent": rawUserAgent],
            "geographicalContext": ["city": city, "country": country, "state": "",
                                    "geolocation": ["lat": latitude, "lon": longitude]],
        ]
        if let clientID { client["id"] = clientID }
        let event: [String: Any] = [
            "uuid": UUID().uuidString, "published": published, "eventType": eventType, "version": "0", "severity": "INFO",
            "actor": ["id": "00u1abcd", "type": "User", "alternateId": user, "displayName": "Admin"],
            "client": client,
            "authenticationContext": ["authenticationStep": 0, "externalSessionId": session],
            "securityContext": ["asNumber": asNumber, "asOrg": asOrg, "isp": asOrg, "domain": "example.net", "isProxy": isProxy],
            "outcome": ["result": result],
            "target": targets,
            "debugContext": ["debugData": data],
        ]
        let bytes = try! JSONSerialization.data(withJSONObject: event, options: [.sortedKeys])
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The `logsieve` member of each output line, or nil where there is none.
func enrichmentMembers(_ output: String) -> [[String: Any]?] {
    output.split(separator: "\n").map { line in
        let object = try! JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        return object["logsieve"] as? [String: Any]
    }
}

func flags(_ member: [String: Any]?) -> [String] {
    member?["flags"] as? [String] ?? []
}

func reason(_ member: [String: Any]?, _ flag: String) -> [String: Any]? {
    (member?["reasons"] as? [[String: Any]])?.first { $0["flag"] as? String == flag }
}

func enrich(_ events: [OktaEvent], pipeline: String = "redact | enrich") throws -> [[String: Any]?] {
    let input = events.map(\.json).joined(separator: "\n") + "\n"
    return enrichmentMembers(try runPipeline(input, pipeline: pipeline))
}
