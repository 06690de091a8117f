import Foundation
import Testing
@testable import LogsieveKafka

/// Delivery: backpressure from a full producer queue, the two
/// partitioners, and a delivery that fails for good.
extension MockClusterTests {
@Suite(.serialized)
struct RelayDeliveryTests {
    /// The output topic's leader goes down while the producer queue is
    /// limited to 50 messages: the relay pauses its partitions, waits without
    /// spinning, and relays everything once the broker is back.
    @Test func fullQueuePausesWithoutSpinning() throws {
        let cluster = try TestCluster(brokers: 3, partitions: 4)
        let mock = try #require(cluster.mock)
        try mock.setLeader(of: "raw", partitions: 4, to: 1)
        try mock.setLeader(of: "clean", partitions: 4, to: 2)
        try mock.setGroupCoordinator("pause", to: 1)
        let input = secretEvents(count: 5000, partitions: 4)
        try produce(input, to: "raw", brokers: cluster.brokers)

        mock.setBrokerDown(2)
        let relay = try RelayProcess(cluster.relayArguments(group: "pause", extra: [
            "-X", "queue.buffering.max.messages=50", "-X", "reconnect.backoff.max.ms=500",
        ]))
        #expect(relay.waitForLog("partitions assigned"))
        // One second fills the queue and pauses every partition.
        Thread.sleep(forTimeInterval: 1)
        let cpuBefore = try processCPUSeconds(relay.process.processIdentifier)
        Thread.sleep(forTimeInterval: 3)
        let cpuDuring = try processCPUSeconds(relay.process.processIdentifier) - cpuBefore
        mock.setBrokerUp(2)

        let output = try readAll("clean", partitions: 4, brokers: cluster.brokers, expecting: input.count, idleSeconds: 10)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")

        // A loop that spins would use most of a core over the 3 s. The
        // bound is generous because the machine may be shared.
        #expect(cpuDuring < 1.0, "relay used \(cpuDuring) CPU s in 3 s while its output was blocked")
        let pauses = logCounter("kafka.pauses", in: relay.standardError)
        #expect((pauses ?? 0) > 0, "the relay never paused a partition: \(relay.standardError)")
        let sequences = output.compactMap(sequenceNumber)
        #expect(sequences.count == input.count, "no duplicates in one clean run")
        #expect(Set(sequences).count == input.count, "nothing dropped")
        expectSourceOrder(output, partitions: 4)
        let committed = try committedOffsets(group: "pause", topic: "raw", partitions: 4, brokers: cluster.brokers)
        #expect(committed.values.reduce(0, +) == Int64(input.count), "committed \(committed)")
        print("fullQueuePausesWithoutSpinning: \(cpuDuring) CPU s while blocked, \(pauses ?? 0) pause(s)")
    }

    /// Input partition p goes to output partition p mod N, in order, when
    /// the output topic has fewer partitions than the input.
    @Test func defaultPartitionerKeepsOrder() throws {
        let cluster = try TestCluster(partitions: 4, topics: ["raw", "dlq"])
        try cluster.mock!.createTopic("clean", partitions: 3)
        let input = secretEvents(count: 3000, partitions: 4)
        try produce(input, to: "raw", brokers: cluster.brokers)

        let relay = try RelayProcess(cluster.relayArguments(group: "modulo"))
        #expect(relay.waitForLog("partitions assigned"))
        let output = try readAll("clean", partitions: 3, brokers: cluster.brokers, expecting: input.count, idleSeconds: 10)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")

        #expect(Set(output.compactMap(sequenceNumber)).count == input.count)
        for message in output {
            let source = message.header(RelayHeader.sourcePartition).flatMap { Int32($0) }
            #expect(source.map { $0 % 3 } == message.partition, "source partition \(source ?? -1) in output partition \(message.partition)")
        }
        expectSourceOrder(output, partitions: 4)
    }

