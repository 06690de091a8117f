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
        lines.append("threads: \(options.threads)")
        lines.append("fail_on_invalid: \(options.failsOnInvalid)")
        lines.append("stats: \(options.printsStats)")
        lines.append("input:")
        lines.append("  files: \(Self.list(options.inputs))")
        lines.append("  format: \(options.inputFormat.rawValue)")
        lines.append("  split: \(Self.quoted(options.split))")
        lines.append("output:")
        lines.append("  path: \(Self.quoted(options.output))")
        lines.append("  force: \(options.allowsOutputSymlink)")
        lines += redactionLines()
        lines += enrichmentLines()
        lines += kafkaLines()
        return lines.joined(separator: "\n") + "\n"
    }

    private func redactionLines() -> [String] {
        var lines = ["redaction:"]
        lines.append("  redact_keys: \(Self.list(options.extraSecretKeys))")
        lines.append("  keep_keys: \(Self.list(options.excludedKeys))")
        lines.append("  value_detectors: \(options.valueDetectors)")
        lines.append("  replace:")
        lines.append("    default: \(options.replacement.rawValue)")
        for kind in SecretKind.allCases {
            if let mode = options.replacementOverrides[kind] { lines.append("    \(kind.name): \(mode.rawValue)") }
        }
        lines.append("  jwt: \(options.jwtMode.rawValue)")
        lines.append("  max_depth: \(options.maxDepth)")
        lines.append("  max_line_bytes: \(options.maxLineBytes)")
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

    private func enrichmentLines() -> [String] {
        let enrich = options.enrich
        let configuration = enrich.configuration
        return [
            "enrichment:",
            "  event_root: \(Self.quoted(enrich.eventRootText))",
            "  geoip_db: \(Self.list(enrich.geoIPDatabases))",
            "  state_dir: \(Self.quoted(enrich.stateDirectory))",
            "  state_interval: \(Self.number(enrich.stateInterval))",
            "  trusted_cidrs: \(Self.list(values(of: "--trusted-cidr")))",
            "  trusted_asns: [\(configuration.trustedASNumbers.sorted().map(String.init).joined(separator: ", "))]",
            "  max_travel_speed: \(Self.number(configuration.maxTravelSpeed))",
            "  min_travel_distance: \(Self.number(configuration.minTravelDistance))",
            "  sensitive_action_window: \(Self.number(configuration.sensitiveActionWindow))",
            "  mfa_reset_window: \(Self.number(configuration.mfaResetWindow))",
            "  late_tolerance: \(Self.number(configuration.lateTolerance))",
            "  session_ttl: \(Self.number(configuration.sessionTTL))",
            "  user_ttl: \(Self.number(configuration.userTTL))",
            "  max_sessions: \(configuration.maxSessions)",
            "  max_users: \(configuration.maxUsers)",
        ]
    }

    /// Renders the Kafka settings when the file or the environment has any.
    /// A variable wins over the file, and properties are masked by name.
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
                let value = Self.isSecretProperty(entry.name) ? Self.mask : entry.value
                lines.append("    \(Self.quoted(entry.name)): \(Self.quoted(value))")
            }
        }
        return lines.isEmpty ? [] : ["kafka:"] + lines
    }

    /// Returns whether a librdkafka property may contain a secret: a password,
    /// a secret, key material or a token. Paths to key files are masked too.
    static func isSecretProperty(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return ["password", "secret", "key", "token", "credential", "jaas", "pem"].contains { lowered.contains($0) }
    }

    private func fileValue(of option: String) -> String? {
        guard let file, let index = file.kafkaArguments.lastIndex(of: option), index + 1 < file.kafkaArguments.count else { return nil }
        return file.kafkaArguments[index + 1]
    }

    /// Returns every value given to `option`, from all sources, in order.
    private func values(of option: String) -> [String] {
        var cursor = ArgumentCursor(arguments)
        var values: [String] = []
        while let item = cursor.next() {
            guard case .option(let name, _) = item else { continue }
            if name == option, let value = try? cursor.value(for: name) { values.append(value) }
        }
        return values
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
