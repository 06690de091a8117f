import Foundation
import Testing
@testable import LogsieveKafka

/// SIGHUP in `logsieve kafka`: the relay survives it, reloads `--config`
/// between batches, rejects an invalid file and keeps its Kafka settings.
extension MockClusterTests {
    @Suite(.serialized)
    struct RelayReloadTests {
        @Test func sighupWithoutConfigKeepsRelaying() throws {
            let cluster = try TestCluster(partitions: 2)
            try produce(ReloadEvents.make(0..<20, partitions: 2), to: cluster.raw, brokers: cluster.brokers)
            let relay = try RelayProcess(cluster.relayArguments(group: "hup"))
            defer { stopIfRunning(relay) }
            let before = try readAll(cluster.clean, partitions: 2, brokers: cluster.brokers, expecting: 20, idleSeconds: 20)
            #expect(before.count == 20, "\(relay.standardError)")

            relay.signal(SIGHUP)
            #expect(relay.waitForLog("nothing to reload", seconds: 10), "\(relay.standardError)")
            try produce(ReloadEvents.make(20..<40, partitions: 2), to: cluster.raw, brokers: cluster.brokers)
            let output = try readAll(cluster.clean, partitions: 2, brokers: cluster.brokers, expecting: 40)
            relay.signal(SIGTERM)
            #expect(relay.waitForExit() == 0, "\(relay.standardError)")

            let sequences = output.compactMap(sequenceNumber)
            #expect(sequences.count == 40)
            #expect(Set(sequences) == Set(0..<40), "every message exactly once")
            let committed = try committedOffsets(group: cluster.group("hup"), topic: cluster.raw, partitions: 2, brokers: cluster.brokers)
            #expect(committed.values.reduce(0, +) == 40, "committed \(committed)")
        }

        /// With `--exactly-once` the relay runs its transactional loop, which
        /// has its own place between batches.
        @Test(arguments: [false, true])
        func newRulesApplyAfterReload(exactlyOnce: Bool) throws {
            let cluster = try TestCluster(partitions: 2)
            let config = try ReloadConfig(ReloadEvents.alphaRules)
            defer { config.remove() }
            try produce(ReloadEvents.make(0..<30, partitions: 2), to: cluster.raw, brokers: cluster.brokers)
            let relay = try RelayProcess(cluster.relayArguments(group: "reload", extra: [
                "--config", config.path, "--threads", "2", "--metrics", "tcp://127.0.0.1:0", "--log-level", "info",
            ] + (exactlyOnce ? ["--exactly-once"] : [])))
            defer { stopIfRunning(relay) }
            let port = try metricsPort(relay)
            let before = try readAll(cluster.clean, partitions: 2, brokers: cluster.brokers, expecting: 30, idleSeconds: 20)
            #expect(before.count == 30, "\(relay.standardError)")

            try config.write(ReloadEvents.betaRulesWithPattern)
            relay.signal(SIGHUP)
            #expect(relay.waitForLog("reloaded \(config.path)", seconds: 10), "\(relay.standardError)")
            try produce(ReloadEvents.make(30..<60, partitions: 2), to: cluster.raw, brokers: cluster.brokers)
            let output = try readAll(cluster.clean, partitions: 2, brokers: cluster.brokers, expecting: 60)
            let metrics = try waitFor(port, "/metrics") { samples($0.body)[ReloadEvents.successSample] == 1 }
            relay.signal(SIGTERM)
            #expect(relay.waitForExit() == 0, "\(relay.standardError)")

            #expect(samples(metrics.body)[ReloadEvents.successSample] == 1, "\(metrics.body)")
            let sequences = output.compactMap(sequenceNumber)
            #expect(sequences.count == 60)
            #expect(Set(sequences) == Set(0..<60), "every message exactly once")
            for message in output {
                let sequence = sequenceNumber(message) ?? -1
                let text = message.valueText
                if sequence < 30 {
                    #expect(!text.contains("\"a-\(sequence)\""), "old rule: alpha redacted: \(text)")
                    #expect(text.contains("\"b-\(sequence)\""), "old rule: beta kept: \(text)")
                    #expect(text.contains("TICKET-"), "old rules have no pattern: \(text)")
                } else {
                    #expect(text.contains("\"a-\(sequence)\""), "new rule: alpha kept: \(text)")
                    #expect(!text.contains("\"b-\(sequence)\""), "new rule: beta redacted: \(text)")
                    #expect(!text.contains("TICKET-"), "new pattern: ticket redacted: \(text)")
                }
            }
        }

