import Glibc

/// `--saml keep-unsigned`: a SAML response stays readable, but without the
/// content of its `<ds:SignatureValue>` elements it cannot be replayed.
///
/// The value is base64 of the XML (the HTTP-POST binding), percent-encoded
/// in form bodies and URLs. A value that does not decode to XML (for
/// example the DEFLATE-compressed HTTP-Redirect binding) is replaced whole,
/// as `--saml redact` does.
extension HARSanitizer {
    private static let parameterName = Array("SAMLResponse=".utf8)

    /// A `SAMLResponse` member or pair value: plain base64.
    func rewriteSAMLValue(_ text: UnsafePointer<UInt8>, _ span: JSONLexer.StringSpan) -> [UInt8]? {
        let value = Self.decodedString(text, span)
        let output = ByteBuffer(capacity: value.count)
        guard rewriteSAML(value.base, count: value.count, percentEncoded: false, into: output) else { return nil }
        return Self.escaped(output.base, count: output.count)
    }

    /// Every `SAMLResponse=` parameter in a string (a form body or a URL).
    func rewriteSAMLParameters(_ text: UnsafePointer<UInt8>, _ span: JSONLexer.StringSpan) -> [UInt8]? {
        guard Self.findBytes(Self.parameterName, in: text, from: span.start, end: span.end) != nil else { return nil }
        let content = Self.decodedString(text, span)
        let base = UnsafePointer(content.base)
        let count = content.count
        let output = ByteBuffer(capacity: count)
        var copied = 0
        var changed = false
        var search = 0
        while let found = Self.findBytes(Self.parameterName, in: base, from: search, end: count) {
            let valueStart = found + Self.parameterName.count
            search = valueStart
            if found > 0 && (ByteClass.isAlphanumeric(base[found - 1]) || base[found - 1] == 0x5F) { continue }
            var valueEnd = valueStart
            while valueEnd < count && !Self.endsParameter(base[valueEnd]) { valueEnd += 1 }
            let replacement = ByteBuffer(capacity: valueEnd - valueStart)
            let percentEncoded = Self.find(ASCII.percent, in: base, from: valueStart, end: valueEnd) != nil
            if rewriteSAML(base + valueStart, count: valueEnd - valueStart, percentEncoded: percentEncoded, into: replacement) {
                output.append(base + copied, count: valueStart - copied)
                output.append(replacement.base, count: replacement.count)
                copied = valueEnd
                changed = true
            }
            search = valueEnd
        }
        guard changed else { return nil }
        output.append(base + copied, count: count - copied)
        return Self.escaped(output.base, count: output.count)
    }

    private static func endsParameter(_ byte: UInt8) -> Bool {
        switch byte {
        case ASCII.ampersand, ASCII.quote, UInt8(ascii: "'"), UInt8(ascii: "#"), ASCII.space, ASCII.tab,
             ASCII.newline, ASCII.carriageReturn, UInt8(ascii: "<"), UInt8(ascii: ">"):
            return true
        default:
            return false
        }
    }

    /// Writes `value` without its signature values to `output`, or a `saml`
    /// marker when it is not base64 of XML. Returns false when nothing changed.
    private func rewriteSAML(_ value: UnsafePointer<UInt8>, count: Int, percentEncoded: Bool, into output: ByteBuffer) -> Bool {
        guard count > 0, !Redactor.isMarker(value, count: count) else { return false }
        let unescaped = ByteBuffer(capacity: count)
        PercentEncoding.decode(value, count: count, into: unescaped)
        let xml = ByteBuffer(capacity: count)
        guard Base64Codec.decode(unescaped.base, count: unescaped.count, into: xml),
              Self.find(UInt8(ascii: "<"), in: xml.base, from: 0, end: xml.count) != nil else {
            redactor.appendMarker(.saml, secret: value, count: count, to: output)
            return true
        }
        let unsigned = ByteBuffer(capacity: xml.count)
        guard Self.removeSignatureValues(xml.base, count: xml.count, into: unsigned) else { return false }
        redactor.countRedaction(.saml)
        let encoded = ByteBuffer(capacity: unsigned.count * 4 / 3 + 8)
        Base64Codec.encode(unsigned.base, count: unsigned.count, into: encoded)
        guard percentEncoded else {
            output.append(encoded.base, count: encoded.count)
            return true
        }
        for index in 0..<encoded.count {
            switch encoded.base[index] {
            case UInt8(ascii: "+"): output.append("%2B")
            case UInt8(ascii: "/"): output.append("%2F")
            case ASCII.equals: output.append("%3D")
            case let byte: output.append(byte)
            }
        }
        return true
    }

    /// Copies `xml` with the content of every `SignatureValue` element (any
    /// namespace prefix) removed. Returns false when there was none with content.
    static func removeSignatureValues(_ xml: UnsafePointer<UInt8>, count: Int, into output: ByteBuffer) -> Bool {
        let localName = Array("SignatureValue".utf8)
        var copied = 0
        var search = 0
        var changed = false
        while let tagStart = find(UInt8(ascii: "<"), in: xml, from: search, end: count) {
            search = tagStart + 1
            // The qualified name runs to whitespace, `>` or `/`.
            var nameEnd = tagStart + 1
            while nameEnd < count, !ByteClass.isWhitespace(xml[nameEnd]), xml[nameEnd] != UInt8(ascii: ">"),
                  xml[nameEnd] != UInt8(ascii: "/") { nameEnd += 1 }
            let name = (tagStart + 1)..<nameEnd
            guard name.count >= localName.count,
                  memcmp(xml + nameEnd - localName.count, localName, localName.count) == 0,
                  name.count == localName.count || xml[nameEnd - localName.count - 1] == ASCII.colon,
                  let openEnd = find(UInt8(ascii: ">"), in: xml, from: nameEnd, end: count),
                  xml[openEnd - 1] != UInt8(ascii: "/") else { continue }
            var closing = Array("</".utf8)
            closing += UnsafeBufferPointer(start: xml + name.lowerBound, count: name.count)
            closing.append(UInt8(ascii: ">"))
            guard let closeStart = findBytes(closing, in: xml, from: openEnd + 1, end: count) else { break }
            if closeStart > openEnd + 1 {
                output.append(xml + copied, count: openEnd + 1 - copied)
                copied = closeStart
                changed = true
            }
            search = closeStart + closing.count
        }
        guard changed else { return false }
        output.append(xml + copied, count: count - copied)
        return true
    }
}
