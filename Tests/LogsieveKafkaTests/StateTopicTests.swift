import Foundation
import LogsieveCore
import Testing
@testable import LogsieveKafka

/// Okta events of `users` users: each signs in, and later every fifth
/// user's session grants a privilege from a hosting network abroad, which
/// `enrich` flags only when it remembers the session's first network.
/// User i's events go to partition i mod `partitions`, in event-time order.
enum IdentityEvents {
    static func make(users: Int = 30, partitions: Int32) -> [TestMessage] {
        var result: [TestMessage] = []
        func add(_ index: Int, minute: Int, type: String, stolen: Bool) {
            let object: [String: Any] = [
                "uuid": "event-\(result.count)", "eventType": type,
                "published": String(format: "2024-05-01T%02d:%02d:00.000Z", 9 + minute / 60, minute % 60),
                "actor": ["type": "User", "id": "00u\(index)", "alternateId": "user\(index)@example.com"],
                "client": ["ipAddress": stolen ? "203.0.113.\(index)" : "198.51.100.\(index)",
                           "userAgent": ["browser": "CHROME", "os": "Mac OS X", "rawUserAgent": "Mozilla/5.0 Chrome/124.0"],
                           "geographicalContext": ["country": stolen ? "Netherlands" : "United States"]],
                "authenticationContext": ["externalSessionId": "102session\(index)xyz"],
                "securityContext": ["asNumber": stolen ? 64500 : 64496, "isProxy": false],
                "outcome": ["result": "SUCCESS"],
            ]
            let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            result.append(TestMessage(partition: Int32(index) % partitions, key: Array("okta".utf8), value: [UInt8](data)))
        }
        for index in 0..<users { add(index, minute: index, type: "user.session.start", stolen: false) }
        for index in 0..<users { add(index, minute: 60 + index, type: "user.account.privilege.grant", stolen: index % 5 == 0) }
        return result
    }

    /// Returns the `logsieve` member of each event by `uuid`, as sorted JSON
    /// text, or "none". Lines without a `uuid` are left out.
    static func flags(_ values: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for line in values {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let uuid = object["uuid"] as? String else { continue }
            let member = object["logsieve"].map { String(decoding: try! JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            result[uuid] = member ?? "none"
        }
        return result
    }

    /// Runs the events through `logsieve` (the filter, one uninterrupted
    /// stream with the relay tests' key) and returns its flags by `uuid`.
    static func filterFlags(_ messages: [TestMessage]) throws -> [String: String] {
        let process = Process()
        process.executableURL = RelayProcess.binary
        process.arguments = ["--key-file", RelayProcess.keyFile]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let text = messages.map(\.valueText).joined(separator: "\n") + "\n"
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return flags(String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init))
    }
}

/// Restoring from the state topic, in process: a coordinator per owner,
/// each with its own sanitizer, as two relay processes would have.
extension MockClusterTests {
@Suite(.serialized)
struct StateTopicRestoreTests {
    static func makeSanitizer() throws -> EventSanitizer {
        let key = try FingerprintKey(Array(repeating: 0x6B, count: 32))
        let redactor = Redactor(configuration: RedactorConfiguration(), fingerprinter: Fingerprinter(key: key))
        let enricher = Enricher(configuration: EnrichmentConfiguration(), fingerprinter: Fingerprinter(key: key), maxDepth: 512)
        let pipeline = Pipeline(expression: try PipelineExpression.parse("redact | enrich"), redactor: redactor, enricher: enricher)
        return EventSanitizer(processor: EventProcessor(pipeline: pipeline, redactor: redactor))
    }

    static func makeCoordinator(_ cluster: TestCluster, sanitizer: EventSanitizer) throws -> StateTopicCoordinator {
        let relay = RelayConfiguration(brokers: cluster.brokers, group: "restore", sourceTopics: [cluster.raw], destinationTopic: cluster.clean)
        return try StateTopicCoordinator(configuration: StateTopicConfiguration(topic: "state"), relay: relay, sanitizer: sanitizer, log: quietLog)
    }

    /// Sanitizes `events[range]` as the relay would, returning the values.
    static func handle(_ events: [TestMessage], _ range: Range<Int>, sanitizer: EventSanitizer,
                       coordinator: StateTopicCoordinator?, partition: TopicPartition) -> [String] {
        range.map { offset in
            coordinator?.willHandle(partition, offset: Int64(offset))
            return events[offset].value!.withUnsafeBytes { String(decoding: sanitizer.sanitize($0).1, as: UTF8.self) }
        }
    }

