import Foundation
import Testing
@testable import LogsieveCore

/// Input that is not valid JSON becomes a scrubbed envelope, never passes.
@Suite struct InvalidInputTests {
    private func envelope(_ output: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        return object[InvalidEnvelope.member] as! [String: Any]
    }

    @Test func truncatedLineLosesItsSecret() throws {
        let output = try runPipeline(#"{"password":"hunter2", "x": "# + "\n")
        let fields = try envelope(output)
        #expect(fields["reason"] as? String == "unexpected end of input")
        #expect(fields["line"] as? Int == 1)
        #expect((fields["text"] as? String)?.contains("hunter2") == false)
        #expect((fields["text"] as? String)?.contains(#""password":"[REDACTED:password]""#) == true)
    }

    @Test func lonePairValueAfterNameLine() throws {
        let output = try runPipeline("\"name\": \"Cookie\",\n\"value\": \"sid=abc\",\n")
        #expect(!output.contains("sid=abc"))
        #expect(output.contains("sid=[REDACTED:cookie:\(fingerprint("abc"))]"))
        #expect(invalidJSONLines(output).isEmpty)
    }

    @Test func pairValueWithoutNameFailsClosed() throws {
        let output = try runPipeline("\"value\": \"v-123\",\n{\"name\": \"Accept\", \"value\": \"text/html\", \n")
        #expect(!output.contains("v-123"))
        #expect(output.contains("[REDACTED:secret]"))
        #expect(output.contains("text/html"))
    }

    @Test func truncatedCookieJarRedactsValues() throws {
        let output = try runPipeline(#"{"cookies": [{"name": "theme", "value": "dark"}, {"name": "sid", "val"# + "\n")
        #expect(output.contains("[REDACTED:cookie:\(fingerprint("dark"))]"))
    }

    @Test func lineClosingABracketDoesNotContinue() throws {
        let output = try runPipeline("{\"a\": {\"b\": 1}\n  \"c\"\n")
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix(#"{"logsieve_invalid""#))
        #expect(lines[1] == #""c""#)
    }

    @Test func validLineAfterTruncatedLineIsKept() throws {
        let output = try runPipeline("{\"a\": [1, 2\n{\"b\": 1}\n")
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix(#"{"logsieve_invalid""#))
        #expect(lines[1] == #"{"b": 1}"#)
    }

    @Test func invalidUTF8IsReplaced() throws {
        let bytes = Array(#"{"a": "x"#.utf8) + [0xC0, 0xAF] + Array(#"", "token": "t0k3n"}"#.utf8) + [0x0A]
        let output = String(decoding: try runPipeline(bytes: bytes), as: UTF8.self)
        let fields = try envelope(output)
        #expect(fields["reason"] as? String == "invalid UTF-8")
        #expect(fields["offset"] as? Int == 8)
        #expect((fields["text"] as? String)?.contains("\u{FFFD}") == true)
        #expect(!output.contains("t0k3n"))
    }

    @Test(arguments: [
        "{\"a\": 1} trailing",
        "{\"a\": \u{1}}",
        "{'a': 1}",
        "{\"a\": tru}",
        "{\"a\": 01}",
        "{\"a\" 1}",
        "{\"a\": \"\\x\"}",
        "nul\u{0}l",
        "{\"Bearer abcdefgh12345678\": ",
    ])
    func strayBytesBecomeEnvelopes(line: String) throws {
        let output = try runPipeline(line + "\n")
        #expect(output.hasPrefix(#"{"logsieve_invalid""#), "\(output)")
        #expect(invalidJSONLines(output).isEmpty)
        #expect(!output.contains("abcdefgh12345678"))
    }

    @Test func overlongLineIsDroppedInBoundedMemory() throws {
        let long = #"{"password": ""# + String(repeating: "x", count: 5000) + "\"}\n"
        let output = try runPipeline(long + #"{"ok": 1}"# + "\n", maxLineBytes: 1000, chunkSize: 64)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let fields = try envelope(lines[0])
        #expect(fields["text"] is NSNull)
        #expect(fields["bytes"] as? Int == long.utf8.count - 1)
        #expect(lines[1] == #"{"ok": 1}"#)
    }

    @Test func emptyAndBlankLinesAreSkipped() throws {
        #expect(try runPipeline("\n   \n\t\n{\"a\":1}\n\n") == "{\"a\":1}\n")
    }
}
