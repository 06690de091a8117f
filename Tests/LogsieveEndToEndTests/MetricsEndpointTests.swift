import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--metrics`: the endpoint scraped with curl while the real binary runs.
@Suite struct MetricsEndpointTests {
    /// Parses the numbers of the `--stats` lines, keyed like the metric samples.
    static func statsSamples(_ errors: String) throws -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in errors.split(separator: "\n") where line.hasPrefix("logsieve: stats: ") {
            let text = String(line.dropFirst("logsieve: stats: ".count))
            if let match = text.wholeMatch(of: /events: (\d+) in, (\d+) out, (\d+) dropped by select/) {
                samples["logsieve_events_in_total"] = Double(match.1)
                samples["logsieve_events_out_total"] = Double(match.2)
                samples["logsieve_events_dropped_total"] = Double(match.3)
            } else if let match = text.wholeMatch(of: /invalid records: (\d+) \((\d+) over --max-line-bytes\)/) {
                samples["invalid"] = Double(match.1)
            } else if let match = text.wholeMatch(of: /bytes: (\d+) in, (\d+) out/) {
                samples["logsieve_bytes_in_total"] = Double(match.1)
                samples["logsieve_bytes_out_total"] = Double(match.2)
            } else if let match = text.wholeMatch(of: /redactions: (\d+)(?: \((.*)\))?/) {
                samples["redactions"] = Double(match.1)
                for part in (match.2.map(String.init) ?? "").split(separator: ",") {
                    let pieces = part.split(separator: " ")
                    samples["logsieve_redactions_total{kind=\"\(pieces[0])\"}"] = Double(pieces[1])
                }
            }
        }
        return samples
    }

    @Test func metricsEqualStats() throws {
        let run = try InteractiveRun(["--stats", "--threads", "1", "--log-level", "info", "--metrics", "tcp://127.0.0.1:0"])
        let port = try HTTPProbe.metricsPort(in: { run.errorsSoFar })
        let input = SecretEvents.ndjson + "{\"password\":\"x\", oops}\nselect me not\n"
        #expect(run.write(input))
        var outputBytes = 0
        for _ in 0..<5 {
            let line = try #require(run.readLine(timeout: .seconds(60)), "output line missing")
            outputBytes += line.utf8.count + 1
        }
        // The output counter is set right after the write that the test just read.
        let response = try HTTPProbe.waitFor(port: port, path: "/metrics") { response in
            ExpositionCheck(response.body).samples["logsieve_bytes_out_total"] == Double(outputBytes)
        }
        #expect(response.status == 200)
        let scraped = ExpositionCheck(response.body)
        #expect(scraped.problems.isEmpty, "\(scraped.problems)")

        let result = run.finish()
        #expect(result.exitStatus == 0, "\(result.errors)")
        let stats = try Self.statsSamples(result.errors)
        for name in ["logsieve_events_in_total", "logsieve_events_out_total", "logsieve_events_dropped_total",
                     "logsieve_bytes_in_total", "logsieve_bytes_out_total"] {
            #expect(stats[name] != nil, "\(name) missing from --stats")
            #expect(scraped.samples[name] == stats[name], "\(name)")
        }
        let kinds = stats.keys.filter { $0.hasPrefix("logsieve_redactions_total{") }
        #expect(kinds.count == 4)
        for sample in kinds {
            #expect(scraped.samples[sample] == stats[sample], "\(sample)")
        }
        let scrapedRedactions = scraped.samples.filter { $0.key.hasPrefix("logsieve_redactions_total{") }.values.reduce(0, +)
        #expect(scrapedRedactions == stats["redactions"])
        let scrapedInvalid = scraped.samples.filter { $0.key.hasPrefix("logsieve_invalid_records_total{") }.values.reduce(0, +)
        #expect(scrapedInvalid == stats["invalid"])
        #expect(stats["invalid"] == 2)
        #expect(scraped.samples["process_resident_memory_bytes"].map { $0 > 1_000_000 } == true)
        #expect(scraped.samples["process_start_time_seconds"].map { $0 > 1_600_000_000 } == true)
    }

    @Test func readyOnlyOnceInputOpens() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.file("input.fifo")
        #expect(mkfifo(fifo, 0o600) == 0)
        // Opening a FIFO for reading blocks until a writer opens it, so the
        // input stays unopened until the test opens the other end.
        let run = try InteractiveRun(["--log-level", "info", "--metrics", "tcp://127.0.0.1:0", fifo])
        // A failed check before the FIFO is opened would leave logsieve blocked in open(2).
        defer { if !run.child.hasExited(within: .milliseconds(1)) { kill(run.child.pid, SIGKILL) } }
        let port = try HTTPProbe.metricsPort(in: { run.errorsSoFar })

        let before = try HTTPProbe.request(port: port, path: "/readyz")
        #expect(before.status == 503)
        #expect(before.body.contains("not ready"))
        #expect(try HTTPProbe.request(port: port, path: "/healthz").status == 200)

        // logsieve reads the first bytes to detect compression, so the
        // input is open once the first line is through.
        let writer = open(fifo, O_WRONLY)
        #expect(writer >= 0)
        #expect(InputWriter(descriptor: writer).write("{\"a\":1}\n"))
        #expect(run.readLine(timeout: .seconds(60)) == "{\"a\":1}")
        let after = try HTTPProbe.request(port: port, path: "/readyz")
        #expect(after.status == 200)
        #expect(try HTTPProbe.request(port: port, path: "/healthz").status == 200)

        close(writer)
        let result = run.finish()
        #expect(result.exitStatus == 0, "\(result.errors)")
    }

    @Test func standardInputReadyAtStart() throws {
        let run = try InteractiveRun(["--metrics", "tcp://127.0.0.1:0", "--log-level", "info"])
        let port = try HTTPProbe.metricsPort(in: { run.errorsSoFar })
        let ready = try HTTPProbe.waitFor(port: port, path: "/readyz") { $0.status == 200 }
        #expect(ready.status == 200)
        #expect(ready.body == "ready\n")
        let result = run.finish()
        #expect(result.exitStatus == 0, "\(result.errors)")
    }

    @Test func methodsPathsAndLimits() throws {
        let run = try InteractiveRun(["--metrics", "tcp://127.0.0.1:0", "--log-level", "info"])
        let port = try HTTPProbe.metricsPort(in: { run.errorsSoFar })

        let head = try HTTPProbe.request(port: port, path: "/metrics", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.body.contains("Content-Type: text/plain; version=0.0.4"))
        #expect(!head.body.contains("# HELP"))
        #expect(try HTTPProbe.request(port: port, path: "/metrics", method: "POST").status == 405)
        #expect(try HTTPProbe.request(port: port, path: "/other").status == 404)
        #expect(try HTTPProbe.request(port: port, path: "/metrics?name[]=x").status == 200)

        let oversized = "GET /metrics HTTP/1.1\r\nX-Filler: " + String(repeating: "a", count: 20_000) + "\r\n\r\n"
        let response = try HTTPProbe.rawExchange(port: port, sending: Array(oversized.utf8))
        #expect(response.hasPrefix("HTTP/1.1 431 "), "\(response.prefix(80))")
        let garbage = try HTTPProbe.rawExchange(port: port, sending: Array("\u{1}\u{2} nonsense\r\n\r\n".utf8))
        #expect(garbage.hasPrefix("HTTP/1.1 400 "), "\(garbage.prefix(80))")

        // A client that connects and sends nothing delays no other client.
        let idle = try HTTPProbe.connect(port: port)
        defer { close(idle) }
        #expect(try HTTPProbe.request(port: port, path: "/metrics").status == 200)
        #expect(try HTTPProbe.request(port: port, path: "/healthz").status == 200)

        let result = run.finish()
        #expect(result.exitStatus == 0, "\(result.errors)")
    }

    @Test func busyEndpointLogsOnceThenCount() throws {
        let run = try InteractiveRun(["--metrics", "tcp://127.0.0.1:0", "--log-level", "info"])
        let port = try HTTPProbe.metricsPort(in: { run.errorsSoFar })
        // Sixteen idle clients take every slot for the server's 5 s
        // receive timeout; the accept loop takes them in order.
        let idle = try (0..<16).map { _ in try HTTPProbe.connect(port: port) }
        defer { for descriptor in idle { close(descriptor) } }
        let rejected = 5
        for _ in 0..<rejected {
            let response = try HTTPProbe.rawExchange(port: port, sending: Array("GET /metrics HTTP/1.1\r\n\r\n".utf8))
            #expect(response.hasPrefix("HTTP/1.1 503 "), "\(response.prefix(80))")
        }
        let result = run.finish()
        let busyLines = result.errorLines.filter { $0.contains("metrics endpoint busy") }
        #expect(busyLines.count == 2, "\(busyLines)")
        #expect(busyLines.first.map { !$0.contains("repeated=") } == true)
        #expect(busyLines.last?.hasSuffix("repeated=\(rejected - 1)") == true, "\(busyLines)")
    }

    @Test func invalidMetricsAddress() throws {
        for address in ["127.0.0.1:9464", "tcp://example.com:9464", "tcp://127.0.0.1:99999"] {
            let result = try runLogsieve(["--metrics", address])
            #expect(result.exitStatus == 2, "\(address)")
            #expect(result.errors.contains("--metrics expects"), "\(result.errors)")
        }
    }

    @Test func portInUseIsRuntimeFailure() throws {
        let first = try InteractiveRun(["--metrics", "tcp://127.0.0.1:0", "--log-level", "info"])
        let port = try HTTPProbe.metricsPort(in: { first.errorsSoFar })
        let second = try runLogsieve(["--metrics", "tcp://127.0.0.1:\(port)"], input: .text("{}\n"))
        #expect(second.exitStatus == 1)
        #expect(second.errors.contains("cannot listen for metrics on 127.0.0.1:\(port)"), "\(second.errors)")
        #expect(second.output.isEmpty)
        _ = first.finish()
    }
}
