import Foundation
import Synchronization
import Testing
@testable import LogsieveObservability

@Suite struct ListenAddressTests {
    @Test(arguments: [
        ("tcp://127.0.0.1:9464", "127.0.0.1", 9464),
        ("tcp://:9464", "127.0.0.1", 9464),
        ("tcp://localhost:0", "127.0.0.1", 0),
        ("tcp://0.0.0.0:80", "0.0.0.0", 80),
        ("tcp://[::1]:9464", "::1", 9464),
    ])
    func validAddress(text: String, host: String, port: Int) throws {
        let address = try ListenAddress.parse(text)
        #expect(address.host == host)
        #expect(Int(address.port) == port)
    }

    @Test(arguments: ["127.0.0.1:9464", "tcp://127.0.0.1", "tcp://127.0.0.1:70000", "tcp://example.com:80",
                      "tcp://[::1:80", "unix:/tmp/x", "tcp://10.0.0.1:-1"])
    func invalidAddress(text: String) {
        #expect(throws: ListenAddress.ParseError.self) { try ListenAddress.parse(text) }
    }
}

@Suite struct PrometheusTextTests {
    @Test func familiesHaveHelpAndType() {
        let registry = MetricsRegistry()
        registry.update { updater in
            updater.set(.eventsIn, to: 3)
            updater.set(.redactions, [("kind", "jwt")], to: 2)
            updater.set(.redactions, [("kind", "cookie")], to: 1)
        }
        let text = registry.exposition()
        #expect(text.contains("# HELP logsieve_events_in_total Events read from the inputs.\n"))
        #expect(text.contains("# TYPE logsieve_events_in_total counter\nlogsieve_events_in_total 3\n"))
        #expect(text.contains("logsieve_redactions_total{kind=\"cookie\"} 1\nlogsieve_redactions_total{kind=\"jwt\"} 2\n"))
    }

    @Test func labelValuesEscaped() {
        #expect(PrometheusText.labelSet([("path", "a\"b\\c\nd")]) == "{path=\"a\\\"b\\\\c\\nd\"}")
    }

    @Test(arguments: [(3.0, "3"), (0.5, "0.5"), (Double.nan, "NaN"), (Double.infinity, "+Inf"), (-2.0, "-2")])
    func valueFormat(value: Double, text: String) {
        #expect(PrometheusText.format(value) == text)
    }

    @Test func counterAddsAcrossUpdates() {
        let registry = MetricsRegistry()
        registry.add(.configReloads, [("result", "success")])
        registry.add(.configReloads, [("result", "success")])
        #expect(registry.value(.configReloads, [("result", "success")]) == 2)
        #expect(registry.value(.configReloads, [("result", "failure")]) == nil)
    }

    @Test func everyCounterNameEndsWithTotal() {
        for metric in MetricName.all where metric.kind == .counter {
            #expect(metric.name.hasSuffix("_total"), "\(metric.name)")
        }
        #expect(Set(MetricName.all.map(\.name)).count == MetricName.all.count)
    }
}

@Suite struct RepeatLimiterTests {
    @Test func firstThenSummaryPerInterval() {
        let now = Mutex(1000.0)
        let limiter = RepeatLimiter(interval: 10, clock: { now.withLock { $0 } })
        #expect(limiter.record("refused") == .first)
        #expect(limiter.record("refused") == .suppressed)
        #expect(limiter.record("other") == .first)
        now.withLock { $0 = 1005 }
        #expect(limiter.record("refused") == .suppressed)
        now.withLock { $0 = 1011 }
        #expect(limiter.record("refused") == .summary(count: 3, seconds: 11))
        #expect(limiter.record("refused") == .suppressed)
        let pending = limiter.takePending()
        #expect(pending.count == 1)
        #expect(pending.first?.0 == "refused")
        #expect(pending.first?.1 == 1)
        #expect(limiter.takePending().isEmpty)
    }
}

@Suite struct LogLineTests {
    @Test func logfmtQuotesWhereNeeded() {
        #expect(LogLine.logfmtValue("plain") == "plain")
        #expect(LogLine.logfmtValue("two words") == "\"two words\"")
        #expect(LogLine.logfmtValue("a=b") == "\"a=b\"")
        #expect(LogLine.logfmtValue("") == "\"\"")
        #expect(LogLine.logfmtValue("line\nbreak \"q\"") == "\"line\\nbreak \\\"q\\\"\"")
    }

    @Test func formats() {
        let text = LogLine.render(level: .warning, format: .text, component: "logsieve", message: "m", metadata: [("file", "a b")])
        #expect(text == "logsieve: warning: m file=\"a b\"\n")
        let error = LogLine.render(level: .error, format: .text, component: "logsieve", message: "failed", metadata: [])
        #expect(error == "logsieve: failed\n")
        let logfmt = LogLine.render(level: .info, format: .logfmt, component: "logsieve", message: "started", metadata: [("threads", "2")])
        #expect(logfmt.hasPrefix("time="))
        #expect(logfmt.hasSuffix(" level=info component=logsieve msg=started threads=2\n"))
        let json = LogLine.render(level: .debug, format: .json, component: "logsieve kafka", message: "a\"b", metadata: [("k", "v")])
        #expect(json.contains(",\"level\":\"debug\",\"component\":\"logsieve kafka\",\"msg\":\"a\\\"b\",\"k\":\"v\"}\n"))
    }

