/// A mistake on the command line: exit status 2, one line, and a pointer to
/// `--help`.
struct UsageError: Error {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}

/// A failure while running: exit status 1.
struct RuntimeFailure: Error {
    var message: String

    init(_ message: String) {
        self.message = message
    }
}

enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
}
