import Testing
@testable import LogsieveCore

@Suite struct EnrichScenarioTests {
    /// An admin signs in from a US ISP. Twenty minutes later the same Okta
    /// session acts from a hosting provider in another country with another
    /// user agent, creates a user and makes it a super administrator.
    @Test func stolenAdminSessionIsHigh() throws {
        let signIn = OktaEvent()
        var replayed = OktaEvent()
        replayed.eventType = "user.session.access_admin_app"
        replayed.published = "2024-05-01T09:20:00.000Z"
        replayed.ip = "203.0.113.77"
        replayed.asNumber = 64500
        replayed.asOrg = "example cloud hosting"
        replayed.country = "Netherlands"
        replayed.city = "Amsterdam"
        replayed.latitude = 52.37
        replayed.longitude = 4.89
        replayed.rawUserAgent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"
        replayed.browser = "FIREFOX"
        replayed.os = "Windows 10"
        var create = replayed
        create.eventType = "user.lifecycle.create"
        create.published = "2024-05-01T09:21:00.000Z"
        create.targets = [["id": "00unew1", "type": "User", "alternateId": "backdoor@example.com"]]
        var grant = create
        grant.eventType = "user.account.privilege.grant"
        grant.published = "2024-05-01T09:22:00.000Z"
        grant.debugData = ["privilegeGranted": "Super administrator"]

        let members = try enrich([signIn, replayed, create, grant])
        #expect(members[0] == nil)
        #expect(flags(members[1]) == ["session.network_changed", "session.client_changed"])
        #expect(members[1]?["severity"] as? String == "medium")
        let network = reason(members[1], "session.network_changed")?["detail"] as? [String: Any]
        #expect(network?["previous_ip"] as? String == "198.51.100.10")
        #expect(network?["ip"] as? String == "203.0.113.77")
        #expect(network?["asn"] as? Int == 64500)
        #expect(network?["country"] as? String == "Netherlands")
        #expect(network?["seconds_since_session_start"] as? Int == 1200)
        #expect(flags(members[2]) == ["admin.sensitive_action"])
        #expect(members[2]?["severity"] as? String == "high")
        #expect(members[3]?["severity"] as? String == "high")
        let detail = reason(members[3], "admin.sensitive_action")?["detail"] as? [String: Any]
        #expect(detail?["target_created_in_session"] as? Bool == true)
        #expect(detail?["privilege"] as? String == "Super administrator")
    }

    @Test func grantAloneIsInfo() throws {
        var grant = OktaEvent()
        grant.eventType = "user.account.privilege.grant"
        grant.targets = [["id": "00u2", "type": "User", "alternateId": "alice@example.com"]]
        let members = try enrich([OktaEvent(), grant])
        #expect(flags(members[1]) == ["admin.sensitive_action"])
        #expect(members[1]?["severity"] as? String == "info")
    }

    @Test func dualStackIsSilent() throws {
        var ipv6 = OktaEvent()
        ipv6.ip = "2001:db8:1234:5678::1"
        ipv6.published = "2024-05-01T09:05:00.000Z"
        var back = OktaEvent()
        back.published = "2024-05-01T09:06:00.000Z"
        #expect(try enrich([OktaEvent(), ipv6, back]).allSatisfy { $0 == nil })
    }

    @Test func ipv6PrivacyAddressIsSilent() throws {
        var first = OktaEvent()
        first.ip = "2001:db8:1234:5678:a1b2:c3d4:e5f6:1"
        var second = first
        second.ip = "2001:db8:1234:5678:9999:8888:7777:2"
        second.published = "2024-05-01T10:00:00.000Z"
        #expect(try enrich([first, second]).allSatisfy { $0 == nil })
    }

    @Test func mobileRoamingInOneASNIsSilent() throws {
        var events: [OktaEvent] = []
        for (index, ip) in ["198.51.100.10", "198.51.100.200", "192.0.2.33"].enumerated() {
            var event = OktaEvent()
            event.ip = ip
            event.asNumber = 64499
            event.city = ["Portland", "Beaverton", "Gresham"][index]
            event.published = "2024-05-01T09:0\(index):00.000Z"
            events.append(event)
        }
        #expect(try enrich(events).allSatisfy { $0 == nil })
    }

    @Test func twoDevicesTwoSessionsIsSilent() throws {
        var phone = OktaEvent()
        phone.session = "102zzzzzzzzzzzzzzzzzzzz9"
        phone.ip = "198.51.100.99"
        phone.rawUserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
        phone.browser = "MOBILE_SAFARI"
        phone.os = "iOS"
        phone.published = "2024-05-01T09:01:00.000Z"
        #expect(try enrich([OktaEvent(), phone]).allSatisfy { $0 == nil })
    }

    @Test func oktaInternalEventsAreSilent() throws {
        var system = OktaEvent()
        system.user = "system@okta.com"
        system.eventType = "user.account.privilege.grant"
        var integration = OktaEvent()
        integration.rawUserAgent = "Okta-Integrations"
        integration.clientID = "okta.b58d5b75-07d4-5f25-bf59-368a1261a405"
        integration.ip = "44.238.82.114"
        integration.asNumber = 16509
        #expect(try enrich([OktaEvent(), system, integration]).allSatisfy { $0 == nil })
    }

    @Test func minorVersionBumpIsSilent() throws {
        var updated = OktaEvent()
        updated.rawUserAgent = updated.rawUserAgent.replacingOccurrences(of: "Chrome/124", with: "Chrome/125")
        updated.published = "2024-05-01T12:00:00.000Z"
        #expect(try enrich([OktaEvent(), updated]).allSatisfy { $0 == nil })
    }

