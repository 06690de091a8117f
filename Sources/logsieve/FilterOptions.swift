import Foundation
import LogsieveCore

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
    var jwtMode = JWTMode.redact
    var valueDetectors = true
    var extraSecretKeys: [String] = []
    var excludedKeys: [String] = []
    var failsOnInvalid = false
    var printsStats = false
    var enrich = EnrichOptions()
    /// Threads that process records; the default is the number of cores.
    var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Parses the arguments after the program name.
    static func parse(_ arguments: [String], fileExists: (String) -> Bool) throws(UsageError) -> FilterOptions {
        var options = FilterOptions()
        var positionals: [String] = []
        var index = 0
        var optionsEnded = false

        func value(for option: String, inline: String?) throws(UsageError) -> String {
            if let inline { return inline }
            index += 1
            guard index < arguments.count else { throw UsageError("\(option) requires a value") }
            return arguments[index]
        }

        while index < arguments.count {
            let argument = arguments[index]
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                positionals.append(argument)
                index += 1
                continue
            }
            if argument == "--" {
                optionsEnded = true
                index += 1
                continue
            }
            var name = argument
            var inline: String? = nil
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            switch name {
            case "-p", "--pipeline":
                options.pipelineText = try value(for: name, inline: inline)
            case "-o", "--output":
                let path = try value(for: name, inline: inline)
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
                options.split = try value(for: name, inline: inline)
            case "--input-format":
                let text = try value(for: name, inline: inline)
                guard let format = InputFormat(rawValue: text) else {
                    throw UsageError("--input-format expects json or text, not '\(text)'")
                }
                options.inputFormat = format
            case "--max-line-bytes":
                options.maxLineBytes = try parseByteSize(try value(for: name, inline: inline), option: name)
            case "--max-depth":
                let text = try value(for: name, inline: inline)
                guard let depth = Int(text), depth >= 1, depth <= RedactorConfiguration.maxAllowedDepth else {
                    throw UsageError("--max-depth expects a number of levels from 1 to \(RedactorConfiguration.maxAllowedDepth), not '\(text)'")
                }
                options.maxDepth = depth
            case "--key-file":
                options.keyFile = try value(for: name, inline: inline)
            case "--replace":
                let text = try value(for: name, inline: inline)
                guard let mode = ReplacementMode(rawValue: text) else {
                    throw UsageError("--replace expects fingerprint, mask or remove, not '\(text)'")
                }
                options.replacement = mode
            case "--jwt":
                let text = try value(for: name, inline: inline)
                guard let mode = JWTMode(rawValue: text) else {
                    throw UsageError("--jwt expects redact or keep-claims, not '\(text)'")
                }
                options.jwtMode = mode
            case "--no-value-detectors":
                options.valueDetectors = false
            case "--redact-key":
                options.extraSecretKeys.append(try value(for: name, inline: inline))
            case "--keep-key":
                options.excludedKeys.append(try value(for: name, inline: inline))
            case "--fail-on-invalid":
                options.failsOnInvalid = true
            case "--stats":
                options.printsStats = true
            case "--threads":
                let text = try value(for: name, inline: inline)
                guard let threads = Int(text), threads >= 1, threads <= 256 else {
                    throw UsageError("--threads expects a number of threads from 1 to 256, not '\(text)'")
                }
                options.threads = threads
            default:
                let isEnrichOption = try options.enrich.parse(name) { () throws(UsageError) in try value(for: name, inline: inline) }
                guard isEnrichOption else { throw UsageError("unknown option '\(name)'") }
            }
            index += 1
        }

        // As in jq, a first argument that is not a file is the pipeline.
        if options.pipelineText == nil, let first = positionals.first, first != "-", !fileExists(first) {
            options.pipelineText = first
            options.pipelineFromArgument = true
            positionals.removeFirst()
        }
        options.inputs = positionals
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
        configuration.jwt = jwtMode
        configuration.maxDepth = maxDepth
        configuration.valueDetectors = valueDetectors
        for key in extraSecretKeys { configuration.keyRules.addSecretKey(key) }
        for key in excludedKeys { configuration.keyRules.excludeKey(key) }
        return configuration
    }
}
