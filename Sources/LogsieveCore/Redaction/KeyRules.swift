/// The way a value that a key rule marks as secret is taken apart.
public enum ValueStyle: UInt8, Sendable, BitwiseCopyable {
    /// The whole value is one secret.
    case plain
    /// `a=1; sid=XYZ`: every cookie value is a secret, names stay.
    case cookie
    /// `sid=XYZ; Path=/; HttpOnly`: the first pair is the cookie, the
    /// attributes stay. Several headers may be joined by newlines.
    case setCookie
    /// `Bearer …`, `Basic …`, `SSWS …`: the scheme decides the kind.
    case authorization
}

/// A key rule: the kind a matching value is redacted as, and how.
public struct KeyRule: Sendable, Equatable, BitwiseCopyable {
    public var kind: SecretKind
    public var style: ValueStyle

    public init(_ kind: SecretKind, _ style: ValueStyle = .plain) {
        self.kind = kind
        self.style = style
    }
}

/// The meaning of a key to the redactor.
enum KeyRole: Equatable, BitwiseCopyable {
    /// Not a secret and not structural.
    case none
    /// The value is a secret.
    case secret(KeyRule)
    /// `name` or `key` in a name/value pair object: its value names the pair.
    case pairName
    /// `value` in a name/value pair object: judged by the pair's name.
    case pairValue
    /// `cookies`: every value inside is a cookie value.
    case cookieJar
    /// `queryString`, `params`: pairs whose names follow the URL parameter rules.
    case parameterList
}

/// The key rules, as data: which normalised keys are secrets.
///
/// A key is normalised by decoding its JSON escapes, lower-casing ASCII and
/// removing `-` and `_`, so `X-API-Key`, `x_api_key` and `"X-Api-K\u0065y"`
/// are all `xapikey`. A normalised key is a secret when it equals an exact
/// rule or ends with a suffix rule, unless the exclusion list names it.
public struct KeyRuleSet: Sendable {
    /// The rules as data, in the order they were given; the tables below
    /// are built from them after every change.
    private var exactEntries: [([UInt8], KeyRole)] = []
    private var suffixEntries: [([UInt8], KeyRule)] = []
    private var urlParameterEntries: [([UInt8], KeyRule)] = []
    private var compiled: CompiledKeyRules

    /// Exact key rules, as written in the README.
    public static let defaultExactRules: [(String, KeyRule)] = [
        ("authorization", KeyRule(.authorization, .authorization)),
        ("proxy-authorization", KeyRule(.authorization, .authorization)),
        ("cookie", KeyRule(.cookie, .cookie)),
        ("set-cookie", KeyRule(.cookie, .setCookie)),
        ("x-api-key", KeyRule(.apiKey)),
        ("api-key", KeyRule(.apiKey)),
        ("apikey", KeyRule(.apiKey)),
        ("x-functions-key", KeyRule(.apiKey)),
        ("ocp-apim-subscription-key", KeyRule(.apiKey)),
        ("password", KeyRule(.password)),
        ("passwd", KeyRule(.password)),
        ("pwd", KeyRule(.password)),
        ("pass", KeyRule(.password)),
        ("password_hash", KeyRule(.password)),
        ("mfa_code", KeyRule(.password)),
        ("passphrase", KeyRule(.password)),
        ("passcode", KeyRule(.password)),
        ("otp", KeyRule(.password)),
        ("secret", KeyRule(.secret)),
        ("client_secret", KeyRule(.secret)),
        ("code_verifier", KeyRule(.secret)),
        ("secret_key", KeyRule(.secret)),
        ("secret_access_key", KeyRule(.secret)),
        ("account_key", KeyRule(.secret)),
        ("shared_access_key", KeyRule(.secret)),
        ("encryption_key", KeyRule(.secret)),
        ("signing_key", KeyRule(.secret)),
        ("private_key", KeyRule(.privateKey)),
        ("token", KeyRule(.token)),
        ("access_token", KeyRule(.token)),
        ("refresh_token", KeyRule(.token)),
        ("id_token", KeyRule(.token)),
        ("session_token", KeyRule(.token)),
        ("sessionToken", KeyRule(.token)),
        ("stateToken", KeyRule(.token)),
        ("x-csrf-token", KeyRule(.token)),
        ("x-xsrf-token", KeyRule(.token)),
        ("x-auth-token", KeyRule(.token)),
        ("x-session-id", KeyRule(.session)),
        ("session_id", KeyRule(.session)),
        ("externalSessionId", KeyRule(.session)),
        ("rootSessionId", KeyRule(.session)),
        ("uniqueTokenIdentifier", KeyRule(.session)),
        ("phpsessid", KeyRule(.session)),
        ("connect.sid", KeyRule(.session)),
        ("SAMLResponse", KeyRule(.saml)),
        ("SAMLRequest", KeyRule(.saml)),
        ("SAMLart", KeyRule(.saml)),
        ("assertion", KeyRule(.saml)),
        ("client_assertion", KeyRule(.saml)),
        ("wresult", KeyRule(.saml)),
    ]

