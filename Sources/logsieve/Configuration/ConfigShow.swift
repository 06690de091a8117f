import LogsieveCore
import LogsieveKafka

/// The effective configuration (file, then environment, then command line)
/// as YAML that `config check` accepts, with secrets masked.
struct ConfigShow {
    static let mask = "********"

    let options: FilterOptions
    let file: ConfigFile?
    /// The filter options from every source, in order, for the values that
    /// `FilterOptions` keeps only in parsed form.
    let arguments: [String]
    let environment: [String: String]

    func render() -> String {
        var lines = ["# logsieve \(Versions.logsieve): effective configuration from "
                     + "\(file.map { "\($0.path), then " } ?? "")the environment, then the command line"]
        if !(environment[KeyLoading.valueVariable] ?? "").isEmpty {
            lines.append("# \(KeyLoading.valueVariable) is set: \(Self.mask)")
        }
        lines.append("pipeline: \(Self.quoted(options.pipelineText))")
        lines.append("key_file: \(Self.quoted(options.keyFile ?? environment[KeyLoading.fileVariable]))")
        lines += filterLines()
        lines += kafkaLines()
        return lines.joined(separator: "\n") + "\n"
    }

    /// Renders every filter row of `ConfigKey.all`, grouped by section in
    /// table order, with the keys that have their own handling in front.
    private func filterLines() -> [String] {
        let rows = ConfigKey.all.filter { $0.command == .filter }
        var topLevel: [String] = []
        var sections: [String] = []
        var sectionLines: [String: [String]] = ["input": ["  files: \(Self.list(options.inputs))"], "redaction": redactionSpecialLines()]
        for row in rows {
            let value = options.configValue(row.path, arguments: arguments) ?? "null"
            guard let dot = row.path.firstIndex(of: ".") else {
                topLevel.append("\(row.path): \(value)")
                continue
            }
            let section = String(row.path[..<dot])
            if !sections.contains(section) { sections.append(section) }
            sectionLines[section, default: []].append("  \(row.path[row.path.index(after: dot)...]): \(value)")
        }
        var lines = topLevel
        for section in sections {
            lines.append("\(section):")
            lines += sectionLines[section] ?? []
        }
        return lines
    }

    /// Renders the redaction keys that are not options: replacement modes, patterns and their limits.
    private func redactionSpecialLines() -> [String] {
        var lines = ["  replace:"]
        lines.append("    default: \(options.replacement.rawValue)")
        for kind in SecretKind.allCases {
            if let mode = options.replacementOverrides[kind] { lines.append("    \(kind.name): \(mode.rawValue)") }
        }
        lines.append("  pattern_match_limit: \(options.patternLimits.matchLimit)")
        lines.append("  pattern_depth_limit: \(options.patternLimits.depthLimit)")
        if options.valuePatterns.isEmpty {
            lines.append("  patterns: []")
        } else {
            lines.append("  patterns:")
            for pattern in options.valuePatterns {
                lines.append("    - name: \(Self.quoted(pattern.name))")
                lines.append("      regex: \(Self.quoted(pattern.expression))")
                lines.append("      kind: \(pattern.kind.name)")
                if let literal = pattern.literal { lines.append("      literal: \(Self.quoted(literal))") }
                if pattern.caseless { lines.append("      caseless: true") }
            }
        }
        return lines
    }

    /// Renders the Kafka settings when the file or the environment has any.
    /// A variable wins over the file, and properties are masked as `KafkaPropertyMasking` decides.
    private func kafkaLines() -> [String] {
        let rows = ConfigKey.all.filter { $0.command == .kafka }
        var lines: [String] = []
        for row in rows {
            let name = row.path.dropFirst("kafka.".count)
            let fromEnvironment = row.environment.flatMap { environment[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            guard let value = fromEnvironment ?? fileValue(of: row.option) else { continue }
            lines.append("  \(name): \(Self.quoted(value))")
        }
        var properties = KafkaProperties()
        for (name, value) in file?.kafkaProperties ?? [] { properties[name] = value }
        properties.merge(KafkaProperties.fromEnvironment(environment, prefix: KafkaOptions.Variable.propertyPrefix))
        if !properties.entries.isEmpty {
            lines.append("  properties:")
            for entry in properties.entries {
                let value = KafkaPropertyMasking.masks(entry.name) ? Self.mask : entry.value
                lines.append("    \(Self.quoted(entry.name)): \(Self.quoted(value))")
            }
        }
        return lines.isEmpty ? [] : ["kafka:"] + lines
    }

    private func fileValue(of option: String) -> String? {
        guard let file, let index = file.kafkaArguments.lastIndex(of: option), index + 1 < file.kafkaArguments.count else { return nil }
        return file.kafkaArguments[index + 1]
    }

    static func quoted(_ text: String?) -> String {
        guard let text else { return "null" }
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            case "\r": result += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    result += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }

    static func list(_ items: [String]) -> String {
        "[" + items.map { quoted($0) }.joined(separator: ", ") + "]"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
