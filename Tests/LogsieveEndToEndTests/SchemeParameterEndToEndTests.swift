import Testing

/// `name=SCHEME credential` through the binary, as JSON string values,
/// invalid-input envelopes and `--input-format text` lines.
@Suite struct SchemeParameterEndToEndTests {
    static let lines: [(text: String, secret: String)] = [
        ("Authorization=Bearer LONGERBEARERSECRET1234567890abc", "LONGERBEARERSECRET1234567890abc"),
        ("Proxy-Authorization=Bearer PROXYLONGSECRET1234567890abcdef", "PROXYLONGSECRET1234567890abcdef"),
        ("Authorization=Basic dXNlcjpQV1NFQ1JFVA==", "dXNlcjpQV1NFQ1JFVA"),
        ("authorization=SSWS 00AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab", "00AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab"),
        ("token=Bearer TOKBEARERSECRET1234567890abcdef", "TOKBEARERSECRET1234567890abcdef"),
        ("https://x/?authorization=Bearer PLUSSECRET1234567890abcdefgh", "PLUSSECRET1234567890abcdefgh"),
        ("https://x/?authorization=Bearer+PLUSSECRETplus1234567890abcd", "PLUSSECRETplus1234567890abcd"),
        ("https://x/?authorization=Bearer%20PLUSSECRETpct1234567890abcd", "PLUSSECRETpct1234567890abcd"),
        ("Authorization=Bearer shortletterh", "shortletterh"),
    ]

    @Test func jsonValuesAndEnvelopes() throws {
        let valid = Self.lines.map { #"{"m":"\#($0.text)"}"# }
        let cutOff = Self.lines.map { #"{"m":"\#($0.text)""# }
        let input = (valid + cutOff).joined(separator: "\n") + "\n"
        let result = try runLogsieve(["--threads", "1"], input: .text(input))
        #expect(result.exitStatus == 0)
        #expect(result.outputLines.count == 2 * Self.lines.count)
        #expect(result.outputLines.filter { $0.hasPrefix(#"{"logsieve_invalid":"#) }.count == Self.lines.count)
        #expect(!result.output.contains("]]"))
        for line in Self.lines {
            #expect(!result.output.contains(line.secret), "\(line.text)")
        }
    }

    @Test func textInput() throws {
        let input = Self.lines.map(\.text).joined(separator: "\n") + "\n"
        let result = try runLogsieve(["--input-format", "text"], input: .text(input))
        #expect(result.exitStatus == 0)
        #expect(result.outputLines.count == Self.lines.count)
        for line in Self.lines {
            #expect(!result.output.contains(line.secret), "\(line.text)")
        }
    }
}
