/// A jq path: `.a.b`, `.a[0]`, `.a[]`, `."odd key"`, `.["key"]`, or `.`.
public struct JSONPath: Sendable, Equatable, CustomStringConvertible {
    public enum Component: Sendable, Equatable {
        case key([UInt8])
        case index(Int)
        /// `[]`: every element of an array or every member value of an object.
        case iterate
    }

    public var components: [Component]

    public init(components: [Component]) {
        self.components = components
    }

    public var description: String {
        guard !components.isEmpty else { return "." }
        // jq's spelling, which `parse` reads back: a leading `.` before a
        // bracket (`.[0]`), and other keys than identifiers as escaped
        // JSON strings.
        var text = ""
        for (position, component) in components.enumerated() {
            switch component {
            case .key(let key):
                let isIdentifier = !key.isEmpty && key.allSatisfy { ByteClass.isAlphanumeric($0) || $0 == 0x5F }
                    && !(key[0] >= 0x30 && key[0] <= 0x39)
                text += isIdentifier ? "." + String(decoding: key, as: UTF8.self) : "." + Self.quoted(key)
            case .index(let index):
                text += (position == 0 ? "." : "") + "[\(index)]"
            case .iterate:
                text += (position == 0 ? "." : "") + "[]"
            }
        }
        return text
    }
}

extension JSONPath {
    /// `key` as a JSON string literal, with invalid UTF-8 as U+FFFD.
    static func quoted(_ key: [UInt8]) -> String {
        let valid = Array(String(decoding: key, as: UTF8.self).utf8)
        let output = ByteBuffer(capacity: valid.count + 2)
        output.append(ASCII.quote)
        valid.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { JSONStringCoding.encode(base, count: buffer.count, into: output) }
        }
        output.append(ASCII.quote)
        return String(decoding: output.bytes, as: UTF8.self)
    }
}

/// An error in a pipeline expression or a path, with the 1-based column.
public struct ExpressionError: Error, Sendable, Equatable {
    public var message: String
    public var column: Int

    public init(_ message: String, column: Int) {
        self.message = message
        self.column = column
    }
}

/// A cursor over an expression's characters, shared by the path and
/// pipeline parsers.
struct ExpressionScanner {
    let characters: [Character]
    var position = 0

    init(_ text: String) {
        characters = Array(text)
    }

    var isAtEnd: Bool { position >= characters.count }
    var current: Character? { isAtEnd ? nil : characters[position] }
    var column: Int { position + 1 }

    mutating func skipSpaces() {
        while let character = current, character.isWhitespace { position += 1 }
    }

    mutating func consume(_ character: Character) -> Bool {
        guard current == character else { return false }
        position += 1
        return true
    }

    mutating func expect(_ character: Character, _ what: String) throws(ExpressionError) {
        skipSpaces()
        guard consume(character) else {
            throw ExpressionError("expected \(what)\(found)", column: column)
        }
    }

    var found: String {
        guard let current else { return ", found the end of the expression" }
        return ", found '\(current)'"
    }

    mutating func identifier() -> String? {
        let start = position
        while let character = current, character.isLetter || character.isNumber || character == "_" { position += 1 }
        return position > start ? String(characters[start..<position]) : nil
    }

    /// A JSON string literal starting at the current `"`.
    mutating func stringLiteral() throws(ExpressionError) -> String {
        let startColumn = column
        guard consume("\"") else { throw ExpressionError("expected a string\(found)", column: column) }
        var text = "\""
        while let character = current {
            position += 1
            text.append(character)
            if character == "\\", let escaped = current {
                position += 1
                text.append(escaped)
            } else if character == "\"" {
                let bytes = Array(text.utf8)
                guard let decoded = JSONLiteral.decodeString(bytes) else {
                    throw ExpressionError("invalid string literal", column: startColumn)
                }
                return decoded
            }
        }
        throw ExpressionError("unterminated string", column: startColumn)
    }
}

extension JSONPath {
    /// Parses a path such as `.records[]` or `.actor.alternateId`.
    public static func parse(_ text: String) throws(ExpressionError) -> JSONPath {
        var scanner = ExpressionScanner(text)
        scanner.skipSpaces()
        let path = try parse(&scanner)
        scanner.skipSpaces()
        guard scanner.isAtEnd else { throw ExpressionError("unexpected text after the path\(scanner.found)", column: scanner.column) }
        return path
    }

    static func parse(_ scanner: inout ExpressionScanner) throws(ExpressionError) -> JSONPath {
        guard scanner.current == "." else { throw ExpressionError("expected a path starting with '.'\(scanner.found)", column: scanner.column) }
        var components: [Component] = []
        while true {
            if scanner.consume(".") {
                if scanner.current == "\"" {
                    components.append(.key(Array(try scanner.stringLiteral().utf8)))
                } else if let name = scanner.identifier() {
                    components.append(.key(Array(name.utf8)))
                } else if scanner.current == "[" {
                    continue
                } else if !components.isEmpty || !(scanner.isAtEnd || scanner.current == " " || scanner.current == ")"
                            || scanner.current == "=" || scanner.current == "!" || scanner.current == "|") {
                    throw ExpressionError("expected a key after '.'\(scanner.found)", column: scanner.column)
                }
            } else if scanner.consume("[") {
                scanner.skipSpaces()
                if scanner.consume("]") {
                    components.append(.iterate)
                } else if scanner.current == "\"" {
                    components.append(.key(Array(try scanner.stringLiteral().utf8)))
                    try scanner.expect("]", "']'")
                } else {
                    let start = scanner.position
                    if scanner.current == "-" { scanner.position += 1 }
                    while let character = scanner.current, character.isASCII, character.isNumber { scanner.position += 1 }
                    guard let index = Int(String(scanner.characters[start..<scanner.position])) else {
                        throw ExpressionError("expected an index, a string or ']'\(scanner.found)", column: scanner.column)
                    }
                    components.append(.index(index))
                    try scanner.expect("]", "']'")
                }
            } else {
                return JSONPath(components: components)
            }
        }
    }
}