    @Test func scriptedClientInBrowserSessionIsHigh() throws {
        var curl = OktaEvent()
        curl.rawUserAgent = "curl/8.5.0"
        curl.browser = "UNKNOWN"
        curl.os = "Unknown"
        curl.published = "2024-05-01T09:10:00.000Z"
        let members = try enrich([OktaEvent(), curl])
        #expect(flags(members[1]) == ["session.scripted_client"])
        #expect(members[1]?["severity"] as? String == "high")
    }

    @Test func deviceTokenHashChangeIsFlagged() throws {
        var first = OktaEvent()
        first.dtHash = "kzpx58a99d2oam082rlu588wgy1mb0zfi1e1l63f9cjx4uxc455k4t6xdiwbxian"
        var second = first
        second.dtHash = "0000000000000000000000000000000000000000000000000000000000000000"
        second.published = "2024-05-01T09:30:00.000Z"
        #expect(flags(try enrich([first, second])[1]) == ["session.client_changed"])
    }

    @Test func impossibleTravelBetweenSessions() throws {
        var tokyo = OktaEvent()
        tokyo.session = "102other000000000000000"
        tokyo.ip = "192.0.2.200"
        tokyo.asNumber = 64498
        tokyo.country = "Japan"
        tokyo.city = "Osaka"
        tokyo.latitude = 34.69
        tokyo.longitude = 135.50
        tokyo.published = "2024-05-01T11:00:00.000Z"
        let members = try enrich([OktaEvent(), tokyo])
        #expect(flags(members[1]) == ["user.impossible_travel"])
        #expect(members[1]?["severity"] as? String == "medium")
        var viaProxy = tokyo
        viaProxy.isProxy = true
        let proxied = try enrich([OktaEvent(), viaProxy])
        #expect(reason(proxied[1], "user.impossible_travel")?["severity"] as? String == "low")
        #expect(flags(proxied[1]).contains("network.anonymizer"))
    }

    @Test func shortTripIsNotImpossibleTravel() throws {
        var nearby = OktaEvent()
        nearby.session = "102other000000000000000"
        nearby.ip = "192.0.2.201"
        nearby.latitude = 45.60
        nearby.published = "2024-05-01T09:01:00.000Z"
        #expect(try enrich([OktaEvent(), nearby])[1] == nil)
    }

    @Test func signInAfterMFAResetIsFlagged() throws {
        var reset = OktaEvent()
        reset.user = "helpdesk@example.com"
        reset.session = "102helpdesk00000000000000"
        reset.eventType = "user.mfa.factor.reset_all"
        reset.targets = [["id": "00u9", "type": "User", "alternateId": "victim@example.com"]]
        var signIn = OktaEvent()
        signIn.user = "victim@example.com"
        signIn.session = "102victim0000000000000000"
        signIn.published = "2024-05-01T13:00:00.000Z"
        let members = try enrich([reset, signIn])
        #expect(flags(members[0]) == ["admin.sensitive_action"])
        #expect(flags(members[1]) == ["user.sign_in_after_mfa_reset"])
        let detail = reason(members[1], "user.sign_in_after_mfa_reset")?["detail"] as? [String: Any]
        #expect(detail?["seconds_since_mfa_reset"] as? Int == 4 * 3600)
    }

    @Test func existingMemberIsReplaced() throws {
        var event = OktaEvent()
        event.isProxy = true
        let forged = event.json.dropLast() + #","logsieve":{"flags":[]}}"#
        let output = try runPipeline(String(forged) + "\n", pipeline: "redact | enrich")
        #expect(output.components(separatedBy: "\"logsieve\"").count == 2)
        #expect(flags(enrichmentMembers(output)[0]) == ["network.anonymizer"])
        #expect(output.hasSuffix("]}}\n"))
    }

    @Test func unknownEventsPassUnchanged() throws {
        let input = #"{"message": "hello", "actor": "x"}"# + "\n"
        #expect(try runPipeline(input, pipeline: "redact | enrich") == input)
    }

    @Test func sessionIsKeyedOnFullMAC() throws {
        let redactor = Redactor(configuration: RedactorConfiguration(), fingerprinter: Fingerprinter(key: testKey))
        let line = Array(OktaEvent().json.utf8)
        let output = ByteBuffer()
        redactor.beginEvent()
        _ = try line.withUnsafeBufferPointer { try redactor.redactValue($0.baseAddress!, from: 0, end: $0.count, to: output) }
        let secret = Array("102abcdEFGhijkLMNopq0123".utf8)
        let expected = secret.withUnsafeBufferPointer { Fingerprinter(key: testKey).sessionMAC($0.baseAddress!, count: $0.count) }
        #expect(redactor.sessionMACs.mac(displayPrefix: expected.displayPrefix) == expected)
        redactor.beginEvent()
        #expect(redactor.sessionMACs.isEmpty)
    }

    @Test func maskedSessionsAreNotTracked() throws {
        var configuration = RedactorConfiguration()
        configuration.replacement = .mask
        var moved = OktaEvent()
        moved.published = "2024-05-01T09:20:00.000Z"
        moved.ip = "203.0.113.77"
        moved.asNumber = 64500
        var other = moved
        other.session = "102someoneelse00000000000"
        other.user = "other@example.com"
        let input = [OktaEvent(), other].map(\.json).joined(separator: "\n") + "\n"
        let output = try runPipeline(input, pipeline: "redact | enrich", configuration: configuration)
        #expect(enrichmentMembers(output).allSatisfy { $0 == nil })
    }
}
