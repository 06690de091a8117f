import Foundation
import Testing
@testable import LogsieveCore

/// Redaction of `name=SCHEME credential` in free text, URLs and form
/// bodies. The whole credential is redacted, not only the scheme word.
@Suite struct SchemeParameterTests {
    /// Each parameter form and the credential that must not survive it.
    static let cases: [(text: String, secret: String)] = [
        ("Authorization=Bearer LONGERBEARERSECRET1234567890abc", "LONGERBEARERSECRET1234567890abc"),
        ("Proxy-Authorization=Bearer PROXYLONGSECRET1234567890abcdef", "PROXYLONGSECRET1234567890abcdef"),
        ("Authorization=Basic dXNlcjpQV1NFQ1JFVA==", "dXNlcjpQV1NFQ1JFVA"),
        ("authorization=SSWS 00AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab", "00AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab"),
        ("token=Bearer TOKBEARERSECRET1234567890abcdef", "TOKBEARERSECRET1234567890abcdef"),
        ("https://x/?authorization=Bearer PLUSSECRET1234567890abcdefgh", "PLUSSECRET1234567890abcdefgh"),
        ("https://x/?authorization=Bearer+PLUSSECRET1234567890abcdefgh&a=b", "PLUSSECRET1234567890abcdefgh"),
        ("https://x/?authorization=Bearer%20PLUSSECRET1234567890abcdefgh", "PLUSSECRET1234567890abcdefgh"),
        ("Authorization=Bearer shortletterh", "shortletterh"),
        ("Authorization=bearer\tshortletterh", "shortletterh"),
        ("form: user=a&authorization=Bearer  shortletterh&x=1", "shortletterh"),
        ("Authorization=Digest username=\"a\", response=\"abcdef0123\"", "abcdef0123"),
    ]

    private func quoted(_ text: String) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes]),
               as: UTF8.self).dropFirst().dropLast().description
    }

    @Test(arguments: cases)
    func jsonStringValue(text: String, secret: String) throws {
        let output = try redactLine(#"{"m":"# + quoted(text) + "}")
        #expect(!output.contains(secret), "\(output)")
        #expect(output.contains("=[REDACTED:"), "\(output)")
    }

    @Test(arguments: cases)
    func textInput(text: String, secret: String) throws {
        let output = try runPipeline(text + "\n", inputFormat: .text)
        #expect(!output.contains(secret), "\(output)")
        #expect(output.contains("=[REDACTED:"), "\(output)")
    }

    @Test(arguments: cases)
    func invalidInputEnvelope(text: String, secret: String) throws {
        let output = try runPipeline(#"{"m":"# + quoted(text) + "\n")
        #expect(output.contains(InvalidEnvelope.member), "\(output)")
        #expect(!output.contains(secret), "\(output)")
    }

    @Test func bearerMarkerMatchesHeaderMarker() throws {
        let token = "LONGERBEARERSECRET1234567890abc"
        let marker = "[REDACTED:bearer:\(fingerprint(token))]"
        #expect(try redactLine(#"{"m":"Authorization=Bearer \#(token)"}"#) == #"{"m":"Authorization=\#(marker)"}"#)
        #expect(try redactLine(#"{"m":"Authorization: Bearer \#(token)"}"#) == #"{"m":"Authorization: Bearer \#(marker)"}"#)
    }

    @Test func textAfterCredentialIsKept() throws {
        let output = try redactLine(#"{"m":"token=Bearer shortletterh then more words"}"#)
        #expect(output == #"{"m":"token=[REDACTED:token:\#(fingerprint("Bearer shortletterh"))] then more words"}"#)
    }

    @Test func schemeWordWithoutCredential() throws {
        let output = try redactLine(#"{"m":"/cb?authorization=Bearer&lang=en"}"#)
        #expect(output == #"{"m":"/cb?authorization=[REDACTED:authorization:\#(fingerprint("Bearer"))]&lang=en"}"#)
    }

    @Test func nonSecretNameKeepsSchemeText() throws {
        let output = try redactLine(#"{"m":"mode=Basic auth is off"}"#)
        #expect(output == #"{"m":"mode=Basic auth is off"}"#)
    }

    @Test(arguments: cases)
    func redactingTwiceChangesNothing(text: String, secret: String) throws {
        let once = try redactLine(#"{"m":"# + quoted(text) + "}")
        #expect(try redactLine(once) == once)
    }
}

/// Markers and line breaks in invalid-input envelopes. The second text
/// pass keeps markers as they are, and the text ends without the input's
/// line break.
@Suite struct InvalidEnvelopeMarkerTests {
    private func envelopeTexts(_ output: String) throws -> [String] {
        try output.split(separator: "\n").map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let fields = object[InvalidEnvelope.member] as! [String: Any]
            return fields["text"] as! String
        }
    }

    @Test func markerAtStringEndHasOneBracket() throws {
        let output = try runPipeline("{\"t\":\"token=UTF8URLSECRET1234\"\n{\"t\":\"password=PWSECRET1234\"\n")
        let texts = try envelopeTexts(output)
        #expect(texts.count == 2)
        #expect(texts.first == #"{"t":"token=[REDACTED:token:\#(fingerprint("UTF8URLSECRET1234"))]""#)
        #expect(texts.last == #"{"t":"password=[REDACTED:password]""#)
    }

    @Test func lastCutOffLineHasNoLineBreak() throws {
        let output = try runPipeline("{\"t\":\"token=UTF8URLSECRET1234\"\r\n")
        let texts = try envelopeTexts(output)
        #expect(texts == [#"{"t":"token=[REDACTED:token:\#(fingerprint("UTF8URLSECRET1234"))]""#])
        #expect(!output.contains(#"\n""#))
    }

    @Test(arguments: [
        "{\"t\":\"a\"\" token=STRAYQUOTESECRET1\"}\n",
        "{\"t\":\"token=BADUTF8SECRET1\u{FFFD}\"}}\n",
    ])
    func strayBytesKeepOneBracket(input: String) throws {
        let output = try runPipeline(input)
        #expect(output.contains(InvalidEnvelope.member), "\(output)")
        #expect(!output.contains("]]"), "\(output)")
        #expect(!output.contains("SECRET1"), "\(output)")
    }
}
