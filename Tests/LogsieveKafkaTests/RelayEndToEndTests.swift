import CRdKafka
import Foundation
import Testing
@testable import LogsieveKafka

/// End-to-end: the real `logsieve kafka` binary against librdkafka's mock cluster.
extension MockClusterTests {
@Suite(.serialized)
struct RelayEndToEndTests {
    @Test func relaysEveryMessageOnceRedacted() throws { try EndToEndCases.relaysEveryMessageOnceRedacted(TestCluster()) }
    @Test func sortsPoisonEmptyTombstoneAndOversized() throws { try EndToEndCases.sortsPoisonEmptyTombstoneAndOversized(TestCluster(partitions: 1)) }
    @Test func sigtermMidStreamCommitsDeliveredOnly() throws { try EndToEndCases.sigtermMidStreamCommitsDeliveredOnly(TestCluster(partitions: 2)) }
    @Test func secondSignalExitsAtOnce() throws { try EndToEndCases.secondSignalExitsAtOnce(TestCluster(partitions: 1)) }
    @Test func cooperativeCloseBeforeAssignment() throws { try EndToEndCases.cooperativeCloseBeforeAssignment(TestCluster(partitions: 2)) }
    @Test func cooperativeRelaysAndRebalances() throws { try EndToEndCases.cooperativeRelaysAndRebalances(TestCluster(partitions: 4)) }
    @Test func invalidFloodIsRateLimitedAndScrubbed() throws { try EndToEndCases.invalidFloodIsRateLimitedAndScrubbed(TestCluster(partitions: 1)) }
}

/// The same cases against the broker that `LOGSIEVE_TEST_KAFKA_BROKERS`
/// names, on topics created for each test and deleted after it.
@Suite(.serialized, .enabled(if: ExternalBroker.isConfigured, "LOGSIEVE_TEST_KAFKA_BROKERS is not set"))
struct RealBrokerEndToEndTests {
    var brokers: String { ExternalBroker.brokers ?? "" }

    @Test func relaysEveryMessageOnceRedacted() throws { try EndToEndCases.relaysEveryMessageOnceRedacted(TestCluster(external: brokers, partitions: 4)) }
    @Test func sortsPoisonEmptyTombstoneAndOversized() throws { try EndToEndCases.sortsPoisonEmptyTombstoneAndOversized(TestCluster(external: brokers, partitions: 4)) }
    @Test func sigtermMidStreamCommitsDeliveredOnly() throws { try EndToEndCases.sigtermMidStreamCommitsDeliveredOnly(TestCluster(external: brokers, partitions: 4)) }
    @Test func secondSignalExitsAtOnce() throws { try EndToEndCases.secondSignalExitsAtOnce(TestCluster(external: brokers, partitions: 4)) }
    @Test func cooperativeCloseBeforeAssignment() throws { try EndToEndCases.cooperativeCloseBeforeAssignment(TestCluster(external: brokers, partitions: 4)) }
    @Test func cooperativeRelaysAndRebalances() throws { try EndToEndCases.cooperativeRelaysAndRebalances(TestCluster(external: brokers, partitions: 4)) }
}
}

/// The end-to-end cases, each on the cluster it is given.
enum EndToEndCases {
    static func relaysEveryMessageOnceRedacted(_ cluster: TestCluster) throws {
        let input = secretEvents(count: 2000, partitions: cluster.partitions)
        try produce(input, to: cluster.raw, brokers: cluster.brokers)

        let relay = try RelayProcess(cluster.relayArguments(group: "once"))
        let output = try readAll(cluster.clean, partitions: cluster.partitions, brokers: cluster.brokers, expecting: input.count)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")

        #expect(output.count == input.count)
        let sequences = output.compactMap(sequenceNumber)
        #expect(Set(sequences).count == input.count, "every event exactly once")
        for message in output {
            #expect(!message.valueText.contains("SECRET"), "value not redacted: \(message.valueText)")
            #expect(!message.valueText.contains("hunter"))
            #expect(message.header("cookie")?.contains("SECRET") == false, "cookie header not redacted")
            #expect(message.header("trace-id")?.hasPrefix("trace-") == true)
            let sequence = sequenceNumber(message) ?? -1
            #expect(message.key == Array("user-\(sequence % 7)".utf8), "key kept")
            #expect(message.header(RelayHeader.sourceTopic) == cluster.raw)
            #expect(message.header(RelayHeader.sourcePartition) == String(message.partition), "partition p goes to p mod N")
        }
        // Per-partition order: the source offsets rise within each output partition.
        for partition in 0..<cluster.partitions {
            let offsets = output.filter { $0.partition == partition }.compactMap { $0.header(RelayHeader.sourceOffset).flatMap { Int64($0) } }
            #expect(offsets == offsets.sorted(), "partition \(partition) out of order")
        }
        let committed = try committedOffsets(group: cluster.group("once"), topic: cluster.raw, partitions: cluster.partitions, brokers: cluster.brokers)
        #expect(committed.values.reduce(0, +) == Int64(input.count), "committed \(committed)")
        #expect(!relay.standardError.contains("SECRET"))
    }

