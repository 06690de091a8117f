import Testing
@testable import LogsieveCore

@Suite struct EnrichReaderTests {
    @Test(arguments: [
        ("2024-05-01T09:00:00.000Z", 1_714_554_000.0),
        ("2024-05-01T09:00:00Z", 1_714_554_000.0),
        ("2024-05-01 09:00:00.500000000", 1_714_554_000.5),
        ("2024-05-01T11:00:00+02:00", 1_714_554_000.0),
        ("2019-03-12T16:27:11.1234567Z", 1_552_408_031.1234567),
    ])
    func eventTimes(text: String, expected: Double) {
        #expect(abs((EventTime.parse(text) ?? 0) - expected) < 0.000_01)
    }

    @Test(arguments: ["redacted", "", "2024-13-01T00:00:00Z", "2024-05-01T09:00:00Zjunk"])
    func invalidEventTimes(text: String) {
        #expect(EventTime.parse(text) == nil)
    }

    @Test func oktaMapStringKeepsCommasInValues() {
        let entries = OktaMapString.parse("{reasons=Anomalous Device, Anomalous Location, level=HIGH}")
        #expect(entries.map(\.0) == ["reasons", "level"])
        #expect(entries[0].1 == "Anomalous Device, Anomalous Location")
        #expect(entries[1].1 == "HIGH")
    }

