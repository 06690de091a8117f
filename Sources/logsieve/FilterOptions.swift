import Foundation
import LogsieveCore
import LogsievePatterns

/// The options of the filter command: `logsieve [OPTIONS] [PIPELINE] [FILE...]`.
struct FilterOptions {
    static let defaultMaxLineBytes = 32 << 20

    var pipelineText: String?
    /// Whether the pipeline was the first argument rather than `-p`.
    var pipelineFromArgument = false
    var inputs: [String] = []
    var output: String?
    var allowsOutputSymlink = false
    var noRedact = false
    var split: String?
    var inputFormat = InputFormat.json
    var maxLineBytes = defaultMaxLineBytes
    var maxDepth = RedactorConfiguration.defaultMaxDepth
    var keyFile: String?
    var replacement = ReplacementMode.fingerprint
    /// `--replace-kind KIND=MODE`, and `redaction.replace` in the file.
    var replacementOverrides: [SecretKind: ReplacementMode] = [:]
    /// `redaction.patterns` and their limits, from the configuration file.
    var valuePatterns: [ValuePatternDefinition] = []
    var patternLimits = ValuePatternLimits()
    /// The configuration file and the command line without `--config`, for SIGHUP.
    var configFile: ConfigFile?
    var commandLineArguments: [String] = []
    var jwtMode = JWTMode.redact
    var valueDetectors = true
    var extraSecretKeys: [String] = []
    var excludedKeys: [String] = []
    var failsOnInvalid = false
    var printsStats = false
    var enrich = EnrichOptions()
    var sidecar = SidecarOptions()
    var observability = ObservabilityOptions()
    /// Threads that process records; the default is the number of cores.
    var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Parses the arguments after the program name. `checksCombinations`
    /// false leaves the checks across options to the caller, which runs
    /// them once the file, the environment and the command line are merged.
    static func parse(_ arguments: [String], checksCombinations: Bool = true,
                      fileExists: (String) -> Bool) throws(UsageError) -> FilterOptions {
        var options = FilterOptions()
        var positionals: [String] = []
        var cursor = ArgumentCursor(arguments)
        while let item = cursor.next() {
            guard case .option(let name, _) = item else {
                if case .positional(let word) = item { positionals.append(word) }
                continue
            }
            func value(for option: String) throws(UsageError) -> String { try cursor.value(for: option) }
            switch name {
            case "-p", "--pipeline":
                options.pipelineText = try value(for: name)
            case "-o", "--output":
                let path = try value(for: name)
                guard !path.isEmpty else { throw UsageError("\(name) expects a file name, or - for standard output") }
                guard !path.hasSuffix(".gz") else {
                    throw UsageError("gzip output is not supported; name the output FILE.zst for zstd, or pipe to gzip")
                }
                options.output = path
            case "--force-output":
                options.allowsOutputSymlink = true
            case "--no-redact":
                options.noRedact = true
            case "--split":
                options.split = try value(for: name)
            case "--input-format":
                let text = try value(for: name)
                guard let format = InputFormat(rawValue: text) else {
                    throw UsageError("--input-format expects json or text, not '\(text)'")
                }
                options.inputFormat = format
            case "--max-line-bytes":
                options.maxLineBytes = try parseByteSize(try value(for: name), option: name)
            case "--max-depth":
                options.maxDepth = try OptionValue.depth(try value(for: name))
            case "--key-file":
                options.keyFile = try value(for: name)
            case "--replace":
                let text = try value(for: name)
                guard let mode = ReplacementMode(rawValue: text) else {
                    throw UsageError("--replace expects fingerprint, mask or remove, not '\(text)'")
                }
                options.replacement = mode
            case "--replace-kind":
                let (kind, mode) = try OptionValue.replacementOverride(try value(for: name))
                options.replacementOverrides[kind] = mode
            case "--jwt":
                options.jwtMode = try OptionValue.jwtMode(try value(for: name))
            case "--no-value-detectors":
                options.valueDetectors = false
            case "--redact-key":
                options.extraSecretKeys.append(try value(for: name))
            case "--keep-key":
                options.excludedKeys.append(try value(for: name))
            case "--fail-on-invalid":
                options.failsOnInvalid = true
            case "--stats":
                options.printsStats = true
            case "--threads":
                options.threads = try OptionValue.threads(try value(for: name))
            default:
                if try options.sidecar.parse(name, value: { () throws(UsageError) in try value(for: name) }) { continue }
                let isEnrichOption = try options.enrich.parse(name) { () throws(UsageError) in try value(for: name) }
                guard !isEnrichOption else { continue }
                let isObservabilityOption = try options.observability.parse(name) { () throws(UsageError) in
                    try value(for: name)
                }
                guard isObservabilityOption else { throw UsageError("unknown option '\(name)'") }
            }
        }

        // As in jq, a first argument that is not a file is the pipeline.
        if options.pipelineText == nil, let first = positionals.first, first != "-", !fileExists(first) {
            options.pipelineText = first
            options.pipelineFromArgument = true
            positionals.removeFirst()
        }
        options.inputs = positionals
        if checksCombinations { try options.sidecar.validate(inputs: options.inputs, output: options.output) }
        return options
    }

    /// Returns the pipeline to run, with `redact` appended unless `--no-redact`.
    func pipelineExpression() throws(UsageError) -> PipelineExpression {
        // Without a pipeline, the default is `redact | enrich` (`redact` for
        // text input), or nothing but validation and framing under --no-redact.
        var expression = PipelineExpression(stages: noRedact ? [] : inputFormat == .text ? [.redact] : [.redact, .enrich])
        if let pipelineText {
            do {
                expression = try PipelineExpression.parse(pipelineText)
            } catch {
                if pipelineFromArgument && !pipelineText.contains("(") && !pipelineText.contains("|") {
                    throw UsageError("'\(pipelineText)' is neither an existing file nor a valid pipeline (stages: \(PipelineExpression.stageSummary))")
                }
                throw UsageError("invalid pipeline at column \(error.column): \(error.message) (stages: \(PipelineExpression.stageSummary))")
            }
        }
        if noRedact {
            if expression.stages.contains(.redact) {
                throw UsageError("--no-redact contradicts the redact stage in the pipeline")
            }
            return expression
        }
        if inputFormat == .text && expression.stages != [.redact] {
            throw UsageError("--input-format text supports only the redact stage")
        }
        return expression.ensuringRedaction()
    }

    func splitPath() throws(UsageError) -> JSONPath? {
        guard let split else { return nil }
        do {
            return try JSONPath.parse(split)
        } catch {
            throw UsageError("invalid --split path at column \(error.column): \(error.message)")
        }
    }

    func redactorConfiguration() -> RedactorConfiguration {
        var configuration = RedactorConfiguration()
        configuration.replacement = replacement
        configuration.replacementOverrides = replacementOverrides
        configuration.jwt = jwtMode
        configuration.maxDepth = maxDepth
        configuration.valueDetectors = valueDetectors
        for key in extraSecretKeys { configuration.keyRules.addSecretKey(key) }
        for key in excludedKeys { configuration.keyRules.excludeKey(key) }
        return configuration
    }
}
