import Foundation
import Testing
@testable import LogsieveKafka

/// `logsieve kafka --metrics`: readiness as a group member, idle members
/// included, and the consumer lag from librdkafka's statistics.
extension MockClusterTests {
    @Suite(.serialized)
    struct RelayMetricsTests {
        @Test func readyAsGroupMemberEvenWhenIdle() throws {
            let cluster = try TestCluster(partitions: 1)
            let input = secretEvents(count: 5, partitions: 1)
            try produce(input, to: cluster.raw, brokers: cluster.brokers)
            // A few refused joins keep the first member out of the group for a while.
            cluster.mock!.pushRequestErrors(.joinGroup, Array(repeating: .coordinatorNotAvailable, count: 4))
            let arguments = cluster.relayArguments(group: "ready", extra: ["--metrics", "tcp://127.0.0.1:0", "--log-level", "info"])

            let first = try RelayProcess(arguments)
            defer { stopIfRunning(first) }
            let firstPort = try metricsPort(first)
            let before = try scrape(firstPort, "/readyz")
            #expect(before.status == 503, "ready before joining the group: \(first.standardError)")
            #expect(before.body.contains("consumer group"))
            #expect(try scrape(firstPort, "/healthz").status == 200)
            #expect(try waitFor(firstPort, "/readyz") { $0.status == 200 }.status == 200)

            // The second member of a one-partition group gets no partition, and is ready all the same.
            let second = try RelayProcess(arguments)
            defer { stopIfRunning(second) }
            let secondPort = try metricsPort(second)
            #expect(try waitFor(secondPort, "/readyz") { $0.status == 200 }.status == 200, "\(second.standardError)")
            _ = try waitFor(secondPort, "/metrics") { _ in
                let assigned = [firstPort, secondPort].compactMap { port in
                    try? samples(scrape(port, "/metrics").body)["logsieve_kafka_assigned_partitions"]
                }
                return assigned.count == 2 && assigned.reduce(0, +) == 1 && assigned.contains(0)
            }
            let firstMetrics = try samples(scrape(firstPort, "/metrics").body)
            let secondMetrics = try samples(scrape(secondPort, "/metrics").body)
            let assigned = [firstMetrics, secondMetrics].compactMap { $0["logsieve_kafka_assigned_partitions"] }
            #expect(assigned.sorted() == [0, 1], "one member holds the partition, the other is idle")

            first.signal(SIGTERM)
            second.signal(SIGTERM)
            #expect(first.waitForExit() == 0, "\(first.standardError)")
            #expect(second.waitForExit() == 0, "\(second.standardError)")
        }

        @Test func consumerLagAndCounters() throws {
            let cluster = try TestCluster(partitions: 1)
            let input = secretEvents(count: 5, partitions: 1)
            try produce(input, to: cluster.raw, brokers: cluster.brokers)
            let relay = try RelayProcess(cluster.relayArguments(group: "lag", extra: ["--metrics", "tcp://127.0.0.1:0",
                                                                                       "-X", "statistics.interval.ms=500",
                                                                                       "--log-format", "json", "--log-level", "debug"]))
            defer { stopIfRunning(relay) }
            let port = try metricsPort(relay)
            let lagSample = "logsieve_kafka_consumer_lag{topic=\"\(cluster.raw)\",partition=\"0\"}"
            let response = try waitFor(port, "/metrics") { response in
                let values = samples(response.body)
                return values["logsieve_kafka_messages_delivered_total"] == 5 && values[lagSample] == 0
            }
            let values = samples(response.body)
            #expect(values["logsieve_kafka_messages_consumed_total"] == 5)
            #expect(values["logsieve_kafka_messages_delivered_total"] == 5)
            #expect(values["logsieve_kafka_delivery_failures_total"] == 0)
            #expect(values["logsieve_events_in_total"] == 5)
            #expect(values[lagSample] == 0, "\(response.body)")
            #expect((values["logsieve_redactions_total{kind=\"bearer\"}"] ?? 0) > 0, "\(response.body)")
            relay.signal(SIGTERM)
            #expect(relay.waitForExit() == 0, "\(relay.standardError)")

            // JSON lines at debug level, and no secret of the input in them.
            let lines = relay.standardError.split(separator: "\n")
            #expect(lines.contains { $0.contains("\"msg\":\"stopped\"") }, "\(relay.standardError)")
            for line in lines {
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["level"] is String, "not a JSON log line: \(line)")
                #expect(object?["component"] as? String == "logsieve kafka", "\(line)")
            }
            #expect(!relay.standardError.contains("SECRET"))
            #expect(!relay.standardError.contains("hunter"))
        }
    }
}

/// Kills a relay that a failed check left running, so that it does not
/// outlive the test.
func stopIfRunning(_ relay: RelayProcess) {
    if relay.process.isRunning { relay.signal(SIGKILL) }
}

/// Returns the port from the relay's "metrics endpoint listening" log line.
func metricsPort(_ relay: RelayProcess) throws -> UInt16 {
    #expect(relay.waitForLog("metrics endpoint listening"), "\(relay.standardError)")
    let line = try #require(relay.standardError.split(separator: "\n").first { $0.contains("metrics endpoint listening") })
    // The text and logfmt lines write address=…, JSON lines "address":"…".
    let range = try #require(line.range(of: "address=127.0.0.1:") ?? line.range(of: "\"address\":\"127.0.0.1:"))
    return try #require(UInt16(line[range.upperBound...].prefix { $0.isNumber }))
}

/// Sends one GET with curl and returns the status and the body.
func scrape(_ port: UInt16, _ path: String) throws -> (status: Int, body: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    process.arguments = ["--silent", "--max-time", "30", "--output", "-", "--write-out", "\n%{http_code}",
                         "http://127.0.0.1:\(port)\(path)"]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    let newline = try #require(text.lastIndex(of: "\n"), "curl wrote no status for \(path)")
    return (Int(text[text.index(after: newline)...]) ?? 0, String(text[..<newline]))
}

func waitFor(_ port: UInt16, _ path: String, seconds: Double = 60,
                     until isDone: ((status: Int, body: String)) -> Bool) throws -> (status: Int, body: String) {
    let deadline = Date().addingTimeInterval(seconds)
    var last = try scrape(port, path)
    while !isDone(last) && Date() < deadline {
        Thread.sleep(forTimeInterval: 0.2)
        last = try scrape(port, path)
    }
    return last
}

/// Sample values by name and label set; comment lines skipped.
func samples(_ text: String) -> [String: Double] {
    var result: [String: Double] = [:]
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
        guard let space = line.lastIndex(of: " ") else { continue }
        result[String(line[..<space])] = Double(line[line.index(after: space)...])
    }
    return result
}
