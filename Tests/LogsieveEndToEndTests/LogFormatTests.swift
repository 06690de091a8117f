import Foundation
import Testing

/// `--log-format` and `--log-level`: the shape of each line, and no secret
/// on stderr at the most verbose level.
@Suite struct LogFormatTests {
    static func secretInput(_ directory: TemporaryDirectory, canaries: [String]) throws -> String {
        let events = """
            {"authorization":"Bearer \(canaries[0])","n":1}
            {"password":"\(canaries[1])", "truncated":
            {"message":"GET /?code=\(canaries[2])&state=x", oops}
            {"cookie":"sid=\(canaries[3])"}
            not json \(canaries[4])

            """
        return try directory.write("events.ndjson", events)
    }

    @Test(arguments: ["logfmt", "json", "text"])
    func debugLogsHoldNoSecret(format: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let planter = CanaryPlanter()
        let canaries = (0..<5).map { _ in planter.makeCanary() }
        let input = try Self.secretInput(directory, canaries: canaries)
        let missing = directory.file("missing.ndjson")
        let result = try runLogsieve(["--log-format", format, "--log-level", "debug", "--stats", "--metrics", "tcp://127.0.0.1:0",
                                      input, missing])
        #expect(result.exitStatus == 1, "the missing input fails the run")
        #expect(CanaryScanner(canaries: canaries).findings(in: result.standardError).isEmpty, "\(result.errors)")

        let lines = result.errorLines
        let started = lines.first { $0.contains("started") }
        #expect(started?.contains("version") == true, "\(lines)")
        let stopped = lines.first { $0.contains("stopped") }
        #expect(stopped?.contains("events.in") == true, "\(lines)")
        #expect(lines.contains { $0.contains("not valid JSON") })
        #expect(lines.contains { $0.contains(missing) }, "the failed input is named")
        for line in lines {
            switch format {
            case "logfmt":
                #expect(line.wholeMatch(of: /time=\S+ level=(error|warn|info|debug) component=logsieve msg=.*/) != nil, "\(line)")
            case "json":
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect(object?["level"] is String, "\(line)")
                #expect(object?["msg"] is String, "\(line)")
                #expect(object?["time"] is String, "\(line)")
            default:
                #expect(line.hasPrefix("logsieve: "), "\(line)")
            }
        }
    }

    @Test func defaultLevelIsQuiet() throws {
        let result = try runLogsieve([], input: .text(SecretEvents.ndjson))
        #expect(result.exitStatus == 0)
        #expect(result.errors.isEmpty, "\(result.errors)")
    }

    @Test func invalidLogOptions() throws {
        let format = try runLogsieve(["--log-format", "xml"])
        #expect(format.exitStatus == 2)
        #expect(format.errors.contains("--log-format expects text, logfmt or json, not 'xml'"))
        let level = try runLogsieve(["--log-level", "verbose"])
        #expect(level.exitStatus == 2)
        #expect(level.errors.contains("--log-level expects error, warn, info or debug, not 'verbose'"))
    }

    @Test func errorLevelHidesWarnings() throws {
        let result = try runLogsieve(["--log-level", "error"], input: .text("{}\n"), environment: [:])
        #expect(result.exitStatus == 0)
        #expect(!result.errors.contains("no fingerprint key configured"), "\(result.errors)")
    }
}

/// `logsieve --help` and `logsieve kafka --help` document the options and
/// every metric name that the README's table lists.
@Suite struct MetricsHelpTests {
    @Test func helpListsMetricsAndOptions() throws {
        let readme = try String(contentsOfFile: Binaries.packageRoot + "/README.md", encoding: .utf8)
        let section = try #require(readme.range(of: "## Metrics, health and logs").map { readme[$0.upperBound...] })
        let table = section.prefix { _ in true }.components(separatedBy: "\n## ").first ?? ""
        let names = Set(table.matches(of: /`((?:logsieve|process)_[a-z_]+)`/).map { String($0.1) })
        #expect(names.count >= 20, "\(names)")
        let help = try runLogsieve(["--help"]).output
        for name in names {
            #expect(help.contains(name), "logsieve --help does not list \(name)")
        }
        for option in ["--metrics tcp://ADDRESS:PORT", "--log-format FMT", "--log-level LEVEL", "/healthz", "/readyz"] {
            #expect(help.contains(option), "logsieve --help does not document \(option)")
        }
        let kafkaHelp = try runLogsieve(["kafka", "--help"]).output
        for option in ["--metrics tcp://ADDRESS:PORT", "--log-format FMT", "--log-level LEVEL"] {
            #expect(kafkaHelp.contains(option), "logsieve kafka --help does not document \(option)")
        }
    }
}
