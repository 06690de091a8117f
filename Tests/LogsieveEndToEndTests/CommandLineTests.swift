import Foundation
import Testing

/// Exit statuses, messages and the filter's options, through the binary.
@Suite struct CommandLineTests {
    static let helpPointer = "Try 'logsieve --help' for more information."

    // MARK: Usage errors

    @Test(arguments: [
        ("--bogus", "'--bogus'"),
        ("-x", "'-x'"),
        ("--bogus=\(SecretEvents.password)", "'--bogus'"),
    ])
    func unknownOption(argument: String, named: String) throws {
        let result = try runLogsieve([argument])
        #expect(result.exitStatus == 2)
        #expect(result.output.isEmpty)
        #expect(result.errorLines.count == 2, "\(result.errors)")
        #expect(result.errorLines.first?.contains("unknown option \(named)") == true, "\(result.errors)")
        #expect(result.errorLines.last == Self.helpPointer)
        #expect(!result.errors.contains(SecretEvents.password))
    }

    @Test(arguments: [
        ("redact | frob", 10),
        ("select(.a ==", 13),
        ("select(.a == 1) | ", 19),
    ])
    func invalidPipeline(pipeline: String, column: Int) throws {
        for arguments in [["-p", pipeline], [pipeline]] {
            let result = try runLogsieve(arguments)
            #expect(result.exitStatus == 2, "\(arguments)")
            #expect(result.output.isEmpty)
            #expect(result.errorLines.first?.contains("invalid pipeline at column \(column):") == true, "\(result.errors)")
            #expect(result.errorLines.last == Self.helpPointer)
        }
    }

    @Test func configSubcommandIsNotAFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write("events.ndjson", SecretEvents.ndjson)

