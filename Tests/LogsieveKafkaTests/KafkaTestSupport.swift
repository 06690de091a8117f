import Foundation
import Testing
@testable import LogsieveKafka

/// A message as the tests produce and read it.
struct TestMessage {
    var partition: Int32
    var offset: Int64 = -1
    var key: [UInt8]?
    var value: [UInt8]?
    var headers: [String: [UInt8]] = [:]

    var valueText: String { value.map { String(decoding: $0, as: UTF8.self) } ?? "<null>" }
    func header(_ name: String) -> String? { headers[name].map { String(decoding: $0, as: UTF8.self) } }
}

let quietLog = KafkaLog(level: .error)

/// Produces test input with the relay's own producer wrapper.
func produce(_ messages: [TestMessage], to topic: String, brokers: String) throws {
    let producer = try KafkaProducer(properties: KafkaProperties([("bootstrap.servers", brokers), ("linger.ms", "5")]), log: quietLog)
    for (index, message) in messages.enumerated() {
        let outgoing = OutgoingMessage(
            topic: topic, partition: message.partition, key: message.key.map { .owned($0) } ?? .null,
            value: message.value.map { .owned($0) } ?? .null,
            headers: message.headers.sorted { $0.key < $1.key }.map { .init(name: $0.key, value: $0.value) }, timestamp: nil)
        while true {
            let queueFull: Bool
            do {
                try producer.produce(outgoing, token: UInt64(index + 1))
                queueFull = false
            } catch {
                guard error.isQueueFull else { throw error }
                queueFull = true
            }
            if !queueFull { break }
            producer.poll(timeoutMilliseconds: 10)
        }
    }
    #expect(producer.flush(timeoutMilliseconds: 30_000))
    let failures = producer.takeDeliveryReports().filter { $0.error != nil }
    #expect(failures.isEmpty, "test input delivery failed: \(failures.first?.error?.description ?? "")")
}

/// Reads every partition of `topic` from the beginning until `count`
/// messages arrived or nothing new came for `idleSeconds`.
func readAll(_ topic: String, partitions: Int32, brokers: String, expecting count: Int, idleSeconds: Double = 5,
             isComplete: (([TestMessage]) -> Bool)? = nil) throws -> [TestMessage] {
    let consumer = try KafkaConsumer(
        properties: KafkaProperties([("bootstrap.servers", brokers), ("group.id", "test-reader-\(UUID().uuidString)"),
                                     ("enable.auto.commit", "false"), ("enable.partition.eof", "false")]),
        log: quietLog, batchSize: 1000)
    try consumer.assign((0..<partitions).map { (TopicPartition(topic: topic, partition: $0), Int64(-2)) })
    var result: [TestMessage] = []
    var lastProgress = Date()
    while result.count < count && Date().timeIntervalSince(lastProgress) < idleSeconds {
        let batch = consumer.poll(timeoutMilliseconds: 100)
        for message in batch where message.error == nil {
            var headers: [String: [UInt8]] = [:]
            message.forEachHeader { name, value in headers[String(cString: name)] = value.map { Array($0) } ?? [] }
            result.append(TestMessage(partition: message.partition, offset: message.offset, key: message.key.map { Array($0) },
                                      value: message.value.map { Array($0) }, headers: headers))
        }
        if !batch.isEmpty { lastProgress = Date() }
        consumer.releaseBatch()
        if !batch.isEmpty, let isComplete, isComplete(result) { break }
    }
    return result
}

/// The committed offsets of `group` for each partition of `topic`.
func committedOffsets(group: String, topic: String, partitions: Int32, brokers: String) throws -> [Int32: Int64] {
    let consumer = try KafkaConsumer(properties: KafkaProperties([("bootstrap.servers", brokers), ("group.id", group)]),
                                     log: quietLog, batchSize: 1)
    let offsets = try consumer.committed((0..<partitions).map { TopicPartition(topic: topic, partition: $0) }, timeoutMilliseconds: 10_000)
    var result: [Int32: Int64] = [:]
    for (topicPartition, offset) in offsets { result[topicPartition.partition] = offset }
    return result
}

