import Foundation
import LogsieveCore

/// The options of `logsieve har` and `logsieve check`.
struct CheckOptions {
    static let defaultMaxEntryBytes = 256 << 20
    static let defaultMaxBodyBytes = 64 << 20

    var inputs: [String] = []
    var output: String?
    var checkOnly = false
    var reportPath: String?
    var format = FindingLog.Format.text
    var keyFile: String?
    var saml = SAMLMode.redact
    var jwtMode = JWTMode.redact
    var maxEntryBytes = defaultMaxEntryBytes
    var maxBodyBytes = defaultMaxBodyBytes
    var maxLineBytes = FilterOptions.defaultMaxLineBytes
    var maxDepth = RedactorConfiguration.defaultMaxDepth
    var extraSecretKeys: [String] = []
    var excludedKeys: [String] = []
    /// Threads that sanitize HAR entries; the default is the number of cores.
    var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Parses the arguments after the subcommand name. `subcommand` is `har`
    /// or `check`, which take partly different options.
    static func parse(_ arguments: [String], subcommand: String) throws(UsageError) -> CheckOptions {
        var options = CheckOptions()
        options.checkOnly = subcommand == "check"
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
                options.inputs.append(argument)
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
            case "--check" where subcommand == "har":
                options.checkOnly = true
            case "-o", "--output":
                guard subcommand == "har" else { throw UsageError("logsieve check writes no output; -o is for logsieve har") }
                options.output = try value(for: name, inline: inline)
            case "--report":
                options.reportPath = try value(for: name, inline: inline)
            case "--format":
                let text = try value(for: name, inline: inline)
                guard let format = FindingLog.Format(rawValue: text) else {
                    throw UsageError("--format expects text or json, not '\(text)'")
                }
                options.format = format
            case "--key-file":
                options.keyFile = try value(for: name, inline: inline)
            case "--saml":
                let text = try value(for: name, inline: inline)
                guard let mode = SAMLMode(rawValue: text) else {
                    throw UsageError("--saml expects redact or keep-unsigned, not '\(text)'")
                }
                options.saml = mode
            case "--jwt":
                let text = try value(for: name, inline: inline)
                guard let mode = JWTMode(rawValue: text) else {
                    throw UsageError("--jwt expects redact or keep-claims, not '\(text)'")
                }
                options.jwtMode = mode
            case "--max-entry-bytes" where subcommand == "har":
                options.maxEntryBytes = try parseByteSize(try value(for: name, inline: inline), option: name)
            case "--max-body-bytes" where subcommand == "har":
                options.maxBodyBytes = try parseByteSize(try value(for: name, inline: inline), option: name)
            case "--max-line-bytes" where subcommand == "check":
                options.maxLineBytes = try parseByteSize(try value(for: name, inline: inline), option: name)
            case "--threads" where subcommand == "har":
                let text = try value(for: name, inline: inline)
                guard let threads = Int(text), threads >= 1, threads <= 256 else {
                    throw UsageError("--threads expects a number of threads from 1 to 256, not '\(text)'")
                }
                options.threads = threads
            case "--max-depth":
                let text = try value(for: name, inline: inline)
                guard let depth = Int(text), depth >= 1, depth <= RedactorConfiguration.maxAllowedDepth else {
                    throw UsageError("--max-depth expects a number of levels from 1 to \(RedactorConfiguration.maxAllowedDepth), not '\(text)'")
                }
                options.maxDepth = depth
            case "--redact-key":
                options.extraSecretKeys.append(try value(for: name, inline: inline))
            case "--keep-key":
                options.excludedKeys.append(try value(for: name, inline: inline))
            default:
                throw UsageError("unknown option '\(name)' for logsieve \(subcommand)")
            }
            index += 1
        }

        if subcommand == "har" {
            guard !options.inputs.isEmpty else { throw UsageError("logsieve har needs at least one HAR file") }
            if options.inputs.contains("-") && options.output == nil && !options.checkOnly {
                throw UsageError("a HAR read from standard input needs -o FILE or -o - for its output")
            }
            if options.output != nil && options.inputs.count > 1 {
                throw UsageError("-o takes one HAR file; without -o each FILE is written to FILE.sanitized.har")
            }
            if options.output != nil && options.checkOnly {
                throw UsageError("--check writes no output; leave out -o")
            }
        }
        return options
    }

    /// The redactor settings. Check mode always writes fingerprint markers,
    /// because the findings are read from them.
    func redactorConfiguration() -> RedactorConfiguration {
        var configuration = RedactorConfiguration()
        configuration.jwt = checkOnly ? .redact : jwtMode
        configuration.maxDepth = maxDepth
        for key in extraSecretKeys { configuration.keyRules.addSecretKey(key) }
        for key in excludedKeys { configuration.keyRules.excludeKey(key) }
        return HARSanitizer.configuration(configuration, saml: saml)
    }

    /// `capture.har` is written to `capture.sanitized.har`, other names get
    /// `.sanitized.har` appended.
    static func defaultOutputPath(for input: String) -> String {
        let stem = input.hasSuffix(".har") ? String(input.dropLast(4)) : input
        return stem + ".sanitized.har"
    }
}