    @Test func levelNames() {
        #expect(Logger.Level(name: "warn") == .warning)
        #expect(Logger.Level(name: "warning") == .warning)
        #expect(Logger.Level(name: "verbose") == nil)
        #expect(Logger(level: .warning).isEnabled(.error))
        #expect(!Logger(level: .warning).isEnabled(.info))
    }

    @Test func sharedLevelReachesCopies() {
        var logger = Logger(level: .warning)
        logger.sharedLevel = SharedLogLevel(.warning)
        let copy = logger
        #expect(!copy.isEnabled(.info))
        logger.sharedLevel?.level = .info
        #expect(copy.isEnabled(.info), "a copy follows the shared level")
        var detached = copy
        detached.sharedLevel = nil
        #expect(!detached.isEnabled(.info), "without it, a copy has its own level")
    }
}

@Suite struct HTTPRequestTests {
    @Test func requestLine() throws {
        let request = try HTTPRequest.parse(Array("GET /metrics?x=1 HTTP/1.1\r\nHost: a".utf8)).get()
        #expect(request.method == "GET")
        #expect(request.path == "/metrics")
    }

    @Test(arguments: ["GET /metrics", "GET metrics HTTP/1.1", "get /metrics HTTP/1.1", "GET /metrics HTTP/2", ""])
    func invalidRequestLine(line: String) {
        guard case .failure(let failure) = HTTPRequest.parse(Array(line.utf8)) else {
            Issue.record("accepted '\(line)'")
            return
        }
        #expect(failure.status == 400)
    }

    @Test func healthEndpoints() throws {
        let health = HealthState(wedgedAfter: 60)
        let server = try MetricsServer(address: ListenAddress.parse("tcp://127.0.0.1:0"), registry: MetricsRegistry(),
                                       health: health, log: Logger(level: .error))
        #expect(server.address.port != 0)
        #expect(server.response(for: "/readyz").status == 503)
        health.setReady()
        #expect(server.response(for: "/readyz").status == 200)
        #expect(server.response(for: "/healthz").status == 200)
        #expect(server.response(for: "/nothing").status == 404)
        #expect(server.response(for: "/metrics").body.contains("process_resident_memory_bytes "))
    }
}

@Suite struct MetricDocumentationTests {
    static let readme: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? ""
    }()

    @Test(arguments: MetricName.all)
    func readmeNamesMetric(metric: MetricName) {
        #expect(Self.readme.contains("`\(metric.name)`"), "README.md does not list the metric `\(metric.name)`")
    }
}

@Suite struct ErrorCounterTests {
    @Test func errorLinesAreCounted() {
        let component = "error-counter-test"
        var logger = Logger(level: .error, format: .text, component: component, repeats: RepeatLimiter(interval: 3600))
        logger.level = .error
        let labels = [("component", component)]
        logger.warning("not counted")
        #expect(MetricsRegistry.shared.value(.errors, labels) == nil)
        logger.logLimited(.error, "refused")
        logger.logLimited(.error, "refused")
        logger.logLimited(.error, "refused")
        #expect(MetricsRegistry.shared.value(.errors, labels) == 3)
        #expect(logger.repeats.takePending().first?.1 == 2)
    }
}

@Suite struct HealthStateTests {
    @Test func wedgedOnlyInsideLongBatch() throws {
        let health = HealthState(wedgedAfter: 0.05)
        #expect(health.wedgedReason() == nil, "idle is alive")
        health.beginWork()
        // Sleeping guarantees at least this much time passed, whatever the load.
        Thread.sleep(forTimeInterval: 0.2)
        let reason = try #require(health.wedgedReason())
        #expect(reason.contains("in one batch"))
        health.endWork()
        #expect(health.wedgedReason() == nil)
    }

    @Test func readinessFollowsState() {
        let health = HealthState()
        health.setNotReady("the inputs are not open yet")
        #expect(!health.isReady)
        #expect(health.reasonNotReady == "the inputs are not open yet")
        health.setReady()
        #expect(health.isReady)
    }

    @Test func wedgedPipelineFailsHealthz() throws {
        let health = HealthState(wedgedAfter: 0.05)
        let server = try MetricsServer(address: ListenAddress.parse("tcp://127.0.0.1:0"), registry: MetricsRegistry(),
                                       health: health, log: Logger(level: .error))
        health.beginWork()
        Thread.sleep(forTimeInterval: 0.2)
        #expect(server.response(for: "/healthz").status == 503)
        health.endWork()
        #expect(server.response(for: "/healthz").status == 200)
    }
}