    @Test func replaysFromCheckpointToCommitted() throws {
        let cluster = try TestCluster(partitions: 1, topics: ["raw", "clean", "state"])
        let events = IdentityEvents.make(partitions: 1)
        try produce(events, to: cluster.raw, brokers: cluster.brokers)
        let partition = TopicPartition(topic: cluster.raw, partition: 0)
        let expected = IdentityEvents.flags(Self.handle(events, 0..<events.count, sanitizer: try Self.makeSanitizer(), coordinator: nil, partition: partition))
        #expect(expected.values.filter { $0.contains("session.network_changed") }.count == 6)

        // The first owner checkpoints at offset 20 and at 35 (only what
        // changed), then handles up to 45, which the group commits.
        let first = try Self.makeSanitizer()
        let firstCoordinator = try Self.makeCoordinator(cluster, sanitizer: first)
        #expect(firstCoordinator.restore([partition], committed: [:]).isEmpty)
        _ = Self.handle(events, 0..<20, sanitizer: first, coordinator: firstCoordinator, partition: partition)
        firstCoordinator.checkpoint([partition], isSettled: { _ in true }, reason: "test")
        _ = Self.handle(events, 20..<35, sanitizer: first, coordinator: firstCoordinator, partition: partition)
        firstCoordinator.checkpoint([partition], isSettled: { _ in true }, reason: "test")
        _ = Self.handle(events, 35..<45, sanitizer: first, coordinator: firstCoordinator, partition: partition)

        // The next owner restores the checkpoint at 35 and replays 35..<45.
        let second = try Self.makeSanitizer()
        let secondCoordinator = try Self.makeCoordinator(cluster, sanitizer: second)
        #expect(secondCoordinator.restore([partition], committed: [partition: 45]).isEmpty, "reading starts at the committed offset")
        let resumed = IdentityEvents.flags(Self.handle(events, 45..<events.count, sanitizer: second, coordinator: secondCoordinator, partition: partition))
        #expect(resumed.count == events.count - 45)
        for (uuid, flags) in resumed {
            #expect(flags == expected[uuid], "\(uuid)")
        }

        // Without the state, the same events lose their flags.
        let fresh = IdentityEvents.flags(Self.handle(events, 45..<events.count, sanitizer: try Self.makeSanitizer(), coordinator: nil, partition: partition))
        #expect(fresh != resumed)
    }

    @Test func checkpointAheadOfCommitMovesStart() throws {
        let cluster = try TestCluster(partitions: 1, topics: ["raw", "clean", "state"])
        let events = IdentityEvents.make(partitions: 1)
        try produce(events, to: cluster.raw, brokers: cluster.brokers)
        let partition = TopicPartition(topic: cluster.raw, partition: 0)
        let first = try Self.makeSanitizer()
        let firstCoordinator = try Self.makeCoordinator(cluster, sanitizer: first)
        _ = Self.handle(events, 0..<40, sanitizer: first, coordinator: firstCoordinator, partition: partition)
        firstCoordinator.checkpoint([partition], isSettled: { _ in true }, reason: "test")

        let secondCoordinator = try Self.makeCoordinator(cluster, sanitizer: try Self.makeSanitizer())
        #expect(secondCoordinator.restore([partition], committed: [partition: 25]) == [partition: 40])
    }

    @Test func unsettledPartitionIsNotCheckpointed() throws {
        let cluster = try TestCluster(partitions: 1, topics: ["raw", "clean", "state"])
        let events = IdentityEvents.make(partitions: 1)
        let partition = TopicPartition(topic: cluster.raw, partition: 0)
        let sanitizer = try Self.makeSanitizer()
        let coordinator = try Self.makeCoordinator(cluster, sanitizer: sanitizer)
        _ = Self.handle(events, 0..<10, sanitizer: sanitizer, coordinator: coordinator, partition: partition)
        coordinator.checkpoint([partition], isSettled: { _ in false }, reason: "test")
        let client = try TopicClient(brokers: cluster.brokers, logLevel: .error)
        #expect(try client.watermarkTotals(of: "state").high == 0)
    }
}
}

@Suite struct RestoredPartitionTests {
    @Test func latestValuePerKeyBeforeLastMarker() {
        let marker = StateCheckpoint(sourceTopic: "raw", sourcePartition: 0, offset: 7, watermark: 1.5e9, keyIdentifier: "k", entityCount: 2)
        var restored = RestoredPartition()
        restored.apply(key: "session:a", value: [1])
        restored.apply(key: "user:b", value: [2])
        restored.apply(key: "session:c", value: [9])
        restored.apply(key: "session:a", value: [3])
        restored.apply(key: "session:c", value: nil)
        restored.apply(key: StateCheckpoint.key, value: marker.encoded())
        // An unfinished checkpoint after the marker.
        restored.apply(key: "session:a", value: [4])
        restored.apply(key: "user:b", value: nil)

        #expect(restored.checkpoint == marker)
        #expect(restored.entities == [EnrichmentEntity(key: "user:b", value: [2]), EnrichmentEntity(key: "session:a", value: [3])])
        #expect(restored.latestHashes["session:a"] == EntityHash.of([4]))
        #expect(restored.latestHashes["user:b"] == nil)
        #expect(restored.latestHashes["session:c"] == nil)
        #expect(restored.messagesRead == 8)
    }

    @Test func markerRoundTripsWithoutWatermark() {
        let marker = StateCheckpoint(sourceTopic: "raw", sourcePartition: 3, offset: 1 << 40, watermark: nil, keyIdentifier: "abc", entityCount: 0)
        #expect(StateCheckpoint.decode(marker.encoded()) == marker)
        #expect(StateCheckpoint.decode(Array("{}".utf8)) == nil)
    }
}
