import Glibc

/// Replacement of credentials found by shape anywhere in text.
extension Redactor {
    /// Replaces the credential after a scheme word, keeping the word:
    /// `Bearer abc…` becomes `Bearer [REDACTED:bearer:…]`.
    func replaceSchemeCredential(_ scrub: inout TextScrub, at index: Int) -> Int? {
        guard let match = CredentialShapes.schemeCredential(scrub.text, at: index, end: scrub.end) else { return nil }
        let output = scrub.beginReplacement(at: match.credentialStart)
        let credential = scrub.text + match.credentialStart
        let count = match.credentialEnd - match.credentialStart
        if memchr(credential, Int32(ASCII.percent), count) != nil {
            // The fingerprint of the decoded token, so that one token gets
            // one fingerprint whether it was logged encoded or not.
            let decoded = ByteBuffer(capacity: count)
            PercentEncoding.decode(credential, count: count, into: decoded)
            appendMarker(match.scheme.kind, secret: UnsafePointer(decoded.base), count: decoded.count, to: output)
        } else {
            appendMarker(match.scheme.kind, secret: credential, count: count, to: output)
        }
        scrub.endReplacement(at: match.credentialEnd)
        return match.credentialEnd
    }

    /// Replaces a JWT, or with `--jwt keep-claims` only its signature.
    func replaceJWT(_ scrub: inout TextScrub, at index: Int) -> Int? {
        guard let jwt = CredentialShapes.jwt(scrub.text, at: index, end: scrub.end) else { return nil }
        if jwtMode == .keepClaims {
            // An unsigned token cannot be replayed against a verifier.
            guard jwt.hasSignature else { return jwt.end }
            _ = scrub.beginReplacement(at: jwt.signatureDot + 1)
            countRedaction(.jwt)
            scrub.endReplacement(at: jwt.end)
            return jwt.end
        }
        let output = scrub.beginReplacement(at: index)
        appendMarker(.jwt, secret: scrub.text + index, count: jwt.end - index, to: output)
        scrub.endReplacement(at: jwt.end)
        return jwt.end
    }

    /// Replaces a PEM private key block.
    func replacePrivateKeyBlock(_ scrub: inout TextScrub, at index: Int) -> Int? {
        guard let end = CredentialShapes.privateKeyBlockEnd(scrub.text, at: index, end: scrub.end) else { return nil }
        let output = scrub.beginReplacement(at: index)
        appendMarker(.privateKey, secret: scrub.text + index, count: end - index, to: output)
        scrub.endReplacement(at: end)
        return end
    }

    /// Replaces the password of `scheme://user:password@host` at the `@`,
    /// and of a protocol-relative `//user:password@host`.
    func applyUserinfoRule(_ scrub: inout TextScrub, at atIndex: Int) -> Int {
        let text = scrub.text
        var start = atIndex
        let limit = max(0, atIndex - 512)
        while start > limit && Self.isUserinfoByte(text[start - 1]) { start -= 1 }
        guard start >= 2, text[start - 1] == UInt8(ascii: "/"), text[start - 2] == UInt8(ascii: "/"),
              start == 2 || text[start - 3] == ASCII.colon || !ByteClass.name[Int(text[start - 3])] else {
            return atIndex + 1
        }
        var colon = start
        while colon < atIndex && text[colon] != ASCII.colon { colon += 1 }
        let passwordStart = colon + 1
        guard colon < atIndex, passwordStart < atIndex,
              Self.markerLength(text, at: passwordStart, end: atIndex) == 0 else { return atIndex + 1 }
        let output = scrub.beginReplacement(at: passwordStart)
        appendMarker(.userinfo, secret: text + passwordStart, count: atIndex - passwordStart, to: output)
        scrub.endReplacement(at: atIndex)
        return atIndex + 1
    }

    /// RFC 3986 userinfo: unreserved, percent-encoded, sub-delims and `:`.
    private static func isUserinfoByte(_ byte: UInt8) -> Bool {
        if ByteClass.isAlphanumeric(byte) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"),
             UInt8(ascii: "!"), UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("),
             UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"),
             UInt8(ascii: "="), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }
}