    /// `--partitioner key`: equal keys share an output partition and keep
    /// their order, and the keys spread over more than one partition.
    @Test func keyPartitionerKeepsKeyOrder() throws {
        let cluster = try TestCluster(partitions: 4, topics: ["raw", "dlq"])
        try cluster.mock!.createTopic("clean", partitions: 3)
        // Key k is always in input partition k mod 4, so its input order is defined.
        let input = (0..<3000).map { index in
            let key = index % 20
            return TestMessage(partition: Int32(key % 4), key: Array("actor-\(key)".utf8),
                               value: Array(#"{"seq":\#(index),"actor":"actor-\#(key)"}"#.utf8))
        }
        try produce(input, to: "raw", brokers: cluster.brokers)

        let relay = try RelayProcess(cluster.relayArguments(group: "by-key", extra: ["--partitioner", "key"]))
        #expect(relay.waitForLog("partitions assigned"))
        let output = try readAll("clean", partitions: 3, brokers: cluster.brokers, expecting: input.count, idleSeconds: 10)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")

        #expect(Set(output.compactMap(sequenceNumber)).count == input.count)
        let byKey = Dictionary(grouping: output, by: { String(decoding: $0.key ?? [], as: UTF8.self) })
        #expect(byKey.count == 20)
        for (key, messages) in byKey {
            let partitions = Set(messages.map(\.partition))
            #expect(partitions.count == 1, "key \(key) in partitions \(partitions.sorted())")
            // readAll returns each output partition in offset order.
            let sequences = messages.compactMap(sequenceNumber)
            #expect(sequences == sequences.sorted(), "key \(key) out of order")
        }
        let usedPartitions = Set(output.map(\.partition))
        #expect(usedPartitions.count > 1, "20 keys all went to partition \(usedPartitions.sorted())")
    }

    /// A permanent produce error stops the relay with exit status 1, and
    /// no partition's committed offset passes its first failed message. A
    /// restarted relay then delivers everything.
    @Test func failedDeliveryStopsBeforeIt() throws {
        let cluster = try TestCluster(partitions: 4)
        let input = secretEvents(count: 4000, partitions: 4)
        try produce(input, to: "raw", brokers: cluster.brokers)

        // Injected after the input is loaded, so the relay's first produce
        // request fails for every partition in it.
        cluster.mock!.pushRequestErrors(.produce, [.messageSizeTooLarge])
        let failing = try RelayProcess(cluster.relayArguments(group: "fail"))
        #expect(failing.waitForExit() == 1, "\(failing.standardError)")
        #expect(failing.standardError.contains("MSG_SIZE_TOO_LARGE"))

        let failedOffsets = firstFailedOffsets(in: failing.standardError)
        #expect(!failedOffsets.isEmpty, "no failed delivery logged: \(failing.standardError)")
        let committed = try committedOffsets(group: "fail", topic: "raw", partitions: 4, brokers: cluster.brokers)
        for (partition, failedOffset) in failedOffsets {
            // -1001 means nothing was committed, which is below any offset.
            let committedOffset = committed[partition] ?? -1001
            #expect(committedOffset <= failedOffset, "partition \(partition) committed \(committedOffset) past the failed offset \(failedOffset)")
        }

        let restarted = try RelayProcess(cluster.relayArguments(group: "fail"))
        #expect(restarted.waitForLog("partitions assigned"))
        let output = try readAll("clean", partitions: 4, brokers: cluster.brokers, expecting: input.count * 2, idleSeconds: 8) {
            Set($0.compactMap(sequenceNumber)).count == input.count
        }
        restarted.signal(SIGTERM)
        #expect(restarted.waitForExit() == 0, "\(restarted.standardError)")
        #expect(Set(output.compactMap(sequenceNumber)).count == input.count, "the restart delivers what failed")
        let finalCommitted = try committedOffsets(group: "fail", topic: "raw", partitions: 4, brokers: cluster.brokers)
        #expect(finalCommitted.values.reduce(0, +) == Int64(input.count), "committed \(finalCommitted)")
    }
}
}

/// Checks that the source offsets rise within each input partition's share
/// of the output. `readAll` returns each output partition in offset order.
func expectSourceOrder(_ output: [TestMessage], partitions: Int32, sourceLocation: SourceLocation = #_sourceLocation) {
    for partition in 0..<partitions {
        let offsets = output.filter { $0.header(RelayHeader.sourcePartition) == String(partition) }
            .compactMap { $0.header(RelayHeader.sourceOffset).flatMap { Int64($0) } }
        #expect(offsets == offsets.sorted(), "input partition \(partition) out of order", sourceLocation: sourceLocation)
    }
}

/// User plus system CPU seconds of a running process, from /proc/PID/stat.
func processCPUSeconds(_ pid: Int32) throws -> Double {
    let text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
    // The command name in brackets may contain spaces, so fields are
    // counted from the closing bracket: utime and stime are fields 14 and 15.
    guard let close = text.lastIndex(of: ")") else { throw KafkaError("unexpected /proc/\(pid)/stat: \(text)") }
    let fields = text[text.index(after: close)...].split(separator: " ")
    guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else {
        throw KafkaError("unexpected /proc/\(pid)/stat: \(text)")
    }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

/// Returns the value of `key=N` in the relay's last log line that has it.
func logCounter(_ key: String, in log: String) -> Int? {
    for line in log.split(separator: "\n").reversed() {
        guard let range = line.range(of: " \(key)=") else { continue }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }
    return nil
}

/// Returns the lowest failed input offset per partition, read from the relay's
/// "delivery to … failed" error lines.
func firstFailedOffsets(in log: String) -> [Int32: Int64] {
    var result: [Int32: Int64] = [:]
    for line in log.split(separator: "\n") where line.contains(": delivery to ") && line.contains(" failed: ") {
        guard let partition = fieldValue("kafka.partition", in: line).flatMap({ Int32($0) }),
              let offset = fieldValue("kafka.offset", in: line).flatMap({ Int64($0) }) else { continue }
        result[partition] = min(result[partition] ?? offset, offset)
    }
    return result
}

private func fieldValue(_ key: String, in line: Substring) -> Substring? {
    guard let range = line.range(of: " \(key)=") else { return nil }
    return line[range.upperBound...].prefix { $0 != " " }
}