    static func sortsPoisonEmptyTombstoneAndOversized(_ cluster: TestCluster) throws {
        let big = #"{"blob":""# + String(repeating: "x", count: 200_000) + #""}"#
        let input = [
            TestMessage(partition: 0, value: Array(#"{"password":"hunter2", "x": "#.utf8)),
            TestMessage(partition: 0, value: []),
            TestMessage(partition: 0, key: Array("gone".utf8), value: nil),
            TestMessage(partition: 0, value: Array(big.utf8)),
            TestMessage(partition: 0, value: Array(#"{"seq":1}"#.utf8)),
        ]
        try produce(input, to: cluster.raw, brokers: cluster.brokers)
        let relay = try RelayProcess(cluster.relayArguments(group: "edge", extra: ["--dead-letter", cluster.dlq, "-X", "message.max.bytes=100000"]))
        let clean = try readAll(cluster.clean, partitions: cluster.partitions, brokers: cluster.brokers, expecting: 2)
        let deadLetters = try readAll(cluster.dlq, partitions: cluster.partitions, brokers: cluster.brokers, expecting: 2)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")

        // The tombstone stays a tombstone with its key; the empty value sends nothing.
        #expect(clean.count == 2)
        #expect(clean.first?.value == nil && clean.first?.key == Array("gone".utf8))
        #expect(clean.last?.valueText == #"{"seq":1}"#)

        #expect(deadLetters.count == 2)
        let poison = deadLetters.first
        #expect(poison?.header(RelayHeader.reason) == "invalid-json")
        #expect(poison?.valueText.contains("logsieve_invalid") == true)
        #expect(poison?.valueText.contains("hunter2") == false, "raw bytes never leave")
        let oversized = deadLetters.last
        #expect(oversized?.header(RelayHeader.reason) == "oversized")
        #expect(oversized?.valueText.contains(#""text":null"#) == true)
        #expect(oversized?.valueText.contains("xxxx") == false)

        let committed = try committedOffsets(group: cluster.group("edge"), topic: cluster.raw, partitions: cluster.partitions, brokers: cluster.brokers)
        #expect(committed[0] == 5)
    }

    /// Many invalid messages: one warning line, not one per message, and
    /// a key mangled by an invalid byte still has its value redacted.
    static func invalidFloodIsRateLimitedAndScrubbed(_ cluster: TestCluster) throws {
        let input = (0..<40).map { index in
            TestMessage(partition: 0, value: Array(#"{"pass"#.utf8) + [0xFF] + Array(#"word":"HOSTILE\#(index)pw", "n": "#.utf8))
        }
        try produce(input, to: cluster.raw, brokers: cluster.brokers)
        let relay = try RelayProcess(cluster.relayArguments(group: "flood", extra: ["--dead-letter", cluster.dlq]))
        let deadLetters = try readAll(cluster.dlq, partitions: cluster.partitions, brokers: cluster.brokers, expecting: input.count)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")

        #expect(deadLetters.count == input.count)
        for message in deadLetters {
            #expect(!message.valueText.contains("HOSTILE"), "\(message.valueText)")
        }
        let warnings = relay.standardError.components(separatedBy: "message is not valid JSON").count - 1
        #expect(warnings >= 1, "\(warnings) warnings")
        #expect(warnings <= 2, "\(warnings) warnings")
    }

    static func sigtermMidStreamCommitsDeliveredOnly(_ cluster: TestCluster) throws {
        let input = secretEvents(count: 30_000, partitions: cluster.partitions)
        try produce(input, to: cluster.raw, brokers: cluster.brokers)
        let relay = try RelayProcess(cluster.relayArguments(group: "term", extra: ["--batch-size", "100", "-X", "linger.ms=20"]))
        #expect(relay.waitForLog("partitions assigned"))
        Thread.sleep(forTimeInterval: 0.3)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")

        let output = try readAll(cluster.clean, partitions: cluster.partitions, brokers: cluster.brokers, expecting: input.count, idleSeconds: 3)
        let committed = try committedOffsets(group: cluster.group("term"), topic: cluster.raw, partitions: cluster.partitions, brokers: cluster.brokers)
        for partition in 0..<cluster.partitions {
            let delivered = output.filter { $0.header(RelayHeader.sourcePartition) == String(partition) }
            let offsets = Set(delivered.compactMap { $0.header(RelayHeader.sourceOffset).flatMap { Int64($0) } })
            #expect(offsets.count == delivered.count, "no duplicates in one clean run")
            // A partition with nothing committed reports librdkafka's
            // "no offset" (-1001), which means the same as offset 0 here.
            let committedOffset = max(0, committed[partition] ?? 0)
            #expect(Int64(offsets.count) == committedOffset, "partition \(partition): committed \(committed) delivered \(offsets.count)")
        }
    }

    static func secondSignalExitsAtOnce(_ cluster: TestCluster) throws {
        let relay = try RelayProcess(cluster.relayArguments(group: "twice", extra: ["-X", "partition.assignment.strategy=cooperative-sticky"]))
        #expect(relay.waitForLog("partitions assigned"))
        // A graceful stop can end within milliseconds (librdkafka 2.16.0,
        // with the mock cluster or tansu on the same host), before a second
        // signal sent after the "stopping" line arrives. So both signals are
        // queued while the process is stopped. They are SIGTERM and SIGINT
        // because two pending SIGTERMs merge into one.
        relay.signal(SIGSTOP)
        relay.signal(SIGTERM)
        relay.signal(SIGINT)
        relay.signal(SIGCONT)
        let status = relay.waitForExit(seconds: 10)
        // Either signal may be handled second and set the status.
        #expect(status == 128 + SIGTERM || status == 128 + SIGINT, "\(relay.standardError)")
        #expect(!relay.standardError.contains("stopped"), "the graceful stop ended before the second signal")
    }

    static func cooperativeCloseBeforeAssignment(_ cluster: TestCluster) throws {
        let relay = try RelayProcess(cluster.relayArguments(group: "coop", extra: ["-X", "partition.assignment.strategy=cooperative-sticky"]))
        #expect(relay.waitForLog("relay started"))
        // The first assignment takes about 3 s in the mock cluster: stop before it.
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")

        // The relay inherits this process's environment, LD_LIBRARY_PATH
        // included, so both load the same librdkafka. The guard waits only
        // with one older than 2.3.0.
        let version = String(cString: rd_kafka_version_str())
        #expect(relay.standardError.contains("librdkafka=\(version) "), "the relay's start line names another librdkafka than the test's \(version)")
        let guardWaits = CooperativeCloseGuard.isNeeded(cooperative: true)
        #expect(relay.standardError.contains("waiting up to") == guardWaits, "librdkafka \(version): \(relay.standardError)")
    }

    static func cooperativeRelaysAndRebalances(_ cluster: TestCluster) throws {
        let input = secretEvents(count: 4000, partitions: cluster.partitions)
        try produce(input, to: cluster.raw, brokers: cluster.brokers)
        let arguments = cluster.relayArguments(group: "coop-run", extra: ["-X", "partition.assignment.strategy=cooperative-sticky"])
        let first = try RelayProcess(arguments)
        #expect(first.waitForLog("partitions assigned"))
        let second = try RelayProcess(arguments)
        let output = try readAll(cluster.clean, partitions: cluster.partitions, brokers: cluster.brokers, expecting: input.count, idleSeconds: 10)
        #expect(second.waitForLog("partitions assigned"))
        first.signal(SIGTERM)
        second.signal(SIGTERM)
        #expect(first.waitForExit() == 0, "\(first.standardError)")
        #expect(second.waitForExit() == 0, "\(second.standardError)")
        #expect(Set(output.compactMap(sequenceNumber)).count == input.count)
    }
}
