import LogsieveCore

/// Findings of `--check` and `logsieve check`, and the `--report` summary.
///
/// A finding names a path, a kind and a fingerprint, never the value. The
/// report counts by kind and by path with indices written `[]`.
final class FindingLog {
    enum Format: String {
        case text
        case json
    }

    let format: Format
    /// Whether each finding is printed to standard output.
    let printsFindings: Bool
    private(set) var total = 0
    private var byKind: [String: Int] = [:]
    private var byPath: [String: [String: Int]] = [:]
    private var pending = ""

    init(format: Format, printsFindings: Bool) {
        self.format = format
        self.printsFindings = printsFindings
    }

    /// Records a finding in `file` (and at `line` for NDJSON input).
    func record(_ finding: RedactionFinding, file: String, line: Int?) {
        total += 1
        byKind[finding.kind, default: 0] += 1
        byPath[finding.pathPattern, default: [:]][finding.kind, default: 0] += 1
        guard printsFindings else { return }
        switch format {
        case .text:
            let place = line.map { "\(file):\($0)" } ?? file
            pending += "\(place): \(finding.pathText) \(finding.kind) \(finding.fingerprint ?? "-")\n"
        case .json:
            var fields = ["\"file\":\(JSONText.quoted(file))"]
            if let line { fields.append("\"line\":\(line)") }
            fields.append("\"path\":\(JSONText.quoted(finding.pathText))")
            fields.append("\"kind\":\(JSONText.quoted(finding.kind))")
            fields.append("\"fingerprint\":" + (finding.fingerprint.map { JSONText.quoted($0) } ?? "null"))
            pending += "{" + fields.joined(separator: ",") + "}\n"
        }
        if pending.utf8.count >= 64 * 1024 { flush() }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        Diagnostics.writeStandardOutput(pending)
        pending = ""
    }

    /// The `--report` document: counts only, never values.
    func reportJSON(files: [String]) -> String {
        var text = "{\n  \"files\": [" + files.map(JSONText.quoted).joined(separator: ", ") + "],\n"
        text += "  \"redactions\": \(total),\n  \"by_kind\": {"
        text += byKind.keys.sorted().map { "\n    \(JSONText.quoted($0)): \(byKind[$0]!)" }.joined(separator: ",")
        text += byKind.isEmpty ? "},\n" : "\n  },\n"
        text += "  \"by_path\": ["
        var rows: [String] = []
        for path in byPath.keys.sorted() {
            for (kind, count) in byPath[path]!.sorted(by: { $0.key < $1.key }) {
                rows.append("\n    {\"path\": \(JSONText.quoted(path)), \"kind\": \(JSONText.quoted(kind)), \"count\": \(count)}")
            }
        }
        text += rows.joined(separator: ",") + (rows.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
        return text
    }
}

/// JSON string literals for the few messages the command line writes itself.
enum JSONText {
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                result += "\\u00" + String(scalar.value, radix: 16).leftPadded(to: 2)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
