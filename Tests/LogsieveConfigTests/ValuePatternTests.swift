import LogsieveCore
import LogsievePatterns
import Testing

private let key = try! FingerprintKey(Array("value-pattern-tests-key-0123456789abcdef".utf8))

/// Redacts one JSON line with `configuration` and `patterns`.
private func redact(_ line: String, patterns: [ValuePatternDefinition], limits: ValuePatternLimits = .default,
                    configuration: RedactorConfiguration = RedactorConfiguration()) throws -> String {
    let matcher = try PCRE2PatternSet(patterns, limits: limits)
    let redactor = Redactor(configuration: configuration, fingerprinter: Fingerprinter(key: key), valuePatterns: matcher)
    let output = ByteBuffer(capacity: 1024)
    var bytes = Array(line.utf8)
    _ = try bytes.withUnsafeMutableBufferPointer { buffer in
        try redactor.redactValue(UnsafePointer(buffer.baseAddress!), from: 0, end: buffer.count, to: output)
    }
    return String(decoding: UnsafeBufferPointer(start: output.base, count: output.count), as: UTF8.self)
}

private let employeeID = ValuePatternDefinition(name: "employee-id", expression: "EMP-[0-9]{6}", kind: .token, literal: "EMP-")

@Suite("Value patterns")
struct ValuePatternTests {
    @Test("match becomes marker")
    func matchBecomesMarker() throws {
        let output = try redact(#"{"note":"id EMP-123456 and EMP-654321 done","n":"EMP-12"}"#, patterns: [employeeID])
        #expect(!output.contains("EMP-123456"))
        #expect(!output.contains("EMP-654321"))
        #expect(output.contains("EMP-12\""))
        #expect(output.contains("id [REDACTED:token:"))
        #expect(output.contains(" done\""))
    }

    @Test("literal prefilter skips values")
    func literalPrefilter() throws {
        // The literal is wrong on purpose: a value without it is not searched.
        let wrongLiteral = ValuePatternDefinition(name: "x", expression: "EMP-[0-9]{6}", kind: .token, literal: "XYZ")
        let output = try redact(#"{"note":"EMP-123456"}"#, patterns: [wrongLiteral])
        #expect(output == #"{"note":"EMP-123456"}"#)
    }

    @Test("catastrophic pattern redacts whole value")
    func catastrophicPatternFailsClosed() throws {
        let catastrophic = ValuePatternDefinition(name: "nested", expression: "^(a+)+$", kind: .secret)
        var limits = ValuePatternLimits()
        limits.matchLimit = 10_000
        let value = String(repeating: "a", count: 40) + "b"
        let output = try redact("{\"x\":\"\(value)\",\"y\":\"plain\"}", patterns: [catastrophic], limits: limits)
        #expect(output == #"{"x":"[REDACTED:secret]","y":"plain"}"#)
    }

    @Test("match limit error is reported")
    func matchLimitReported() throws {
        let set = try PCRE2PatternSet([ValuePatternDefinition(name: "nested", expression: "^(a+)+$", kind: .password)])
        var matches: [ValuePatternMatch] = []
        let text = Array((String(repeating: "a", count: 40) + "b").utf8)
        let failed = text.withUnsafeBufferPointer { set.collectMatches($0.baseAddress!, count: $0.count, into: &matches) }
        #expect(failed == .password)
    }

    @Test("marker from built-in rule is kept")
    func markerKept() throws {
        // The fingerprint in the detector's marker is 12 hex digits, which
        // this pattern matches; the marker must stay as the detector wrote it.
        let hex = ValuePatternDefinition(name: "hex", expression: "[0-9a-f]{12}", kind: .apiKey)
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLWJ5dGVzLTEyMzQ"
        let output = try redact("{\"msg\":\"auth \(jwt)\",\"note\":\"deadbeefcafe\"}", patterns: [hex])
        #expect(output.contains(#""msg":"auth [REDACTED:jwt:"#))
        #expect(!output.contains("[REDACTED:api_key:[REDACTED"))
        #expect(output.split(separator: "[REDACTED:api_key:").count == 2)
        #expect(output.contains(#""note":"[REDACTED:api_key:"#))
        #expect(!output.contains("deadbeefcafe"))
    }

    @Test("patterns run without value detectors")
    func withoutValueDetectors() throws {
        var configuration = RedactorConfiguration()
        configuration.valueDetectors = false
        let output = try redact(#"{"note":"EMP-123456"}"#, patterns: [employeeID], configuration: configuration)
        #expect(output.hasPrefix(#"{"note":"[REDACTED:token:"#))
    }

    @Test("invalid expression is rejected")
    func invalidExpression() {
        #expect(throws: ValuePatternError.self) {
            try PCRE2PatternSet.validate(ValuePatternDefinition(name: "bad", expression: "(unclosed", kind: .token))
        }
    }

    @Test("invalid UTF-8 subject is searched")
    func invalidUTF8() throws {
        let set = try PCRE2PatternSet([employeeID])
        var matches: [ValuePatternMatch] = []
        let text: [UInt8] = [0xFF, 0xFE] + Array("EMP-123456".utf8)
        let failed = text.withUnsafeBufferPointer { set.collectMatches($0.baseAddress!, count: $0.count, into: &matches) }
        #expect(failed == nil)
        #expect(matches == [ValuePatternMatch(start: 2, end: 12, kind: .token)])
    }
}

@Suite("Replacement per kind")
struct ReplacementPerKindTests {
    @Test("override applies to its kind only")
    func overrideAppliesToKind() throws {
        var configuration = RedactorConfiguration()
        configuration.replacement = .fingerprint
        configuration.replacementOverrides[.token] = .mask
        let output = try redact(#"{"token":"t0k3n-value-123","cookie":"sid=abcdef123456"}"#, patterns: [], configuration: configuration)
        #expect(output.contains(#""token":"[REDACTED]""#))
        #expect(output.contains("[REDACTED:cookie:"))
    }

    @Test("remove override removes member")
    func removeOverride() throws {
        var configuration = RedactorConfiguration()
        configuration.replacementOverrides[.password] = .remove
        let output = try redact(#"{"user":"ann","password":"hunter2","token":"abc123def456"}"#, patterns: [], configuration: configuration)
        #expect(!output.contains("password"))
        #expect(output.contains("[REDACTED:token:"))
    }
}