    @Test func ipv6SubscriberNetworkIsSlash64() {
        let first = IPAddress("2001:db8:1:2:aaaa::1")!
        let second = IPAddress("2001:db8:1:2:bbbb::9")!
        let third = IPAddress("2001:db8:1:3::1")!
        #expect(first.subscriberNetwork == second.subscriberNetwork)
        #expect(first.subscriberNetwork != third.subscriberNetwork)
        #expect(IPAddress("198.51.100.7")!.isIPv4)
        #expect(IPAddress("::ffff:198.51.100.7") == IPAddress("198.51.100.7"))
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPNetwork("198.51.100.0/24")!.contains(IPAddress("198.51.100.99")!))
        #expect(!IPNetwork("198.51.100.0/24")!.contains(IPAddress("198.51.101.1")!))
        #expect(IPNetwork("2001:db8::/32")!.contains(first))
    }

    @Test func ipv4DottedQuads() {
        #expect(IPAddress.parseIPv4("198.51.100.7") == 0xC633_6407)
        #expect(IPAddress.parseIPv4("0.0.0.0") == 0)
        #expect(IPAddress.parseIPv4("255.255.255.255") == 0xFFFF_FFFF)
        #expect(IPAddress.parseIPv4("010.1.1.1") == 0x0A01_0101)
        for text in ["", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.", "256.1.1.1", "1.2.3.1000", "0001.2.3.4",
                     "+1.2.3.4", "1.2.3.4 ", "a.b.c.d", "1.2.3.٣"] {
            #expect(IPAddress.parseIPv4(Substring(text)) == nil, "\(text)")
        }
    }

    @Test func oktaRiskAndBehaviors() throws {
        var event = OktaEvent()
        event.debugData = ["risk": "{reasons=Anomalous Device, Anomalous Location, level=HIGH}",
                           "behaviors": "{New Geo-Location=NEGATIVE, New Device=POSITIVE, New IP=POSITIVE}",
                           "threatSuspected": "true"]
        let member = try enrich([event])[0]
        #expect(flags(member) == ["okta.behavior", "okta.risk", "okta.threat_suspected"])
        #expect(member?["severity"] as? String == "high")
        let risk = reason(member, "okta.risk")?["detail"] as? [String: Any]
        #expect(risk?["reasons"] as? String == "Anomalous Device, Anomalous Location")
        #expect((reason(member, "okta.behavior")?["detail"] as? [String: Any])?["behaviors"] as? String == "New Device, New IP")
    }

    @Test func oktaLogOnlySecurityDataIsJSONInAString() throws {
        var event = OktaEvent()
        event.debugData = ["logOnlySecurityData": #"{"risk":{"level":"MEDIUM"},"behaviors":{"New Country":"POSITIVE","New IP":"NEGATIVE"}}"#]
        let member = try enrich([event])[0]
        #expect(flags(member) == ["okta.behavior", "okta.risk"])
        #expect(reason(member, "okta.risk")?["severity"] as? String == "medium")
    }

    @Test func oktaAnonymizingTunnels() throws {
        var event = OktaEvent()
        event.debugData = ["tunnels": #"[{"anonymous":true,"operator":"Example VPN","type":"VPN"}]"#]
        let member = try enrich([event])[0]
        #expect(flags(member) == ["network.anonymizer"])
        #expect((reason(member, "network.anonymizer")?["detail"] as? [String: Any])?["source"] as? String == "debugData.tunnels: Example VPN")
    }

    static let entraSignIn = """
    {"time":"2024-05-01T09:00:00.0000000Z","category":"SignInLogs","operationName":"Sign-in activity","callerIpAddress":"198.51.100.10","resultType":"0","properties":{"userPrincipalName":"Jane.Roe@example.com","ipAddress":"198.51.100.10","sessionId":"8d3e0b5a-1111-4a6e-9a3e-222222222222","userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36","deviceDetail":{"browser":"Chrome 124.0.0","operatingSystem":"Windows10"},"location":{"city":"Dublin","countryOrRegion":"IE","geoCoordinates":{"latitude":53.35,"longitude":-6.26}},"status":{"errorCode":0},"riskLevelDuringSignIn":"none","riskEventTypes_v2":[]}}
    """

    @Test func entraSignInsAreRead() throws {
        let second = Self.entraSignIn
            .replacingOccurrences(of: "2024-05-01T09:00:00", with: "2024-05-01T09:30:00")
            .replacingOccurrences(of: "198.51.100.10", with: "203.0.113.9")
            .replacingOccurrences(of: #""city":"Dublin","countryOrRegion":"IE","geoCoordinates":{"latitude":53.35,"longitude":-6.26}"#,
                                  with: #""city":"Singapore","countryOrRegion":"SG","geoCoordinates":{"latitude":1.29,"longitude":103.85}"#)
            .replacingOccurrences(of: #""riskLevelDuringSignIn":"none","riskEventTypes_v2":[]"#,
                                  with: #""riskLevelDuringSignIn":"high","riskEventTypes_v2":["unfamiliarFeatures","anonymizedIPAddress"]"#)
        let members = enrichmentMembers(try runPipeline(Self.entraSignIn + "\n" + second + "\n", pipeline: "redact | enrich"))
        #expect(members[0] == nil)
        #expect(flags(members[1]) == ["entra.risk", "session.network_changed", "user.impossible_travel"])
        #expect(members[1]?["source"] as? String == "entra")
        #expect(reason(members[1], "entra.risk")?["severity"] as? String == "high")
    }

    @Test func googleSuspiciousLogin() throws {
        let event = #"{"kind":"admin#reports#activity","id":{"time":"2024-05-01T09:00:00.000Z","applicationName":"login","uniqueQualifier":"1"},"actor":{"email":"jane.roe@example.com","profileId":"1"},"ipAddress":"203.0.113.9","events":[{"type":"account_warning","name":"suspicious_login"}]}"#
        let member = enrichmentMembers(try runPipeline(event + "\n", pipeline: "redact | enrich"))[0]
        #expect(flags(member) == ["google.suspicious_login"])
        #expect(member?["source"] as? String == "google_workspace")
    }

    @Test func eventRootReadsEventBridgeDetail() throws {
        let detail = OktaEvent()
        var moved = OktaEvent()
        moved.published = "2024-05-01T09:20:00.000Z"
        moved.ip = "203.0.113.77"
        moved.asNumber = 64500
        let wrap = { (event: OktaEvent) in #"{"version":"0","detail-type":"SystemLog","source":"aws.partner/okta.com","detail":"# + event.json + "}" }
        let redactor = Redactor(configuration: RedactorConfiguration(), fingerprinter: Fingerprinter(key: testKey))
        var configuration = EnrichmentConfiguration()
        configuration.eventRoot = try JSONPath.parse(".detail")
        let enricher = Enricher(configuration: configuration, fingerprinter: Fingerprinter(key: testKey), maxDepth: 512)
        let pipeline = Pipeline(expression: try PipelineExpression.parse("redact | enrich"), redactor: redactor, enricher: enricher)
        let processor = EventProcessor(pipeline: pipeline, redactor: redactor)
        let output = ByteBuffer()
        for line in [wrap(detail), wrap(moved)] {
            let bytes = Array(line.utf8)
            bytes.withUnsafeBytes { _ = processor.process(FramedRecord(kind: .line, bytes: $0, lineNumber: 1), to: output) }
        }
        let text = String(decoding: output.bytes, as: UTF8.self)
        #expect(flags(enrichmentMembers(text)[1]) == ["session.network_changed"])
    }
}