    /// Suffix rules: a normalised key that ends with one of these is a secret,
    /// so `db_password`, `github_token` and `stripe_api_key` count.
    public static let defaultSuffixRules: [(String, KeyRule)] = [
        ("password", KeyRule(.password)),
        ("passwd", KeyRule(.password)),
        ("secret", KeyRule(.secret)),
        ("token", KeyRule(.token)),
        ("apikey", KeyRule(.apiKey)),
        ("sessionid", KeyRule(.session)),
        ("privatekey", KeyRule(.privateKey)),
    ]

    /// Keys that a suffix rule would match but that hold no secret.
    public static let defaultExclusions: [String] = [
        "token_type", "tokenType", "next_page_token", "page_token", "nextToken", "continuation_token",
        "password_changed_at", "passwordChanged", "password_policy", "password_expired",
        "has_password", "requires_password", "csrf_token_name",
    ]

    /// Parameter names that are secrets in URLs, query strings and form
    /// bodies only, where their meaning is fixed by OAuth, OIDC, SAML or a
    /// signed-URL scheme. As JSON keys they stay (`"state": "active"`).
    public static let defaultURLParameterRules: [(String, KeyRule)] = [
        ("code", KeyRule(.oauthCode)),
        ("state", KeyRule(.oauthState)),
        ("sig", KeyRule(.urlSignature)),
        ("signature", KeyRule(.urlSignature)),
        ("X-Amz-Signature", KeyRule(.urlSignature)),
        ("X-Goog-Signature", KeyRule(.urlSignature)),
        ("X-Amz-Credential", KeyRule(.urlCredential)),
        ("X-Goog-Credential", KeyRule(.urlCredential)),
        ("ticket", KeyRule(.token)),
        ("oauth_verifier", KeyRule(.token)),
        ("jwt", KeyRule(.jwt)),
    ]

    private static let structuralKeys: [(String, KeyRole)] = [
        ("name", .pairName),
        ("key", .pairName),
        ("value", .pairValue),
        ("cookies", .cookieJar),
        ("queryString", .parameterList),
        ("params", .parameterList),
        ("queryParameters", .parameterList),
    ]

    /// The default rules: exact, suffix, exclusions and URL parameters.
    public static let `default` = KeyRuleSet()

    public init() {
        for (key, role) in Self.structuralKeys { exactEntries.append((Self.normalize(key), role)) }
        for (key, rule) in Self.defaultExactRules { exactEntries.append((Self.normalize(key), .secret(rule))) }
        for key in Self.defaultExclusions { exactEntries.append((Self.normalize(key), KeyRole.none)) }
        suffixEntries = Self.defaultSuffixRules.map { (Self.normalize($0.0), $0.1) }
        urlParameterEntries = Self.defaultURLParameterRules.map { (Self.normalize($0.0), $0.1) }
        compiled = CompiledKeyRules(exact: exactEntries, suffixes: suffixEntries, urlParameters: urlParameterEntries)
    }

    /// Adds an exact rule, or replaces the one with the same normalised key.
    public mutating func addSecretKey(_ key: String, rule: KeyRule = KeyRule(.secret)) {
        exactEntries.append((Self.normalize(key), .secret(rule)))
        compiled = CompiledKeyRules(exact: exactEntries, suffixes: suffixEntries, urlParameters: urlParameterEntries)
    }

    /// Marks a key as not secret, whatever rule would match it.
    public mutating func excludeKey(_ key: String) {
        exactEntries.append((Self.normalize(key), KeyRole.none))
        compiled = CompiledKeyRules(exact: exactEntries, suffixes: suffixEntries, urlParameters: urlParameterEntries)
    }

    /// Normalises a key written in the rules (no JSON escapes).
    public static func normalize(_ key: String) -> [UInt8] {
        var normalized: [UInt8] = []
        for byte in key.utf8 where byte != ASCII.minus && byte != 0x5F && byte != ASCII.space && byte < 0x80 {
            normalized.append(ByteClass.lowercased(byte))
        }
        return normalized
    }

    /// The lookup tables, shared read-only by every redactor.
    var tables: CompiledKeyRules { compiled }

    func role(normalized key: UnsafePointer<UInt8>, count: Int) -> KeyRole {
        compiled.role(normalized: key, count: count)
    }