        @Test func invalidFileKeepsOldRules() throws {
            let cluster = try TestCluster(partitions: 1)
            let config = try ReloadConfig(ReloadEvents.alphaRules)
            defer { config.remove() }
            try produce(ReloadEvents.make(0..<10, partitions: 1), to: cluster.raw, brokers: cluster.brokers)
            let relay = try RelayProcess(cluster.relayArguments(group: "invalid", extra: [
                "--config", config.path, "--metrics", "tcp://127.0.0.1:0", "--log-level", "info",
            ]))
            defer { stopIfRunning(relay) }
            let port = try metricsPort(relay)
            let before = try readAll(cluster.clean, partitions: 1, brokers: cluster.brokers, expecting: 10, idleSeconds: 20)
            #expect(before.count == 10, "\(relay.standardError)")

            try config.write(ReloadEvents.invalidRules)
            relay.signal(SIGHUP)
            #expect(relay.waitForLog("reload rejected", seconds: 10), "\(relay.standardError)")
            try produce(ReloadEvents.make(10..<20, partitions: 1), to: cluster.raw, brokers: cluster.brokers)
            let output = try readAll(cluster.clean, partitions: 1, brokers: cluster.brokers, expecting: 20)
            let metrics = try waitFor(port, "/metrics") { samples($0.body)[ReloadEvents.failureSample] == 1 }
            relay.signal(SIGTERM)
            #expect(relay.waitForExit() == 0, "\(relay.standardError)")

            #expect(samples(metrics.body)[ReloadEvents.failureSample] == 1, "\(metrics.body)")
            #expect(Set(output.compactMap(sequenceNumber)) == Set(0..<20))
            for message in output {
                let sequence = sequenceNumber(message) ?? -1
                #expect(!message.valueText.contains("\"a-\(sequence)\""), "alpha still redacted: \(message.valueText)")
                #expect(message.valueText.contains("\"b-\(sequence)\""), "beta still kept: \(message.valueText)")
            }
            #expect(relay.standardError.contains("\(config.path):3:3: unknown key 'redaction.value_detector'"), "\(relay.standardError)")
            #expect(!relay.standardError.contains("reloaded \(config.path)"))
        }

        @Test func restartOnlyChangeWarns() throws {
            let cluster = try TestCluster(partitions: 1)
            let config = try ReloadConfig("log: {level: warn}\nkafka: {batch_size: 100, properties: {linger.ms: 5}}\n" + ReloadEvents.alphaRules)
            defer { config.remove() }
            try produce(ReloadEvents.make(0..<10, partitions: 1), to: cluster.raw, brokers: cluster.brokers)
            let relay = try RelayProcess(cluster.relayArguments(group: "restart", extra: ["--config", config.path]))
            defer { stopIfRunning(relay) }
            let before = try readAll(cluster.clean, partitions: 1, brokers: cluster.brokers, expecting: 10, idleSeconds: 20)
            #expect(before.count == 10, "\(relay.standardError)")

            try config.write("log: {level: info}\nthreads: 3\nkafka: {batch_size: 200, properties: {linger.ms: 10}}\n"
                             + ReloadEvents.betaRulesWithPattern)
            relay.signal(SIGHUP)
            // The reload line is at info, so it shows that the new level is in force.
            #expect(relay.waitForLog("reloaded \(config.path)", seconds: 10), "\(relay.standardError)")
            try produce(ReloadEvents.make(10..<20, partitions: 1), to: cluster.raw, brokers: cluster.brokers)
            let output = try readAll(cluster.clean, partitions: 1, brokers: cluster.brokers, expecting: 20)
            relay.signal(SIGTERM)
            #expect(relay.waitForExit() == 0, "\(relay.standardError)")

            let errors = relay.standardError
            for key in ["kafka.batch_size", "kafka.properties.linger.ms", "threads"] {
                #expect(errors.contains("\(key) changed in \(config.path); it takes effect only after a restart"), "\(errors)")
            }
            #expect(!errors.contains("log.level changed"), "\(errors)")
            #expect(!errors.contains("relay started"), "an info line before the reload: \(errors)")
            #expect(errors.contains("stopped"), "the relay's info lines follow the new level: \(errors)")
            #expect(Set(output.compactMap(sequenceNumber)) == Set(0..<20))
            for message in output where (sequenceNumber(message) ?? 0) >= 10 {
                #expect(!message.valueText.contains("TICKET-"), "the redaction rules still reloaded: \(message.valueText)")
            }
        }
    }
}

/// Events and configuration files for the reload tests.
enum ReloadEvents {
    static let alphaRules = "redaction:\n  redact_keys: [alpha]\n"
    static let betaRulesWithPattern = """
        redaction:
          redact_keys: [beta]
          patterns:
            - {name: ticket, regex: 'TICKET-[0-9]+', kind: token, literal: TICKET-}

        """
    /// A typo on line 3, so the reload must keep the old rules.
    static let invalidRules = "redaction:\n  redact_keys: [beta]\n  value_detector: false\n"
    static let successSample = "logsieve_config_reloads_total{result=\"success\"}"
    static let failureSample = "logsieve_config_reloads_total{result=\"failure\"}"

    /// Events with an `alpha` and a `beta` value and a ticket number that
    /// no built-in rule redacts, spread over `partitions`.
    static func make(_ sequences: Range<Int>, partitions: Int32) -> [TestMessage] {
        sequences.map { index in
            let json = #"{"seq":\#(index),"alpha":"a-\#(index)","beta":"b-\#(index)","note":"see TICKET-\#(1000 + index)"}"#
            return TestMessage(partition: Int32(index) % partitions, value: Array(json.utf8))
        }
    }
}

/// A configuration file in the temporary directory, mode 0600.
struct ReloadConfig {
    let path: String

    init(_ text: String) throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("logsieve-reload-\(UUID().uuidString).yaml").path
        try write(text)
    }

    func write(_ text: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw KafkaError("cannot write the test configuration file \(path)")
        }
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
