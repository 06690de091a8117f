import Foundation
import LogsieveCore

#if canImport(Glibc)
import Glibc
#endif

// A closed stdout must surface as EPIPE from write(2), not kill the process.
signal(SIGPIPE, SIG_IGN)

let arguments = Array(CommandLine.arguments.dropFirst())
let reservedSubcommands = ["har", "kafka", "check", "config"]

func runLogsieve() -> Int32 {
    if arguments.first == "kafka" {
        return KafkaCommand.run(Array(arguments.dropFirst()), environment: ProcessInfo.processInfo.environment)
    }
    if arguments.contains("-h") || arguments.contains("--help") {
        Diagnostics.writeStandardOutput(HelpText.text)
        return ExitStatus.success
    }
    if arguments.first == "--version" || arguments.contains("--version") {
        Diagnostics.writeStandardOutput(Versions.report)
        return ExitStatus.success
    }
    if let first = arguments.first, reservedSubcommands.contains(first) {
        Diagnostics.usage("the '\(first)' subcommand is not available in logsieve \(Versions.logsieve)")
        return ExitStatus.usage
    }
    do {
        let options = try FilterOptions.parse(arguments) { FileManager.default.fileExists(atPath: $0) }
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
