import LogsieveCore
import LogsieveObservability

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
            var fields = ["\"file\":\(JSONStringLiteral.quoted(file))"]
            if let line { fields.append("\"line\":\(line)") }
            fields.append("\"path\":\(JSONStringLiteral.quoted(finding.pathText))")
            fields.append("\"kind\":\(JSONStringLiteral.quoted(finding.kind))")
            fields.append("\"fingerprint\":" + (finding.fingerprint.map { JSONStringLiteral.quoted($0) } ?? "null"))
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
        var text = "{\n  \"files\": [" + files.map(JSONStringLiteral.quoted).joined(separator: ", ") + "],\n"
        text += "  \"redactions\": \(total),\n  \"by_kind\": {"
        text += byKind.keys.sorted().map { "\n    \(JSONStringLiteral.quoted($0)): \(byKind[$0]!)" }.joined(separator: ",")
        text += byKind.isEmpty ? "},\n" : "\n  },\n"
        text += "  \"by_path\": ["
        var rows: [String] = []
        for path in byPath.keys.sorted() {
            for (kind, count) in byPath[path]!.sorted(by: { $0.key < $1.key }) {
                rows.append("\n    {\"path\": \(JSONStringLiteral.quoted(path)), \"kind\": \(JSONStringLiteral.quoted(kind)), \"count\": \(count)}")
            }
        }
        text += rows.joined(separator: ",") + (rows.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
        return text
    }
}
