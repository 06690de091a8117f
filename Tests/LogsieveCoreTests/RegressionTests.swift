import Testing
@testable import LogsieveCore

/// Cases found by trying logsieve as a new user would, each once a leak,
/// a loss or a crash.
@Suite struct RegressionTests {
    @Test(arguments: [
        #"{"msg":"path C:\dir\", "password":"QUOTEsec2"}"#,
        #"{"q":"a"b", "refresh_token":"QUOTEsec2"}"#,
        "{\"m\":\"abc\n  \"api_key\": \"QUOTEsec2\"\n}",
    ])
    func strayQuoteKeepsKeyRules(input: String) throws {
        let output = try runPipeline(input + "\n")
        #expect(!output.contains("QUOTEsec2"), "\(output)")
        #expect(invalidJSONLines(output).isEmpty)
    }

    @Test func truncatedLastLineIsReported() throws {
        let output = try runPipeline(#"{"a":1}"# + "\n" + #"{"password":"x","#)
        let lines = output.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.hasPrefix(#"{"logsieve_invalid""#) == true)
        #expect(!output.contains(#""x""#))
    }

    @Test(arguments: [
        ("redirect=https%3A%2F%2Fy%2F%3Faccess_token%3DXsecret1&a=1", "Xsecret1"),
        ("/cb?access_token[]=Xsecret2", "Xsecret2"),
        ("/cb?user[password]=Xsecret3", "Xsecret3"),
        ("/x?auth=Bearer%20Xsecret4abc123", "Xsecret4abc123"),
        ("see //user:Xsecret5@host/x", "Xsecret5"),
    ])
    func urlShapesAreRedacted(text: String, secret: String) throws {
        let output = try runPipeline(text + "\n", inputFormat: .text)
        #expect(!output.contains(secret), "\(output)")
        #expect(try runPipeline(output, inputFormat: .text) == output)
    }

    @Test func commaJoinedSetCookies() throws {
        let output = try redactLine(#"{"Set-Cookie":"sid=A1; Path=/, other=B1; Expires=Wed, 21 Oct 2026 07:28:00 GMT"}"#)
        #expect(output == #"{"Set-Cookie":"sid=[REDACTED:cookie:\#(fingerprint("A1"))]; Path=/, other=[REDACTED:cookie:\#(fingerprint("B1"))]; Expires=Wed, 21 Oct 2026 07:28:00 GMT"}"#)
    }

    @Test func headerInTextKeepsTheRestOfTheLine() throws {
        let output = try runPipeline(#"Authorization: Bearer Tok12345678\" https://x"# + "\n", inputFormat: .text)
        #expect(output == #"Authorization: Bearer [REDACTED:bearer:\#(fingerprint("Tok12345678"))]\" https://x"# + "\n")
    }
}
