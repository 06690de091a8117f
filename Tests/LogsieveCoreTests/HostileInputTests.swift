import Foundation
import Testing
@testable import LogsieveCore

/// Input built to break a parser: deep nesting, malformed UTF-8 and
/// escapes, NUL bytes, and keys that hide from the key rules. Each case
/// must end as valid output without the secret, never as a crash.
/// Duplicate keys, `"Author\u0069zation"`, non-string values under secret
/// keys, other invalid UTF-8 and over-long lines are in `KeyRuleTests` and
/// `InvalidInputTests`.
@Suite struct HostileInputTests {
    /// 100,000 levels of arrays or objects, far past the default
    /// `--max-depth` of 512, make the line an envelope, and the secret at the
    /// bottom is scrubbed from its text.
    @Test(arguments: ["array", "object"])
    func deepNestingBecomesEnvelope(shape: String) throws {
        let depth = 100_000
        let line = shape == "array"
            ? String(repeating: "[", count: depth) + #"{"password":"hunter2hunter2"}"# + String(repeating: "]", count: depth)
            : String(repeating: #"{"a":"#, count: depth) + #"{"password":"hunter2hunter2"}"# + String(repeating: "}", count: depth)
        let output = try runPipeline(line + "\n" + #"{"ok":1}"# + "\n")
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        let fields = try envelope(lines[0])
        #expect(fields["reason"] as? String == "nesting deeper than 512 levels")
        #expect(!output.contains("hunter2hunter2"))
        #expect(lines[1] == #"{"ok":1}"#)
    }

    /// JSON inside a string that nests 100,000 levels deep is not parsed:
    /// the event stays valid and the string is scrubbed as text, so the
    /// secret at the bottom is still redacted.
    @Test func deepJSONInsideStringIsScrubbed() throws {
        let depth = 100_000
        let inner = String(repeating: #"{\"a\":"#, count: depth) + #"{\"password\":\"hunter2hunter2\"}"#
            + String(repeating: "}", count: depth)
        let output = try redactLine(#"{"message":""# + inner + #""}"#)
        #expect(output.hasPrefix(#"{"message":"{\"a\":"#))
        #expect(!output.contains("hunter2hunter2"))
        #expect(invalidJSONLines(output).isEmpty)
    }

    /// Overlong forms, encoded surrogates, code points above U+10FFFF and
    /// stray continuation bytes are invalid UTF-8 (Unicode 15, table 3-7).
    @Test(arguments: [
        [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], [0xC1, 0xBF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0x80], [0xFF], [0xE2, 0x82],
    ] as [[UInt8]])
    func malformedUTF8BecomesEnvelope(sequence: [UInt8]) throws {
        let bytes = Array(#"{"note": "a"#.utf8) + sequence + Array(#"b", "password": "hunter2hunter2"}"#.utf8) + [0x0A]
        let output = String(decoding: try runPipeline(bytes: bytes), as: UTF8.self)
        let fields = try envelope(output)
        #expect(fields["reason"] as? String == "invalid UTF-8")
        #expect(fields["offset"] as? Int == 11)
        #expect(!output.contains("hunter2hunter2"))
    }

    /// An unpaired surrogate escape is valid JSON by RFC 8259's grammar, so
    /// the line is redacted as usual and the escape is kept as written.
    @Test func unpairedSurrogateEscapesAreKept() throws {
        let line = #"{"note": "\ud800 and \udc00", "password": "pw\ud800secret", "authorization": "Bearer \udbffabcdefghijklmnop123"}"#
        let output = try redactLine(line)
        #expect(output.hasPrefix(#"{"note": "\ud800 and \udc00", "password": "[REDACTED:password]", "authorization": "Bearer [REDACTED:"#),
                "\(output)")
        #expect(!output.contains("secret"))
        #expect(!output.contains("abcdefghijklmnop123"))
    }

    /// A lone surrogate in a key does not stop the key rules from seeing
    /// the rest of the name, and the output keeps the key's bytes.
    @Test func surrogateInKeyIsKept() throws {
        let output = try redactLine(#"{"\ud800": "x", "pass\u0077ord": "hunter2hunter2"}"#)
        #expect(output == #"{"\ud800": "x", "pass\u0077ord": "[REDACTED:password]"}"#)
    }

    /// Key rules ignore letter case, `-` and `_`, after escapes are decoded.
    @Test(arguments: ["AUTHORIZATION", "Authorization", "aUtHoRiZaTiOn", #"AUTHOR\u0049ZATION"#, #"\u0041uthorization"#,
                      "X-API-KEY", "x_api_key", "Pass_Word"])
    func keyCaseAndEscapesMatch(key: String) throws {
        let output = try redactLine(#"{"\#(key)": "Zm9vYmFyYmF6cXV4MTIzNDU2"}"#)
        #expect(!output.contains("Zm9vYmFyYmF6cXV4MTIzNDU2"), "\(output)")
        #expect(output.hasPrefix(#"{"\#(key)": ""#))
    }

    /// A raw NUL byte is a control character, invalid inside a JSON string:
    /// the line becomes an envelope and the secret after it is redacted.
    @Test func rawNULInStringBecomesEnvelope() throws {
        let bytes = Array(#"{"a": "x"#.utf8) + [0x00] + Array(#"y", "token": "t0k3nt0k3n"}"#.utf8) + [0x0A]
        let output = String(decoding: try runPipeline(bytes: bytes), as: UTF8.self)
        let fields = try envelope(output)
        #expect(fields["reason"] != nil)
        #expect(!output.contains("t0k3nt0k3n"))
        #expect(invalidJSONLines(output).isEmpty)
    }

    /// An escaped NUL is valid JSON: a secret containing one is still
    /// redacted whole, and a NUL outside secrets stays escaped.
    @Test func escapedNULIsValid() throws {
        let output = try redactLine(#"{"a": "x\u0000y", "password": "before\u0000after"}"#)
        #expect(output == #"{"a": "x\u0000y", "password": "[REDACTED:password]"}"#)
    }

    /// Secret values that are not strings are replaced whole, whatever
    /// their type, also in arrays of objects.
    @Test func nonStringSecretsInArrays() throws {
        let output = try redactLine(#"[{"token": 1234567890123}, {"token": [{"x": "y"}]}, {"token": -1.5e300}]"#)
        #expect(!output.contains("1234567890123"))
        #expect(!output.contains("\"x\""))
        #expect(!output.contains("1.5e300"))
        #expect(invalidJSONLines(output).isEmpty)
    }
}

/// Parses a `logsieve_invalid` envelope and returns its fields.
private func envelope(_ line: String) throws -> [String: Any] {
    let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
    return try #require(object?["logsieve_invalid"] as? [String: Any], "not an envelope: \(line)")
}
