import Foundation
import Testing
@testable import LogsieveCore

@Suite struct RedactorTests {
    @Test func unchangedBytesAreCopied() throws {
        let line = #"{ "b" :  1.50e+3, "a":[true ,null], "u":"\u00e9\n"  }"#
        #expect(try redactLine(line) == line)
    }

    @Test func cookiesPerCookie() throws {
        let output = try redactLine(#"{"cookie": "a=1; sid=XYZ"}"#)
        #expect(output == #"{"cookie": "a=[REDACTED:cookie:\#(fingerprint("1"))]; sid=[REDACTED:cookie:\#(fingerprint("XYZ"))]"}"#)
    }

    @Test func setCookieKeepsAttributes() throws {
        let output = try redactLine(#"{"Set-Cookie": "sid=XYZ; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly\nlang=en; Path=/"}"#)
        #expect(output == #"{"Set-Cookie": "sid=[REDACTED:cookie:\#(fingerprint("XYZ"))]; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT; HttpOnly\nlang=[REDACTED:cookie:\#(fingerprint("en"))]; Path=/"}"#)
    }

    @Test func nameValuePairJudgedByName() throws {
        let output = try redactLine(#"[{"name": "Cookie", "value": "sid=XYZ"}, {"value": "Bearer tok12345678", "name": "authorization"}, {"name": "Accept", "value": "text/html"}]"#)
        #expect(output == #"[{"name": "Cookie", "value": "sid=[REDACTED:cookie:\#(fingerprint("XYZ"))]"}, {"value": "Bearer [REDACTED:bearer:\#(fingerprint("tok12345678"))]", "name": "authorization"}, {"name": "Accept", "value": "text/html"}]"#)
    }

    @Test func harCookiesAndQueryStrings() throws {
        let output = try redactLine(#"{"cookies": [{"name": "theme", "value": "dark", "path": "/"}], "queryString": [{"name": "code", "value": "c123"}, {"name": "page", "value": "2"}]}"#)
        #expect(output == #"{"cookies": [{"name": "theme", "value": "[REDACTED:cookie:\#(fingerprint("dark"))]", "path": "/"}], "queryString": [{"name": "code", "value": "[REDACTED:oauth_code:\#(fingerprint("c123"))]"}, {"name": "page", "value": "2"}]}"#)
    }

    @Test func cookieJarObject() throws {
        let output = try redactLine(#"{"cookies": {"sid": "s1", "theme": "dark"}}"#)
        #expect(output == #"{"cookies": {"sid": "[REDACTED:cookie:\#(fingerprint("s1"))]", "theme": "[REDACTED:cookie:\#(fingerprint("dark"))]"}}"#)
    }

    @Test func jsonInsideStringIsRedactedRecursively() throws {
        let inner = #"{\"password\":\"p1\",\"nested\":\"{\\\"token\\\":\\\"t1\\\"}\"}"#
        let output = try redactLine(#"{"message": "\#(inner)"}"#)
        #expect(!output.contains("p1\\"))
        #expect(!output.contains("t1\\"))
        #expect(invalidJSONLines(output).isEmpty)
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: String]
        let message = try JSONSerialization.jsonObject(with: Data(object["message"]!.utf8)) as! [String: String]
        #expect(message["password"] == "[REDACTED:password]")
        #expect(message["nested"] == #"{"token":"[REDACTED:token:\#(fingerprint("t1"))]"}"#)
    }

    @Test func invalidJSONInsideStringIsScrubbedAsFragment() throws {
        let output = try redactLine(#"{"message": "{\"passw\\u006frd\": \"p1\", \"x\": "}"#)
        #expect(!output.contains("p1"))
        #expect(invalidJSONLines(output).isEmpty)
    }

    @Test func maskMode() throws {
        var configuration = RedactorConfiguration()
        configuration.replacement = .mask
        #expect(try redactLine(#"{"password": "p", "m": "Bearer abcdefgh1234"}"#, configuration: configuration)
            == #"{"password": "[REDACTED]", "m": "Bearer [REDACTED]"}"#)
    }

    @Test(arguments: [
        (#"{"password": "p", "a": 1}"#, #"{"a": 1}"#),
        (#"{"a": 1, "password": "p"}"#, #"{"a": 1}"#),
        (#"{"a": 1, "password": "p", "b": 2}"#, #"{"a": 1, "b": 2}"#),
        (#"{"password": "p"}"#, #"{}"#),
        (#"{"password": "p", "token": {"x": 1}}"#, #"{}"#),
        (#"[{"name": "Cookie", "value": "a=b"}]"#, #"[{"name": "Cookie", "value": "a=[REDACTED]"}]"#),
    ])
    func removeMode(input: String, expected: String) throws {
        var configuration = RedactorConfiguration()
        configuration.replacement = .remove
        #expect(try redactLine(input, configuration: configuration) == expected)
    }

    static let idempotenceInputs = [
        #"{"authorization": "Bearer abcdefgh12345678", "cookie": "a=1; b=2", "m": "x?code=abc&state=d"}"#,
        #"{"cookies": [{"name": "a", "value": "v"}], "u": "https://u:p@h/?id_token=x#access_token=y"}"#,
        #"{"message": "{\"password\":\"p\",\"jwt\":\"\#(ValueDetectorTests.jwt)\"}"}"#,
        #"{"set-cookie": "sid=1; Path=/\nx=2", "k": "AKIAIOSFODNN7EXAMPLE", "basic": "Basic dXNlcjpwYXNz"}"#,
        #"{"password": 1, "secret": {"a": 1}, "Authorization": "AWS4-HMAC-SHA256 Credential=AKIA/x, Signature=abc"}"#,
        #"{"broken": "#,
        #"{"token": "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."}"#,
    ]

    @Test(arguments: idempotenceInputs)
    func redactingTwiceChangesNothing(input: String) throws {
        let once = try runPipeline(input + "\n")
        let twice = try runPipeline(once)
        #expect(twice == once)
    }

    @Test(arguments: idempotenceInputs.dropLast(2))
    func outputIsValidJSON(input: String) throws {
        #expect(invalidJSONLines(try runPipeline(input + "\n")).isEmpty)
    }

    @Test func tooDeepNestingBecomesEnvelope() throws {
        var configuration = RedactorConfiguration()
        configuration.maxDepth = 8
        let deep = String(repeating: "[", count: 20) + #"{"password":"p"}"# + String(repeating: "]", count: 20)
        let output = try redactLine(deep, configuration: configuration)
        #expect(output.hasPrefix(#"{"logsieve_invalid":{"reason":"nesting deeper than 8 levels""#))
        #expect(!output.contains(#"\"p\""#))
        #expect(invalidJSONLines(output).isEmpty)
    }

    @Test func valueDetectorsOffKeepsKeyRules() throws {
        var configuration = RedactorConfiguration()
        configuration.valueDetectors = false
        #expect(try redactLine(#"{"password": "p", "m": "Bearer abcdefgh1234"}"#, configuration: configuration)
            == #"{"password": "[REDACTED:password]", "m": "Bearer abcdefgh1234"}"#)
    }
}
