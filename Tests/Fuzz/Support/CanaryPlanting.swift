import Foundation

/// Plants canaries in every string value of a JSON text, in the text shapes
/// that the end-to-end canary tests use (`CanaryPlanter.textShapes`), with
/// canaries numbered from zero, so a crash input reproduces.
struct FuzzCanaryPlanter {
    private(set) var canaries: [String] = []
    private var nextShape = 0

    /// Returns `text` with each span in `spans` (string values, quotes
    /// included, in order) replaced by a planted string.
    mutating func plant(in text: [UInt8], spans: [Range<Int>]) -> [UInt8] {
        var planted: [UInt8] = []
        var position = 0
        for span in spans {
            planted += text[position..<span.lowerBound]
            planted += jsonStringLiteral(nextPlantedText())
            position = span.upperBound
        }
        planted += text[position...]
        return planted
    }

    private mutating func makeCanary() -> String {
        let number = String(canaries.count, radix: 16)
        let canary = "cnryx" + String(repeating: "7", count: 20 - number.count) + number
        canaries.append(canary)
        return canary
    }

    private mutating func nextPlantedText() -> String {
        let shape = nextShape % 7
        nextShape += 1
        let canary = makeCanary()
        switch shape {
        case 0:
            return "Bearer \(canary)"
        case 1:
            return "GET /home HTTP/1.1\nHost: app.example\nCookie: sid=\(canary); theme=dark\nAccept: */*"
        case 2:
            return "https://app.example/cb?access_token=\(canary)&x=1"
        case 3:
            return "https://app.example/cb#id_token=\(canary)&state=\(makeCanary())"
        case 4:
            let header = #"{"alg":"HS256","typ":"JWT"}"#
            let subject = "user" + String(repeating: "x", count: canaries.count % 3)
            let claims = #"{"sub":"\#(subject)","sid":"\#(canary)","iat":1700000000}"#
            return base64URL(Array(header.utf8)) + "." + base64URL(Array(claims.utf8)) + "." + canary + "-Zq_8kLw2Pd"
        case 5:
            return #"{"password": "\#(canary)"}"#
        default:
            return "password=\(canary)&user=x"
        }
    }
}

/// Base64url without padding, as JWTs use it.
func base64URL(_ bytes: [UInt8]) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// `text` as a JSON string literal, quotes included.
func jsonStringLiteral(_ text: String) -> [UInt8] {
    var literal: [UInt8] = [UInt8(ascii: "\"")]
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\""): literal += Array(#"\""#.utf8)
        case UInt8(ascii: "\\"): literal += Array(#"\\"#.utf8)
        case 0x0A: literal += Array(#"\n"#.utf8)
        case 0x00..<0x20: literal += Array(String(format: "\\u%04x", byte).utf8)
        default: literal.append(byte)
        }
    }
    literal.append(UInt8(ascii: "\""))
    return literal
}
