import Testing
@testable import LogsieveCore

@Suite struct FramingTests {
    static let mixedInput = """
    {"a": 1, "authorization": "Bearer abcdefgh12345678"}
    {
      "pretty": {"password": "p"},
      "list": [1,
        2]
    }
    {"msg": "GET /cb?code=xyz123&state=s1 HTTP/1.1", "cookies": [{"name": "sid", "value": "v"}]}
    {"broken": 
    {"b": "AKIAIOSFODNN7EXAMPLE"}\r
    [1, 2] [3]
    "a string"
    {"last": true}
    """

    @Test func everyChunkSizeGivesTheSameOutput() throws {
        let whole = try runPipeline(Self.mixedInput)
        for chunkSize in 1...Self.mixedInput.utf8.count {
            let chunked = try runPipeline(Self.mixedInput, chunkSize: chunkSize)
            #expect(chunked == whole, "chunk size \(chunkSize)")
            if chunked != whole { break }
        }
    }

    @Test func mixedInputOutput() throws {
        let lines = try runPipeline(Self.mixedInput).split(separator: "\n").map(String.init)
        #expect(lines.count == 9)
        #expect(lines[1] == #"{"pretty": {"password": "[REDACTED:password]"},"list": [1,2]}"#)
        #expect(lines[3].hasPrefix(#"{"logsieve_invalid""#))
        #expect(lines[4] == #"{"b": "[REDACTED:aws_access_key:\#(fingerprint("AKIAIOSFODNN7EXAMPLE"))]"}"#)
        #expect(lines[5] == "[1, 2]")
        #expect(lines[6] == "[3]")
        #expect(lines[8] == #"{"last": true}"#)
        #expect(invalidJSONLines(lines.joined(separator: "\n")).isEmpty)
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8)
        #expect(String(decoding: try runPipeline(bytes: bytes), as: UTF8.self) == "{\"a\":1}\n")
    }

    @Test func lastLineWithoutNewline() throws {
        #expect(try runPipeline(#"{"a":1}"#) == "{\"a\":1}\n")
    }

    @Test func splitTopLevelArray() throws {
        let output = try runPipeline("[{\"a\": 1}, {\"token\": \"t\"}]\n", split: ".[]")
        #expect(output == "{\"a\": 1}\n{\"token\": \"[REDACTED:token:\(fingerprint("t"))]\"}\n")
    }

    @Test func splitRecords() throws {
        let input = "{\"records\": [\n  {\"properties\": {\"sessionId\": \"s-1\"}},\n  {\"x\": 2}\n]}\n{\"other\": 1}\n"
        let output = try runPipeline(input, split: ".records[]")
        #expect(output == "{\"properties\": {\"sessionId\": \"[REDACTED:session:\(fingerprint("s-1"))]\"}}\n{\"x\": 2}\n{\"other\": 1}\n")
    }

    @Test func textFormat() throws {
        let output = try runPipeline("GET /cb?code=abc123 HTTP/1.1\nplain line\r\n", inputFormat: .text)
        #expect(output == "GET /cb?code=[REDACTED:oauth_code:\(fingerprint("abc123"))] HTTP/1.1\nplain line\n")
    }
}

