import Foundation

/// How a canary was planted. The first seven shapes are cycled through
/// every string field; the HAR shapes are added to each HAR entry.
enum CanaryShape: String, CaseIterable, Sendable {
    case bearer = "Bearer credential"
    case cookieHeaderLine = "Cookie header line in text"
    case accessTokenInQuery = "access_token in URL query"
    case idTokenInFragment = "id_token in URL fragment"
    case stateInFragment = "state in URL fragment"
    case jwt = "JWT claims and signature"
    case jsonInString = "JSON password inside a string"
    case formBody = "password in form body"
    case harAuthorizationHeader = "HAR Authorization request header"
    case harSetCookieHeader = "HAR set-cookie response header"
    case harRequestCookie = "HAR request cookie"
    case harQueryCode = "HAR queryString code"
    case harSAMLParameter = "HAR postData SAMLResponse param"
}

/// One planted canary: the secret and where it went.
struct Planting: Sendable {
    let canary: String
    /// Which input document, e.g. "line 3" or "pretty-printed value".
    let document: String
    /// The jq path of the string within the document.
    let path: String
    let shape: CanaryShape
}

/// Replaces every string value of a JSON document with a text that contains
/// a fresh canary secret, cycling through the text shapes, and records
/// each planting.
final class CanaryPlanter {
    private(set) var plantings: [Planting] = []
    /// The label recorded with each planting. Set it before planting each
    /// document.
    var document = ""
    private var nextShape = 0
    private var jwtCount = 0
    private var random = SystemRandomNumberGenerator()

    /// The shapes that fit in any string field, in cycling order. The
    /// fragment shape plants two canaries, so `stateInFragment` is not
    /// listed separately.
    static let textShapes: [CanaryShape] = [
        .bearer, .cookieHeaderLine, .accessTokenInQuery, .idTokenInFragment, .jwt, .jsonInString, .formBody,
    ]

    /// The fixed prefix of every canary. Its five bytes make the first
    /// base64 group of each alignment the same for every canary, which
    /// `CanaryScanner` uses as its search anchor.
    static let prefix = "cnryx"

    /// Returns a new canary: the prefix and 20 random hex digits.
    func makeCanary() -> String {
        let digits = (0..<20).map { _ in String(Int.random(in: 0..<16, using: &random), radix: 16) }
        return Self.prefix + digits.joined()
    }

    /// Replaces every string in `value` with a planted text and returns the
    /// result. `path` is the jq path of `value`, "" for the whole document.
    func plantInStrings(_ value: Any, path: String) -> Any {
        if let object = value as? [String: Any] {
            var planted: [String: Any] = [:]
            for key in object.keys.sorted() {
                planted[key] = plantInStrings(object[key]!, path: path + Self.pathComponent(key))
            }
            return planted
        }
        if let array = value as? [Any] {
            return array.enumerated().map { index, element in plantInStrings(element, path: "\(path)[\(index)]") }
        }
        if value is String {
            return plantedText(path: path)
        }
        return value
    }

    /// Builds a text of the next shape in the cycle, with fresh canaries.
    func plantedText(path: String) -> String {
        let shape = Self.textShapes[nextShape % Self.textShapes.count]
        nextShape += 1
        let canary = plant(path: path, shape: shape)
        switch shape {
        case .bearer:
            return "Bearer \(canary)"
        case .cookieHeaderLine:
            return "GET /home HTTP/1.1\nHost: app.example\nCookie: sid=\(canary); theme=dark\nAccept: */*"
        case .accessTokenInQuery:
            return "https://app.example/cb?access_token=\(canary)&x=1"
        case .idTokenInFragment:
            let state = plant(path: path, shape: .stateInFragment)
            return "https://app.example/cb#id_token=\(canary)&state=\(state)"
        case .jwt:
            return makeJWT(canary: canary)
        case .jsonInString:
            return #"{"password": "\#(canary)"}"#
        case .formBody:
            return "password=\(canary)&user=x"
        default:
            preconditionFailure("\(shape) is not a text shape")
        }
    }

    /// Adds one secret of each HAR shape to every entry of `har`: an
    /// Authorization request header, a set-cookie response header, a
    /// request cookie, a `code` query parameter and a SAMLResponse form
    /// parameter. Creates the arrays and `postData` where an entry lacks
    /// them.
    func plantInHAREntries(_ har: [String: Any]) -> [String: Any] {
        guard var log = har["log"] as? [String: Any], let entries = log["entries"] as? [Any] else { return har }
        var plantedEntries: [Any] = []
        for (index, element) in entries.enumerated() {
            guard var entry = element as? [String: Any] else {
                plantedEntries.append(element)
                continue
            }
            let entryPath = ".log.entries[\(index)]"
            var request = entry["request"] as? [String: Any] ?? [:]
            var response = entry["response"] as? [String: Any] ?? [:]

            append(
                to: &request, key: "headers", name: "Authorization", path: entryPath + ".request.headers",
                shape: .harAuthorizationHeader) { "Bearer \($0)" }
            append(
                to: &response, key: "headers", name: "set-cookie", path: entryPath + ".response.headers",
                shape: .harSetCookieHeader) { "sid=\($0); Path=/; HttpOnly" }
            append(
                to: &request, key: "cookies", name: "sid", path: entryPath + ".request.cookies",
                shape: .harRequestCookie) { $0 }
            append(
                to: &request, key: "queryString", name: "code", path: entryPath + ".request.queryString",
                shape: .harQueryCode) { $0 }

            var postData = request["postData"] as? [String: Any]
                ?? ["mimeType": "application/x-www-form-urlencoded"]
            append(
                to: &postData, key: "params", name: "SAMLResponse", path: entryPath + ".request.postData.params",
                shape: .harSAMLParameter) { $0 }
            request["postData"] = postData

            entry["request"] = request
            entry["response"] = response
            plantedEntries.append(entry)
        }
        log["entries"] = plantedEntries
        var planted = har
        planted["log"] = log
        return planted
    }

    private func append(
        to object: inout [String: Any], key: String, name: String, path: String, shape: CanaryShape,
        value: (String) -> String
    ) {
        var list = object[key] as? [Any] ?? []
        let canary = plant(path: "\(path)[\(list.count)].value", shape: shape)
        list.append(["name": name, "value": value(canary)])
        object[key] = list
    }

    private func plant(path: String, shape: CanaryShape) -> String {
        let canary = makeCanary()
        plantings.append(Planting(canary: canary, document: document, path: path, shape: shape))
        return canary
    }

    /// Builds an HS256 JWT with the canary in its claims and in its signature.
    /// The length of `sub` cycles, so the canary falls on each of the
    /// three base64 alignments.
    private func makeJWT(canary: String) -> String {
        let header = #"{"alg":"HS256","typ":"JWT"}"#
        let subject = "user" + String(repeating: "x", count: jwtCount % 3)
        jwtCount += 1
        let claims = #"{"sub":"\#(subject)","sid":"\#(canary)","iat":1700000000}"#
        let signature = canary + "-Zq_8kLw2Pd"
        return base64URL(Array(header.utf8)) + "." + base64URL(Array(claims.utf8)) + "." + signature
    }

    private static func pathComponent(_ key: String) -> String {
        let isIdentifier = !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            && !key.first!.isNumber
        return isIdentifier ? ".\(key)" : ".\"\(key)\""
    }
}

/// Base64url without padding, as JWTs use it.
func base64URL(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}
