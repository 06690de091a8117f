/// A JSON path step: a member key or an array index.
public typealias JSONPathComponent = JSONPath.Component

/// One value that the redactor changed: where it is, and what was found there.
public struct RedactionFinding: Sendable, Equatable {
    /// The path of the value. A key that was itself redacted appears in its
    /// redacted form, so a path never shows a secret.
    public var path: [JSONPathComponent]
    /// The kind name from the marker, such as `bearer` or `unscannable`.
    public var kind: String
    /// The 12 hex digits of the marker, or nil for kinds without one.
    public var fingerprint: String?

    public init(path: [JSONPathComponent], kind: String, fingerprint: String?) {
        self.path = path
        self.kind = kind
        self.fingerprint = fingerprint
    }

    /// The path in jq syntax: `.log.entries[3].request.headers[1].value`.
    public var pathText: String { Self.format(path, indices: true) }

    /// The path with every index written `[]`, for counting by place.
    public var pathPattern: String { Self.format(path, indices: false) }

    static func format(_ path: [JSONPathComponent], indices: Bool) -> String {
        guard !path.isEmpty else { return "." }
        var text = ""
        for component in path {
            switch component {
            case .key(let key):
                let isIdentifier = !key.isEmpty && !(key[0] >= 0x30 && key[0] <= 0x39)
                    && key.allSatisfy { ByteClass.isAlphanumeric($0) || $0 == 0x5F }
                if isIdentifier {
                    text += "." + String(decoding: key, as: UTF8.self)
                } else {
                    let buffer = ByteBuffer(capacity: key.count + 8)
                    key.withUnsafeBufferPointer { bytes in
                        JSONStringCoding.encode(bytes.baseAddress ?? UnsafePointer(buffer.base), count: bytes.count, into: buffer)
                    }
                    text += ".\"" + String(decoding: buffer.toArray(), as: UTF8.self) + "\""
                }
            case .index(let index):
                text += indices ? "[\(index)]" : "[]"
            case .iterate:
                text += "[]"
            }
        }
        return text
    }
}
