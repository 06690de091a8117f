import Foundation
import Testing
@testable import LogsieveKafka

/// End-to-end: the real `logsieve kafka` binary against librdkafka's mock cluster.
extension MockClusterTests {
@Suite(.serialized)
struct RelayEndToEndTests {
    @Test func relaysEveryMessageOnceRedacted() throws {
        let cluster = try TestCluster()
        let input = secretEvents(count: 2000, partitions: cluster.partitions)
        try produce(input, to: "raw", brokers: cluster.brokers)

        let relay = try RelayProcess(cluster.relayArguments(group: "once"))
        let output = try readAll("clean", partitions: cluster.partitions, brokers: cluster.brokers, expecting: input.count)
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
            #expect(message.header(RelayHeader.sourceTopic) == "raw")
            #expect(message.header(RelayHeader.sourcePartition) == String(message.partition), "partition p goes to p mod N")
        }
        // Per-partition order: the source offsets rise within each output partition.
        for partition in 0..<cluster.partitions {
            let offsets = output.filter { $0.partition == partition }.compactMap { $0.header(RelayHeader.sourceOffset).flatMap { Int64($0) } }
            #expect(offsets == offsets.sorted(), "partition \(partition) out of order")
        }
        let committed = try committedOffsets(group: "once", topic: "raw", partitions: cluster.partitions, brokers: cluster.brokers)
        #expect(committed.values.reduce(0, +) == Int64(input.count), "committed \(committed)")
        #expect(!relay.standardError.contains("SECRET"))
    }

    @Test func sortsPoisonEmptyTombstoneAndOversized() throws {
        let cluster = try TestCluster(partitions: 1)
        let big = #"{"blob":""# + String(repeating: "x", count: 200_000) + #""}"#
        let input = [
            TestMessage(partition: 0, value: Array(#"{"password":"hunter2", "x": "#.utf8)),
            TestMessage(partition: 0, value: []),
            TestMessage(partition: 0, key: Array("gone".utf8), value: nil),
            TestMessage(partition: 0, value: Array(big.utf8)),
            TestMessage(partition: 0, value: Array(#"{"seq":1}"#.utf8)),
        ]
        try produce(input, to: "raw", brokers: cluster.brokers)
        let relay = try RelayProcess(cluster.relayArguments(group: "edge", extra: ["--dead-letter", "dlq", "-X", "message.max.bytes=100000"]))
        let clean = try readAll("clean", partitions: 1, brokers: cluster.brokers, expecting: 2)
        let deadLetters = try readAll("dlq", partitions: 1, brokers: cluster.brokers, expecting: 2)
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

        let committed = try committedOffsets(group: "edge", topic: "raw", partitions: 1, brokers: cluster.brokers)
        #expect(committed[0] == 5)
    }

    @Test func sigtermMidStreamCommitsDeliveredOnly() throws {
        let cluster = try TestCluster(partitions: 2)
        let input = secretEvents(count: 30_000, partitions: 2)
        try produce(input, to: "raw", brokers: cluster.brokers)
        let relay = try RelayProcess(cluster.relayArguments(group: "term", extra: ["--batch-size", "100", "-X", "linger.ms=20"]))
        #expect(relay.waitForLog("partitions assigned"))
        Thread.sleep(forTimeInterval: 0.3)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")

        let output = try readAll("clean", partitions: 2, brokers: cluster.brokers, expecting: input.count, idleSeconds: 3)
        let committed = try committedOffsets(group: "term", topic: "raw", partitions: 2, brokers: cluster.brokers)
        for partition: Int32 in 0..<2 {
            let delivered = output.filter { $0.header(RelayHeader.sourcePartition) == String(partition) }
            let offsets = Set(delivered.compactMap { $0.header(RelayHeader.sourceOffset).flatMap { Int64($0) } })
            #expect(offsets.count == delivered.count, "no duplicates in one clean run")
            #expect(Int64(offsets.count) == committed[partition] ?? 0, "partition \(partition): committed \(committed) delivered \(offsets.count)")
        }
    }

    @Test func secondSignalExitsAtOnce() throws {
        let cluster = try TestCluster(partitions: 1)
        let relay = try RelayProcess(cluster.relayArguments(group: "twice", extra: ["-X", "partition.assignment.strategy=cooperative-sticky"]))
        #expect(relay.waitForLog("relay started"))
        relay.signal(SIGTERM)
        // Two signals sent at once may merge into one pending signal.
        #expect(relay.waitForLog("stopping"))
        relay.signal(SIGTERM)
        #expect(relay.waitForExit(seconds: 10) == 128 + SIGTERM)
    }

    @Test func cooperativeCloseBeforeAssignment() throws {
        let cluster = try TestCluster(partitions: 2)
        let relay = try RelayProcess(cluster.relayArguments(group: "coop", extra: ["-X", "partition.assignment.strategy=cooperative-sticky"]))
        #expect(relay.waitForLog("relay started"))
        // The first assignment takes about 3 s in the mock cluster: stop before it.
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")
        #expect(relay.standardError.contains("waiting up to"))
    }

    @Test func cooperativeRelaysAndRebalances() throws {
        let cluster = try TestCluster(partitions: 4)
        let input = secretEvents(count: 4000, partitions: 4)
        try produce(input, to: "raw", brokers: cluster.brokers)
        let arguments = cluster.relayArguments(group: "coop-run", extra: ["-X", "partition.assignment.strategy=cooperative-sticky"])
        let first = try RelayProcess(arguments)
        #expect(first.waitForLog("partitions assigned"))
        let second = try RelayProcess(arguments)
        let output = try readAll("clean", partitions: 4, brokers: cluster.brokers, expecting: input.count, idleSeconds: 10)
        #expect(second.waitForLog("partitions assigned"))
        first.signal(SIGTERM)
        second.signal(SIGTERM)
        #expect(first.waitForExit() == 0, "\(first.standardError)")
        #expect(second.waitForExit() == 0, "\(second.standardError)")
        #expect(Set(output.compactMap(sequenceNumber)).count == input.count)
    }
}
}
