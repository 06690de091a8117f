import Foundation
import Testing
@testable import LogsieveCore
import LogsieveGeoIP

/// Tests/Fixtures/geoip/logsieve-test.mmdb, written by make-test-mmdb.py there.
let testDatabasePath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Fixtures/geoip/logsieve-test.mmdb").path

@Suite struct MaxMindDatabaseTests {
    @Test func locatesIPv4AndIPv6() throws {
        let database = try MaxMindDatabase(path: testDatabasePath)
        let hosting = database.locate("203.0.113.9")
        #expect(hosting?.asNumber == 64500)
        #expect(hosting?.asOrganization == "example cloud hosting")
        #expect(hosting?.country == "Netherlands")
        #expect(hosting?.city == "Amsterdam")
        #expect(hosting?.latitude == 52.37)
        #expect(database.locate("2001:db8:1:2::7")?.asNumber == 64496)
        #expect(database.locate("192.0.2.1") == nil)
        #expect(database.locate("not an address") == nil)
    }

    @Test func missingDatabaseFails() {
        #expect(throws: MaxMindDatabase.OpenError.self) { try MaxMindDatabase(path: "/nonexistent/GeoLite2-City.mmdb") }
    }

    /// Google Workspace login events carry only an address: with the
    /// database, a sign-in from Amsterdam ten minutes after one from
    /// Portland is impossible travel.
    @Test func googleSignInsGetLocations() throws {
        func login(_ time: String, _ ip: String) -> String {
            #"{"kind":"admin#reports#activity","id":{"time":"\#(time)","applicationName":"login"},"actor":{"email":"jane.roe@example.com"},"ipAddress":"\#(ip)","events":[{"type":"login","name":"login_success"}]}"#
        }
        let key = try FingerprintKey(Array("logsieve-test-key-0123456789abcdef".utf8))
        let redactor = Redactor(configuration: RedactorConfiguration(), fingerprinter: Fingerprinter(key: key))
        let enricher = Enricher(configuration: EnrichmentConfiguration(), fingerprinter: Fingerprinter(key: key), maxDepth: 512)
        enricher.locator = MaxMindDatabases([try MaxMindDatabase(path: testDatabasePath)])
        let pipeline = Pipeline(expression: try PipelineExpression.parse("redact | enrich"), redactor: redactor, enricher: enricher)
        let processor = EventProcessor(pipeline: pipeline, redactor: redactor)
        let output = ByteBuffer()
        for line in [login("2024-05-01T09:00:00.000Z", "198.51.100.4"), login("2024-05-01T09:10:00.000Z", "203.0.113.9")] {
            Array(line.utf8).withUnsafeBytes { _ = processor.process(FramedRecord(kind: .line, bytes: $0, lineNumber: 1), to: output) }
        }
        let lines = String(decoding: output.bytes, as: UTF8.self).split(separator: "\n")
        #expect(!lines[0].contains("\"logsieve\""))
        #expect(lines[1].contains(#""flags":["user.impossible_travel"]"#))
        #expect(lines[1].contains(#""location":"Amsterdam, Netherlands""#))
    }
}
