/// Writing the replacement of a value that a key rule or a pair name marks
/// as secret, in decoded form (the caller escapes it).
extension Redactor {
    /// Appends the redacted form of `value` according to `rule`.
    func appendSecretValue(_ value: UnsafePointer<UInt8>, count: Int, rule: KeyRule, to output: ByteBuffer, level: Int) {
        switch rule.style {
        case .plain:
            appendPlainSecret(value, count: count, kind: rule.kind, to: output)
        case .authorization:
            appendAuthorization(value, count: count, to: output)
        case .cookie:
            appendRedactedCookies(value, count: count, to: output)
        case .setCookie:
            appendRedactedSetCookies(value, count: count, to: output)
        }
    }

    /// Appends the marker for a value that is one secret. A token-like kind
    /// is refined by shape, so that `"access_token": "eyJ…"` reads as a JWT.
    func appendPlainSecret(_ value: UnsafePointer<UInt8>, count: Int, kind: SecretKind, to output: ByteBuffer) {
        var start = 0
        var end = count
        while start < end && ByteClass.isWhitespace(value[start]) { start += 1 }
        while end > start && ByteClass.isWhitespace(value[end - 1]) { end -= 1 }
        guard start < end else {
            appendMarker(kind, secret: value, count: count, to: output)
            return
        }
        if kind.isFingerprinted {
            if let jwt = CredentialShapes.jwt(value, at: start, end: end), jwt.end == end {
                if jwtMode == .keepClaims {
                    countRedaction(.jwt)
                    output.append(value + start, count: jwt.signatureDot + 1 - start)
                } else {
                    appendMarker(.jwt, secret: value + start, count: end - start, to: output)
                }
                return
            }
            if kind == .token || kind == .apiKey || kind == .secret,
               let shape = matchTokenShape(value, at: start, end: end), shape.end == end {
                appendMarker(shape.kind, secret: value + start, count: end - start, to: output)
                return
            }
        }
        appendMarker(kind, secret: value + start, count: end - start, to: output)
    }

    /// An `Authorization` value: the scheme word stays and the credential
    /// is replaced, so `Bearer x` and a bare `x` share a fingerprint.
    func appendAuthorization(_ value: UnsafePointer<UInt8>, count: Int, to output: ByteBuffer) {
        var start = 0
        while start < count && ByteClass.isWhitespace(value[start]) { start += 1 }
        if let match = CredentialShapes.schemeCredential(value, at: start, end: count) {
            // Everything after the scheme word is replaced, even past the
            // credential's shape, because the whole value is secret.
            var end = count
            while end > match.credentialStart && ByteClass.isWhitespace(value[end - 1]) { end -= 1 }
            output.append(value + start, count: match.credentialStart - start)
            appendMarker(match.scheme.kind, secret: value + match.credentialStart,
                         count: end - match.credentialStart, to: output)
            return
        }
        // Another scheme (`AWS4-HMAC-SHA256 …`, `Token …`, `api_key …`): keep
        // a leading word followed by a space and replace the rest.
        var wordEnd = start
        while wordEnd < count && ByteClass.token[Int(value[wordEnd])] { wordEnd += 1 }
        if wordEnd > start && wordEnd < count && value[wordEnd] == ASCII.space && wordEnd - start <= 32 {
            var credentialStart = wordEnd
            while credentialStart < count && value[credentialStart] == ASCII.space { credentialStart += 1 }
            if credentialStart < count {
                if Self.isMarker(value + credentialStart, count: count - credentialStart) {
                    output.append(value, count: count)
                    return
                }
                output.append(value, count: credentialStart)
                appendPlainSecret(value + credentialStart, count: count - credentialStart, kind: .authorization, to: output)
                return
            }
        }
        appendPlainSecret(value, count: count, kind: .authorization, to: output)
    }
}
