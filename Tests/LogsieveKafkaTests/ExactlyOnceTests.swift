import Foundation
import Testing
@testable import LogsieveKafka

/// `--exactly-once` against the mock cluster. librdkafka 2.0.2's mock
/// accepts the transactional calls but does not hide aborted messages from
/// read_committed readers, so these cases check the calls, the output and
/// the abort-and-rewind path, not the read_committed guarantee itself.
extension MockClusterTests {
@Suite(.serialized)
struct ExactlyOnceTests {
    @Test func relaysEveryMessageInTransactions() throws {
        let cluster = try TestCluster(partitions: 2)
        let input = secretEvents(count: 300, partitions: 2)
        try produce(input, to: cluster.raw, brokers: cluster.brokers)
        let relay = try RelayProcess(cluster.relayArguments(group: "eos", extra: ["--exactly-once", "--instance-id", "test-1"]))
        let output = try readAll(cluster.clean, partitions: 2, brokers: cluster.brokers, expecting: input.count, idleSeconds: 20)
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")
        #expect(relay.standardError.contains("transactional producer ready"), "\(relay.standardError)")
        #expect(relay.standardError.contains("kafka.transactional.id=logsieve-eos-test-1"))
        #expect(output.count == input.count)
        #expect(Set(output.compactMap(sequenceNumber)).count == input.count)
        #expect(!output.contains { $0.valueText.contains("SECRET") })
    }

    @Test func abortedTransactionIsReadAgain() throws {
        let cluster = try TestCluster(partitions: 1)
        let input = secretEvents(count: 50, partitions: 1)
        // The first transaction's AddPartitionsToTxn is rejected, which
        // makes the transaction abortable.
        cluster.mock?.pushRequestErrors(.addPartitionsToTxn, [.topicAuthorizationFailed])
        try produce(input, to: cluster.raw, brokers: cluster.brokers)
        let relay = try RelayProcess(cluster.relayArguments(group: "abort", extra: ["--exactly-once"]))
        let output = try readAll(cluster.clean, partitions: 1, brokers: cluster.brokers, expecting: input.count * 2, idleSeconds: 20) { messages in
            Set(messages.compactMap(sequenceNumber)).count == input.count
        }
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")
        #expect(relay.standardError.contains("aborting and reading its messages again"), "\(relay.standardError)")
        #expect(Set(output.compactMap(sequenceNumber)).count == input.count, "every message after the rewind")
    }

    @Test func abortRestoresEnrichState() throws {
        let cluster = try TestCluster(partitions: 1, topics: ["raw", "clean", "state"])
        let events = IdentityEvents.make(partitions: 1)
        let expected = try IdentityEvents.filterFlags(events)
        // The second transaction is aborted. No periodic checkpoint runs, so
        // the rewind must rebuild the state from where it started.
        cluster.mock?.pushRequestErrors(.addPartitionsToTxn, [.none, .topicAuthorizationFailed])
        try produce(Array(events[..<40]), to: cluster.raw, brokers: cluster.brokers)
        let relay = try RelayProcess(cluster.relayArguments(group: "abort-state", extra: [
            "--exactly-once", "--state-topic", "state", "--checkpoint-interval", "3600"]))
        _ = try readAll(cluster.clean, partitions: 1, brokers: cluster.brokers, expecting: 40, idleSeconds: 20)
        try produce(Array(events[40...]), to: cluster.raw, brokers: cluster.brokers)
        let output = try readAll(cluster.clean, partitions: 1, brokers: cluster.brokers, expecting: events.count * 3, idleSeconds: 20) { messages in
            Set(messages.flatMap { IdentityEvents.flags([$0.valueText]).keys }).count == events.count
        }
        relay.signal(SIGTERM)
        #expect(relay.waitForExit() == 0, "\(relay.standardError)")
        #expect(relay.standardError.contains("aborting and reading its messages again"), "\(relay.standardError)")
        #expect(relay.standardError.contains("kafka.state.replayed=40"), "\(relay.standardError)")
        // The rejected AddPartitionsToTxn keeps the aborted messages out of
        // the partition, so each event appears once, with the uninterrupted flags.
        #expect(output.count == events.count)
        for message in output {
            for (uuid, flags) in IdentityEvents.flags([message.valueText]) {
                #expect(flags == expected[uuid], "\(uuid) at offset \(message.offset)")
            }
        }
    }

    @Test func rejectsTransactionalIdProperty() throws {
        let relay = try RelayProcess(["--brokers", "127.0.0.1:9", "--group", "g", "--from", "a", "--to", "b", "-X", "transactional.id=x"])
        #expect(relay.waitForExit() == 2)
        #expect(relay.standardError.contains("transactional.id is set by --exactly-once"))
    }
}
}
