/// Recognisers for credentials by their shape: HTTP authentication schemes,
/// JWTs and PEM private keys. Each returns where the credential is, or nil.
enum CredentialShapes {
    enum Scheme {
        case bearer, basic, digest, ssws

        var kind: SecretKind {
            switch self {
            case .bearer: .bearer
            case .basic: .basic
            case .digest: .digest
            case .ssws: .ssws
            }
        }
    }

    /// A scheme word, the spaces after it, and the credential.
    struct SchemeCredential {
        var scheme: Scheme
        var credentialStart: Int
        var credentialEnd: Int
    }

    /// Matches `Bearer <token68>`, `Basic <base64 of user:password>`,
    /// `Digest <parameters>` and Okta's `SSWS <token>` at `index`, with the
    /// scheme word in any letter case (RFC 9110 makes it case-insensitive).
    static func schemeCredential(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> SchemeCredential? {
        let scheme: Scheme
        let wordLength: Int
        if hasPrefix(text, at: index, end: end, "bearer") {
            (scheme, wordLength) = (.bearer, 6)
        } else if hasPrefix(text, at: index, end: end, "basic") {
            (scheme, wordLength) = (.basic, 5)
        } else if hasPrefix(text, at: index, end: end, "digest") {
            (scheme, wordLength) = (.digest, 6)
        } else if hasPrefix(text, at: index, end: end, "ssws") {
            (scheme, wordLength) = (.ssws, 4)
        } else {
            return nil
        }
        // The space may be percent-encoded (`Bearer%20…` in a URL or a
        // logged request line) or a form's `+`, and the credential may be
        // percent-encoded too: `%2B` and `%3D` do not end it.
        let separatorStart = index + wordLength
        var start = separatorStart
        while start < end {
            if text[start] == ASCII.space || text[start] == ASCII.tab || text[start] == UInt8(ascii: "+") {
                start += 1
            } else if isEncodedSpace(text, at: start, end: end) {
                start += 3
            } else {
                break
            }
        }
        guard start > separatorStart, start < end, text[start] != ASCII.openBracket else { return nil }
        let credentialEnd: Int
        switch scheme {
        case .bearer:
            credentialEnd = encodedToken68End(text, from: start, end: end)
            guard looksLikeToken(text, start, credentialEnd) else { return nil }
        case .ssws:
            var cursor = start
            while cursor < end && ByteClass.token[Int(text[cursor])] { cursor += 1 }
            guard cursor - start >= 20 else { return nil }
            credentialEnd = cursor
        case .basic:
            credentialEnd = encodedToken68End(text, from: start, end: end)
            guard credentialEnd - start >= 8, Base64.decodedContainsColon(text, start, credentialEnd) else { return nil }
        case .digest:
            guard let parametersEnd = digestParametersEnd(text, from: start, end: end) else { return nil }
            credentialEnd = parametersEnd
        }
        return SchemeCredential(scheme: scheme, credentialStart: start, credentialEnd: credentialEnd)
    }

    /// Returns whether `text[start..<end]` is exactly one of the scheme words that
    /// `schemeCredential` matches, in any letter case.
    static func isSchemeWord(_ text: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        switch end - start {
        case 4: hasPrefix(text, at: start, end: end, "ssws")
        case 5: hasPrefix(text, at: start, end: end, "basic")
        case 6: hasPrefix(text, at: start, end: end, "bearer") || hasPrefix(text, at: start, end: end, "digest")
        default: false
        }
    }

    /// Returns the end of a token68 credential: `[A-Za-z0-9-._~+/]+` and trailing `=`.
    static func token68End(_ text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var cursor = start
        let isToken68Byte = ByteClass.token68  // read once: each read of a lazy static runs swift_once
        while cursor < end && isToken68Byte[Int(text[cursor])] { cursor += 1 }
        while cursor < end && text[cursor] == ASCII.equals { cursor += 1 }
        return cursor
    }

    /// `%20` or `%09`: a percent-encoded space or tab.
    static func isEncodedSpace(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> Bool {
        guard end - index >= 3, text[index] == ASCII.percent else { return false }
        return (text[index + 1] == UInt8(ascii: "2") && text[index + 2] == UInt8(ascii: "0"))
            || (text[index + 1] == UInt8(ascii: "0") && text[index + 2] == UInt8(ascii: "9"))
    }

    /// `token68End` over percent-encoded text: a `%XX` that decodes to a
    /// token68 byte or `=` is part of the credential.
    static func encodedToken68End(_ text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int {
        var cursor = start
        let isToken68Byte = ByteClass.token68  // read once: each read of a lazy static runs swift_once
        while cursor < end {
            if isToken68Byte[Int(text[cursor])] || text[cursor] == ASCII.equals {
                cursor += 1
            } else if text[cursor] == ASCII.percent, end - cursor >= 3,
                      let high = ByteClass.hexValue(text[cursor + 1]), let low = ByteClass.hexValue(text[cursor + 2]),
                      isToken68Byte[Int(high << 4 | low)] || high << 4 | low == ASCII.equals {
                cursor += 3
            } else {
                break
            }
        }
        return cursor
    }

    /// Whether a word after `Bearer` is a token rather than English: at least
    /// 8 characters with a digit or a symbol, or at least 24 characters.
    private static func looksLikeToken(_ text: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        let length = end - start
        guard length >= 8 else { return false }
        if length >= 24 { return true }
        for index in start..<end {
            let byte = text[index]
            if !((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A) { return true }
        }
        return false
    }

    /// Returns the end of Digest parameters: `name=value` or `name="value"`
    /// separated by commas, at least two of them.
    private static func digestParametersEnd(_ text: UnsafePointer<UInt8>, from start: Int, end: Int) -> Int? {
        var cursor = start
        var parameters = 0
        var lastEnd = start
        while cursor < end {
            let nameStart = cursor
            while cursor < end && ByteClass.token[Int(text[cursor])] { cursor += 1 }
            guard cursor > nameStart, cursor < end, text[cursor] == ASCII.equals else { break }
            cursor += 1
            if cursor < end && text[cursor] == ASCII.quote {
                cursor += 1
                while cursor < end && text[cursor] != ASCII.quote { cursor += 1 }
                guard cursor < end else { return parameters >= 1 ? end : nil }
                cursor += 1
            } else {
                while cursor < end && ByteClass.token68[Int(text[cursor])] { cursor += 1 }
            }
            parameters += 1
            lastEnd = cursor
            while cursor < end && (text[cursor] == ASCII.comma || text[cursor] == ASCII.space) { cursor += 1 }
        }
        return parameters >= 2 ? lastEnd : nil
    }

    /// The parts of a JWT (RFC 7519) or JWE at `index`.
    struct JWTSpan {
        var end: Int
        /// The index of the dot before the signature.
        var signatureDot: Int
        var hasSignature: Bool
    }

    /// Matches a JWS (`header.claims.signature`) or a JWE (five parts) whose
    /// header decodes to a JSON object with an `alg` member. base64url of
    /// `{` followed by `"`, a space or a newline starts with `ey` or `ew`.
    static func jwt(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> JWTSpan? {
        guard index + 2 < end, text[index] == UInt8(ascii: "e"),
              text[index + 1] == UInt8(ascii: "y") || text[index + 1] == UInt8(ascii: "w") else { return nil }
        var dotCount = 0
        var firstDot = 0
        var lastDot = 0
        var previousDot = 0
        var cursor = index
        let isBase64URLByte = ByteClass.base64URL  // read once: each read of a lazy static runs swift_once
        while true {
            let partStart = cursor
            while cursor < end && isBase64URLByte[Int(text[cursor])] { cursor += 1 }
            let partLength = cursor - partStart
            if dotCount == 0 && partLength < 10 { return nil }
            if dotCount == 1 && partLength < 2 { return nil }
            guard cursor < end, text[cursor] == ASCII.dot, dotCount < 4 else { break }
            if dotCount == 0 { firstDot = cursor }
            previousDot = lastDot
            lastDot = cursor
            dotCount += 1
            cursor += 1
        }
        if (dotCount == 3 || dotCount == 5) && cursor == lastDot + 1 {
            // A full stop after the token, as at the end of a sentence.
            cursor = lastDot
            lastDot = previousDot
            dotCount -= 1
        }
        guard dotCount == 2 || dotCount == 4 else { return nil }
        guard Base64.decodedJSONHeaderHasAlg(text, index, firstDot) else { return nil }
        let signatureDot = lastDot
        return JWTSpan(end: cursor, signatureDot: signatureDot, hasSignature: cursor > signatureDot + 1)
    }

    /// Matches a PEM private key block (`-----BEGIN … PRIVATE KEY-----` to
    /// the matching END line). Without an END line the block runs to the end
    /// of the text, because a key cut short is still a key.
    static func privateKeyBlockEnd(_ text: UnsafePointer<UInt8>, at index: Int, end: Int) -> Int? {
        guard hasPrefix(text, at: index, end: end, "-----BEGIN ", caseSensitive: true) else { return nil }
        var cursor = index + 11
        let labelStart = cursor
        while cursor < end && text[cursor] != ASCII.minus && text[cursor] != ASCII.newline { cursor += 1 }
        guard contains(text, labelStart, cursor, "PRIVATE KEY") else { return nil }
        while cursor + 9 <= end {
            if hasPrefix(text, at: cursor, end: end, "-----END ", caseSensitive: true) {
                cursor += 9
                while cursor < end && text[cursor] != ASCII.minus && text[cursor] != ASCII.newline { cursor += 1 }
                while cursor < end && text[cursor] == ASCII.minus { cursor += 1 }
                return cursor
            }
            cursor += 1
        }
        return end
    }

    /// Whether `text[index...]` starts with the ASCII `prefix`, ignoring
    /// letter case unless `caseSensitive`.
    static func hasPrefix(
        _ text: UnsafePointer<UInt8>, at index: Int, end: Int, _ prefix: StaticString, caseSensitive: Bool = false
    ) -> Bool {
        let length = prefix.utf8CodeUnitCount
        guard end - index >= length else { return false }
        let expected = prefix.utf8Start
        for offset in 0..<length {
            let byte = caseSensitive ? text[index + offset] : ByteClass.lowercased(text[index + offset])
            if byte != expected[offset] { return false }
        }
        return true
    }

    private static func contains(_ text: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ needle: StaticString) -> Bool {
        var index = start
        while index < end {
            if hasPrefix(text, at: index, end: end, needle, caseSensitive: true) { return true }
            index += 1
        }
        return false
    }
}
