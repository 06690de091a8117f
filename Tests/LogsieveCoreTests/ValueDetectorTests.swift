import Testing
@testable import LogsieveCore

/// Value detectors run inside any string, whatever its key.
@Suite struct ValueDetectorTests {
    static let jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"

    /// Free text and the secret that must vanish from it.
    static let positives: [(String, String, String)] = [
        ("Bearer", "auth with Bearer abcDEF123456ghi ok", "abcDEF123456ghi"),
        ("bearer lowercase", "bearer   mF_9.B5f-4.1JqM", "mF_9.B5f-4.1JqM"),
        ("Basic", "Authorization: Basic dXNlcjpodW50ZXIy", "dXNlcjpodW50ZXIy"),
        ("Digest", #"Digest username="bob", realm="x", response="6629fae49393a05397450978507c4ef1""#, "6629fae49393a05397450978507c4ef1"),
        ("SSWS", "SSWS 00abcdefghijklmnopqrstuvwxyz0123456789", "00abcdefghijklmnopqrstuvwxyz0123456789"),
        ("JWT in text", "token=\(jwt) and more", "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"),
        ("JWT at end of sentence", "the token was \(jwt).", "eyJzdWIiOiIxMjM0NTY3ODkwIn0"),
        ("PEM", "key:\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n", "MIIEvQIBADANBg"),
        ("PEM without end", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk", "b3BlbnNzaC1rZXk"),
        ("userinfo", "redis://default:p4ssw0rd@cache:6379", "p4ssw0rd"),
        ("query access_token", "/cb?access_token=at-123456&x=1", "at-123456"),
        ("fragment id_token", "https://app.example/#id_token=idt-98765&state=st-1", "idt-98765"),
        ("fragment state", "https://app.example/#id_token=idt-98765&state=st-1", "st-1"),
        ("OAuth code", "https://app.example/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz", "SplxlOBeZQQYbYS6WxSbIA"),
        ("bare query string", "code=c0de42&state=s7ate", "c0de42"),
        ("percent-encoded name", "/cb?access%5Ftoken=pct123", "pct123"),
        ("SAMLResponse form", "SAMLResponse=PHNhbWxwOlJlc3BvbnNl&RelayState=x", "PHNhbWxwOlJlc3BvbnNl"),
        ("X-Amz-Signature", "https://b.s3.amazonaws.com/o?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20230101&X-Amz-Signature=f00dbabe", "f00dbabe"),
        ("password in prose", "login failed password=hunter2 for bob", "hunter2"),
        ("header line", "GET / HTTP/1.1\r\nCookie: sid=abc123; theme=dark\r\nHost: x", "abc123"),
        ("JSON-ish key", #"body was {"client_secret": "cs-555"} truncated"#, "cs-555"),
        ("AWS key", "use AKIAIOSFODNN7EXAMPLE now", "AKIAIOSFODNN7EXAMPLE"),
        ("header after escaped line break", #"GET / HTTP/1.1\r\nCookie: sid=ck-77; x=1\r\n"#, "ck-77"),
        ("key in escaped JSON", #"{\"token\":\"tk-88\", \"n\": 1}"#, "tk-88"),
        ("parameter after escaped ampersand", #"/cb?a=1\u0026code=cd-99"#, "cd-99"),
        ("encoded Bearer in text", "GET /x header Bearer%20abcDEF123456ghi end", "abcDEF123456ghi"),
        ("encoded header line", "Authorization%3A%20Bearer%20abcDEF123456ghi", "abcDEF123456ghi"),
        ("form-encoded Bearer", "Bearer+abcDEF123456ghi%2Bxyz%3D%3D&next=1", "xyz"),
        ("encoded Basic", "Basic%20dXNlcjpodW50ZXIy%3D%3D", "dXNlcjpodW50ZXIy"),
    ]

    /// Text in which nothing may change.
    static let negatives: [(String, String)] = [
        ("UUID", "request 3f2504e0-4f89-11d3-9a0c-0305e82c3301 done"),
        ("SHA-256", "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("bearer in prose", "the bearer of bad news"),
        ("basic in prose", "basic authentication is disabled"),
        ("code in prose", "status code=200 returned"),
        ("URL without secrets", "https://example.com/path?page=2&sort=asc#top"),
        ("user without password", "ssh://git@github.com/org/repo"),
        ("ey word", "they eye the eyJ thing"),
        ("time", "at 12:30:45 on 2024-01-01"),
        ("marker", "token=[REDACTED:token:0123456789ab]"),
        ("public certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"),
        ("encoded space in prose", "100%20off Bearer%20tokens are great"),
        ("stray percent", "50% of x%2 and Bearer%2"),
    ]

    @Test(arguments: positives)
    func detectorRedacts(name: String, text: String, secret: String) throws {
        let line = try jsonLine(["message": text])
        let output = try redactLine(line)
        #expect(!output.contains(secret), "\(name): \(output)")
        #expect(output.contains("[REDACTED"), "\(name)")
        #expect(invalidJSONLines(output).isEmpty)
    }

    @Test(arguments: negatives)
    func detectorLeavesAlone(name: String, text: String) throws {
        let line = try jsonLine(["message": text])
        #expect(try redactLine(line) == line, "\(name)")
    }

    @Test func schemeWordStaysAndFingerprintIsOverCredential() throws {
        let output = try redactLine(#"{"m": "Bearer abcDEF123456ghi"}"#)
        #expect(output == #"{"m": "Bearer [REDACTED:bearer:\#(fingerprint("abcDEF123456ghi"))]"}"#)
    }

    @Test func encodedBearerFingerprintIsOverDecodedToken() throws {
        let output = try redactLine(#"{"m": "Authorization%3A%20Bearer%20abc%2BDEF123456ghi%3D"}"#)
        #expect(output == #"{"m": "Authorization%3A%20Bearer%20[REDACTED:bearer:\#(fingerprint("abc+DEF123456ghi="))]"}"#)
    }

    @Test func sameTokenSameFingerprintAcrossPlaces() throws {
        let token = "tok-1234567890abcdef"
        let output = try redactLine(#"{"authorization": "Bearer \#(token)", "url": "/x?access_token=\#(token)", "token": "\#(token)"}"#)
        let expected = fingerprint(token)
        #expect(output.components(separatedBy: expected).count == 4, "\(output)")
    }

    @Test func percentEncodedValueFingerprintIsDecoded() throws {
        let output = try redactLine(#"{"u": "/cb?access_token=a%2Bb%3Dc"}"#)
        #expect(output.contains(fingerprint("a+b=c")))
    }

    @Test func jwtKeepClaimsDropsSignature() throws {
        var configuration = RedactorConfiguration()
        configuration.jwt = .keepClaims
        let parts = Self.jwt.split(separator: ".")
        let output = try redactLine(#"{"m": "t \#(Self.jwt) x", "id_token": "\#(Self.jwt)"}"#, configuration: configuration)
        #expect(output == #"{"m": "t \#(parts[0]).\#(parts[1]). x", "id_token": "\#(parts[0]).\#(parts[1])."}"#)
        #expect(try redactLine(output, configuration: configuration) == output)
    }

    @Test func jwtWithoutAlgHeaderIsNotAJWT() throws {
        // base64url of {"x":1} is eyJ4IjoxfQ: a JSON header without "alg".
        let line = #"{"m": "eyJ4IjoxfQ.eyJzdWIiOiIxIn0.c2ln"}"#
        #expect(try redactLine(line) == line)
    }

    @Test func secretUsedAsKeyIsReplaced() throws {
        let output = try redactLine(#"{"\#(Self.jwt)": true}"#)
        #expect(output == #"{"[REDACTED:jwt:\#(fingerprint(Self.jwt))]": true}"#)
    }

    @Test func escapedURLInStringIsDecodedFirst() throws {
        let output = try redactLine(#"{"u": "https:\/\/x.example\/cb?id\u005ftoken=abc123\u0026y=1"}"#)
        #expect(!output.contains("abc123"))
        #expect(invalidJSONLines(output).isEmpty)
    }

    private func jsonLine(_ object: [String: String]) throws -> String {
        let (key, text) = object.first!
        let escaped = ByteBuffer()
        var value = text
        value.withUTF8 { JSONStringCoding.encode($0.baseAddress!, count: $0.count, into: escaped) }
        return #"{"\#(key)": "\#(String(decoding: escaped.bytes, as: UTF8.self))"}"#
    }
}
