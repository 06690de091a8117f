import Glibc

/// An error from reading or writing, with the path and the operation.
///
/// `description` is one line meant for a person, for example
/// `cannot open input.json: No such file or directory`.
public struct IOFailure: Error, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A system call failed with this `errno` value.
        case system(errno: Int32)
        /// The reader of a pipe or socket closed it (`EPIPE`).
        case brokenPipe
        /// Compressed input is invalid or truncated. The text names the
        /// format and the byte offset in the compressed input.
        case corruptInput(String)
        /// The output path is a symbolic link and symbolic links were not allowed.
        case refusedSymlink
        /// A request that this build cannot carry out, such as an invalid
        /// compression level.
        case unsupported(String)
        /// A read was interrupted by a stop signal (see `StopSignal`).
        case interrupted(signal: Int32)
    }

    public var reason: Reason
    /// The file path, or `standard input` / `standard output`.
    public var path: String
    /// The verb for what failed: `open`, `read`, `write`, `decompress` and so on.
    public var operation: String

    public init(reason: Reason, path: String, operation: String) {
        self.reason = reason
        self.path = path
        self.operation = operation
    }

    public var description: String {
        "cannot \(operation) \(path): \(detail)"
    }

    private var detail: String {
        switch reason {
        case .system(let code):
            // glibc 2.32 and later return static strings for known codes,
            // so strerror is safe to call from several threads.
            return String(cString: strerror(code))
        case .brokenPipe:
            return "the reader closed the pipe"
        case .corruptInput(let message):
            return message
        case .refusedSymlink:
            return "the path is a symbolic link, and output to symbolic links is rejected unless allowed"
        case .unsupported(let message):
            return message
        case .interrupted(let signal):
            return "interrupted by signal \(signal)"
        }
    }
}
