import Testing

/// Text logs often contain an HTTP request or a JSON document with its
/// line breaks and quotes written as backslash escapes (`\r\n`, `\"`), as
/// Go's `%q`, Python's `repr` and JSON encoders write them. Outside a JSON
/// string, logsieve must still see the header names and keys there.
@Suite struct EscapedTextTests {
    static let secret = "cnryxESCAPED0123456789"

    /// Each line has its secret once, behind a separator that is a real
    /// space or quote in `plainLines` and a backslash escape in
    /// `escapedLines`.
    static let plainLines = [
        #"INFO req="GET / HTTP/1.1 Cookie: sid=SECRET; theme=dark""#,
        #"INFO resp="HTTP/1.1 200 OK Set-Cookie: sid=SECRET; Path=/""#,
        #"INFO query="a PHPSESSID=SECRET""#,
        #"WARN {"token":"SECRET", "n": 1}"#,
        #"INFO body='{"password": "SECRET"}'"#,
    ]

    static let escapedLines = [
        #"INFO req="GET / HTTP/1.1\r\nCookie: sid=SECRET; theme=dark\r\n""#,
        #"INFO resp="HTTP/1.1 200 OK\nSet-Cookie: sid=SECRET; Path=/""#,
        #"INFO query="a\nPHPSESSID=SECRET""#,
        #"WARN {\"token\":\"SECRET\", \"n\": 1}"#,
        #"INFO body="{\"password\": \"SECRET\"}""#,
    ]

    @Test(arguments: plainLines)
    func textWithPlainSeparators(_ template: String) throws {
        let result = try runLogsieve(["--input-format", "text"], input: .text(secretLine(template)))
        #expect(result.exitStatus == 0)
        #expect(result.output.contains("[REDACTED:"))
        #expect(!result.output.contains(Self.secret))
    }

    /// A name right after a backslash escape (`\nCookie:`, `\"token\":`)
    /// must not take the escape's letter into the name.
    @Test(arguments: escapedLines)
    func textWithEscapedSeparators(_ template: String) throws {
        let result = try runLogsieve(["--input-format", "text"], input: .text(secretLine(template)))
        #expect(result.exitStatus == 0)
        #expect(!result.output.contains(Self.secret))
        #expect(result.output.contains("[REDACTED:"))
    }

    /// The tail of an invalid JSON record is scrubbed token by token, a
    /// header after an escaped line break outside a string included.
    @Test func invalidRecordWithEscapedHeader() throws {
        let input = #"{"m": "x", "# + "\n" + #"note: a\nCookie: sid=\#(Self.secret); theme=dark"# + "\n"
        let result = try runLogsieve([], input: .text(input))
        #expect(result.exitStatus == 0)
        #expect(result.outputLines.count == 1)
        #expect(result.output.hasPrefix(#"{"logsieve_invalid":"#))
        #expect(!result.output.contains(Self.secret))
    }

    @Test func invalidRecordWithEscapedQuotes() throws {
        let input = #"WARN {\"token\":\"\#(Self.secret)\", \"n\": 1}"# + "\n"
        let result = try runLogsieve([], input: .text(input))
        #expect(result.exitStatus == 0)
        #expect(result.output.hasPrefix(#"{"logsieve_invalid":"#))
        #expect(!result.output.contains(Self.secret))
    }

    private func secretLine(_ template: String) -> String {
        template.replacingOccurrences(of: "SECRET", with: Self.secret) + "\n"
    }
}