    func parameterRule(normalized key: UnsafePointer<UInt8>, count: Int, inURL: Bool) -> KeyRule? {
        compiled.parameterRule(normalized: key, count: count, inURL: inURL)
    }
}

/// The key rules as lookup tables. Built once per rule set and read-only
/// afterwards, so redactors on several threads share one instance.
final class CompiledKeyRules: @unchecked Sendable {
    private let exact: NormalizedKeyTable<KeyRole>
    private let urlParameters: NormalizedKeyTable<KeyRule>
    private let suffixBytes: UnsafeMutablePointer<UInt8>
    private let suffixCount: Int
    private let suffixStarts: UnsafeMutablePointer<Int>
    private let suffixLengths: UnsafeMutablePointer<Int>
    private let suffixRules: UnsafeMutablePointer<KeyRule>
    /// The last bytes of all suffixes, so that most keys are rejected with
    /// one load.
    private let isSuffixEnd: UnsafeMutablePointer<Bool>

    init(exact: [([UInt8], KeyRole)], suffixes: [([UInt8], KeyRule)], urlParameters: [([UInt8], KeyRule)]) {
        self.exact = NormalizedKeyTable(exact)
        self.urlParameters = NormalizedKeyTable(urlParameters)
        suffixCount = suffixes.count
        let total = suffixes.reduce(0) { $0 + $1.0.count }
        suffixBytes = .allocate(capacity: max(total, 1))
        suffixStarts = .allocate(capacity: max(suffixCount, 1))
        suffixLengths = .allocate(capacity: max(suffixCount, 1))
        suffixRules = .allocate(capacity: max(suffixCount, 1))
        isSuffixEnd = .allocate(capacity: 256)
        isSuffixEnd.initialize(repeating: false, count: 256)
        var offset = 0
        for (index, (suffix, rule)) in suffixes.enumerated() {
            suffix.withUnsafeBufferPointer { (suffixBytes + offset).initialize(from: $0.baseAddress!, count: suffix.count) }
            suffixStarts[index] = offset
            suffixLengths[index] = suffix.count
            (suffixRules + index).initialize(to: rule)
            if let last = suffix.last { isSuffixEnd[Int(last)] = true }
            offset += suffix.count
        }
    }

    deinit {
        exact.deallocate()
        urlParameters.deallocate()
        suffixBytes.deallocate()
        suffixStarts.deallocate()
        suffixLengths.deallocate()
        suffixRules.deallocate()
        isSuffixEnd.deallocate()
    }

    /// Classifies a normalised key.
    @inline(__always)
    func role(normalized key: UnsafePointer<UInt8>, count: Int) -> KeyRole {
        if let role = exact.lookup(key, count: count) { return role }
        if let rule = suffixRule(key, count: count) { return .secret(rule) }
        return .none
    }

    /// Classifies a parameter name in a URL, query string or form body.
    /// `inURL` selects whether the URL-only rules (`code`, `state`, …) apply.
    func parameterRule(normalized key: UnsafePointer<UInt8>, count: Int, inURL: Bool) -> KeyRule? {
        if case .secret(let rule) = role(normalized: key, count: count) { return rule }
        if inURL { return urlParameters.lookup(key, count: count) }
        return nil
    }

    private func suffixRule(_ key: UnsafePointer<UInt8>, count: Int) -> KeyRule? {
        guard count >= 4, isSuffixEnd[Int(key[count - 1])] else { return nil }
        for index in 0..<suffixCount {
            let length = suffixLengths[index]
            if length <= count && memcmp(key + count - length, suffixBytes + suffixStarts[index], length) == 0 {
                return suffixRules[index]
            }
        }
        return nil
    }
}

/// Normalises keys into a fixed buffer: lower-cased ASCII, `-` and `_`
/// removed. Keys longer than the buffer keep their last bytes, which is all
/// that suffix rules need; no exact rule is that long.
struct KeyNormalizer {
    static let capacity = 128
    let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    private(set) var count = 0

    func deallocate() { buffer.deallocate() }

    mutating func normalize(_ key: UnsafePointer<UInt8>, count length: Int) {
        count = 0
        var start = 0
        if length > Self.capacity { start = length - Self.capacity }
        for index in start..<length {
            let byte = key[index]
            // Spaces and bytes outside ASCII are dropped too, so that a key
            // mangled by a stray byte (`pass\xFFword`, `pass word`) in an
            // invalid record still matches its rule: more is redacted, not less.
            if byte == ASCII.minus || byte == 0x5F || byte == ASCII.space || byte >= 0x80 { continue }
            buffer[count] = ByteClass.lowercased(byte)
            count += 1
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
