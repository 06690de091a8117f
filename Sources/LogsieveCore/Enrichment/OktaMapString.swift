/// Okta writes some `debugData` values as a Java map's `toString()`:
/// `{reasons=Anomalous Device, Anomalous Location, level=HIGH}`. Values may
/// contain `, `, so a part without `=` continues the previous value.
enum OktaMapString {
    static func parse(_ text: String) -> [(String, String)] {
        var body = Substring(text)
        if body.first == "{" { body = body.dropFirst() }
        if body.last == "}" { body = body.dropLast() }
        var entries: [(String, String)] = []
        for part in body.split(separator: ", ", omittingEmptySubsequences: true) {
            if let equals = part.firstIndex(of: "=") {
                entries.append((String(part[..<equals]), String(part[part.index(after: equals)...])))
            } else if !entries.isEmpty {
                entries[entries.count - 1].1 += ", " + part
            }
        }
        return entries
    }

    /// JSON text held in a string value, kept with its bytes so that
    /// `EventFields` can read it.
    final class EmbeddedJSON {
        let buffer: ByteBuffer
        let fields: EventFields

        init?(_ text: String) {
            var text = text
            let buffer = ByteBuffer(capacity: text.utf8.count + 1)
            text.withUTF8 { buffer.append($0.baseAddress!, count: $0.count) }
            self.buffer = buffer
            let start = JSONLexer.skipWhitespace(buffer.base, from: 0, end: buffer.count)
            guard start < buffer.count, let end = try? JSONLexer.skipValue(buffer.base, from: start, end: buffer.count, depth: 0, maxDepth: 64)
            else { return nil }
            fields = EventFields(text: buffer.base, start: start, end: end, maxDepth: 64)
        }
    }

    static func parseJSON(_ text: String) -> EmbeddedJSON? {
        EmbeddedJSON(text)
    }

    /// Returns the members of an object as name and value pairs: string
    /// values as they are, and `"name=value": null` split at the `=`.
    static func members(of object: EventFields) -> [(String, String)] {
        var members: [(String, String)] = []
        try? JSONPathLookup.forEachMember(object.text, objectStart: object.start, end: object.end, maxDepth: object.maxDepth) {
            (key: JSONLexer.StringSpan, valueStart: Int) in
            let name = EventFields.decodeString(object.text, start: key.start - 1, end: key.end + 1) ?? ""
            if let value = EventFields.decodeString(object.text, start: valueStart, end: object.end) {
                members.append((name, value))
            } else if let equals = name.firstIndex(of: "=") {
                members.append((String(name[..<equals]), String(name[name.index(after: equals)...])))
            }
        }
        return members
    }
}
