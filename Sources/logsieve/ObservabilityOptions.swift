import LogsieveObservability

/// `--metrics`, `--log-format` and `--log-level`, shared by the filter and
/// `logsieve kafka`.
struct ObservabilityOptions {
    /// `--metrics tcp://ADDRESS:PORT`: where `/metrics`, `/healthz` and `/readyz` are served.
    var metricsAddress: ListenAddress?
    var logFormat = Logger.Format.text
    /// Nil means the command's default: warn for the filter, info for kafka.
    var logLevel: Logger.Level?

    /// Parses one of these options. Returns false if `name` is not one.
    mutating func parse(_ name: String, value: () throws(UsageError) -> String) throws(UsageError) -> Bool {
        switch name {
        case "--metrics":
            let text = try value()
            do {
                metricsAddress = try ListenAddress.parse(text)
            } catch {
                throw UsageError("--metrics \(error.message)")
            }
        case "--log-format":
            let text = try value()
            guard let format = Logger.Format(rawValue: text) else {
                throw UsageError("--log-format expects text, logfmt or json, not '\(text)'")
            }
            logFormat = format
        case "--log-level":
            logLevel = try Self.level(try value())
        default:
            return false
        }
        return true
    }

    static func level(_ text: String) throws(UsageError) -> Logger.Level {
        guard let level = Logger.Level(name: text) else {
            throw UsageError("--log-level expects error, warn, info or debug, not '\(text)'")
        }
        return level
    }
}
