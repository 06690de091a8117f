import LogsieveObservability
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Messages to stderr through the process's `Logger`. They name files,
/// options, counts and fingerprints, never event content.
enum Diagnostics {
    /// Warnings and errors only until a command applies `--log-level`, so
    /// that the filter stays quiet in a pipe.
    private static let current = Mutex(Logger(level: .warning, format: .text, component: "logsieve"))

    static var log: Logger { current.withLock { $0 } }

    static func configure(level: Logger.Level, format: Logger.Format, component: String = "logsieve") {
        current.withLock { logger in
            logger.level = level
            logger.sharedLevel?.level = level
            logger.format = format
            logger.component = component
        }
    }

    /// Makes the level shared by every copy of `log` taken from now on, so
    /// that `configure` changes it for the copies too.
    static func shareLevel() {
        current.withLock { logger in
            if logger.sharedLevel == nil { logger.sharedLevel = SharedLogLevel(logger.level) }
        }
    }

    static func warn(_ message: String, _ metadata: [(String, String)] = []) {
        log.warning(message, metadata)
    }

    static func info(_ message: String, _ metadata: [(String, String)] = []) {
        log.info(message, metadata)
    }

    static func error(_ message: String, _ metadata: [(String, String)] = []) {
        log.error(message, metadata)
    }

    /// A usage error, always in the text format: it is for the person who typed the command.
    static func usage(_ message: String) {
        write("logsieve: \(message)\nTry 'logsieve --help' for more information.\n")
    }

    /// Writes a line of a report that the user requested (`--stats`): as it
    /// is in the text format, else as an info line at any `--log-level`.
    static func report(_ line: String) {
        let logger = log
        guard logger.format != .text else {
            write("logsieve: \(line)\n")
            return
        }
        var unfiltered = logger
        unfiltered.level = .debug
        unfiltered.sharedLevel = nil
        unfiltered.info(line)
    }

    static func write(_ text: String) {
        write(text, to: 2)
    }

    static func writeStandardOutput(_ text: String) {
        write(text, to: 1)
    }

    private static func write(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
