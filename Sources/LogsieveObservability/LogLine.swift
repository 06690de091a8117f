import Foundation

/// The three line formats of `Logger`.
enum LogLine {
    static func render(level: Logger.Level, format: Logger.Format, component: String, message: String,
                       metadata: [(String, String)]) -> String {
        switch format {
        case .text:
            // Errors keep the plain `logsieve: message` form that scripts
            // and tests already match on.
            var line = level == .error ? "\(component): \(message)" : "\(component): \(textLabel(level)): \(message)"
            for (key, value) in metadata { line += " \(key)=\(logfmtValue(value))" }
            return line + "\n"
        case .logfmt:
            var line = "time=\(timestamp()) level=\(level.name) component=\(logfmtValue(component)) msg=\(logfmtValue(message))"
            for (key, value) in metadata { line += " \(key)=\(logfmtValue(value))" }
            return line + "\n"
        case .json:
            var fields = [("time", timestamp()), ("level", level.name), ("component", component), ("msg", message)]
            fields += metadata
            return "{" + fields.map { "\(JSONStringLiteral.quoted($0.0)):\(JSONStringLiteral.quoted($0.1))" }.joined(separator: ",") + "}\n"
        }
    }

    private static func textLabel(_ level: Logger.Level) -> String {
        level == .warning ? "warning" : level.name
    }

    /// RFC 3339 in UTC with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let milliseconds = now.tv_nsec / 1_000_000
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(milliseconds))
    }

    /// Formats a logfmt value: bare when it has no space, quote, `=` or control
    /// character, else quoted with `\"`, `\\`, `\n` escapes.
    static func logfmtValue(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.unicodeScalars.contains { scalar in
            scalar == " " || scalar == "\"" || scalar == "=" || scalar == "\\" || scalar.value < 0x20 || scalar.value == 0x7f
        }
        guard needsQuotes else { return value }
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// JSON string literals for the log lines and the few messages the command
/// line writes itself.
public enum JSONStringLiteral {
    /// Returns `text` as a JSON string literal, quotes included.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result += String(format: "\\u%04x", scalar.value)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
