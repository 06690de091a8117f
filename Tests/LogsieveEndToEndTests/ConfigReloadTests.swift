import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGHUP reloads the configuration file while events stream through the
/// real binary: no event is lost or repeated, the new rules take effect,
/// and an invalid file keeps the old ones.
@Suite("Configuration reload")
struct ConfigReloadTests {
    private static let alphaRules = "redaction:\n  redact_keys: [alpha]\n"
    private static let betaRules = "redaction:\n  redact_keys: [beta]\nenrichment:\n  max_travel_speed: 900\n"
    /// Invalid (a typo), with a secret elsewhere that must not reach stderr.
    private static let invalidRules = """
        redaction:
          redact_keys: [gamma]
          value_detector: false
        kafka:
          properties:
            sasl.password: reload-secret-password-5

        """

    private static func event(_ index: Int) -> String {
        "{\"i\":\(index),\"alpha\":\"a-\(index)\",\"beta\":\"b-\(index)\",\"gamma\":\"g-\(index)\"}\n"
    }

    /// Reads `count` lines, or fewer if the output stalls for 30 seconds.
    private static func read(_ count: Int, from run: InteractiveRun) -> [String] {
        var lines: [String] = []
        while lines.count < count, let line = run.readLine(timeout: .seconds(30)) { lines.append(line) }
        return lines
    }

    private static func index(of line: String) -> Int? {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["i"] as? Int
    }

    @Test("reload under load loses nothing")
    func reloadUnderLoad() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("rules.yaml", Self.alphaRules)
        let run = try InteractiveRun(["--config", path, "--threads", "2", "--log-level", "info"])
        var sent = 0
        var received: [String] = []

        // Many reloads of an unchanged file while batches are in flight.
        for round in 0..<40 {
            var batch = ""
            for _ in 0..<50 {
                batch += Self.event(sent)
                sent += 1
            }
            #expect(run.write(batch))
            // The first batch is read back before any SIGHUP: until then the
            // handler may not be installed, and SIGHUP would end the process.
            if round % 2 == 1 { kill(run.child.pid, SIGHUP) }
            received += Self.read(50, from: run)
        }
        #expect(received.count == sent)
        #expect(received.allSatisfy { $0.contains("\"alpha\":\"[REDACTED:secret]") && $0.contains("\"beta\":\"b-") })

        // A rule change takes effect after the reload that reads it.
        try directory.write("rules.yaml", Self.betaRules)
        kill(run.child.pid, SIGHUP)
        var firstChanged: Int?
        for _ in 0..<200 where firstChanged == nil {
            #expect(run.write(Self.event(sent)))
            sent += 1
            let line = Self.read(1, from: run)
            received += line
            if let text = line.first, text.contains("\"beta\":\"[REDACTED:secret]") { firstChanged = received.count - 1 }
        }
        let changedAt = try #require(firstChanged, "the new rules never took effect")
        for _ in 0..<100 {
            #expect(run.write(Self.event(sent)))
            sent += 1
        }
        received += Self.read(100, from: run)
        for line in received[changedAt...] {
            #expect(line.contains("\"alpha\":\"a-") && line.contains("\"beta\":\"[REDACTED:secret]"), "\(line)")
        }

        // An invalid file is rejected and the rules stay those of the last good one.
        try directory.write("rules.yaml", Self.invalidRules)
        kill(run.child.pid, SIGHUP)
        var rejected = false
        for _ in 0..<200 where !rejected {
            #expect(run.write(Self.event(sent)))
            sent += 1
            received += Self.read(1, from: run)
            rejected = run.errorsSoFar.contains("reload rejected")
        }
        #expect(rejected)
        for _ in 0..<100 {
            #expect(run.write(Self.event(sent)))
            sent += 1
        }
        received += Self.read(100, from: run)

