import Foundation
import LogsieveCore
import LogsieveIO

#if canImport(Glibc)
import Glibc
#endif

// A closed stdout must surface as EPIPE from write(2), not kill the process.
signal(SIGPIPE, SIG_IGN)

let arguments = Array(CommandLine.arguments.dropFirst())

func runLogsieve() -> Int32 {
    if arguments.first == "kafka" {
        return KafkaCommand.run(Array(arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
    }
    if arguments.contains("-h") || arguments.contains("--help") {
        switch arguments.first {
        case "har": Diagnostics.writeStandardOutput(HelpText.har)
        case "check": Diagnostics.writeStandardOutput(HelpText.check)
        case "config": Diagnostics.writeStandardOutput(HelpText.config)
        default: Diagnostics.writeStandardOutput(HelpText.text)
        }
        return ExitStatus.success
    }
    if arguments.first == "--version" || arguments.contains("--version") {
        Diagnostics.writeStandardOutput(Versions.report)
        return ExitStatus.success
    }
    if arguments.first == "config" {
        return ConfigCommand.run(Array(arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
    }
    do {
        LogsieveIO.StopSignal.install()
        if let first = arguments.first, first == "har" || first == "check" {
            let options = try CheckOptions.parse(Array(arguments.dropFirst()), subcommand: first)
            let environment = ProcessInfo.processInfo.environment
            if first == "har" {
                return try HARCommand(options: options, environment: environment).run()
            }
            return try CheckCommand(options: options, environment: environment).run()
        }
        let options = try ConfigResolution.filterOptions(arguments, environment: ProcessInfo.processInfo.environment) {
            FileManager.default.fileExists(atPath: $0)
        }
        return try FilterCommand(options: options, environment: ProcessInfo.processInfo.environment).run()
    } catch let error as UsageError {
        Diagnostics.usage(error.message)
        return ExitStatus.usage
    } catch let error as RuntimeFailure {
        Diagnostics.error(error.message)
        return ExitStatus.failure
    } catch {
        Diagnostics.error("\(error)")
        return ExitStatus.failure
    }
}

exit(runLogsieve())