        let result = try runLogsieve(["config", input])
        #expect(result.exitStatus == 2)
        #expect(result.output.isEmpty)
        #expect(result.errorLines.first?.contains("config expects check or show") == true, "\(result.errors)")
        #expect(result.errorLines.last == Self.helpPointer)
    }

    // MARK: Runtime failures

    @Test func missingInputFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let first = try directory.write("first.ndjson", #"{"n":1}"# + "\n")
        let second = try directory.write("second.ndjson", #"{"n":2}"# + "\n")
        let missing = directory.file("missing.ndjson")

        let result = try runLogsieve(["-p", "redact", missing, first, second])
        #expect(result.exitStatus == 1)
        #expect(result.outputLines == [#"{"n":1}"#, #"{"n":2}"#])
        #expect(result.errorLines.count == 1, "\(result.errors)")
        #expect(result.errors.contains(missing))
    }

    @Test func failOnInvalid() throws {
        let input = #"{"a":1}"# + "\n" + #"{"password":"\#(SecretEvents.password)", "x": "# + "\n" + #"{"b":2}"# + "\n"

        let result = try runLogsieve(["--fail-on-invalid"], input: .text(input))
        #expect(result.exitStatus == 1)
        let lines = result.outputLines
        #expect(lines.count == 3)
        #expect(lines.first == #"{"a":1}"#)
        #expect(lines.last == #"{"b":2}"#)

        let envelope = try #require(lines.dropFirst().first)
        let object = try JSONSerialization.jsonObject(with: Data(envelope.utf8)) as? [String: Any]
        let invalid = try #require(object?["logsieve_invalid"] as? [String: Any])
        #expect(invalid["line"] as? Int == 2)
        #expect(invalid["reason"] is String)
        #expect(!envelope.contains(SecretEvents.password))
        #expect(result.errorLines.count == 1)
        #expect(result.errors.contains("--fail-on-invalid"))

        let lenient = try runLogsieve([], input: .text(input))
        #expect(lenient.exitStatus == 0)
        #expect(lenient.output == result.output)
    }

    // MARK: Help and version

    /// Every option that the parser accepts, read from its source, so an
    /// option added without help text fails here.
    @Test func helpNamesEveryOption() throws {
        let source = try ["FilterOptions.swift", "SidecarOptions.swift"].map { file in
            try String(contentsOfFile: Binaries.packageRoot + "/Sources/logsieve/" + file, encoding: .utf8)
        }.joined(separator: "\n")
        let parsed = source.split(separator: "\n")
            .filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("case \"-") }
            .flatMap { line in line.split(separator: "\"").filter { $0.hasPrefix("-") }.map(String.init) }
        #expect(parsed.count >= 18, "found \(parsed.count) options in FilterOptions.swift")

        let result = try runLogsieve(["--help"])
        #expect(result.exitStatus == 0)
        #expect(result.errors.isEmpty)
        let words = Set(result.output.split { !($0.isLetter || $0.isNumber || $0 == "-") }.map(String.init))
        for option in parsed + ["-h", "--help", "--version"] {
            #expect(words.contains(option), "--help does not mention \(option)")
        }
    }

    @Test func versionNamesLibraries() throws {
        let result = try runLogsieve(["--version"])
        #expect(result.exitStatus == 0)
        #expect(result.errors.isEmpty)
        let lines = result.outputLines
        #expect(lines.first?.hasPrefix("logsieve ") == true)
        for library in ["librdkafka", "libzstd", "OpenSSL", "zlib"] {
            let line = lines.first { $0.hasPrefix(library + " ") }
            let version = line?.dropFirst(library.count + 1).prefix { $0.isNumber || $0 == "." }
            #expect(version?.contains(".") == true, "--version does not give a \(library) version")
        }
    }

    // MARK: Filtering

    @Test func statsGoToStandardError() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try directory.write("events.ndjson", SecretEvents.ndjson)

        let result = try runLogsieve(["--stats", input])
        #expect(result.exitStatus == 0)
        #expect(result.outputLines.count == SecretEvents.lineCount)
        let stats = result.errorLines
        #expect(stats.allSatisfy { $0.hasPrefix("logsieve: stats: ") }, "\(result.errors)")
        #expect(stats.contains("logsieve: stats: events: 3 in, 3 out, 0 dropped by select"))
        // Every cookie value counts, so theme=dark is the fifth redaction.
        #expect(stats.contains("logsieve: stats: redactions: 5 (cookie 2, password 1, api_key 1, bearer 1)"))
        for text in SecretEvents.secrets + ["alice-e2e", "login ok", "theme"] {
            #expect(!result.errors.contains(text), "--stats printed event content")
        }
    }

    @Test func pipelineShorthand() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let events = """
            {"a":1,"password":"\(SecretEvents.password)"}
            {"a":2}
            {"a":1,"b":"kept"}

            """
        let input = try directory.write("events.ndjson", events)

        let result = try runLogsieve(["select(.a == 1)", input])
        #expect(result.exitStatus == 0)
        #expect(result.outputLines == [#"{"a":1,"password":"[REDACTED:password]"}"#, #"{"a":1,"b":"kept"}"#])
    }

    @Test func splitTopLevelArray() throws {
        let input = #"[{"a":1},"# + "\n" + #" {"a":2,"token":"\#(SecretEvents.bearer)"}]"# + "\n"

        let result = try runLogsieve(["--split", ".[]"], input: .text(input))
        #expect(result.exitStatus == 0)
        let lines = result.outputLines
        #expect(lines.count == 2)
        #expect(lines.first == #"{"a":1}"#)
        #expect(lines.last?.hasPrefix(#"{"a":2,"token":"[REDACTED:token:"#) == true)
        #expect(!result.output.contains(SecretEvents.bearer))
    }

    @Test func textInputFormat() throws {
        let input = """
            GET /cb?access_token=\(SecretEvents.apiKey)&x=1 HTTP/1.1
            Authorization: Bearer \(SecretEvents.bearer)
            plain line, no secret {"not": "json"

            """

        let result = try runLogsieve(["--input-format", "text"], input: .text(input))
        #expect(result.exitStatus == 0)
        let lines = result.outputLines
        #expect(lines.count == 3)
        #expect(lines.first?.hasPrefix("GET /cb?access_token=[REDACTED:token:") == true)
        #expect(lines.dropFirst().first?.hasPrefix("Authorization: Bearer [REDACTED:bearer:") == true)
        #expect(lines.last == #"plain line, no secret {"not": "json""#)
        #expect(!result.output.contains(SecretEvents.apiKey))
        #expect(!result.output.contains(SecretEvents.bearer))
    }

    // MARK: The bundled sample

    @Test func readmeSample() throws {
        let secrets = try SecretEvents.sampleSecrets()
        #expect(secrets.contains { $0.hasPrefix("ya29.") })
        #expect(secrets.contains { $0.hasPrefix("AIza") })
        let inputLines = try String(contentsOfFile: SecretEvents.samplePath, encoding: .utf8)
            .split(separator: "\n").count

        let result = try runLogsieve(["--stats", SecretEvents.samplePath])
        #expect(result.exitStatus == 0)
        #expect(result.outputLines.count == inputLines)
        for (index, line) in result.outputLines.enumerated() {
            #expect(isJSON(line), "output line \(index + 1) is not valid JSON")
        }
        for secret in secrets {
            #expect(!result.output.contains(secret), "a sample secret starting \(secret.prefix(5)) is in the output")
            #expect(!result.errors.contains(secret))
        }
    }

    @Test func redactionIsIdempotent() throws {
        let first = try runLogsieve([SecretEvents.samplePath])
        #expect(first.exitStatus == 0)

        let second = try runLogsieve([], input: .bytes(first.standardOutput))
        #expect(second.exitStatus == 0)
        #expect(second.output == first.output)
    }

    // MARK: Standard error

    /// Runs that print errors, warnings and stats about inputs full of
    /// secrets. None of the secrets, in any encoding, may reach stderr.
    @Test func standardErrorHoldsNoSecret() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let planter = CanaryPlanter()
        let canaries = (0..<6).map { _ in planter.makeCanary() }
        let events = """
            {"authorization":"Bearer \(canaries[0])","n":1}
            {"password":"\(canaries[1])", "truncated":
            INVALID-UTF-8 {"cookie":"sid=\(canaries[2])"}
            {"message":"GET /?code=\(canaries[3])&state=x", "long": "\(String(repeating: "A", count: 300))"}
            {"records":[{"token":"\(canaries[4])"}]}
            not json at all \(canaries[5])

            """
        var bytes = Array(events.utf8)
        let marker = Array("INVALID-UTF-8".utf8)
        let markerStart = try #require(bytes.indices.first { bytes[$0...].starts(with: marker) })
        bytes.replaceSubrange(markerStart..<(markerStart + marker.count), with: [0xFF, 0xFE, 0xC3])
        let input = try directory.write("events.ndjson", bytes)

        let runs: [(arguments: [String], environment: [String: String])] = [
            (["--stats", input], testKeyEnvironment),
            (["--stats", "--fail-on-invalid", input], testKeyEnvironment),
            (["--stats", "--max-line-bytes", "100", input], testKeyEnvironment),
            (["--stats", "--split", ".records[]", input], testKeyEnvironment),
            (["--stats", "--input-format", "text", input], testKeyEnvironment),
            (["--stats", "--replace", "remove", "--jwt", "keep-claims", input], testKeyEnvironment),
            (["--stats", input], [:]),
            (["--stats", "-p", "redact", directory.file("missing.ndjson"), input], testKeyEnvironment),
            (["-o", directory.file("no-such-directory/out.ndjson"), input], testKeyEnvironment),
        ]
        let scanner = CanaryScanner(canaries: canaries)
        for run in runs {
            let result = try runLogsieve(run.arguments, environment: run.environment)
            #expect(!result.errors.isEmpty, "\(run.arguments) wrote nothing to stderr")
            #expect(scanner.findings(in: result.standardError).isEmpty, "\(run.arguments) wrote a secret to stderr")
        }
    }
}
