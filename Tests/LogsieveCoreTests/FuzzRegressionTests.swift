import Testing
@testable import LogsieveCore

/// Inputs that the libFuzzer targets in `Tests/Fuzz` found to break an
/// oracle, minimised, kept here so that the fixes stay fixed.
@Suite struct FuzzRegressionTests {
    /// The expression target found that a path starting with a bracket
    /// printed without its leading `.` (`[]` for `.[]`), which `parse`
    /// rejects, and that a key with a quote printed unescaped.
    @Test(arguments: [
        (".[]", ".[]"), (".[0]", ".[0]"), (".[2].a", ".[2].a"), (".a[]", ".a[]"), (#"."a\"b""#, #"."a\"b""#),
        (#"."back\\slash""#, #"."back\\slash""#), (#"."new\nline""#, #"."new\nline""#), (#".["x y"]"#, #"."x y""#),
        (#"."""#, #"."""#), (".", "."),
    ])
    func pathDescriptionParsesBack(text: String, printed: String) throws {
        let path = try JSONPath.parse(text)
        #expect(path.description == printed)
        #expect(try JSONPath.parse(path.description) == path)
    }

    /// The redact target found that redaction is not idempotent for a
    /// name/value pair split over two invalid lines. The first pass keeps
    /// the value, because it saw the name line. The second pass reads each
    /// envelope's text on its own and fails closed, so the value becomes
    /// `[REDACTED:secret]`. The second pass only redacts more, never less.
    @Test func splitPairEnvelopeIsNotIdempotent() throws {
        let once = try runPipeline("\"name\":\"\n{\"value\":\"n")
        #expect(once.contains(#""text":"{\"value\":\"n"}"#), "\(once)")
        let twice = try runPipeline(once)
        #expect(twice.contains(#"[REDACTED:secret]"#), "\(twice)")
        withKnownIssue("a value after a name line is kept once, then redacted as a secret when redacted again") {
            #expect(twice == once)
        }
    }

    /// The redact target found a line of 834 bytes, runs of `=` around a
    /// stray `%`, that took 1.2 s in a release build. Each `=` decoded and
    /// scanned the rest of its value again, at every level down to the depth
    /// limit, because decoding leaves a stray `%` in place. The lines here
    /// are hundreds of times as long, so the time limit fails the test if
    /// the scan becomes superlinear again.
    @Test(.timeLimit(.minutes(1)), arguments: ["a=%=", "%=", "x%3D", "=%25"])
    func parameterValueScanStaysLinear(unit: String) throws {
        let line = #"{"m":"# + "\"" + String(repeating: unit, count: 50_000)
            + #" access_token=SECRETVALUE1234&code=CODEVALUE5678"}"# + "\n"
        let output = try runPipeline(line, maxLineBytes: 1 << 22)
        #expect(output.hasPrefix(#"{"m":"#), "\(output.prefix(80))")
        #expect(!output.contains("SECRETVALUE1234"))
    }
}

