/// Parameters whose unquoted value is an HTTP authentication scheme and its
/// credential: `Authorization=Bearer abc…`, `token=Basic dXNl…`. The space
/// after the scheme word ends an unquoted value, so without this rule only
/// the word would be redacted and the credential would stay in clear.
extension Redactor {
    /// Returns the end of the credential that follows a parameter value
    /// made of a scheme word alone (Bearer, Basic, Digest or SSWS, in any
    /// letter case) and spaces, or nil when `value` is anything else.
    ///
    /// It fails closed: the credential runs at least to the next byte that
    /// ends a parameter value, even where the scheme's own shape (a Bearer
    /// token of 8 letters, say) would not match.
    ///
    /// NOTE: the marker's fingerprint is over the credential alone only for
    /// an authorization-style name with a space or `%20` after the scheme.
    /// After other names (`token=Bearer …`) or a `+`, it is over the whole
    /// value, so it differs from the one the token gets in a header.
    static func credentialEndAfterSchemeWord(
        _ text: UnsafePointer<UInt8>, value: Range<Int>, end: Int, inURL: Bool
    ) -> Int? {
        guard value.upperBound < end,
              text[value.upperBound] == ASCII.space || text[value.upperBound] == ASCII.tab,
              CredentialShapes.isSchemeWord(text, value.lowerBound, value.upperBound) else { return nil }
        var credentialStart = value.upperBound
        while credentialStart < end && (text[credentialStart] == ASCII.space || text[credentialStart] == ASCII.tab) {
            credentialStart += 1
        }
        // A marker is a credential that was already redacted.
        guard credentialStart < end, markerLength(text, at: credentialStart, end: end) == 0 else { return nil }
        var credentialEnd = credentialStart
        while credentialEnd < end && !endsParameterValue(text[credentialEnd], inURL: inURL) { credentialEnd += 1 }
        // Digest parameters contain quotes and spaces, so their own end can
        // lie past the first byte that ends a parameter value.
        if let match = CredentialShapes.schemeCredential(text, at: value.lowerBound, end: end) {
            credentialEnd = max(credentialEnd, match.credentialEnd)
        }
        return credentialEnd > credentialStart ? credentialEnd : nil
    }
}
