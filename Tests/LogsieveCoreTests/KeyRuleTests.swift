import Testing
@testable import LogsieveCore

@Suite struct KeyRuleTests {
    static let secretKeys: [(String, SecretKind)] = [
        ("authorization", .authorization), ("Proxy-Authorization", .authorization), ("cookie", .cookie),
        ("Set-Cookie", .cookie), ("X-API-Key", .apiKey), ("api_key", .apiKey), ("apiKey", .apiKey),
        ("password", .password), ("passwd", .password), ("pwd", .password), ("db_password", .password),
        ("DB-PASSWORD", .password), ("secret", .secret), ("client_secret", .secret), ("webhookSecret", .secret),
        ("token", .token), ("access_token", .token), ("refresh_token", .token), ("id_token", .token),
        ("session_token", .token), ("sessionToken", .token), ("stateToken", .token), ("github_token", .token),
        ("x-csrf-token", .token), ("X-XSRF-TOKEN", .token), ("x-auth-token", .token), ("x-session-id", .session),
        ("JSESSIONID", .session), ("externalSessionId", .session), ("rootSessionId", .session),
        ("uniqueTokenIdentifier", .session), ("SAMLResponse", .saml), ("SAMLRequest", .saml),
        ("assertion", .saml), ("code_verifier", .secret), ("private_key", .privateKey), ("ssh_private_key", .privateKey),
        ("stripe_api_key", .apiKey), ("x-goog-api-key", .apiKey),
    ]

    static let plainKeys = [
        "token_type", "tokenType", "password_changed_at", "next_page_token", "has_password", "name", "eventType",
        "published", "state", "code", "userAgent", "sessionCount", "tokens_used", "passwordless", "keyId",
        "secretary", "author", "cookieConsent",
    ]

    private func role(of key: String) -> KeyRole {
        let normalized = KeyRuleSet.normalize(key)
        return normalized.withUnsafeBufferPointer {
            KeyRuleSet.default.role(normalized: $0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count)
        }
    }

    @Test(arguments: secretKeys)
    func secretKeyMatches(key: String, kind: SecretKind) {
        guard case .secret(let rule) = role(of: key) else {
            Issue.record("\(key) is not a secret key")
            return
        }
        #expect(rule.kind == kind)
    }

    @Test(arguments: plainKeys)
    func plainKeyDoesNotMatch(key: String) {
        if case .secret = role(of: key) {
            Issue.record("\(key) should not be a secret key")
        }
    }

    @Test func escapedKeyMatchesAfterDecoding() throws {
        let output = try redactLine(#"{"Author\u0069zation": "Bearer abcdefgh12345678", "x_API\u005fkey": "k1234567"}"#)
        #expect(!output.contains("abcdefgh12345678"))
        #expect(!output.contains("k1234567"))
        #expect(output.hasPrefix(#"{"Author\u0069zation": "Bearer [REDACTED:bearer:"#))
    }

    @Test func spacesAndNonASCIIBytesInKeysAreIgnored() throws {
        #expect(!(try redactLine(#"{"pass word": "pw-spaced-1"}"#)).contains("pw-spaced-1"))
        #expect(!(try redactLine(#"{"pass\u00a0word": "pw-nbsp-1"}"#)).contains("pw-nbsp-1"))
        // Invalid UTF-8 in the key: the record is invalid, and its envelope text is scrubbed.
        let invalid = String(decoding: Array(#"{"pass"#.utf8) + [0xFF] + Array(#"word": "pw-invalid-1"}"#.utf8), as: UTF8.self)
        #expect(!(try redactLine(invalid)).contains("pw-invalid-1"))
    }

    @Test func addedAndExcludedKeys() throws {
        var configuration = RedactorConfiguration()
        configuration.keyRules.addSecretKey("X-Internal-Ticket")
        configuration.keyRules.excludeKey("db_password")
        let output = try redactLine(#"{"x_internal_ticket": "abc", "db_password": "visible"}"#, configuration: configuration)
        #expect(output == #"{"x_internal_ticket": "[REDACTED:secret]", "db_password": "visible"}"#)
    }

    @Test func duplicateKeysAreBothRedacted() throws {
        let output = try redactLine(#"{"authorization": "x1", "authorization": "y1"}"#)
        #expect(output == #"{"authorization": "[REDACTED:authorization:\#(fingerprint("x1"))]", "authorization": "[REDACTED:authorization:\#(fingerprint("y1"))]"}"#)
    }

    @Test func nonStringValuesUnderSecretKeys() throws {
        let output = try redactLine(#"{"password": 12345, "token": {"a": [1]}, "secret": [1, 2], "pwd": null, "apikey": true, "passcode": ""}"#)
        #expect(output == #"{"password": "[REDACTED:password]", "token": "[REDACTED:token:\#(fingerprint(#"{"a": [1]}"#))]", "secret": "[REDACTED:secret]", "pwd": null, "apikey": true, "passcode": ""}"#)
    }
}