/// The running `logsieve kafka` binary, with stdout and stderr drained
/// on their own threads so that neither pipe can fill and block it.
final class RelayProcess: @unchecked Sendable {
    let process = Process()
    private let lock = NSLock()
    private var errorText = Data()
    private var outputText = Data()
    private let drained = DispatchGroup()

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["LOGSIEVE_BINARY"] { return URL(fileURLWithPath: path) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/logsieve")
    }

    static let keyFile: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("logsieve-kafka-test-\(getpid()).key").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(repeating: 0x6B, count: 32), attributes: [.posixPermissions: 0o600])
        return path
    }()

    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = Self.binary
        process.arguments = ["kafka"] + arguments
        var merged = ProcessInfo.processInfo.environment
        merged["LOGSIEVE_HMAC_KEY_FILE"] = Self.keyFile
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        // The child inherits the calling thread's signal mask, and the test
        // runner's worker threads block most signals. Start it with none
        // blocked, as systemd or a shell would, so that a signal the relay
        // does not handle (SIGHUP before it had a handler) acts as in production.
        var empty = sigset_t()
        var previous = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
        drain(outputPipe.fileHandleForReading) { self.outputText.append($0) }
        drain(errorPipe.fileHandleForReading) { self.errorText.append($0) }
    }

    private func drain(_ handle: FileHandle, into append: @escaping @Sendable (Data) -> Void) {
        drained.enter()
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock()
                append(chunk)
                lock.unlock()
            }
            drained.leave()
        }
    }

    var standardError: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: errorText, as: UTF8.self)
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the log to contain `text`, up to `seconds`.
    func waitForLog(_ text: String, seconds: Double = 20) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if standardError.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Waits for exit and returns the status; kills the process after `seconds`.
    func waitForExit(seconds: Double = 60) -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { signal(SIGKILL) }
        process.waitUntilExit()
        drained.wait()
        return process.terminationStatus
    }
}

/// The cluster a test runs against, with its raw, clean and dead-letter
/// topics: a fresh in-process mock cluster, or the broker that
/// `LOGSIEVE_TEST_KAFKA_BROKERS` names, with uniquely named topics that are
/// deleted when the test ends.
final class TestCluster {
    /// nil for a real broker, where nothing can be injected.
    let mock: MockCluster?
    let brokers: String
    let partitions: Int32
    /// Prepended to topic and group names; empty for the mock cluster.
    let prefix: String
    private let createdTopics: [String]
    /// Set after the first failed CreateTopics request, so that a cluster
    /// without one (a `logsieve-mock-cluster` times out waiting for a
    /// controller) costs the timeout only once. The suites are serialized.
    nonisolated(unsafe) private static var createTopicsFailed = false

    var raw: String { prefix + "raw" }
    var clean: String { prefix + "clean" }
    var dlq: String { prefix + "dlq" }
    func group(_ name: String) -> String { prefix + name }

    init(brokers: Int32 = 1, partitions: Int32 = 4, topics: [String] = ["raw", "clean", "dlq"]) throws {
        let mock = try MockCluster(brokers: brokers)
        for topic in topics { try mock.createTopic(topic, partitions: partitions) }
        self.mock = mock
        self.brokers = mock.bootstrapServers
        self.partitions = partitions
        prefix = ""
        createdTopics = []
    }

