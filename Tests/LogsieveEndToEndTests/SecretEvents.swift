import Foundation

/// Small events with known secrets, for tests that need an input whose
/// secrets they can search for afterwards.
enum SecretEvents {
    static let bearer = "e2eBearerToken0123456789abcdef"
    static let password = "e2e-password-hunter2-0123"
    static let cookie = "e2eCookieValue0123456789"
    static let apiKey = "e2eApiKeyValue9876543210"

    static let secrets = [bearer, password, cookie, apiKey]

    /// Three events, one per line, each with a secret of its own, and
    /// with `"x-api-key"` in the second.
    static let ndjson = """
        {"user":"alice-e2e","authorization":"Bearer \(bearer)"}
        {"message":"login ok","password":"\(password)","x-api-key":"\(apiKey)"}
        {"request":{"headers":[{"name":"Cookie","value":"sid=\(cookie); theme=dark"}]}}

        """

    static let lineCount = 3

    /// The bundled sample of real events that the README runs.
    static let samplePath = Binaries.packageRoot + "/pipelines/sample/events.ndjson"

    /// Known secrets in the sample: Google OAuth access tokens (`ya29.`),
    /// `x-goog-api-key` header values and Slack `xoxd-` cookies, read from
    /// the file so the test follows the sample if it changes.
    static func sampleSecrets() throws -> [String] {
        let text = try String(contentsOfFile: samplePath, encoding: .utf8)
        var secrets: Set<String> = []
        for line in text.split(separator: "\n") {
            let event = try JSONSerialization.jsonObject(with: Data(line.utf8))
            collectSecrets(in: event, into: &secrets)
        }
        return secrets.sorted()
    }

    private static func collectSecrets(in value: Any, into secrets: inout Set<String>) {
        if let object = value as? [String: Any] {
            if let name = object["name"] as? String, let headerValue = object["value"] as? String {
                if name.lowercased() == "x-goog-api-key" { secrets.insert(headerValue) }
                for prefix in ["ya29.", "xoxd-"] {
                    if let token = token(startingWith: prefix, in: headerValue) { secrets.insert(token) }
                }
            }
            for member in object.values { collectSecrets(in: member, into: &secrets) }
        } else if let array = value as? [Any] {
            for element in array { collectSecrets(in: element, into: &secrets) }
        }
    }

    /// Returns the token from `prefix` to the next space, `;` or end of
    /// `text`.
    private static func token(startingWith prefix: String, in text: String) -> String? {
        guard let start = text.range(of: prefix)?.lowerBound else { return nil }
        let rest = text[start...]
        let end = rest.firstIndex { $0 == " " || $0 == ";" } ?? rest.endIndex
        return String(rest[..<end])
    }
}
