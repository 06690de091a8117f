import Testing
@testable import LogsieveCore

@Suite struct EnrichStateTests {
    func makeEnricher(_ configure: (inout EnrichmentConfiguration) -> Void = { _ in }) -> (Enricher, Pipeline, Redactor) {
        var configuration = EnrichmentConfiguration()
        configure(&configuration)
        let redactor = Redactor(configuration: RedactorConfiguration(), fingerprinter: Fingerprinter(key: testKey))
        let enricher = Enricher(configuration: configuration, fingerprinter: Fingerprinter(key: testKey), maxDepth: 512)
        let pipeline = Pipeline(expression: try! PipelineExpression.parse("redact | enrich"), redactor: redactor, enricher: enricher)
        return (enricher, pipeline, redactor)
    }

    func run(_ events: [OktaEvent], through pipeline: Pipeline, _ redactor: Redactor) -> [[String: Any]?] {
        let processor = EventProcessor(pipeline: pipeline, redactor: redactor)
        let framer = NDJSONFramer(maxLineBytes: 1 << 20)
        let output = ByteBuffer()
        let bytes = Array((events.map(\.json).joined(separator: "\n") + "\n").utf8)
        framer.startInput()
        var offset = 0
        while offset < bytes.count {
            let space = framer.writableSpace()
            let count = min(space.count, bytes.count - offset)
            bytes.withUnsafeBytes { space.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
            framer.didRead(count)
            offset += count
            framer.drain(atEndOfInput: false) { processor.process($0, to: output) }
        }
        framer.drain(atEndOfInput: true) { processor.process($0, to: output) }
        return enrichmentMembers(String(decoding: output.bytes, as: UTF8.self))
    }

    static func moved(_ published: String) -> OktaEvent {
        var event = OktaEvent()
        event.published = published
        event.ip = "203.0.113.77"
        event.asNumber = 64500
        event.country = "Netherlands"
        event.latitude = 52.37
        event.longitude = 4.89
        return event
    }

    @Test func lateEventSeesStateAtItsTime() throws {
        // The move at 09:20 arrives first. The 09:18 event from the original
        // network is compared with the state at 09:18, before the move.
        var start = OktaEvent()
        start.published = "2024-05-01T09:10:00.000Z"
        var late = OktaEvent()
        late.published = "2024-05-01T09:18:00.000Z"
        late.eventType = "user.session.access_admin_app"
        let (_, pipeline, redactor) = makeEnricher()
        let members = run([start, Self.moved("2024-05-01T09:20:00.000Z"), late], through: pipeline, redactor)
        #expect(flags(members[1]).contains("session.network_changed"))
        #expect(members[2] == nil)
    }

    @Test func veryLateEventIsMarkedLate() throws {
        var start = OktaEvent()
        start.published = "2024-05-01T09:00:00.000Z"
        var veryLate = Self.moved("2024-05-01T09:01:00.000Z")
        veryLate.eventType = "user.session.access_admin_app"
        var now = OktaEvent()
        now.published = "2024-05-01T09:30:00.000Z"
        let (enricher, pipeline, redactor) = makeEnricher()
        let members = run([start, now, veryLate], through: pipeline, redactor)
        #expect(members[2]?["late"] as? Bool == true)
        #expect(flags(members[2]).contains("session.network_changed"))
        #expect(enricher.stats.lateEvents == 1)
    }

    @Test func eventWithoutTimeUsesArrival() throws {
        var untimed = Self.moved("")
        untimed.published = "not a time"
        let (enricher, pipeline, redactor) = makeEnricher()
        enricher.clock = { 1_714_554_000 + 600 }
        let members = run([OktaEvent(), untimed], through: pipeline, redactor)
        #expect(members[1]?["time"] as? String == "arrival")
        #expect(enricher.stats.eventsWithoutTime == 1)
    }

    @Test func sessionsExpireAfterTTL() throws {
        let (enricher, pipeline, redactor) = makeEnricher { $0.sessionTTL = 3600 }
        var other = OktaEvent()
        other.session = "102someoneelse00000000000"
        other.user = "other@example.com"
        other.published = "2024-05-01T11:00:00.000Z"
        let members = run([OktaEvent(), other, Self.moved("2024-05-01T11:01:00.000Z")], through: pipeline, redactor)
        #expect(enricher.stats.sessionsExpired == 1)
        #expect(!flags(members[2]).contains("session.network_changed"))
    }

    @Test func leastRecentSessionIsEvicted() throws {
        let (enricher, pipeline, redactor) = makeEnricher { $0.maxSessions = 2 }
        var events = [OktaEvent()]
        for index in 1...2 {
            var event = OktaEvent()
            event.session = "102session\(index)0000000000000"
            event.published = "2024-05-01T09:0\(index):00.000Z"
            events.append(event)
        }
        events.append(Self.moved("2024-05-01T09:05:00.000Z"))
        let members = run(events, through: pipeline, redactor)
        #expect(enricher.stats.sessionsEvicted == 2)
        #expect(enricher.stats.sessionsTracked == 2)
        #expect(!flags(members[3]).contains("session.network_changed"))
    }

    @Test func lruTableOrder() {
        var table = LRUTable<Int>()
        let keys = (0..<3).map { SessionMAC(words: (UInt64($0), 0, 0, 0)) }
        for (index, key) in keys.enumerated() { table.set(index, for: key) }
        _ = table.value(for: keys[0])
        #expect(table.removeLeastRecent()?.value == 1)
        #expect(table.removeLeastRecent()?.value == 2)
        #expect(table.removeLeastRecent()?.value == 0)
        #expect(table.count == 0)
        table.set(9, for: keys[1])
        #expect(table.leastRecent?.value == 9)
    }

    @Test func snapshotRoundTrip() throws {
        let (enricher, pipeline, redactor) = makeEnricher()
        _ = run([OktaEvent()], through: pipeline, redactor)
        let bytes = EnrichmentSnapshot.encode(enricher)

        let (restored, restoredPipeline, restoredRedactor) = makeEnricher()
        try EnrichmentSnapshot.load(bytes, into: restored)
        #expect(restored.stats.sessionsTracked == 1)
        #expect(EnrichmentSnapshot.encode(restored) == bytes)
        let members = run([Self.moved("2024-05-01T09:20:00.000Z")], through: restoredPipeline, restoredRedactor)
        #expect(flags(members[0]).contains("session.network_changed"))
    }

    @Test func corruptSnapshotIsRejected() throws {
        let (enricher, pipeline, redactor) = makeEnricher()
        _ = run([OktaEvent()], through: pipeline, redactor)
        var bytes = EnrichmentSnapshot.encode(enricher)
        bytes[bytes.count / 2] ^= 0xFF
        #expect(throws: SnapshotError.checksumMismatch) { try EnrichmentSnapshot.load(bytes, into: enricher) }
        #expect(enricher.stats.sessionsTracked == 0)
        #expect(throws: SnapshotError.notASnapshot) { try EnrichmentSnapshot.load(Array("garbage".utf8), into: enricher) }
        var newer = EnrichmentSnapshot.encode(enricher)
        newer[8] = 99
        #expect(throws: SnapshotError.unsupportedVersion(99)) { try EnrichmentSnapshot.load(newer, into: enricher) }
    }

    @Test func snapshotFromAnotherKeyIsRejected() throws {
        let (enricher, _, _) = makeEnricher()
        let otherKey = try FingerprintKey(Array("another-key-another-key-another-key!".utf8))
        let other = Enricher(configuration: EnrichmentConfiguration(), fingerprinter: Fingerprinter(key: otherKey), maxDepth: 512)
        #expect(throws: SnapshotError.keyChanged(snapshot: otherKey.identifier, current: testKey.identifier)) {
            try EnrichmentSnapshot.load(EnrichmentSnapshot.encode(other), into: enricher)
        }
    }

    @Test func trustedNetworksRaiseNoNetworkFlags() throws {
        let (_, pipeline, redactor) = makeEnricher { $0.trustedNetworks = [IPNetwork("203.0.113.0/24")!] }
        let members = run([OktaEvent(), Self.moved("2024-05-01T09:20:00.000Z")], through: pipeline, redactor)
        #expect(members[1] == nil)
    }
}
