import Foundation
import Testing
@testable import LogsieveKafka

/// Failures: killed members, brokers going away, injected broker errors.
extension MockClusterTests {
@Suite(.serialized)
struct RelayFaultTests {
    @Test func killedMemberLosesNothing() throws {
        let cluster = try TestCluster(partitions: 4)
        let input = secretEvents(count: 20_000, partitions: 4)
        try produce(input, to: "raw", brokers: cluster.brokers)
        let arguments = cluster.relayArguments(group: "kill", extra: ["--batch-size", "200"])
        let first = try RelayProcess(arguments)
        let second = try RelayProcess(arguments)
        #expect(first.waitForLog("partitions assigned"))
        Thread.sleep(forTimeInterval: 0.5)
        second.signal(SIGKILL)
        _ = second.waitForExit()
        let third = try RelayProcess(arguments)

        // A generous idle limit: on a loaded machine the killed member's
        // session timeout and the rejoin can pause output for many seconds.
        let output = try readAll("clean", partitions: 4, brokers: cluster.brokers, expecting: input.count * 3, idleSeconds: 45) {
            Set($0.compactMap(sequenceNumber)).count == input.count
        }
        first.signal(SIGTERM)
        third.signal(SIGTERM)
        #expect(first.waitForExit() == 0, "\(first.standardError)")
        #expect(third.waitForExit() == 0, "\(third.standardError)")

        let sequences = output.compactMap(sequenceNumber)
        #expect(Set(sequences).count == input.count, "every input at least once")
        let duplicates = sequences.count - Set(sequences).count
        // A message repeats when it was delivered after its partition's last
        // successful commit and the partition then moved: the killed member's
        // uncommitted work, and at each rebalance what came after the last
        // periodic commit (a broker rejects commits once a rebalance is in
        // progress). Three owners in turn bound each message to three copies.
        let copies = Dictionary(grouping: sequences, by: { $0 }).values.map(\.count).max() ?? 0
        #expect(copies <= 3, "a message was relayed \(copies) times")
        print("killedMemberLosesNothing: \(duplicates) duplicate(s) of \(input.count) messages")
    }

    @Test func brokerOutageAndInjectedErrors() throws {
        let cluster = try TestCluster(brokers: 3, partitions: 4)
        let input = secretEvents(count: 6000, partitions: 4)
        try produce(Array(input[..<3000]), to: "raw", brokers: cluster.brokers)
        let relay = try RelayProcess(cluster.relayArguments(group: "faults"))
        #expect(relay.waitForLog("partitions assigned"))

        cluster.mock!.pushRequestErrors(.produce, [.notLeaderForPartition, .requestTimedOut, .notEnoughReplicas, .transport])
        cluster.mock!.pushRequestErrors(.offsetCommit, [.coordinatorNotAvailable, .requestTimedOut])
        cluster.mock!.setBrokerDown(2)
        // The second half is produced while the broker is down; the test's
        // producer waits for it like the relay does.
        let brokers = cluster.brokers
        let producing = Thread { try? produce(Array(input[3000...]), to: "raw", brokers: brokers) }
        producing.start()
        Thread.sleep(forTimeInterval: 3)
        cluster.mock!.setBrokerUp(2)

        let output = try readAll("clean", partitions: 4, brokers: cluster.brokers, expecting: input.count, idleSeconds: 12)
        #expect(relay.process.isRunning, "no restart")
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")
        #expect(Set(output.compactMap(sequenceNumber)).count == input.count, "no loss")
        let committed = try committedOffsets(group: "faults", topic: "raw", partitions: 4, brokers: cluster.brokers)
        #expect(committed.values.reduce(0, +) == Int64(input.count))
    }
}

}

/// Start-up checks of the command, without a cluster where none is needed.
@Suite struct RelayCommandTests {
    @Test func rejectsUnsafeProperty() throws {
        let relay = try RelayProcess(["--brokers", "127.0.0.1:1", "--group", "g", "--from", "raw", "--to", "clean",
                                      "-X", "enable.auto.commit=true"])
        #expect(relay.waitForExit() == 2)
        #expect(relay.standardError.contains("--unsafe enable.auto.commit"))
    }

    @Test func rejectsMissingKey() throws {
        let relay = try RelayProcess(["--brokers", "127.0.0.1:1", "--group", "g", "--from", "raw", "--to", "clean"],
                                     environment: ["LOGSIEVE_HMAC_KEY_FILE": ""])
        #expect(relay.waitForExit() == 2)
        #expect(relay.standardError.contains("no fingerprint key"))
    }

    @Test func rejectsMissingKeyForKindOverride() throws {
        // The default mode writes no fingerprints, one kind does.
        let relay = try RelayProcess(["--brokers", "127.0.0.1:1", "--group", "g", "--from", "raw", "--to", "clean",
                                      "--replace", "mask", "--replace-kind", "password=fingerprint"],
                                     environment: ["LOGSIEVE_HMAC_KEY_FILE": ""])
        #expect(relay.waitForExit() == 2)
        #expect(relay.standardError.contains("no fingerprint key"))
    }

    @Test func takesEnvironmentAndMasksSecrets() throws {
        let cluster = try TestCluster(partitions: 1)
        let relay = try RelayProcess(["--commit-interval", "1"], environment: [
            "LOGSIEVE_KAFKA_BROKERS": cluster.brokers, "LOGSIEVE_KAFKA_GROUP": "env", "LOGSIEVE_KAFKA_FROM": "raw",
            "LOGSIEVE_KAFKA_TO": "clean", "LOGSIEVE_KAFKA_X_SASL_PASSWORD": "hunter2-secret",
            "LOGSIEVE_KAFKA_X_SASL_USERNAME": "relay",
        ])
        #expect(relay.waitForLog("relay started"))
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")
        #expect(relay.standardError.contains("sasl.password=[MASKED]"))
        #expect(!relay.standardError.contains("hunter2"))
    }
}
