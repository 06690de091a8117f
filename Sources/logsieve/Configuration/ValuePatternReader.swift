import LogsieveConfig
import LogsieveCore
import LogsievePatterns

/// One entry of `redaction.patterns`: `{name, regex, kind, literal, caseless}`.
enum ValuePatternReader {
    static let fields: Set<String> = ["name", "regex", "kind", "literal", "caseless"]

    static func read(_ node: YAMLNode, into file: inout ConfigFile) -> ValuePatternDefinition? {
        let reader = ConfigNodeReader(environment: [:])
        guard case .mapping(let members) = node.value else {
            file.errors.append(ConfigError(mark: node.mark, message: "each of redaction.patterns must be a mapping with name, regex and kind, not \(node.kindName)"))
            return nil
        }

        var values: [String: YAMLNode] = [:]
        for (keyNode, value) in members {
            let name = keyNode.scalarText ?? ""
            guard fields.contains(name) else {
                file.errors.append(ConfigError(mark: keyNode.mark, message: "unknown key '\(name)' in a pattern; keys: name, regex, kind, literal, caseless"))
                continue
            }
            values[name] = value
        }

        var missing = false
        for required in ["name", "regex", "kind"] where values[required] == nil {
            file.errors.append(ConfigError(mark: node.mark, message: "a pattern needs '\(required)'"))
            missing = true
        }
        guard !missing,
              let name = reader.scalar(values["name"]!, "redaction.patterns.name", allowsNull: false, into: &file),
              let regex = reader.scalar(values["regex"]!, "redaction.patterns.regex", allowsNull: false, into: &file),
              let kindName = reader.scalar(values["kind"]!, "redaction.patterns.kind", allowsNull: false, into: &file)
        else { return nil }

        guard let kind = SecretKind.named(kindName) else {
            file.errors.append(ConfigError(mark: values["kind"]!.mark, message: "pattern '\(name)': unknown secret kind '\(kindName)'; kinds: \(SecretKind.allNames)"))
            return nil
        }

        var definition = ValuePatternDefinition(name: name, expression: regex, kind: kind)
        if let literalNode = values["literal"] {
            definition.literal = reader.scalar(literalNode, "redaction.patterns.literal", into: &file)
            if definition.literal == "" { definition.literal = nil }
        }
        if let caselessNode = values["caseless"] {
            definition.caseless = reader.boolean(caselessNode, "redaction.patterns.caseless", into: &file) ?? false
        }

        do {
            try PCRE2PatternSet.validate(definition)
        } catch {
            file.errors.append(ConfigError(mark: values["regex"]!.mark, message: "pattern '\(name)': invalid regular expression at offset \(error.offset): \(error.message)"))
            return nil
        }
        return definition
    }
}

extension SecretKind {
    /// Returns the kind whose marker name is `name`, such as `api_key`.
    static func named(_ name: String) -> SecretKind? {
        allCases.first { $0.name == name }
    }

    static var allNames: String {
        allCases.filter { $0 != .unscannable }.map(\.name).joined(separator: ", ")
    }
}
