import LogsieveConfig
import LogsieveCore
import LogsieveKafka
import LogsievePatterns

/// The walk over a configuration document: each key is found in
/// `ConfigKey.all` or handled here, and its value checked with the parser
/// of the option it stands for.
struct ConfigNodeReader {
    let environment: [String: String]

    func readSection(_ node: YAMLNode, prefix: String, into file: inout ConfigFile) {
        guard case .mapping(let members) = node.value else {
            file.errors.append(ConfigError(mark: node.mark, message: "'\(prefix)' must be a mapping, not \(node.kindName)"))
            return
        }
        for (keyNode, value) in members {
            let name = keyNode.scalarText ?? ""
            let path = prefix.isEmpty ? name : "\(prefix).\(name)"
            if ConfigKey.special[path] != nil {
                file.paths.append(path)
                readSpecial(path, value, into: &file)
            } else if let row = ConfigKey.row(path) {
                file.paths.append(path)
                readRow(row, value, into: &file)
            } else if ConfigKey.sections.contains(path) {
                readSection(value, prefix: path, into: &file)
            } else {
                file.errors.append(ConfigError(mark: keyNode.mark, message: unknownKeyMessage(path)))
            }
        }
    }

    private func unknownKeyMessage(_ path: String) -> String {
        let known = ConfigKey.all.map(\.path) + ConfigKey.special.keys
        let closest = known.min { editDistance($0, path) < editDistance($1, path) }
        if let closest, editDistance(closest, path) <= 3 {
            return "unknown key '\(path)'; did you mean '\(closest)'?"
        }
        return "unknown key '\(path)'"
    }

    // MARK: Rows that stand for one option

    private func readRow(_ row: ConfigKey, _ node: YAMLNode, into file: inout ConfigFile) {
        var arguments: [String] = []
        switch row.shape {
        case .value:
            guard let text = scalar(node, row.path, into: &file) else { return }
            arguments = [row.option, text]
        case .list:
            for item in listItems(node, row.path, into: &file) {
                guard let text = scalar(item, row.path, into: &file) else { continue }
                if check([row.option, text], row, item.mark, into: &file) { arguments += [row.option, text] }
            }
            append(arguments, row, into: &file)
            return
        case .commaList:
            let texts = listItems(node, row.path, into: &file).compactMap { scalar($0, row.path, into: &file) }
            guard !texts.isEmpty else { return }
            arguments = [row.option, texts.joined(separator: ",")]
        case .flag(let emittedWhen):
            guard let value = boolean(node, row.path, into: &file) else { return }
            arguments = value == emittedWhen ? [row.option] : []
        }
        if check(arguments, row, node.mark, into: &file) { append(arguments, row, into: &file) }
    }

    /// Appends a row's options unless its environment variable, which
    /// wins over the file, is set.
    private func append(_ arguments: [String], _ row: ConfigKey, into file: inout ConfigFile) {
        if let variable = row.environment, let value = environment[variable], !value.isEmpty { return }
        switch row.command {
        case .filter: file.filterArguments += arguments
        case .kafka: file.kafkaArguments += arguments
        }
    }

    /// Checks a filter option with the command line's parser. Kafka values
    /// are strings or numbers that `KafkaOptions` checks when it runs.
    private func check(_ arguments: [String], _ row: ConfigKey, _ mark: YAMLMark, into file: inout ConfigFile) -> Bool {
        guard !arguments.isEmpty else { return true }
        switch row.command {
        case .filter:
            do {
                // The checks across options run after the sources are merged.
                _ = try FilterOptions.parse(arguments, checksCombinations: false) { _ in true }
                return true
            } catch {
                file.errors.append(ConfigError(mark: mark, message: "\(row.path): \(error.message)"))
                return false
            }
        case .kafka:
            if ["--commit-interval", "--flush-timeout", "--batch-size"].contains(row.option) {
                guard let number = Double(arguments[1]), number > 0, number <= 1_000_000 else {
                    file.errors.append(ConfigError(mark: mark, message: "\(row.path) expects a positive number, not '\(arguments[1])'"))
                    return false
                }
            }
            return true
        }
    }

    // MARK: Keys with their own handling

    private func readSpecial(_ path: String, _ node: YAMLNode, into file: inout ConfigFile) {
        switch path {
        case "pipeline":
            guard let text = scalar(node, path, into: &file) else { return }
            do {
                _ = try PipelineExpression.parse(text)
                file.pipeline = text
                file.pipelineMark = node.mark
            } catch {
                file.errors.append(ConfigError(mark: node.mark, message: "invalid pipeline at column \(error.column) of its text: \(error.message)"))
            }
        case "key_file":
            file.keyFile = scalar(node, path, into: &file)
        case "input.files":
            file.inputs = listItems(node, path, into: &file).compactMap { scalar($0, path, into: &file) }
            file.inputsMark = node.mark
        case "redaction.replace":
            readReplace(node, into: &file)
        case "redaction.patterns":
            for item in listItems(node, path, into: &file) {
                if let definition = ValuePatternReader.read(item, into: &file) { file.valuePatterns.append(definition) }
            }
        case "redaction.pattern_match_limit", "redaction.pattern_depth_limit":
            guard let text = scalar(node, path, into: &file) else { return }
            guard let limit = UInt32(text), limit >= 1 else {
                file.errors.append(ConfigError(mark: node.mark, message: "\(path) expects a whole number from 1 to \(UInt32.max), not '\(text)'"))
                return
            }
            if path.hasSuffix("match_limit") { file.patternLimits.matchLimit = limit } else { file.patternLimits.depthLimit = limit }
        case "kafka.properties":
            readKafkaProperties(node, into: &file)
        default:
            break
        }
    }

