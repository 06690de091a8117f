import Foundation
import Testing
@testable import LogsieveKafka

/// Two `logsieve kafka` processes in one group with `--state-topic`: a
/// partition that moves between them mid-session keeps its enrich state,
/// so the flags match one uninterrupted `logsieve` run over the same events.
extension MockClusterTests {
@Suite(.serialized)
struct StateTopicEndToEndTests {
    static func arguments(_ cluster: TestCluster, extra: [String] = []) -> [String] {
        cluster.relayArguments(group: "enrich", extra: ["--state-topic", "state", "--checkpoint-interval", "1",
                                                        "--key-by", ".actor.alternateId", "--log-level", "debug"] + extra)
    }

    /// Every output value's flags must be those of the uninterrupted run,
    /// duplicates included.
    static func expectSameFlags(_ output: [TestMessage], as expected: [String: String]) {
        for message in output {
            let flags = IdentityEvents.flags([message.valueText])
            for (uuid, value) in flags {
                #expect(value == expected[uuid], "\(uuid) at \(message.partition)/\(message.offset)")
            }
        }
        let seen = Set(output.flatMap { IdentityEvents.flags([$0.valueText]).keys })
        #expect(seen == Set(expected.keys), "every event relayed")
    }

    @Test func handoverAfterStopKeepsSessionState() throws {
        let cluster = try TestCluster(partitions: 2, topics: ["raw", "clean", "state"])
        let events = IdentityEvents.make(partitions: 2)
        let expected = try IdentityEvents.filterFlags(events)
        #expect(expected.values.filter { $0.contains("session.network_changed") }.count == 6)
        let half = 40
        // An event without the --key-by path keeps its input key.
        var firstPart = Array(events[..<half])
        firstPart.append(TestMessage(partition: 0, key: Array("plain-key".utf8), value: Array(#"{"note":"no actor"}"#.utf8)))
        try produce(firstPart, to: cluster.raw, brokers: cluster.brokers)

        let first = try RelayProcess(Self.arguments(cluster))
        let firstOutput = try readAll(cluster.clean, partitions: 2, brokers: cluster.brokers, expecting: firstPart.count)
        #expect(firstOutput.count == firstPart.count)
        first.signal(SIGTERM)
        #expect(first.waitForExit() == 0, "\(first.standardError)")
        #expect(first.standardError.contains("enrich state checkpointed"), "\(first.standardError)")

        try produce(Array(events[half...]), to: cluster.raw, brokers: cluster.brokers)
        let second = try RelayProcess(Self.arguments(cluster))
        let output = try readAll(cluster.clean, partitions: 2, brokers: cluster.brokers, expecting: events.count + 1, idleSeconds: 20)
        second.signal(SIGTERM)
        #expect(second.waitForExit() == 0, "\(second.standardError)")
        #expect(second.standardError.contains("enrich state restored"), "\(second.standardError)")

        #expect(output.count == events.count + 1, "each message once after a clean stop")
        Self.expectSameFlags(output, as: expected)
        for message in output {
            if message.valueText.contains("no actor") {
                #expect(message.key == Array("plain-key".utf8), "an event without the path keeps its input key")
            } else {
                let object = try JSONSerialization.jsonObject(with: Data(message.value!)) as! [String: Any]
                let actor = object["actor"] as! [String: Any]
                #expect(message.key == Array((actor["alternateId"] as! String).utf8), "keyed by --key-by")
            }
        }
    }

    @Test func stateTopicWithTooFewPartitions() throws {
        let cluster = try TestCluster(partitions: 2)
        try cluster.mock?.createTopic("state", partitions: 1)
        let relay = try RelayProcess(Self.arguments(cluster))
        #expect(relay.waitForExit() == 1)
        #expect(relay.standardError.contains("the state topic state has 1 partitions, fewer than the 2 of raw"), "\(relay.standardError)")
        #expect(relay.standardError.contains("--partitions 2 --config cleanup.policy=compact"))
    }

    @Test func survivorRestoresKilledInstanceState() throws {
        let cluster = try TestCluster(partitions: 2, topics: ["raw", "clean", "state"])
        let events = IdentityEvents.make(partitions: 2)
        let expected = try IdentityEvents.filterFlags(events)
        let half = 40
        try produce(Array(events[..<half]), to: cluster.raw, brokers: cluster.brokers)

        // Both members own a partition before the first one is killed.
        let doomed = try RelayProcess(Self.arguments(cluster))
        #expect(doomed.waitForLog("partitions assigned: raw[0,1]"), "\(doomed.standardError)")
        let survivor = try RelayProcess(Self.arguments(cluster))
        #expect(survivor.waitForLog("partitions assigned: raw["), "\(survivor.standardError)")
        _ = try readAll(cluster.clean, partitions: 2, brokers: cluster.brokers, expecting: half)
        #expect(doomed.waitForLog("enrich state checkpointed"), "\(doomed.standardError)")
        doomed.signal(SIGKILL)
        _ = doomed.waitForExit()
        let logBeforeKill = survivor.standardError.count

        try produce(Array(events[half...]), to: cluster.raw, brokers: cluster.brokers)
        // The survivor takes the killed member's partition after session.timeout.ms.
        let output = try readAll(cluster.clean, partitions: 2, brokers: cluster.brokers, expecting: events.count * 3, idleSeconds: 20) { messages in
            Set(messages.flatMap { IdentityEvents.flags([$0.valueText]).keys }).count == events.count
        }
        survivor.signal(SIGTERM)
        #expect(survivor.waitForExit() == 0, "\(survivor.standardError)")
        let logAfterKill = String(survivor.standardError.dropFirst(logBeforeKill))
        #expect(logAfterKill.contains("partitions assigned: raw[0,1]"), "\(survivor.standardError)")
        let restoredFromCheckpoint = logAfterKill.split(separator: "\n").filter {
            $0.contains("enrich state restored") && !$0.contains("kafka.state.checkpoint=none")
        }
        #expect(restoredFromCheckpoint.count >= 1, "\(logAfterKill)")
        Self.expectSameFlags(output, as: expected)
    }
}
}