    /// Creates the topics on `brokers` with the admin API. Where the
    /// cluster has no CreateTopics request (a `logsieve-mock-cluster`),
    /// a metadata request auto-creates them with the cluster's default
    /// partition count instead, and `partitions` is that count.
    init(external brokers: String, partitions requested: Int32) throws {
        let prefix = "logsieve-test-\(UUID().uuidString.prefix(8).lowercased())-"
        let client = try TopicClient(brokers: brokers, logLevel: .error)
        var counts: [Int32] = []
        var created: [String] = []
        for name in ["raw", "clean", "dlq"] {
            let topic = prefix + name
            if !Self.createTopicsFailed {
                do {
                    try client.createTopic(topic, partitions: requested, timeoutSeconds: 10)
                    created.append(topic)
                } catch {
                    Self.createTopicsFailed = true
                    print("TestCluster: \(error.description); relying on automatic topic creation from now on")
                }
            }
            counts.append(try waitForTopic(topic, client: client))
        }
        guard Set(counts).count == 1, let count = counts.first, count >= requested else {
            throw KafkaError("the test topics have \(counts) partitions; expected \(requested) or more in each")
        }
        mock = nil
        self.brokers = brokers
        self.partitions = count
        self.prefix = prefix
        createdTopics = created
    }

    deinit {
        guard !createdTopics.isEmpty, let client = try? TopicClient(brokers: brokers, logLevel: .error) else { return }
        for topic in createdTopics {
            do {
                try client.deleteTopic(topic)
            } catch {
                print("TestCluster: \(error.description); delete it by hand")
            }
        }
    }

    /// Relay arguments for this cluster; timings lowered so that the
    /// group joins and rebalances quickly.
    func relayArguments(group name: String, extra: [String] = []) -> [String] {
        ["--brokers", brokers, "--group", group(name), "--from", raw, "--to", clean, "--commit-interval", "1",
         "-X", "session.timeout.ms=6000", "-X", "heartbeat.interval.ms=500", "-X", "topic.metadata.refresh.interval.ms=1000"] + extra
    }
}

/// Waits until a new topic's metadata lists its partitions, which takes a
/// moment after CreateTopics on a real broker, and returns their count.
private func waitForTopic(_ topic: String, client: TopicClient) throws -> Int32 {
    let deadline = Date().addingTimeInterval(30)
    while true {
        do {
            return try client.partitionCount(of: topic)
        } catch {
            guard Date() < deadline else { throw error }
            Thread.sleep(forTimeInterval: 0.2)
        }
    }
}

/// The broker that `LOGSIEVE_TEST_KAFKA_BROKERS` names, for the end-to-end
/// tests against a real cluster.
enum ExternalBroker {
    static let variable = "LOGSIEVE_TEST_KAFKA_BROKERS"

    /// The bootstrap servers, or nil with a printed notice that the tests
    /// against a real broker are skipped.
    static let brokers: String? = {
        if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty { return value }
        print("\(variable) is not set: skipping the end-to-end tests against a real broker; set it to HOST:PORT to run them")
        return nil
    }()

    static var isConfigured: Bool { brokers != nil }
}

/// Events with secrets: a cookie, a bearer token and a password in each.
func secretEvents(count: Int, partitions: Int32) -> [TestMessage] {
    (0..<count).map { index in
        let json = #"{"seq":\#(index),"request":{"headers":{"Cookie":"sid=SESSION\#(index)SECRET","Authorization":"Bearer TOKEN\#(index)SECRETabcdef"}},"password":"hunter\#(index)"}"#
        return TestMessage(partition: Int32(index) % partitions, key: Array("user-\(index % 7)".utf8), value: Array(json.utf8),
                           headers: ["cookie": Array("sid=HEADER\(index)SECRET".utf8), "trace-id": Array("trace-\(index)".utf8)])
    }
}

func sequenceNumber(_ message: TestMessage) -> Int? {
    guard let value = message.value,
          let object = try? JSONSerialization.jsonObject(with: Data(value)) as? [String: Any] else { return nil }
    return object["seq"] as? Int
}

/// The parent of the suites that run mock clusters and relay processes:
/// serialized, because two cores cannot run several groups' joins and
/// rebalances at once within the tests' timeouts.
@Suite(.serialized) struct MockClusterTests {}
