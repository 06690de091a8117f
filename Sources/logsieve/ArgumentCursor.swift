import LogsieveCore

/// Walks command-line arguments the way every logsieve command reads them:
/// `--name value` and `--name=value`, short options with a separate value,
/// `--` ending the options, and `-` or any other word as a positional.
struct ArgumentCursor {
    enum Item {
        case positional(String)
        /// An option, with the value given after `=` if there was one.
        case option(name: String, inlineValue: String?)
    }

    private let arguments: [String]
    private var index = 0
    private var optionsEnded = false
    private var pendingInlineValue: String?

    init(_ arguments: [String]) {
        self.arguments = arguments
    }

    /// Returns the next argument, or nil after the last one.
    mutating func next() -> Item? {
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                return .positional(argument)
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                pendingInlineValue = String(argument[argument.index(after: equals)...])
                return .option(name: String(argument[..<equals]), inlineValue: pendingInlineValue)
            }
            pendingInlineValue = nil
            return .option(name: argument, inlineValue: nil)
        }
        return nil
    }

    /// Returns the value of the option just read: the text after `=`, or
    /// the next argument.
    mutating func value(for option: String) throws(UsageError) -> String {
        if let inline = pendingInlineValue {
            pendingInlineValue = nil
            return inline
        }
        guard index < arguments.count else { throw UsageError("\(option) requires a value") }
        index += 1
        return arguments[index - 1]
    }
}

/// Parsers for option values that several commands share, each with the
/// message that names the option and the values it takes.
enum OptionValue {
    static func depth(_ text: String) throws(UsageError) -> Int {
        guard let depth = Int(text), depth >= 1, depth <= RedactorConfiguration.maxAllowedDepth else {
            throw UsageError("--max-depth expects a number of levels from 1 to \(RedactorConfiguration.maxAllowedDepth), not '\(text)'")
        }
        return depth
    }

    static func threads(_ text: String) throws(UsageError) -> Int {
        guard let threads = Int(text), threads >= 1, threads <= 256 else {
            throw UsageError("--threads expects a number of threads from 1 to 256, not '\(text)'")
        }
        return threads
    }

    static func jwtMode(_ text: String) throws(UsageError) -> JWTMode {
        guard let mode = JWTMode(rawValue: text) else {
            throw UsageError("--jwt expects redact or keep-claims, not '\(text)'")
        }
        return mode
    }
}
