/// A position in a configuration file, 1-based, as editors show it.
public struct YAMLMark: Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// One node of a YAML (or JSON) document, with the position where it starts.
public struct YAMLNode: Sendable {
    public enum Value: Sendable {
        /// A scalar's text. `isPlain` is false for quoted and block scalars,
        /// whose text is never read as null, a boolean or a number.
        case scalar(String, isPlain: Bool)
        case sequence([YAMLNode])
        /// Members in document order. Duplicate keys are rejected by the reader.
        case mapping([(key: YAMLNode, value: YAMLNode)])
    }

    public var value: Value
    public var mark: YAMLMark

    public init(_ value: Value, mark: YAMLMark) {
        self.value = value
        self.mark = mark
    }

    /// The scalar's text, or nil for a sequence or a mapping.
    public var scalarText: String? {
        if case .scalar(let text, _) = value { return text }
        return nil
    }

    /// Whether the node is YAML's null: an empty plain scalar, `~` or `null`.
    public var isNull: Bool {
        guard case .scalar(let text, let isPlain) = value, isPlain else { return false }
        return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    /// The kind of node, for error messages.
    public var kindName: String {
        switch value {
        case .scalar: isNull ? "null" : "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }
}

/// A syntax error in a configuration file, with where libyaml found it.
public struct YAMLSyntaxError: Error, Sendable {
    public var message: String
    public var mark: YAMLMark
}
