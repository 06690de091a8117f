import Foundation
import LogsieveKafka

/// `logsieve config check FILE` and `logsieve config show [OPTIONS]`.
enum ConfigCommand {
    static func run(_ arguments: [String], environment: [String: String]) -> Int32 {
        guard let action = arguments.first else {
            Diagnostics.usage("config expects check FILE or show [--config FILE] [OPTIONS]")
            return ExitStatus.usage
        }
        switch action {
        case "check":
            return check(Array(arguments.dropFirst()), environment: environment)
        case "show":
            do {
                var commandLine = Array(arguments.dropFirst())
                let path = try ConfigResolution.extractConfigPath(&commandLine, environment: environment)
                let file = try path.map { (path: String) throws(UsageError) in
                    try ConfigResolution.loadFile(path, environment: environment)
                }
                let options = try ConfigResolution.filterOptions(commandLine: commandLine, file: file, environment: environment) {
                    FileManager.default.fileExists(atPath: $0)
                }
                _ = try options.pipelineExpression()
                let merged = (file?.filterArguments ?? []) + (try ConfigResolution.environmentArguments(environment)) + commandLine
                Diagnostics.writeStandardOutput(ConfigShow(options: options, file: file, arguments: merged, environment: environment).render())
                return ExitStatus.success
            } catch {
                Diagnostics.usage("config show: \(error.userMessage)")
                return ExitStatus.usage
            }
        default:
            Diagnostics.usage("config expects check or show, not '\(action)'")
            return ExitStatus.usage
        }
    }

    /// Checks one file and prints each error as `FILE:LINE:COLUMN: message`
    /// to standard error. Returns 0 when valid, 1 when not, 2 on misuse.
    private static func check(_ arguments: [String], environment: [String: String]) -> Int32 {
        guard arguments.count == 1, let path = arguments.first, !path.hasPrefix("-") || path == "-" else {
            Diagnostics.usage("config check expects one FILE")
            return ExitStatus.usage
        }
        // Environment variables do not change whether a file is valid.
        let file: ConfigFile
        if path == "-" {
            var stdinFile = ConfigFile(path: "<stdin>")
            let data = FileHandle.standardInput.readDataToEndOfFile()
            stdinFile.read(String(decoding: data, as: UTF8.self), environment: [:])
            file = stdinFile
        } else {
            file = ConfigFile.load(path: path, environment: [:])
        }
        guard file.errors.isEmpty else {
            Diagnostics.write(file.formattedErrors)
            return ExitStatus.failure
        }
        Diagnostics.writeStandardOutput("\(file.path): valid\n")
        return ExitStatus.success
    }
}

extension Error {
    /// The message of a usage error or runtime failure, else the description.
    var userMessage: String {
        if let usage = self as? UsageError { return usage.message }
        if let failure = self as? RuntimeFailure { return failure.message }
        return "\(self)"
    }
}
