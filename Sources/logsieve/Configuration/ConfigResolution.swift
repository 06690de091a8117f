import Foundation

/// Combines the sources of the options, from weakest to strongest: the
/// configuration file, the environment, the command line.
enum ConfigResolution {
    static let pipelineVariable = "LOGSIEVE_PIPELINE"

    /// Removes `--config FILE` (or `--config=FILE`) from `arguments` and
    /// returns the file: the option's, else `LOGSIEVE_CONFIG`'s, else nil.
    static func extractConfigPath(
        _ arguments: inout [String], environment: [String: String]
    ) throws(UsageError) -> String? {
        var path: String?
        var remaining: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" {
                remaining += arguments[index...]
                break
            }
            if argument == "--config" {
                guard index + 1 < arguments.count else { throw UsageError("--config requires a value") }
                path = arguments[index + 1]
                index += 2
                continue
            }
            if argument.hasPrefix("--config=") {
                path = String(argument.dropFirst("--config=".count))
                index += 1
                continue
            }
            remaining.append(argument)
            index += 1
        }
        arguments = remaining
        if let path, path.isEmpty { throw UsageError("--config expects a file name") }
        return path ?? environment[ConfigFile.variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Loads the file at `path`, or throws every error in it.
    static func loadFile(_ path: String, environment: [String: String]) throws(UsageError) -> ConfigFile {
        let file = ConfigFile.load(path: path, environment: environment)
        guard file.errors.isEmpty else {
            var text = file.formattedErrors
            text.removeLast()
            throw UsageError("invalid configuration file:\n\(text)")
        }
        return file
    }

    /// Resolves the filter command's options from the file, the environment and `arguments`.
    static func filterOptions(_ arguments: [String], environment: [String: String],
                              fileExists: (String) -> Bool) throws(UsageError) -> FilterOptions {
        var commandLine = arguments
        let path = try extractConfigPath(&commandLine, environment: environment)
        let file = try path.map { (path: String) throws(UsageError) in try loadFile(path, environment: environment) }
        return try filterOptions(commandLine: commandLine, file: file, environment: environment, fileExists: fileExists)
    }

    /// Resolves the options with an already loaded file. SIGHUP calls this with the new file.
    static func filterOptions(commandLine: [String], file: ConfigFile?, environment: [String: String],
                              fileExists: (String) -> Bool) throws(UsageError) -> FilterOptions {
        let fromEnvironment = try environmentArguments(environment)
        var options = try FilterOptions.parse((file?.filterArguments ?? []) + fromEnvironment + commandLine,
                                              checksCombinations: false, fileExists: fileExists)
        if options.pipelineText == nil {
            options.pipelineText = environment[pipelineVariable].flatMap { $0.isEmpty ? nil : $0 } ?? file?.pipeline
        }
        if let file, options.inputs.isEmpty { options.inputs = file.inputs }
        try options.sidecar.validate(inputs: options.inputs, output: options.output)
        guard let file else { return options }
        let keyInEnvironment = [KeyLoading.fileVariable, KeyLoading.valueVariable].contains { !(environment[$0] ?? "").isEmpty }
        if options.keyFile == nil && !keyInEnvironment { options.keyFile = file.keyFile }
        options.valuePatterns = file.valuePatterns
        options.patternLimits = file.patternLimits
        options.configFile = file
        options.commandLineArguments = commandLine
        return options
    }

    /// Returns the options that the `LOGSIEVE_*` variables of the filter command set.
    static func environmentArguments(_ environment: [String: String]) throws(UsageError) -> [String] {
        var arguments: [String] = []
        var rows = ConfigKey.all.filter { $0.command == .filter && $0.environment != nil }
        rows.append(ConfigKey("redaction.replace", "--replace", environment: ReplacementVariable.name))
        for row in rows {
            guard let variable = row.environment, let value = environment[variable], !value.isEmpty else { continue }
            var pair: [String]
            if case .flag(let emittedWhen) = row.shape {
                guard let flag = ConfigBoolean.parse(value) else {
                    throw UsageError("\(variable) expects true or false, not '\(value)'")
                }
                pair = flag == emittedWhen ? [row.option] : []
            } else {
                pair = [row.option, value]
            }
            do {
                _ = try FilterOptions.parse(pair) { _ in true }
            } catch {
                throw UsageError("\(variable): \(error.message)")
            }
            arguments += pair
        }
        return arguments
    }

    /// Resolves the options of `logsieve kafka` from `commandLine` (without
    /// `--config`), the environment and the loaded `file`, whose options go
    /// in front. SIGHUP calls this with the new file. `KafkaOptions` reads
    /// the `LOGSIEVE_KAFKA_*` variables itself, and the file leaves out the
    /// keys that they set.
    static func kafkaOptions(commandLine: [String], file: ConfigFile?,
                             environment: [String: String]) throws(UsageError) -> KafkaOptions {
        var arguments = commandLine
        if let file {
            // The filter settings go through the filter's parser inside KafkaOptions.
            arguments = file.kafkaArguments + file.filterArguments + (try environmentArguments(environment)) + commandLine
        }
        var options = try KafkaOptions.parse(arguments, environment: environment) { path in
            FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        }
        if let file { applyKafkaFile(file, to: &options.filter, environment: environment) }
        return options
    }

    /// Applies the file's settings that are not options to the filter
    /// settings of `logsieve kafka`, where the command line did not set them.
    static func applyKafkaFile(_ file: ConfigFile, to filter: inout FilterOptions, environment: [String: String]) {
        if filter.pipelineText == nil {
            filter.pipelineText = environment[pipelineVariable].flatMap { $0.isEmpty ? nil : $0 } ?? file.pipeline
        }
        let keyInEnvironment = [KeyLoading.fileVariable, KeyLoading.valueVariable].contains { !(environment[$0] ?? "").isEmpty }
        if filter.keyFile == nil && !keyInEnvironment { filter.keyFile = file.keyFile }
        filter.valuePatterns = file.valuePatterns
        filter.patternLimits = file.patternLimits
    }
}