        let result = run.finish()
        #expect(result.exitStatus == 0, "\(result.errors)")
        received += result.outputLines.dropFirst(received.count)
        #expect(received.count == sent)
        #expect(received.map(Self.index) == (0..<sent).map { Optional($0) })
        for line in received[changedAt...] {
            #expect(line.contains("\"beta\":\"[REDACTED:secret]") && line.contains("\"gamma\":\"g-"), "\(line)")
        }
        #expect(result.errors.contains("\(path):3:3: unknown key 'redaction.value_detector'"))
        #expect(!result.errors.contains("reload-secret-password-5"))
        #expect(result.errors.components(separatedBy: "reloaded \(path)").count - 1 >= 20)
    }

    @Test("restart-only change is reported")
    func restartOnlyChange() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("rules.yaml", "threads: 1\n" + Self.alphaRules)
        let run = try InteractiveRun(["--config", path])
        #expect(run.write(Self.event(0)))
        #expect(Self.read(1, from: run).count == 1)
        try directory.write("rules.yaml", "threads: 2\n" + Self.betaRules)
        kill(run.child.pid, SIGHUP)
        #expect(run.write(Self.event(1)))
        let lines = Self.read(1, from: run)
        let result = run.finish()
        #expect(result.exitStatus == 0)
        #expect(lines.first?.contains("\"beta\":\"[REDACTED:secret]") == true)
        #expect(result.errors.contains("threads changed in \(path); it takes effect only after a restart"))
    }

    /// A restart-only value for every filter key that a reload cannot change.
    private static let restartOnlyValues: [(path: String, yaml: String)] = [
        ("pipeline", "pipeline: redact"),
        ("threads", "threads: 3"),
        ("fail_on_invalid", "fail_on_invalid: true"),
        ("stats", "stats: true"),
        ("input.format", "input: {format: text}"),
        ("input.split", "input: {split: .records}"),
        ("input.listen", "input: {listen: [tcp://127.0.0.1:19151]}"),
        ("input.follow", "input: {follow: [FOLLOWED]}"),
        ("input.socket_mode", "input: {socket_mode: 660}"),
        ("input.max_connections", "input: {max_connections: 8}"),
        ("input.idle_timeout", "input: {idle_timeout: 9}"),
        ("output.path", "output: {path: OUTPUT}"),
        ("output.force", "output: {force: true}"),
        ("output.rotate_bytes", "output: {rotate_bytes: 1M, path: OUTPUT}"),
        ("output.rotate_keep", "output: {rotate_keep: 3}"),
        ("output.buffer_bytes", "output: {buffer_bytes: 1M}"),
        ("output.drain_timeout", "output: {drain_timeout: 4}"),
        ("metrics.listen", "metrics: {listen: \"tcp://127.0.0.1:19152\"}"),
        ("log.format", "log: {format: json}"),
        ("redaction.max_line_bytes", "redaction: {redact_keys: [beta], max_line_bytes: 1M}"),
        ("enrichment.event_root", "enrichment: {event_root: .data}"),
        ("enrichment.state_dir", "enrichment: {state_dir: STATE}"),
        ("enrichment.state_interval", "enrichment: {state_interval: 30}"),
        ("enrichment.late_tolerance", "enrichment: {late_tolerance: 60}"),
        ("enrichment.session_ttl", "enrichment: {session_ttl: 3600}"),
        ("enrichment.user_ttl", "enrichment: {user_ttl: 7200}"),
        ("enrichment.max_sessions", "enrichment: {max_sessions: 10}"),
        ("enrichment.max_users", "enrichment: {max_users: 10}"),
    ]

    @Test("each restart-only key is reported", arguments: restartOnlyValues.map(\.path))
    func restartOnlyKeyReported(_ path: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let yaml = try #require(Self.restartOnlyValues.first { $0.path == path }).yaml
            .replacingOccurrences(of: "FOLLOWED", with: directory.file("followed.log"))
            .replacingOccurrences(of: "OUTPUT", with: directory.file("new.out"))
            .replacingOccurrences(of: "STATE", with: directory.file("state"))
        let file = try directory.write("rules.yaml", Self.alphaRules)
        let run = try InteractiveRun(["--config", file])
        #expect(run.write(Self.event(0)))
        #expect(Self.read(1, from: run).count == 1)

        // The beta rule shows that the reload took effect before event 1.
        let betaRule = yaml.hasPrefix("redaction:") ? "" : "redaction: {redact_keys: [beta]}\n"
        _ = try directory.write("rules.yaml", betaRule + yaml + "\n")
        kill(run.child.pid, SIGHUP)
        #expect(run.write(Self.event(1)))
        let lines = Self.read(1, from: run)
        let result = run.finish()

        #expect(result.exitStatus == 0, "\(result.errors)")
        #expect(lines.first?.contains("\"beta\":\"[REDACTED:secret]") == true, "\(result.errors)")
        #expect(result.errors.contains("\(path) changed in \(file); it takes effect only after a restart"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: directory.file("new.out")))
    }

    @Test("log level changes on reload")
    func logLevelReloads() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("rules.yaml", Self.alphaRules)
        let run = try InteractiveRun(["--config", file])
        #expect(run.write(Self.event(0)))
        #expect(Self.read(1, from: run).count == 1)

        _ = try directory.write("rules.yaml", Self.betaRules + "log: {level: info}\n")
        kill(run.child.pid, SIGHUP)
        #expect(run.write(Self.event(1)))
        #expect(Self.read(1, from: run).count == 1)
        let result = run.finish()

        #expect(result.exitStatus == 0, "\(result.errors)")
        // Info lines are written only at the new level.
        #expect(result.errors.contains("reloaded \(file)"), "\(result.errors)")
        #expect(!result.errors.contains("log.level changed"), "\(result.errors)")
    }
}