    /// `replace: mask`, or `replace: {default: fingerprint, password: mask}`.
    private func readReplace(_ node: YAMLNode, into file: inout ConfigFile) {
        let path = "redaction.replace"
        let environmentSetsDefault = !(environment[ReplacementVariable.name] ?? "").isEmpty
        if case .mapping(let members) = node.value {
            for (keyNode, valueNode) in members {
                guard let kindName = keyNode.scalarText, let modeText = scalar(valueNode, path, into: &file) else { continue }
                guard ReplacementMode(rawValue: modeText) != nil else {
                    file.errors.append(ConfigError(mark: valueNode.mark, message: "\(path).\(kindName) expects fingerprint, mask or remove, not '\(modeText)'"))
                    continue
                }
                if kindName == "default" {
                    if !environmentSetsDefault { file.filterArguments += ["--replace", modeText] }
                } else if SecretKind.named(kindName) != nil {
                    file.filterArguments += ["--replace-kind", "\(kindName)=\(modeText)"]
                } else {
                    file.errors.append(ConfigError(mark: keyNode.mark, message: "\(path): unknown secret kind '\(kindName)'; kinds: default, \(SecretKind.allNames)"))
                }
            }
            return
        }
        guard let text = scalar(node, path, into: &file) else { return }
        guard ReplacementMode(rawValue: text) != nil else {
            file.errors.append(ConfigError(mark: node.mark, message: "\(path) expects fingerprint, mask or remove, or a mapping from kind to one of them, not '\(text)'"))
            return
        }
        if !environmentSetsDefault { file.filterArguments += ["--replace", text] }
    }

    /// Properties set in the file yield to `LOGSIEVE_KAFKA_X_*` variables,
    /// and both to `-X` on the command line.
    private func readKafkaProperties(_ node: YAMLNode, into file: inout ConfigFile) {
        guard case .mapping(let members) = node.value else {
            file.errors.append(ConfigError(mark: node.mark, message: "kafka.properties must be a mapping from librdkafka property name to value, not \(node.kindName)"))
            return
        }
        let fromEnvironment = KafkaProperties.fromEnvironment(environment, prefix: KafkaOptions.Variable.propertyPrefix)
        for (keyNode, valueNode) in members {
            guard let name = keyNode.scalarText, let value = scalar(valueNode, "kafka.properties.\(name)", into: &file) else { continue }
            file.kafkaProperties.append((name, value))
            if fromEnvironment[name] == nil { file.kafkaArguments += ["-X", "\(name)=\(value)"] }
        }
    }

    // MARK: Value shapes

    /// Returns the text of a scalar. Null leaves the key unset unless
    /// `allowsNull` is false. A list or a mapping is an error.
    func scalar(_ node: YAMLNode, _ path: String, allowsNull: Bool = true, into file: inout ConfigFile) -> String? {
        if node.isNull && allowsNull { return nil }
        guard let text = node.scalarText, !node.isNull else {
            file.errors.append(ConfigError(mark: node.mark, message: "\(path) expects a value, not \(node.kindName)"))
            return nil
        }
        return text
    }

    /// Returns the items of a list. A single scalar is a list of one.
    func listItems(_ node: YAMLNode, _ path: String, into file: inout ConfigFile) -> [YAMLNode] {
        switch node.value {
        case .sequence(let items): return items
        case .scalar: return node.isNull ? [] : [node]
        case .mapping:
            file.errors.append(ConfigError(mark: node.mark, message: "\(path) expects a list, not a mapping"))
            return []
        }
    }

    func boolean(_ node: YAMLNode, _ path: String, into file: inout ConfigFile) -> Bool? {
        guard let text = node.scalarText, let value = ConfigBoolean.parse(text) else {
            file.errors.append(ConfigError(mark: node.mark, message: "\(path) expects true or false, not \(node.scalarText.map { "'\($0)'" } ?? node.kindName)"))
            return nil
        }
        return value
    }
}

/// YAML 1.1's booleans, which libyaml leaves as text.
enum ConfigBoolean {
    static func parse(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }
}

/// The variable for the default replacement mode.
enum ReplacementVariable {
    static let name = "LOGSIEVE_REPLACE"
}

/// Returns the edit distance between two keys, for "did you mean".
func editDistance(_ left: String, _ right: String) -> Int {
    let a = Array(left.utf8)
    let b = Array(right.utf8)
    var previous = Array(0...b.count)
    for i in 1...max(a.count, 1) where !a.isEmpty {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...max(b.count, 1) where !b.isEmpty {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}
