#if canImport(Glibc)
import Glibc
#endif

/// Messages to stderr. They name files, options, counts and fingerprints,
/// never event content.
enum Diagnostics {
    static func warn(_ message: String) {
        write("logsieve: warning: \(message)\n")
    }

    static func error(_ message: String, newline: Bool = true) {
        write("logsieve: \(message)\(newline ? "\n" : "")")
    }

    static func info(_ message: String) {
        write("logsieve: \(message)\n")
    }

    static func usage(_ message: String) {
        write("logsieve: \(message)\nTry 'logsieve --help' for more information.\n")
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
