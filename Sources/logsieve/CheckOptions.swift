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
    /// `--force-output`: replace a symbolic link at `-o` or `--report`.
    var forceOutput = false
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
        var cursor = ArgumentCursor(arguments)
        while let item = cursor.next() {
            guard case .option(let name, _) = item else {
                if case .positional(let word) = item { options.inputs.append(word) }
                continue
            }
            func value(for option: String) throws(UsageError) -> String { try cursor.value(for: option) }
            switch name {
            case "--check" where subcommand == "har":
                options.checkOnly = true
            case "-o", "--output":
                guard subcommand == "har" else { throw UsageError("logsieve check writes no output; -o is for logsieve har") }
                options.output = try value(for: name)
            case "--report":
                options.reportPath = try value(for: name)
            case "--force-output":
                options.forceOutput = true
            case "--format":
                let text = try value(for: name)
                guard let format = FindingLog.Format(rawValue: text) else {
                    throw UsageError("--format expects text or json, not '\(text)'")
                }
                options.format = format
            case "--key-file":
                options.keyFile = try value(for: name)
            case "--saml":
                let text = try value(for: name)
                guard let mode = SAMLMode(rawValue: text) else {
                    throw UsageError("--saml expects redact or keep-unsigned, not '\(text)'")
                }
                options.saml = mode
            case "--jwt":
                options.jwtMode = try OptionValue.jwtMode(try value(for: name))
            case "--max-entry-bytes" where subcommand == "har":
                options.maxEntryBytes = try parseByteSize(try value(for: name), option: name)
            case "--max-body-bytes" where subcommand == "har":
                options.maxBodyBytes = try parseByteSize(try value(for: name), option: name)
            case "--max-line-bytes" where subcommand == "check":
                options.maxLineBytes = try parseByteSize(try value(for: name), option: name)
            case "--threads" where subcommand == "har":
                options.threads = try OptionValue.threads(try value(for: name))
            case "--max-depth":
                options.maxDepth = try OptionValue.depth(try value(for: name))
            case "--redact-key":
                options.extraSecretKeys.append(try value(for: name))
            case "--keep-key":
                options.excludedKeys.append(try value(for: name))
            default:
                throw UsageError("unknown option '\(name)' for logsieve \(subcommand)")
            }
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
